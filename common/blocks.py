"""Reusable building blocks for the course's models (functional Keras, backend-agnostic)."""

from __future__ import annotations

from keras import layers

__all__ = ["conv2d_block", "dense_block"]


def _named(name: str | None, suffix: str) -> str | None:
    return f"{name}_{suffix}" if name else None


def conv2d_block(
    x, filters: int, kernel_size=(3, 3), pool=(2, 2), dropout: float = 0.0, name: str | None = None
):
    """Convolution, batch normalisation, ReLU, max-pooling (and dropout).

    On a spectrogram ``(time, frequency, channels)`` a 3x3 kernel sees three frames by three
    bands; each pooling halves both resolutions and so doubles what the next layer sees.
    """
    x = layers.Conv2D(
        filters, kernel_size, padding="same", use_bias=False, name=_named(name, "conv")
    )(x)
    x = layers.BatchNormalization(name=_named(name, "bn"))(x)
    x = layers.Activation("relu", name=_named(name, "relu"))(x)
    if pool:
        x = layers.MaxPooling2D(pool, padding="same", name=_named(name, "pool"))(x)
    if dropout:
        x = layers.Dropout(dropout, name=_named(name, "dropout"))(x)
    return x


def dense_block(x, units: int, dropout: float = 0.0, name: str | None = None):
    """Fully connected layer with ReLU (and dropout)."""
    x = layers.Dense(units, activation="relu", name=name)(x)
    if dropout:
        x = layers.Dropout(dropout, name=_named(name, "dropout"))(x)
    return x
