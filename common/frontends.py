"""Keras layers that turn a waveform into features inside the model graph.

Computing features in the graph keeps a saved model self-contained: it takes audio and nothing
else, on every backend. The layers use ``keras`` and ``keras.ops`` only.
"""

from __future__ import annotations

import keras
from keras import ops

from common.audio import DEFAULT_SAMPLE_RATE

__all__ = ["LogMelSpectrogram"]


@keras.saving.register_keras_serializable(package="mir_course")
class LogMelSpectrogram(keras.layers.Layer):
    """Waveform to log-mel spectrogram in dB, inside the model.

    Input shape ``(batch, n_samples)``; output ``(batch, n_frames, n_mels, 1)`` with
    ``n_frames = 1 + n_samples // hop_length``: time first, mel bands second, one channel, ready
    for a 2D convolution. Set ``channel_axis=False`` to get ``(batch, n_frames, n_mels)``.

    The power mel spectrogram comes from :class:`keras.layers.MelSpectrogram` (HTK mel scale,
    unit-peak triangles, Hann window, centred frames). It is then converted to decibels with a
    fixed floor, ``10 log10(max(S, amin))``, and **not** with that layer's own ``power_to_db``,
    whose ``top_db`` clipping is relative to the loudest value of the whole batch: a clip's
    features would change with its batch-mates. Here each example is treated on its own, and
    the output equals :func:`common.audio.logmel` with the same parameters.
    """

    def __init__(
        self,
        sample_rate: int = DEFAULT_SAMPLE_RATE,
        n_fft: int = 1024,
        hop_length: int = 512,
        n_mels: int = 96,
        fmin: float = 0.0,
        fmax: float | None = None,
        amin: float = 1e-10,
        channel_axis: bool = True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.sample_rate = int(sample_rate)
        self.n_fft = int(n_fft)
        self.hop_length = int(hop_length)
        self.n_mels = int(n_mels)
        self.fmin = float(fmin)
        self.fmax = float(fmax) if fmax is not None else self.sample_rate / 2
        self.amin = float(amin)
        self.channel_axis = bool(channel_axis)
        self.mel = keras.layers.MelSpectrogram(
            fft_length=self.n_fft,
            sequence_stride=self.hop_length,
            sequence_length=self.n_fft,
            window="hann",
            sampling_rate=self.sample_rate,
            num_mel_bins=self.n_mels,
            min_freq=self.fmin,
            max_freq=self.fmax,
            power_to_db=False,
            mag_exp=2.0,
            dtype="float32",
        )

    def build(self, input_shape):
        self.mel.build(input_shape)
        super().build(input_shape)

    def call(self, waveform):
        power = self.mel(waveform)  # (batch, n_mels, n_frames)
        power = ops.transpose(power, (0, 2, 1))
        decibels = 10.0 * ops.log10(ops.maximum(power, self.amin))
        if self.channel_axis:
            decibels = ops.expand_dims(decibels, -1)
        return decibels

    def compute_output_shape(self, input_shape):
        n_samples = input_shape[-1]
        n_frames = None if n_samples is None else 1 + n_samples // self.hop_length
        shape = (input_shape[0], n_frames, self.n_mels)
        return shape + (1,) if self.channel_axis else shape

    def get_config(self):
        config = super().get_config()
        config.update(
            sample_rate=self.sample_rate,
            n_fft=self.n_fft,
            hop_length=self.hop_length,
            n_mels=self.n_mels,
            fmin=self.fmin,
            fmax=self.fmax,
            amin=self.amin,
            channel_axis=self.channel_axis,
        )
        return config
