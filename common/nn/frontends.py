"""Keras layers that turn a waveform into features inside the model graph.

Computing features in the graph keeps a saved model self-contained: it takes audio and nothing
else, on every backend. The layers use ``keras`` and ``keras.ops`` only.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from common.audio.io import DEFAULT_SAMPLE_RATE

__all__ = ["LogMelSpectrogram", "SincFilterbank", "TrainableSTFT"]


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
    the output equals :func:`common.audio.features.logmel` with the same parameters.
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


def _hz_to_mel(hz):
    return 2595.0 * np.log10(1.0 + np.asarray(hz) / 700.0)


def _mel_to_hz(mel):
    """The inverse of ``_hz_to_mel``, on tensors (inside a layer's computation)."""
    return 700.0 * (ops.power(10.0, mel / 2595.0) - 1.0)


@keras.saving.register_keras_serializable(package="mir_course")
class SincFilterbank(keras.layers.Layer):
    """A filterbank whose band edges are learned: SincNet's parameterisation (Ravanelli and
    Bengio, 2018), applied in the frequency domain.

    SincNet learns band-pass filters defined by two numbers each, a low cut-off and a bandwidth:
    in time a band-pass is a difference of two sinc functions, and in frequency it is a
    rectangle. Convolving the raw waveform with long sinc filters at every sample is far too
    costly for a laptop CPU, so this layer applies the same two-parameter rectangles (with soft
    edges, so that the edges receive gradients) to the power spectrum of each frame, then takes
    the log: the cost of a mel filterbank, with learnable bands. Initialised on the mel scale.

    Input ``(batch, n_samples)``; output ``(batch, n_frames, n_bands, 1)`` in dB.
    """

    def __init__(
        self,
        n_bands: int = 64,
        sample_rate: int = DEFAULT_SAMPLE_RATE,
        n_fft: int = 1024,
        hop_length: int = 512,
        min_hz: float = 30.0,
        edge_hz: float = 20.0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.n_bands, self.sample_rate = int(n_bands), int(sample_rate)
        self.n_fft, self.hop_length = int(n_fft), int(hop_length)
        self.min_hz, self.edge_hz = float(min_hz), float(edge_hz)

    def build(self, input_shape):
        # The edges are stored on the mel scale, in units of the initial band width: an
        # optimiser step of size ~learning rate then moves an edge by that fraction of its band,
        # whatever the band's width in Hz. (Stored in Hz, as in SincNet, a step of 1e-3 would
        # move a band hundreds of Hz wide by a thousandth of a hertz: the bands would not learn.)
        top = _hz_to_mel(self.sample_rate / 2 - 100)
        self.mel_low = float(_hz_to_mel(self.min_hz))
        self.mel_step = float((top - self.mel_low) / self.n_bands)
        self.low = self.add_weight(
            shape=(self.n_bands,),
            name="low",
            initializer=keras.initializers.Constant(np.arange(self.n_bands, dtype="float32")),
        )
        self.width = self.add_weight(
            shape=(self.n_bands,), name="width", initializer=keras.initializers.Constant(1.0)
        )
        self.frequencies = np.linspace(0, self.sample_rate / 2, self.n_fft // 2 + 1).astype(
            "float32"
        )

    def band_edges(self):
        """``(low, high)`` cut-offs of every band in Hz, as the layer uses them."""
        low_mel = self.mel_low + ops.abs(self.low) * self.mel_step
        high_mel = low_mel + (ops.abs(self.width) + 1e-3) * self.mel_step
        return _mel_to_hz(low_mel), ops.minimum(_mel_to_hz(high_mel), self.sample_rate / 2)

    def call(self, waveform):
        real, imag = ops.stft(waveform, self.n_fft, self.hop_length, self.n_fft, window="hann")
        power = ops.square(real) + ops.square(imag)  # (batch, frames, bins)
        low, high = self.band_edges()
        f = ops.expand_dims(ops.convert_to_tensor(self.frequencies), -1)  # (bins, 1)
        rectangles = ops.sigmoid((f - low) / self.edge_hz) * ops.sigmoid((high - f) / self.edge_hz)
        # Divide by the width in bins so that wide and narrow bands are on the same scale.
        rectangles = rectangles / (ops.sum(rectangles, axis=0, keepdims=True) + 1e-6)
        bands = ops.matmul(power, rectangles)
        return ops.expand_dims(10.0 * ops.log10(ops.maximum(bands, 1e-10)), -1)

    def compute_output_shape(self, input_shape):
        n = input_shape[-1]
        return (input_shape[0], None if n is None else 1 + n // self.hop_length, self.n_bands, 1)

    def get_config(self):
        config = super().get_config()
        config.update(
            n_bands=self.n_bands,
            sample_rate=self.sample_rate,
            n_fft=self.n_fft,
            hop_length=self.hop_length,
            min_hz=self.min_hz,
            edge_hz=self.edge_hz,
        )
        return config


@keras.saving.register_keras_serializable(package="mir_course")
class TrainableSTFT(keras.layers.Layer):
    """A short-time Fourier transform whose basis is learned.

    A strided 1D convolution whose kernels start as the Hann-windowed cosines and sines of the
    DFT (so at initialisation the output is the log-magnitude STFT), followed by a learnable
    linear map from the ``n_fft // 2 + 1`` bins to ``n_bands`` bands (initialised as a mel
    filterbank). Training may bend both to the task.

    Input ``(batch, n_samples)``; output ``(batch, n_frames, n_bands, 1)`` in dB, with
    ``n_frames = 1 + n_samples // hop_length`` (the signal is padded by half a window at each
    end, like a centred STFT).
    """

    def __init__(
        self,
        n_bands: int = 64,
        sample_rate: int = DEFAULT_SAMPLE_RATE,
        n_fft: int = 1024,
        hop_length: int = 512,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.n_bands, self.sample_rate = int(n_bands), int(sample_rate)
        self.n_fft, self.hop_length = int(n_fft), int(hop_length)

    def build(self, input_shape):
        n_bins = self.n_fft // 2 + 1
        t = np.arange(self.n_fft)
        window = 0.5 - 0.5 * np.cos(2 * np.pi * t / self.n_fft)
        angles = 2 * np.pi * np.outer(t, np.arange(n_bins)) / self.n_fft
        basis = np.concatenate(
            [window[:, None] * np.cos(angles), -window[:, None] * np.sin(angles)], 1
        )
        self.basis = self.add_weight(
            shape=(self.n_fft, 1, 2 * n_bins),
            name="basis",
            initializer=keras.initializers.Constant(basis[:, None, :]),
        )
        import librosa

        mel = librosa.filters.mel(
            sr=self.sample_rate, n_fft=self.n_fft, n_mels=self.n_bands, htk=True, norm=None
        )
        self.projection = self.add_weight(
            shape=(n_bins, self.n_bands),
            name="projection",
            initializer=keras.initializers.Constant(mel.T),
        )

    def call(self, waveform):
        half = self.n_fft // 2
        x = ops.pad(waveform, [[0, 0], [half, half]], mode="reflect")
        x = ops.expand_dims(x, -1)
        spectrum = ops.conv(x, self.basis, strides=self.hop_length, padding="valid")
        n_bins = self.n_fft // 2 + 1
        power = ops.square(spectrum[..., :n_bins]) + ops.square(spectrum[..., n_bins:])
        bands = ops.matmul(power, ops.abs(self.projection))
        return ops.expand_dims(10.0 * ops.log10(ops.maximum(bands, 1e-10)), -1)

    def compute_output_shape(self, input_shape):
        n = input_shape[-1]
        return (input_shape[0], None if n is None else 1 + n // self.hop_length, self.n_bands, 1)

    def get_config(self):
        config = super().get_config()
        config.update(
            n_bands=self.n_bands,
            sample_rate=self.sample_rate,
            n_fft=self.n_fft,
            hop_length=self.hop_length,
        )
        return config
