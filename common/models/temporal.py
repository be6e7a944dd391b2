"""Networks that answer once a frame: onset detectors and a multi-task beat tracker.

Every model takes :func:`common.audio.features.onset_spectrogram` features ``(batch, n_frames, 80, 3)``
(80 mel bands, three window lengths as channels) of any length, and returns one sigmoid
activation per frame ``(batch, n_frames, 1)``; peak picking or a DBN turns activations into times.

* :func:`onset_rnn`: a recurrent network over the frames (Eyben et al., 2010; Böck et al., 2012).
  ``bidirectional=True`` reads the clip forwards and backwards (offline); ``False`` reads it
  forwards only, so each output depends on the past alone (online, causal).
* :func:`onset_cnn`: a CNN whose output at a frame sees a short spectrogram excerpt around it
  (Schlüter and Böck, 2014), written fully convolutional so a whole clip is one forward pass.
* :func:`beat_tcn`: a temporal convolutional network with three heads, beats, downbeats and
  tempo, trained together (Böck, Davies and Knees, 2019).
"""

from __future__ import annotations

import keras
from keras import layers, ops

from common.data.targets import N_TEMPI
from common.nn.blocks import BN_MOMENTUM, conv2d_block, tcn_block

__all__ = ["PositiveDifference", "onset_rnn", "onset_cnn", "beat_tcn", "receptive_field"]


@keras.saving.register_keras_serializable(package="mir_course")
class PositiveDifference(keras.layers.Layer):
    """Append to each frame its half-wave rectified difference from the previous frame.

    ``(batch, n_frames, n_features)`` to ``(batch, n_frames, 2 * n_features)``: the spectrum
    and how much each band has just *grown*, the clue of an onset (a spectral flux per band).
    """

    def call(self, x):
        earlier = ops.concatenate([x[:, :1], x[:, :-1]], axis=1)
        return ops.concatenate([x, ops.relu(x - earlier)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], 2 * input_shape[-1])


def _input(n_bins: int, n_channels: int):
    return keras.Input((None, n_bins, n_channels), name="spectrogram")


def onset_rnn(
    n_bins: int = 80,
    n_channels: int = 3,
    units: int = 32,
    n_layers: int = 2,
    bidirectional: bool = True,
    cell: str = "gru",
    name: str | None = None,
) -> keras.Model:
    """Recurrent onset detector: spectrum and its positive difference, ``n_layers`` recurrent
    layers of ``units`` (``gru`` or ``lstm``), a sigmoid per frame."""
    cells = {"gru": layers.GRU, "lstm": layers.LSTM}
    if cell not in cells:
        raise ValueError(f"Unknown cell {cell!r}; use one of {sorted(cells)}.")
    inputs = _input(n_bins, n_channels)
    x = layers.Reshape((-1, n_bins * n_channels), name="frames")(inputs)
    x = PositiveDifference(name="difference")(x)
    x = layers.BatchNormalization(momentum=BN_MOMENTUM, name="norm")(x)
    for i in range(n_layers):
        recurrent = cells[cell](units, return_sequences=True, name=f"{cell}{i + 1}")
        x = (
            layers.Bidirectional(recurrent, name=f"bi_{cell}{i + 1}")(x)
            if bidirectional
            else recurrent(x)
        )
    outputs = layers.Dense(1, activation="sigmoid", name="onsets")(x)
    kind = "birnn" if bidirectional else "causal_rnn"
    return keras.Model(inputs, outputs, name=name or f"onset_{kind}")


def onset_cnn(
    n_bins: int = 80,
    n_channels: int = 3,
    widths: tuple[int, int, int] = (10, 20, 40),
    name: str = "onset_cnn",
) -> keras.Model:
    """Convolutional onset detector. Three conv blocks pool along frequency only (by 3), so time
    keeps its resolution; kernels of 7, 3 and 3 frames give each output a context of 11 frames
    (110 ms) around it. A dense layer per frame then decides."""
    inputs = _input(n_bins, n_channels)
    x = layers.BatchNormalization(momentum=BN_MOMENTUM, name="norm")(inputs)
    for i, (width, frames) in enumerate(zip(widths, (7, 3, 3), strict=True)):
        x = conv2d_block(x, width, (frames, 3), pool=(1, 3), name=f"block{i + 1}")
    x = layers.Reshape((-1, x.shape[2] * x.shape[3]), name="frames")(x)
    x = layers.Dense(64, activation="relu", name="dense")(x)
    x = layers.Dropout(0.3, name="dropout")(x)
    outputs = layers.Dense(1, activation="sigmoid", name="onsets")(x)
    return keras.Model(inputs, outputs, name=name)


def beat_tcn(
    n_bins: int = 80,
    n_channels: int = 3,
    filters: int = 20,
    kernel_size: int = 5,
    n_levels: int = 10,
    dropout: float = 0.1,
    front_filters: int = 8,
    name: str = "beat_tcn",
) -> keras.Model:
    """Multi-task beat tracker: outputs ``{"beats", "downbeats"}`` of shape
    ``(batch, n_frames, 1)`` and ``"tempo"`` ``(batch, N_TEMPI)``, a distribution over integer BPM.

    One convolution (3 frames by 3 bands, ``front_filters`` maps, pooled by 4 along frequency)
    and a dense layer turn each frame's spectrum into ``filters`` features; ``n_levels`` TCN levels
    with dilations ``1, 2, 4, ...`` model time; beats and downbeats are read from the last
    level at every frame, and tempo from the sum of the levels' skip outputs averaged over time.
    """
    inputs = _input(n_bins, n_channels)
    x = layers.BatchNormalization(momentum=BN_MOMENTUM, name="norm")(inputs)
    x = conv2d_block(x, front_filters, (3, 3), pool=(1, 4), name="front")
    x = layers.Reshape((-1, x.shape[2] * x.shape[3]), name="frames")(x)
    x = layers.Dense(filters, activation="elu", name="project")(x)
    skips = []
    for level in range(n_levels):
        x, skip = tcn_block(x, filters, kernel_size, 2**level, dropout, name=f"tcn{level + 1}")
        skips.append(skip)
    pooled = layers.GlobalAveragePooling1D(name="over_time")(layers.Add(name="skips")(skips))
    pooled = layers.Dropout(0.3, name="tempo_dropout")(pooled)
    outputs = {
        "beats": layers.Dense(1, activation="sigmoid", name="beats")(x),
        "downbeats": layers.Dense(1, activation="sigmoid", name="downbeats")(x),
        "tempo": layers.Dense(N_TEMPI, activation="softmax", name="tempo")(pooled),
    }
    return keras.Model(inputs, outputs, name=name)


def receptive_field(kernel_size: int, n_levels: int) -> int:
    """Frames an output of a TCN with dilations ``1, 2, ..., 2 ** (n_levels - 1)`` can see:
    ``1 + (kernel_size - 1) * (2 ** n_levels - 1)``."""
    return 1 + (kernel_size - 1) * (2**n_levels - 1)
