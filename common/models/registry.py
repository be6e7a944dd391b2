"""Every model builder of the course, found automatically, each with one typical configuration.

:func:`builders` finds every public function of the ``common.models`` modules that returns a
``keras.Model``; :data:`EXAMPLES` gives each one (or several, for a builder with variants) the
configuration and input size a script of the course uses at the workshop size. The
cross-backend test and ``python -m common.course.bench speed`` go through :data:`EXAMPLES`, so a
new builder is tested and timed on three backends as soon as it has an example, and the test
fails, naming it, until it has one.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

import keras
import numpy as np

from common.audio.io import DEFAULT_SAMPLE_RATE
from common.models import classifiers, salience, spectrogram, temporal, waveform

__all__ = ["Example", "EXAMPLES", "builders", "example_batch"]


@dataclass(frozen=True)
class Example:
    """One configuration of one builder: what it is called with, and the shape of one input.

    ``input_shape`` has no batch axis; its time axis is the crop length of the script that
    trains the model (the models themselves often accept any length).
    """

    builder: Callable[..., keras.Model]
    input_shape: tuple[int, ...]
    kwargs: dict
    batch_size: int = 8

    def build(self) -> keras.Model:
        return self.builder(**self.kwargs)


def _features(n: int = 64, dim: int = 80) -> np.ndarray:
    return np.random.default_rng(0).standard_normal((n, dim)).astype("float32")


_SPECTROGRAM_CROP = int(3.0 * DEFAULT_SAMPLE_RATE / 512) + 1  # 130 frames: 3 s of log-mel
_ONSET_CROP = 300  # 3 s at 100 frames per second
_BEAT_CROP = 800  # 8 s at 100 frames per second

#: Examples by name: ``builder`` or ``builder[variant]``.
EXAMPLES: dict[str, Example] = {
    "mlp_classifier": Example(
        classifiers.mlp_classifier, (80,), {"n_classes": 8, "training_features": _features()}
    ),
    "logmel_cnn": Example(
        classifiers.logmel_cnn, (3 * DEFAULT_SAMPLE_RATE,), {"n_classes": 8, "clip_samples": 66150}
    ),
    "spectrogram_cnn": Example(
        spectrogram.spectrogram_cnn,
        (_SPECTROGRAM_CROP, 64, 1),
        {"input_shape": (_SPECTROGRAM_CROP, 64, 1), "n_outputs": 8},
    ),
    "spectrogram_cnn[musical]": Example(
        spectrogram.spectrogram_cnn,
        (_SPECTROGRAM_CROP, 64, 1),
        {"input_shape": (_SPECTROGRAM_CROP, 64, 1), "n_outputs": 8, "filter_shape": "musical"},
    ),
    "frame_tagger": Example(
        spectrogram.frame_tagger, (_SPECTROGRAM_CROP, 64, 1), {"input_shape": (None, 64, 1)}
    ),
    "sample_cnn": Example(waveform.sample_cnn, (3**10,), {"n_samples": 3**10, "n_outputs": 8}),
    **{
        f"frontend_classifier[{frontend}]": Example(
            waveform.frontend_classifier,
            (3**10,),
            {"frontend": frontend, "n_samples": 3**10, "n_outputs": 8},
        )
        for frontend in ("logmel", "sincnet", "stft")
    },
    "deep_salience": Example(salience.deep_salience, (86, 72, 6), {}),
    "onset_rnn": Example(temporal.onset_rnn, (_ONSET_CROP, 80, 3), {}),
    "onset_rnn[causal]": Example(
        temporal.onset_rnn, (_ONSET_CROP, 80, 3), {"units": 48, "bidirectional": False}
    ),
    "onset_cnn": Example(temporal.onset_cnn, (_ONSET_CROP, 80, 3), {}),
    "beat_tcn": Example(temporal.beat_tcn, (_BEAT_CROP, 80, 3), {}),
}


def builders() -> dict[str, Callable[..., keras.Model]]:
    """Every public function of a ``common.models`` module annotated to return a ``keras.Model``,
    by name, except the accessors that take a model (``embedding_model(model)``)."""
    import common.models

    found = {}
    for info in pkgutil.iter_modules(common.models.__path__, "common.models."):
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", ()):
            function = getattr(module, name)
            if not inspect.isfunction(function):
                continue
            signature = inspect.signature(function)
            takes_a_model = next(iter(signature.parameters), None) == "model"  # an accessor
            if signature.return_annotation in ("keras.Model", keras.Model) and not takes_a_model:
                found[name] = function
    return found


def example_batch(model: keras.Model, example: Example, rng: np.random.Generator):
    """A random batch for ``model`` (built from ``example``): ``(x, y)``, with ``y`` shaped like
    the model's outputs (values in [0, 1], a valid target for any of the course's losses)."""
    x = rng.standard_normal((example.batch_size, *example.input_shape)).astype("float32")
    if len(example.input_shape) == 1 and example.input_shape[0] > 1000:  # a waveform
        x *= 0.1
    outputs = model(x[:1])
    y = keras.tree.map_structure(
        lambda o: rng.random((example.batch_size, *o.shape[1:])).astype("float32"), outputs
    )
    return x, y
