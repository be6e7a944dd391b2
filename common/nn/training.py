"""Training: seeds, run folders, compile settings and a ``fit`` wrapper with checkpoints.

Taught in Part 0 (notebook 03) and used by every script.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import keras

from common import REPO_ROOT
from common.fileio import atomic_path
from common.nn.tensorboard import tensorflow

__all__ = [
    "set_seed",
    "run_dir",
    "compile_classifier",
    "compile_beat_tracker",
    "fit",
    "monitor_mode",
    "Stopwatch",
]


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and the backend: the same seed gives the same run on one backend."""
    tensorflow()  # keras seeds TensorFlow too; import it quietly first
    keras.utils.set_random_seed(seed)


def run_dir(logdir: str | Path, part: int, example: str, tag: str | None = None) -> Path:
    """A fresh run folder ``<logdir>/part<N>/<example>/<backend>-<time>[-<tag>]``.

    TensorBoard pointed at ``<logdir>`` lists every run of every example; the backend in the
    name lets you compare JAX, TensorFlow and PyTorch runs side by side.
    """
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")[:-3]
    name = f"{keras.backend.backend()}-{stamp}" + (f"-{tag}" if tag else "")
    path = Path(logdir) / f"part{part}" / example / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def compile_classifier(
    model: keras.Model,
    learning_rate: float = 1e-3,
    optimizer: str = "adam",
    multilabel: bool = False,
) -> keras.Model:
    """Compile for single-label (softmax, integer targets) or multi-label (sigmoid) output."""
    optimizers = {"adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD}
    if optimizer not in optimizers:
        raise ValueError(f"Unknown optimizer {optimizer!r}; use one of {sorted(optimizers)}.")
    if multilabel:
        loss = keras.losses.BinaryCrossentropy()
        metrics = [keras.metrics.AUC(name="roc_auc", multi_label=True)]
    else:
        loss = keras.losses.SparseCategoricalCrossentropy()
        metrics = [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]
    model.compile(optimizer=optimizers[optimizer](learning_rate), loss=loss, metrics=metrics)
    return model


def compile_beat_tracker(
    model: keras.Model, learning_rate: float = 2e-3, tempo_weight: float = 0.5
) -> keras.Model:
    """Compile a multi-task beat model (outputs ``beats``, ``downbeats``, ``tempo``): binary
    cross-entropy per frame for the events, categorical cross-entropy for the tempo
    distribution, summed with the tempo loss weighted by ``tempo_weight``."""
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss={
            "beats": keras.losses.BinaryCrossentropy(),
            "downbeats": keras.losses.BinaryCrossentropy(),
            "tempo": keras.losses.CategoricalCrossentropy(),
        },
        loss_weights={"beats": 1.0, "downbeats": 1.0, "tempo": tempo_weight},
    )
    return model


def fit(
    model: keras.Model,
    train_data,
    validation_data=None,
    *,
    epochs: int,
    log_dir: str | Path,
    callbacks: Sequence[keras.callbacks.Callback] = (),
    monitor: str = "val_loss",
    mode: str | None = None,
    patience: int | None = None,
    checkpoint: bool = True,
    save: bool = True,
    verbose: int = 2,
    **fit_kwargs,
) -> keras.callbacks.History:
    """``model.fit`` with TensorBoard scalars, a best-model checkpoint and optional early stopping.

    ``train_data`` is a ``keras.utils.PyDataset`` or ``(x, y)`` arrays. The best model (by
    ``monitor``) is saved to ``<log_dir>/best.keras``; with ``patience``, training stops when
    ``monitor`` has not improved for that many epochs and the best weights are restored. With
    ``save``, the model as training leaves it (the one a script goes on to evaluate) is saved to
    ``<log_dir>/model.keras``, and the path is printed: apply it to any audio afterwards with
    :func:`common.models.load_model`.

    ``mode`` says which way ``monitor`` improves: ``"min"`` for a loss (the default for names
    ending in ``loss``), ``"max"`` for a score such as ``val_map``, ``val_sdr`` or
    ``val_f_measure``. A monitor that is not a loss must state it, or the worst epoch would be
    kept without a word.
    """
    log_dir = Path(log_dir)
    tensorflow()  # the TensorBoard callback imports it: do so quietly first
    mode = monitor_mode(monitor, mode)
    chain = [keras.callbacks.TensorBoard(log_dir=str(log_dir), write_graph=False)]
    if checkpoint and validation_data is not None:
        chain.append(
            keras.callbacks.ModelCheckpoint(
                str(log_dir / "best.keras"), monitor=monitor, mode=mode, save_best_only=True
            )
        )
    if patience is not None and validation_data is not None:
        chain.append(
            keras.callbacks.EarlyStopping(
                monitor=monitor, mode=mode, patience=patience, restore_best_weights=True
            )
        )
    chain += list(callbacks)
    inputs = train_data if isinstance(train_data, tuple) else (train_data,)
    history = model.fit(
        *inputs,
        validation_data=validation_data,
        epochs=epochs,
        callbacks=chain,
        verbose=verbose,
        **fit_kwargs,
    )
    if save:
        path = log_dir / "model.keras"
        with atomic_path(path) as partial:
            model.save(partial)
        shown = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
        print(f"Saved the trained model: {shown} (load it with common.models.load_model)")
    return history


def monitor_mode(monitor: str, mode: str | None = None) -> str:
    """The direction in which ``monitor`` improves: ``mode`` if given, ``"min"`` for a loss."""
    if mode is None:
        if monitor.endswith("loss"):
            return "min"
        raise ValueError(
            f"Say which way {monitor!r} improves: fit(..., monitor={monitor!r}, mode='max') for "
            "a score (accuracy, MAP, SDR, F-measure), mode='min' for an error."
        )
    if mode not in ("min", "max"):
        raise ValueError(f"mode must be 'min' or 'max', not {mode!r}.")
    return mode


class Stopwatch:
    """``with Stopwatch() as watch: ...`` then ``watch.seconds``."""

    def __enter__(self):
        self._start = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
        return False
