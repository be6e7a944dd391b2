"""Models that hear the raw waveform, through a fixed or a learned front-end.

Four ways in, for one comparison (Part 1, front-ends): a sample-level 1D CNN that learns
everything from samples (Lee et al., 2017); and three spectrogram front-ends in front of the same
2D CNN: a fixed log-mel, a SincNet-style filterbank with learned band edges, and a trainable
STFT. Every model takes ``(batch, n_samples)`` audio, so their costs compare honestly.
"""

from __future__ import annotations

import keras
from keras import layers

from common.audio.io import DEFAULT_SAMPLE_RATE
from common.models.spectrogram import spectrogram_cnn
from common.nn.blocks import BN_MOMENTUM, conv1d_block
from common.nn.frontends import LogMelSpectrogram, SincFilterbank, TrainableSTFT

__all__ = ["FRONTENDS", "sample_cnn", "frontend_classifier", "frontend_of"]

FRONTENDS = ("waveform", "logmel", "sincnet", "stft")


def sample_cnn(
    n_samples: int,
    n_outputs: int,
    widths: tuple[int, ...] = (16, 16, 32, 32, 64, 64, 64, 128, 128),
    output_activation: str = "softmax",
    dropout: float = 0.3,
    name: str = "sample_cnn",
) -> keras.Model:
    """A sample-level CNN: a strided convolution of 3 samples, then blocks of 3-sample
    convolutions each followed by pooling by 3, so that nine blocks cover 3**10 = 59049 samples
    (2.7 s at 22050 Hz) with kernels that never see more than three neighbours at a time."""
    inputs = keras.Input((n_samples,), name="waveform")
    x = layers.Reshape((n_samples, 1), name="channel")(inputs)
    x = layers.Conv1D(widths[0], 3, strides=3, padding="same", name="stem")(x)
    x = layers.BatchNormalization(momentum=BN_MOMENTUM, name="stem_bn")(x)
    x = layers.Activation("relu", name="stem_relu")(x)
    for i, width in enumerate(widths):
        x = conv1d_block(x, width, 3, pool=3, name=f"block{i + 1}")
    embedding = layers.GlobalMaxPooling1D(name="embedding")(x)
    x = layers.Dropout(dropout, name="dropout")(embedding) if dropout else embedding
    outputs = layers.Dense(n_outputs, activation=output_activation, name="outputs")(x)
    return keras.Model(inputs, outputs, name=name)


def frontend_classifier(
    frontend: str,
    n_samples: int,
    n_outputs: int,
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    n_bands: int = 64,
    output_activation: str = "softmax",
    name: str | None = None,
) -> keras.Model:
    """A clip classifier on raw audio with the given front-end (one of :data:`FRONTENDS`).

    ``waveform`` is :func:`sample_cnn`; the others put a spectrogram layer (``logmel``:
    :class:`~common.nn.frontends.LogMelSpectrogram`, ``sincnet``:
    :class:`~common.nn.frontends.SincFilterbank`, ``stft``: :class:`~common.nn.frontends.TrainableSTFT`),
    all with ``n_bands`` bands and 23 ms hops, in front of the same
    :func:`~common.models.spectrogram.spectrogram_cnn`.
    """
    name = name or f"{frontend}_classifier"
    if frontend == "waveform":
        return sample_cnn(n_samples, n_outputs, output_activation=output_activation, name=name)
    layers_by_name = {
        "logmel": lambda: LogMelSpectrogram(
            sample_rate=sample_rate, n_mels=n_bands, name="frontend"
        ),
        "sincnet": lambda: SincFilterbank(n_bands, sample_rate, name="frontend"),
        "stft": lambda: TrainableSTFT(n_bands, sample_rate, name="frontend"),
    }
    if frontend not in layers_by_name:
        raise ValueError(f"Unknown front-end {frontend!r}; use one of {FRONTENDS}.")
    inputs = keras.Input((n_samples,), name="waveform")
    spectrogram = layers_by_name[frontend]()(inputs)
    body = spectrogram_cnn((None, n_bands, 1), n_outputs, output_activation, name="body")
    return keras.Model(inputs, body(spectrogram), name=name)


def frontend_of(model: keras.Model) -> keras.layers.Layer:
    """The front-end of a :func:`frontend_classifier`: the spectrogram layer (``logmel``,
    ``sincnet``, ``stft``), or the first, strided convolution of the sample-level CNN."""
    names = {layer.name for layer in model.layers}
    return model.get_layer("frontend" if "frontend" in names else "stem")
