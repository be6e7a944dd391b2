"""The hand-crafted features of the course, computed with librosa.

Conventions
-----------
* Every feature is returned **time first**: ``(n_frames, n_bins)`` (or
  ``(n_frames, n_bins, n_channels)`` for the HCQT and the onset spectrogram), because that is
  what Keras layers expect (time steps, then features). Frame ``i`` is centred on sample
  ``i * hop_length``.
* Log-magnitude features are in decibels, except :func:`onset_spectrogram` (``log(1 + M)``).

:func:`onset_spectrogram` is the one input of every onset, beat and tempo model of Part 3: log
magnitudes on 80 mel bands at 100 frames per second (:data:`ONSET_FRAME_RATE`), computed with
three window lengths (1024, 2048 and 4096 samples: 46, 93 and 186 ms at 22050 Hz) stacked as
channels. Short windows locate attacks sharply in time; long windows separate the partials of
low notes; a network gets both (Schlüter and Böck, 2014).

Taught in Part 0 (notebook 01: STFT, log-mel, CQT, chroma, MFCC), Part 1 (HCQT, notebook 06) and
Part 3 (onset spectrogram, notebook 01).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from common.audio.io import DEFAULT_SAMPLE_RATE, check_audio

__all__ = [
    "frame_times",
    "time_to_frames",
    "stft_magnitude_db",
    "logmel",
    "CQT_FMIN",
    "cqt",
    "hcqt",
    "chroma",
    "mfcc",
    "mfcc_statistics",
    "ONSET_HOP_LENGTH",
    "ONSET_FRAME_RATE",
    "ONSET_FFT_SIZES",
    "onset_spectrogram",
    "FEATURES",
    "feature_function",
    "compute_feature",
]


def frame_times(n_frames: int, sample_rate: int, hop_length: int) -> np.ndarray:
    """Centre time of each frame, in seconds: ``i * hop_length / sample_rate``."""
    return np.arange(n_frames) * (hop_length / sample_rate)


def time_to_frames(times: np.ndarray, sample_rate: int, hop_length: int) -> np.ndarray:
    """Index of the frame whose centre is nearest to each time (seconds)."""
    return np.round(np.asarray(times) * sample_rate / hop_length).astype(int)


def _db(power: np.ndarray, amin: float = 1e-10) -> np.ndarray:
    """Power to decibels relative to 1.0 (full scale), floored at ``10 log10(amin)``."""
    return (10.0 * np.log10(np.maximum(power, amin))).astype(np.float32)


def stft_magnitude_db(
    signal: np.ndarray, n_fft: int = 2048, hop_length: int = 512, window: str = "hann"
) -> np.ndarray:
    """Log-magnitude STFT in dB, shape ``(n_frames, n_fft // 2 + 1)``."""
    import librosa

    spec = librosa.stft(signal, n_fft=n_fft, hop_length=hop_length, window=window)
    return _db(np.abs(spec.T) ** 2)


def logmel(
    signal: np.ndarray,
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    n_fft: int = 1024,
    hop_length: int = 512,
    n_mels: int = 96,
    fmin: float = 0.0,
    fmax: float | None = None,
) -> np.ndarray:
    """Log-mel spectrogram in dB, shape ``(n_frames, n_mels)``.

    Power spectrum (Hann window, centred frames with reflect padding) through an HTK-scale mel
    filterbank with unit-peak triangles, then ``10 log10(max(S, 1e-10))``. These are exactly the
    settings of :class:`common.nn.frontends.LogMelSpectrogram`, so features computed here and inside
    a Keras model agree (``tests/test_frontends.py`` checks it on every backend).
    """
    import librosa

    mel = librosa.feature.melspectrogram(
        y=signal,
        sr=sample_rate,
        n_fft=n_fft,
        hop_length=hop_length,
        n_mels=n_mels,
        fmin=fmin,
        fmax=fmax if fmax is not None else sample_rate / 2,
        htk=True,
        norm=None,
        center=True,
        pad_mode="reflect",
        power=2.0,
    )
    return _db(mel.T)


#: MIDI note 24 (C1, 32.7 Hz): lowest bin of the CQT and HCQT.
CQT_FMIN = 32.703195662574764


def cqt(
    signal: np.ndarray,
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    hop_length: int = 512,
    fmin: float = CQT_FMIN,
    n_bins: int = 84,
    bins_per_octave: int = 12,
) -> np.ndarray:
    """Constant-Q magnitude in dB, shape ``(n_frames, n_bins)``; bin ``k`` is at
    ``fmin * 2 ** (k / bins_per_octave)`` Hz (defaults: 7 octaves from C1, one bin a semitone).
    """
    import librosa

    spec = librosa.cqt(
        signal,
        sr=sample_rate,
        hop_length=hop_length,
        fmin=fmin,
        n_bins=n_bins,
        bins_per_octave=bins_per_octave,
    )
    return _db(np.abs(spec.T) ** 2)


def hcqt(
    signal: np.ndarray,
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    hop_length: int = 512,
    fmin: float = CQT_FMIN,
    harmonics: tuple[float, ...] = (0.5, 1, 2, 3, 4, 5),
    n_octaves: int = 6,
    bins_per_semitone: int = 3,
) -> np.ndarray:
    """Harmonic CQT (Bittner et al., 2017), shape ``(n_frames, n_bins, len(harmonics))``.

    Channel ``h`` is a CQT starting at ``harmonics[h] * fmin``, so the same bin index in every
    channel looks at the harmonics of one candidate fundamental: a pitch shows up as energy
    aligned across channels. Values are in dB.
    """
    bins_per_octave = 12 * bins_per_semitone
    n_bins = n_octaves * bins_per_octave
    top = max(harmonics) * fmin * 2 ** (n_bins / bins_per_octave)
    if top >= sample_rate / 2:
        raise ValueError(
            f"The highest HCQT bin ({top:.0f} Hz) is above Nyquist ({sample_rate / 2:.0f} Hz): "
            "use fewer octaves, lower harmonics or a higher sample rate."
        )
    channels = [
        cqt(signal, sample_rate, hop_length, h * fmin, n_bins, bins_per_octave) for h in harmonics
    ]
    n_frames = min(c.shape[0] for c in channels)
    return np.stack([c[:n_frames] for c in channels], axis=-1)


def chroma(
    signal: np.ndarray, sample_rate: int = DEFAULT_SAMPLE_RATE, hop_length: int = 512
) -> np.ndarray:
    """CQT chroma, shape ``(n_frames, 12)``, each frame scaled to a maximum of 1 (C first)."""
    import librosa

    return librosa.feature.chroma_cqt(y=signal, sr=sample_rate, hop_length=hop_length).T.astype(
        np.float32
    )


def mfcc(
    signal: np.ndarray,
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    n_mfcc: int = 20,
    n_fft: int = 2048,
    hop_length: int = 512,
    n_mels: int = 128,
) -> np.ndarray:
    """Mel-frequency cepstral coefficients, shape ``(n_frames, n_mfcc)``."""
    import librosa

    return librosa.feature.mfcc(
        y=signal, sr=sample_rate, n_mfcc=n_mfcc, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels
    ).T.astype(np.float32)


def mfcc_statistics(
    signal: np.ndarray, sample_rate: int = DEFAULT_SAMPLE_RATE, n_mfcc: int = 20
) -> np.ndarray:
    """Clip-level summary of timbre: mean and standard deviation of the MFCCs and of their
    first differences (deltas), shape ``(4 * n_mfcc,)``.

    The classic hand-crafted input of a genre classifier (Tzanetakis and Cook, 2002).
    """
    import librosa

    coefficients = mfcc(signal, sample_rate, n_mfcc=n_mfcc)
    deltas = librosa.feature.delta(coefficients, axis=0, width=9, mode="nearest")
    return np.concatenate(
        [coefficients.mean(0), coefficients.std(0), deltas.mean(0), deltas.std(0)]
    ).astype(np.float32)


#: Hop of every Part 3 feature, in samples: 100.2 frames per second at 22050 Hz (the frame
#: rate of most onset and beat trackers, so 10 ms per frame).
ONSET_HOP_LENGTH = 220


ONSET_FRAME_RATE = DEFAULT_SAMPLE_RATE / ONSET_HOP_LENGTH


#: Window lengths of the three channels of :func:`onset_spectrogram`, in samples.
ONSET_FFT_SIZES = (1024, 2048, 4096)


def onset_spectrogram(
    signal: np.ndarray,
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    hop_length: int = ONSET_HOP_LENGTH,
    n_ffts: tuple[int, ...] = ONSET_FFT_SIZES,
    n_mels: int = 80,
    fmin: float = 27.5,
    fmax: float = 16000.0,
) -> np.ndarray:
    """Multi-resolution log-mel magnitudes, shape ``(n_frames, n_mels, len(n_ffts))``.

    Each channel is ``log(1 + M)`` of the magnitude spectrogram of one window length (Hann,
    centred frames) through the same mel filterbank (``fmin`` to ``fmax`` Hz, capped at
    Nyquist), so bin ``k`` means the same frequency band in every channel. Frame ``i`` is centred
    on ``i * hop_length / sample_rate`` seconds. The logarithm with 1 added compresses loud
    attacks without blowing up silence, the usual choice of onset detectors.
    """
    import librosa

    fmax = min(fmax, sample_rate / 2)
    channels = []
    for n_fft in n_ffts:
        magnitude = np.abs(librosa.stft(signal, n_fft=n_fft, hop_length=hop_length, center=True))
        bank = librosa.filters.mel(
            sr=sample_rate, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=True, norm=None
        )
        channels.append(np.log1p(bank @ magnitude).T)
    n_frames = min(len(c) for c in channels)
    return np.stack([c[:n_frames] for c in channels], axis=-1).astype(np.float32)


#: Feature functions by name, for caches (:class:`common.data.cache.FeatureCache`).
FEATURES: dict[str, Callable[..., np.ndarray]] = {
    "waveform": lambda signal, sample_rate=DEFAULT_SAMPLE_RATE: signal.astype(np.float32),
    "stft": lambda signal, sample_rate=DEFAULT_SAMPLE_RATE, **kw: stft_magnitude_db(signal, **kw),
    "logmel": logmel,
    "cqt": cqt,
    "hcqt": hcqt,
    "chroma": chroma,
    "mfcc": mfcc,
    "mfcc_statistics": mfcc_statistics,
    "onset_spectrogram": onset_spectrogram,
}


def feature_function(feature) -> tuple[str, Callable[..., np.ndarray]]:
    """``(name, function)`` of a feature given by name (a key of :data:`FEATURES`) or by function;
    a function of :data:`FEATURES` gets its registered name, any other its qualified name."""
    if isinstance(feature, str):
        if feature not in FEATURES:
            raise ValueError(
                f"Unknown feature {feature!r}; choose one of {sorted(FEATURES)}, or pass the "
                "feature function itself."
            )
        return feature, FEATURES[feature]
    if not callable(feature):
        raise TypeError(f"A feature is a function or a name, not {type(feature).__name__}.")
    for name, function in FEATURES.items():
        if function is feature:
            return name, function
    return f"{feature.__module__}.{feature.__qualname__}", feature


def compute_feature(
    feature, signal: np.ndarray, sample_rate: int = DEFAULT_SAMPLE_RATE, **params
) -> np.ndarray:
    """Compute ``feature`` (a function, or a name of :data:`FEATURES`) of ``signal`` with
    ``params``, after checking the audio."""
    _, function = feature_function(feature)
    check_audio(signal, sample_rate)
    return np.asarray(function(signal, sample_rate=sample_rate, **params))
