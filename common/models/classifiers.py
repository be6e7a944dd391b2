"""Clip-level classifiers: from hand-crafted features, and from audio through log-mel."""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from common.audio.io import DEFAULT_SAMPLE_RATE
from common.nn.blocks import BN_MOMENTUM, conv2d_block, dense_block
from common.nn.frontends import LogMelSpectrogram

__all__ = ["mlp_classifier", "logmel_cnn"]


def mlp_classifier(
    n_classes: int,
    training_features: np.ndarray,
    hidden: tuple[int, ...] = (128,),
    dropout: float = 0.5,
    name: str = "mlp",
) -> keras.Model:
    """A fully connected network on a feature vector, ending in a softmax over classes.

    ``training_features`` ``(n_examples, n_features)`` are the inputs of the training set: their
    per-feature mean and variance become a standardisation layer, so the saved file needs no
    separate scaler. Input ``(batch, n_features)``; output ``(batch, n_classes)``
    probabilities. The defaults were chosen on the validation split of the Part 0 example.
    """
    training_features = np.asarray(training_features, dtype="float32")
    inputs = keras.Input((training_features.shape[1],), name="features")
    x = layers.Normalization(
        mean=training_features.mean(0), variance=training_features.var(0), name="standardize"
    )(inputs)
    for i, units in enumerate(hidden):
        x = dense_block(x, units, dropout, name=f"hidden{i + 1}")
    outputs = layers.Dense(n_classes, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name=name)


def logmel_cnn(
    n_classes: int,
    clip_samples: int,
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    n_mels: int = 96,
    filters: tuple[int, ...] = (16, 32, 64, 64),
    dropout: float = 0.3,
    name: str = "logmel_cnn",
) -> keras.Model:
    """A compact 2D CNN that hears raw audio through an in-graph log-mel front-end.

    Input ``(batch, clip_samples)`` waveform; output ``(batch, n_classes)`` probabilities.
    Log-mel in dB, batch-normalised, then conv blocks (3x3, pool 2x2) and global average
    pooling over time and frequency.
    """
    inputs = keras.Input((clip_samples,), name="waveform")
    x = LogMelSpectrogram(sample_rate=sample_rate, n_mels=n_mels, name="logmel")(inputs)
    x = layers.BatchNormalization(momentum=BN_MOMENTUM, name="input_norm")(x)
    for i, width in enumerate(filters):
        x = conv2d_block(x, width, name=f"block{i + 1}")
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name=name)
