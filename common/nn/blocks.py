"""Reusable building blocks for the course's models (functional Keras, backend-agnostic)."""

from __future__ import annotations

from keras import layers

__all__ = ["BN_MOMENTUM", "conv2d_block", "conv1d_block", "dense_block", "tcn_block"]

#: Momentum of the moving averages of batch normalisation. Keras' default (0.99) needs hundreds
#: of steps before the averages forget their initial values, and until then the model behaves
#: differently at inference than in training; the course's runs are often a few dozen steps.
BN_MOMENTUM = 0.9


def _named(name: str | None, suffix: str) -> str | None:
    return f"{name}_{suffix}" if name else None


def conv2d_block(
    x,
    filters: int,
    kernel_size=(3, 3),
    pool=(2, 2),
    dropout: float = 0.0,
    name: str | None = None,
    regularizer=None,
):
    """Convolution, batch normalisation, ReLU, max-pooling (and dropout).

    On a spectrogram ``(time, frequency, channels)`` a 3x3 kernel sees three frames by three
    bands; each pooling halves both resolutions and so doubles what the next layer sees.
    ``regularizer`` (e.g. ``keras.regularizers.L2(1e-4)``) penalises the kernel: weight decay.
    """
    x = layers.Conv2D(
        filters,
        kernel_size,
        padding="same",
        use_bias=False,
        kernel_regularizer=regularizer,
        name=_named(name, "conv"),
    )(x)
    x = layers.BatchNormalization(momentum=BN_MOMENTUM, name=_named(name, "bn"))(x)
    x = layers.Activation("relu", name=_named(name, "relu"))(x)
    if pool:
        x = layers.MaxPooling2D(pool, padding="same", name=_named(name, "pool"))(x)
    if dropout:
        x = layers.Dropout(dropout, name=_named(name, "dropout"))(x)
    return x


def conv1d_block(x, filters: int, kernel_size: int = 3, pool: int = 3, name: str | None = None):
    """1D convolution, batch normalisation, ReLU and max-pooling: the unit of sample-level
    waveform CNNs (Lee et al., 2017), where each block divides the time resolution by ``pool``."""
    x = layers.Conv1D(
        filters, kernel_size, padding="same", use_bias=False, name=_named(name, "conv")
    )(x)
    x = layers.BatchNormalization(momentum=BN_MOMENTUM, name=_named(name, "bn"))(x)
    x = layers.Activation("relu", name=_named(name, "relu"))(x)
    if pool > 1:
        x = layers.MaxPooling1D(pool, padding="same", name=_named(name, "pool"))(x)
    return x


def dense_block(x, units: int, dropout: float = 0.0, name: str | None = None):
    """Fully connected layer with ReLU (and dropout)."""
    x = layers.Dense(units, activation="relu", name=name)(x)
    if dropout:
        x = layers.Dropout(dropout, name=_named(name, "dropout"))(x)
    return x


def tcn_block(
    x,
    filters: int,
    kernel_size: int = 5,
    dilation: int = 1,
    dropout: float = 0.1,
    causal: bool = False,
    name: str | None = None,
):
    """One level of a temporal convolutional network (Bai et al., 2018; Davies and Böck, 2019).

    A dilated 1D convolution looks at ``kernel_size`` frames spaced ``dilation`` apart; stacking
    levels with dilations 1, 2, 4, ... doubles the context at each level, so ten levels with a
    kernel of 5 see about 4000 frames (40 s at 100 frames per second) for a few thousand weights.
    ``causal`` pads on the past side only, so no output depends on a future frame.

    ``x`` is ``(batch, n_frames, filters)``. Returns ``(output, skip)``: the residual output
    ``x + skip``, fed to the next level, and the level's own contribution ``skip``.
    """
    y = layers.Conv1D(
        filters,
        kernel_size,
        dilation_rate=dilation,
        padding="causal" if causal else "same",
        name=_named(name, "dilated"),
    )(x)
    y = layers.Activation("elu", name=_named(name, "elu"))(y)
    if dropout:
        y = layers.SpatialDropout1D(dropout, name=_named(name, "dropout"))(y)
    skip = layers.Conv1D(filters, 1, name=_named(name, "mix"))(y)
    return layers.Add(name=_named(name, "residual"))([x, skip]), skip
