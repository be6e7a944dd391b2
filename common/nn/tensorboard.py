"""TensorBoard logging: spectrogram images, audio, figures, text and hyper-parameters.

TensorBoard event files are written with ``tf.summary``, the writer Keras' own ``TensorBoard``
callback uses on every backend; TensorFlow is imported here for logging only, never for models.

TensorFlow prints CUDA probing errors and oneDNN notices from C++ before any logging setting
applies. They are harmless on a CPU but read like failures in a workshop, so the import runs
under :func:`quiet_stderr`.

Taught in Part 0 (notebook 03) and used by every script.
"""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import keras
import numpy as np

from common.audio.io import DEFAULT_SAMPLE_RATE
from common.viz.figures import figure_to_rgb
from common.viz.plots import prediction_grid

__all__ = [
    "quiet_stderr",
    "tensorflow",
    "SpectrogramImages",
    "log_audio",
    "AudioExamples",
    "log_figure",
    "log_hparams",
    "log_text",
]


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Point file descriptor 2 at the null device for the block.

    Python exceptions are unaffected: they propagate and are printed after the block.
    """
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


@functools.cache
def tensorflow():
    """TensorFlow, imported without its C++ start-up chatter.

    Every backend needs it here: Keras writes TensorBoard files with ``tf.summary`` and seeds it
    in ``set_random_seed``. On a machine without a GPU its import prints CUDA probing errors and
    oneDNN notices straight to the stderr file descriptor, before any logging setting applies;
    they are harmless but alarming, so the import, device discovery and a first audio summary
    (which prints a one-time oneDNN notice) run with that descriptor pointed at the null
    device. Python exceptions still surface as usual.

    When Keras runs on JAX or PyTorch, TensorFlow only writes log files, so it is kept off the
    GPUs: by default it would reserve all their memory and starve the framework that trains.
    """
    with quiet_stderr():
        import tensorflow as tf

        if keras.backend.backend() != "tensorflow":
            with contextlib.suppress(RuntimeError):  # devices already set up elsewhere
                tf.config.set_visible_devices([], "GPU")
        tf.config.list_physical_devices()
        # The first audio summary prints a one-time oneDNN notice about string tensors: write
        # one into a throwaway folder here.
        with tempfile.TemporaryDirectory() as folder:
            with tf.summary.create_file_writer(folder).as_default():
                tf.summary.audio("warm-up", tf.zeros((1, 4, 1)), 22050, step=0)
    return tf


def _summary():
    return tensorflow().summary


class SpectrogramImages(keras.callbacks.Callback):
    """Show what the model hears and what it answers, in TensorBoard's Images tab.

    At the start of training, and every ``every`` epochs, logs a grid of the example
    spectrograms titled with the true class and the model's current prediction.

    Parameters
    ----------
    log_dir
        Run folder; images go to its ``images`` sub-run.
    inputs
        A batch of model inputs for the examples.
    spectrograms
        What to draw for each example: time-first features ``(n_frames, n_bins)``.
    labels
        True class index of each example.
    class_names
        Name of each class.
    """

    def __init__(
        self,
        log_dir,
        inputs,
        spectrograms: Sequence[np.ndarray],
        labels: Sequence[int],
        class_names: Sequence[str],
        every: int = 5,
        kind: str = "mel",
        sample_rate: int = DEFAULT_SAMPLE_RATE,
        hop_length: int = 512,
    ):
        super().__init__()
        self.log_dir = Path(log_dir) / "images"
        self.inputs = inputs
        self.spectrograms = list(spectrograms)
        self.labels = list(labels)
        self.class_names = list(class_names)
        self.every = every
        self.kind, self.sample_rate, self.hop_length = kind, sample_rate, hop_length
        self._writer = None

    def _log(self, step: int, probabilities: np.ndarray | None) -> None:
        titles = []
        for i, label in enumerate(self.labels):
            title = f"true: {self.class_names[label]}"
            if probabilities is not None:
                guess = int(np.argmax(probabilities[i]))
                mark = "ok" if guess == label else "WRONG"
                title += f"\npred: {self.class_names[guess]} ({probabilities[i, guess]:.2f}) {mark}"
            titles.append(title)
        figure = prediction_grid(
            self.spectrograms, titles, self.sample_rate, self.hop_length, self.kind
        )
        image = figure_to_rgb(figure, dpi=80)
        summary = _summary()
        if self._writer is None:
            self._writer = summary.create_file_writer(str(self.log_dir))
        with self._writer.as_default():
            summary.image("examples: true vs predicted", image[None], step=step)
        self._writer.flush()

    def on_train_begin(self, logs=None):
        self._log(0, None)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0 or epoch + 1 == self.params.get("epochs"):
            self._log(epoch + 1, np.asarray(self.model.predict(self.inputs, verbose=0)))


def log_audio(
    log_dir: str | Path,
    clips: Sequence[np.ndarray],
    names: Sequence[str],
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    seconds: float = 5.0,
    step: int = 0,
) -> None:
    """Put clips (their first ``seconds``) in TensorBoard's Audio tab (sub-run ``audio``)."""
    summary = _summary()
    writer = summary.create_file_writer(str(Path(log_dir) / "audio"))
    n = int(seconds * sample_rate)
    with writer.as_default():
        for clip, name in zip(clips, names, strict=True):
            summary.audio(
                name, np.asarray(clip[:n], dtype=np.float32)[None, :, None], sample_rate, step=step
            )
    writer.flush()


class AudioExamples(keras.callbacks.Callback):
    """Put example clips in TensorBoard's Audio tab (once, at the start of training)."""

    def __init__(
        self,
        log_dir,
        clips: Sequence[np.ndarray],
        names: Sequence[str],
        sample_rate: int = DEFAULT_SAMPLE_RATE,
        seconds: float = 5.0,
    ):
        super().__init__()
        self.log_dir, self.clips, self.names = log_dir, list(clips), list(names)
        self.sample_rate, self.seconds = sample_rate, seconds

    def on_train_begin(self, logs=None):
        log_audio(self.log_dir, self.clips, self.names, self.sample_rate, self.seconds)


def log_figure(log_dir: str | Path, name: str, figure, step: int = 0) -> None:
    """Write a Matplotlib figure to TensorBoard's Images tab (sub-run ``images``)."""
    summary = _summary()
    writer = summary.create_file_writer(str(Path(log_dir) / "images"))
    with writer.as_default():
        summary.image(name, figure_to_rgb(figure, dpi=90)[None], step=step)
    writer.flush()


def log_hparams(log_dir: str | Path, hyperparameters: dict, metrics: dict[str, float]) -> None:
    """Record a run's settings and final scores for TensorBoard's HParams tab, where runs are
    compared side by side (sub-run ``hparams``)."""
    summary = _summary()  # imports TensorFlow quietly, before the plugin does
    from tensorboard.plugins.hparams import api as hp

    writer = summary.create_file_writer(str(Path(log_dir) / "hparams"))
    with writer.as_default():
        hp.hparams(
            {
                k: v if isinstance(v, int | float | str | bool) else str(v)
                for k, v in hyperparameters.items()
            }
        )
        for name, value in metrics.items():
            summary.scalar(name, float(value), step=0)
    writer.flush()


def log_text(log_dir: str | Path, name: str, markdown: str, step: int = 0) -> None:
    """Write a Markdown note (settings, results) to TensorBoard's Text tab."""
    summary = _summary()
    writer = summary.create_file_writer(str(Path(log_dir) / "notes"))
    with writer.as_default():
        summary.text(name, markdown, step=step)
    writer.flush()
