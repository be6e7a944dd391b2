"""Deep salience (Bittner et al., 2017): from a harmonic CQT to the pitches sounding in each
frame, as a map of probabilities over (time, pitch)."""

from __future__ import annotations

import keras
from keras import layers

from common.nn.blocks import BN_MOMENTUM

__all__ = ["deep_salience"]


def deep_salience(
    n_bins: int = 72,
    n_harmonics: int = 6,
    widths: tuple[int, ...] = (16, 16, 16),
    kernel_sizes: tuple[tuple[int, int], ...] = ((5, 5), (5, 5), (3, 3)),
    octave_width: int = 16,
    bins_per_octave: int = 12,
    name: str = "deep_salience",
) -> keras.Model:
    """Fully convolutional: input ``(batch, n_frames, n_bins, n_harmonics)``, output
    ``(batch, n_frames, n_bins)`` probabilities that each pitch sounds in each frame.

    Small kernels combine the harmonics (the channels) of neighbouring bins and frames; a
    kernel spanning just over an octave then relates a note to its octave neighbours (to reject
    octave errors); a 1x1 convolution with a sigmoid gives the salience. No pooling, so every
    frame and every bin keeps its own output.
    """
    if len(widths) != len(kernel_sizes):
        raise ValueError(
            f"deep_salience needs one kernel size per width: got {len(widths)} widths and "
            f"{len(kernel_sizes)} kernel sizes."
        )
    inputs = keras.Input((None, n_bins, n_harmonics), name="hcqt")
    x = layers.BatchNormalization(momentum=BN_MOMENTUM, name="input_norm")(inputs)
    for i, (width, size) in enumerate(zip(widths, kernel_sizes, strict=True)):
        x = layers.Conv2D(width, size, padding="same", activation="relu", name=f"conv{i + 1}")(x)
        x = layers.BatchNormalization(momentum=BN_MOMENTUM, name=f"bn{i + 1}")(x)
    x = layers.Conv2D(
        octave_width, (3, bins_per_octave + 1), padding="same", activation="relu", name="octave"
    )(x)
    x = layers.Conv2D(1, (1, 1), activation="sigmoid", name="salience")(x)
    outputs = layers.Reshape((-1, n_bins), name="pitch_map")(x)
    return keras.Model(inputs, outputs, name=name)
