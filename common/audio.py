"""Audio input and the hand-crafted features of the course, computed with librosa.

Conventions
-----------
* Audio is mono ``float32`` in [-1, 1], shape ``(n_samples,)``, at ``sample_rate`` Hz
  (22050 Hz unless stated otherwise).
* Every feature is returned **time first**: ``(n_frames, n_bins)`` (or
  ``(n_frames, n_bins, n_channels)`` for the HCQT), because that is what Keras layers expect
  (time steps, then features). Frame ``i`` is centred on sample ``i * hop_length``.
* Log-magnitude features are in decibels.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

__all__ = [
    "DEFAULT_SAMPLE_RATE",
    "AudioError",
    "load_audio",
    "audio_info",
    "write_audio",
    "check_audio",
    "normalize_peak",
    "frame_times",
    "time_to_frames",
    "stft_magnitude_db",
    "logmel",
    "cqt",
    "hcqt",
    "chroma",
    "mfcc",
    "mfcc_statistics",
    "FEATURES",
    "compute_feature",
]

#: Sample rate of the course corpus and default rate of every loader and feature, in Hz.
DEFAULT_SAMPLE_RATE = 22050


class AudioError(ValueError):
    """Audio that cannot be used: missing, unreadable, empty, too short or at the wrong rate.

    The message always says what to do next.
    """


# --------------------------------------------------------------------------------------------
# Input and output
# --------------------------------------------------------------------------------------------


def audio_info(path: str | os.PathLike) -> tuple[int, float]:
    """Return ``(sample_rate, duration_seconds)`` of an audio file without decoding it."""
    import soundfile

    path = _existing(path)
    try:
        info = soundfile.info(str(path))
    except Exception as exc:  # soundfile raises several types for corrupt files
        raise _decode_error(path, exc) from exc
    return int(info.samplerate), float(info.duration)


def load_audio(
    path: str | os.PathLike,
    sample_rate: int | None = DEFAULT_SAMPLE_RATE,
    offset: float = 0.0,
    duration: float | None = None,
    min_duration: float = 0.0,
) -> np.ndarray:
    """Load an audio file as a mono ``float32`` signal.

    Parameters
    ----------
    path
        WAV, FLAC, OGG or MP3 file (anything libsndfile reads).
    sample_rate
        Rate to resample to, in Hz. ``None`` keeps the file's own rate, which you can read
        with :func:`audio_info`.
    offset, duration
        Excerpt to read, in seconds (``duration=None`` reads to the end).
    min_duration
        Raise :class:`AudioError` if the loaded excerpt is shorter than this, in seconds.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_samples,)``, ``float32``; channels are averaged.
    """
    import soundfile

    path = _existing(path)
    try:
        with soundfile.SoundFile(str(path)) as handle:
            file_rate = handle.samplerate
            start = int(round(offset * file_rate))
            if start > handle.frames:
                raise AudioError(
                    f"{path} is {handle.frames / file_rate:.2f} s long; cannot start reading at "
                    f"{offset:.2f} s. Pass a smaller offset."
                )
            handle.seek(start)
            frames = -1 if duration is None else int(round(duration * file_rate))
            data = handle.read(frames=frames, dtype="float32", always_2d=True)
    except AudioError:
        raise
    except Exception as exc:
        raise _decode_error(path, exc) from exc

    if data.shape[0] == 0:
        raise AudioError(
            f"{path} holds no audio samples (empty file or empty excerpt). Re-create or "
            "re-download it; for the course corpus, delete the file and render the corpus again "
            "(`python -m common.data.synthetic --preset tiny --out data/corpus-tiny` resumes)."
        )
    signal = data.mean(axis=1)
    if sample_rate is not None and sample_rate != file_rate:
        signal = resample(signal, file_rate, sample_rate)
    rate = file_rate if sample_rate is None else sample_rate
    if len(signal) < min_duration * rate:
        raise AudioError(
            f"{path} gives {len(signal) / rate:.2f} s of audio but at least {min_duration:.2f} s "
            "are needed. Use a longer file, or lower the crop/clip length of the model."
        )
    return np.ascontiguousarray(signal, dtype=np.float32)


def resample(signal: np.ndarray, orig_rate: int, target_rate: int) -> np.ndarray:
    """Resample a mono signal from ``orig_rate`` to ``target_rate`` Hz (soxr, high quality)."""
    import librosa

    if orig_rate == target_rate:
        return signal
    return librosa.resample(signal, orig_sr=orig_rate, target_sr=target_rate, res_type="soxr_hq")


def write_audio(path: str | os.PathLike, signal: np.ndarray, sample_rate: int) -> Path:
    """Write a mono signal as 16-bit PCM (FLAC or WAV by extension), atomically.

    ``signal`` may be float in [-1, 1] or ``int16``; floats outside [-1, 1] are an error rather
    than being clipped silently.
    """
    import soundfile

    from common.fileio import atomic_path

    signal = np.asarray(signal)
    if signal.ndim != 1:
        raise AudioError(f"write_audio expects a mono signal of shape (n,), got {signal.shape}.")
    if signal.dtype != np.int16 and np.max(np.abs(signal), initial=0.0) > 1.0:
        raise AudioError(
            f"Refusing to write {path}: samples exceed [-1, 1] and would clip. "
            "Scale the signal first (see common.audio.normalize_peak)."
        )
    with atomic_path(path) as tmp:
        soundfile.write(str(tmp), signal, sample_rate, subtype="PCM_16")
    return Path(path)


def check_audio(signal: np.ndarray, sample_rate: int, expected_rate: int | None = None) -> None:
    """Validate a signal before feature extraction.

    Raises :class:`AudioError` for a wrong shape, non-finite samples, or a ``sample_rate`` that
    differs from ``expected_rate`` (for example a model trained at 22050 Hz fed 44100 Hz audio).
    """
    signal = np.asarray(signal)
    if signal.ndim != 1:
        raise AudioError(
            f"Expected mono audio of shape (n_samples,), got {signal.shape}. "
            "Load files with common.audio.load_audio, which averages channels."
        )
    if signal.size == 0:
        raise AudioError("The audio signal is empty.")
    if not np.all(np.isfinite(signal)):
        raise AudioError("The audio signal contains NaN or infinite samples.")
    if expected_rate is not None and sample_rate != expected_rate:
        raise AudioError(
            f"Audio is at {sample_rate} Hz but {expected_rate} Hz is expected. Load it with "
            f"load_audio(path, sample_rate={expected_rate}), which resamples."
        )


def normalize_peak(signal: np.ndarray, peak: float = 0.9) -> np.ndarray:
    """Scale a signal so that its largest absolute sample equals ``peak`` (silence unchanged)."""
    top = float(np.max(np.abs(signal), initial=0.0))
    return signal if top == 0.0 else (signal * (peak / top)).astype(np.float32)


def _existing(path: str | os.PathLike) -> Path:
    path = Path(path).expanduser()
    if not path.is_file():
        hint = (
            "Render the course corpus with `python -m common.data.synthetic --preset tiny "
            "--out data/corpus-tiny` (or `make workshop`)."
            if "corpus" in str(path)
            else "Check the path, or download the dataset first (see the README of the part)."
        )
        raise AudioError(f"No audio file at {path}. {hint}")
    return path


def _decode_error(path: Path, exc: Exception) -> AudioError:
    return AudioError(
        f"Could not decode {path} ({exc}). The file is corrupt or in a format libsndfile cannot "
        "read: re-download it, or convert it to WAV/FLAC (e.g. `ffmpeg -i in.m4a out.flac`)."
    )


# --------------------------------------------------------------------------------------------
# Time axis
# --------------------------------------------------------------------------------------------


def frame_times(n_frames: int, sample_rate: int, hop_length: int) -> np.ndarray:
    """Centre time of each frame, in seconds: ``i * hop_length / sample_rate``."""
    return np.arange(n_frames) * (hop_length / sample_rate)


def time_to_frames(times: np.ndarray, sample_rate: int, hop_length: int) -> np.ndarray:
    """Index of the frame whose centre is nearest to each time (seconds)."""
    return np.round(np.asarray(times) * sample_rate / hop_length).astype(int)


# --------------------------------------------------------------------------------------------
# Features (time first)
# --------------------------------------------------------------------------------------------


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
    settings of :class:`common.frontends.LogMelSpectrogram`, so features computed here and inside
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


#: Feature functions by name, for caches and pipelines (``common.data.pipeline``).
FEATURES: dict[str, Callable[..., np.ndarray]] = {
    "waveform": lambda signal, sample_rate=DEFAULT_SAMPLE_RATE: signal.astype(np.float32),
    "stft": lambda signal, sample_rate=DEFAULT_SAMPLE_RATE, **kw: stft_magnitude_db(signal, **kw),
    "logmel": logmel,
    "cqt": cqt,
    "hcqt": hcqt,
    "chroma": chroma,
    "mfcc": mfcc,
    "mfcc_statistics": mfcc_statistics,
    "onset_spectrogram": lambda signal, sample_rate=DEFAULT_SAMPLE_RATE, **kw: (
        _novelty().onset_spectrogram(signal, sample_rate, **kw)
    ),
}


def _novelty():
    """:mod:`common.novelty`, imported on first use (it imports this module)."""
    from common import novelty

    return novelty


def compute_feature(
    name: str, signal: np.ndarray, sample_rate: int = DEFAULT_SAMPLE_RATE, **params
) -> np.ndarray:
    """Compute the feature called ``name`` (a key of :data:`FEATURES`) with ``params``."""
    if name not in FEATURES:
        raise ValueError(f"Unknown feature {name!r}; choose one of {sorted(FEATURES)}.")
    check_audio(signal, sample_rate)
    return FEATURES[name](signal, sample_rate=sample_rate, **params)
