"""Reading and writing audio, with errors that say what to do.

Conventions
-----------
* Audio is mono ``float32`` in [-1, 1], shape ``(n_samples,)``, at ``sample_rate`` Hz
  (22050 Hz unless stated otherwise).
* A file that is missing, unreadable or at an unexpected rate raises :class:`AudioError`, whose
  message names the file and the fix.

Taught in Part 0 (notebook 01).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from common import InputError

__all__ = [
    "DEFAULT_SAMPLE_RATE",
    "AudioError",
    "audio_info",
    "load_audio",
    "resample",
    "write_audio",
    "check_audio",
    "normalize_peak",
]


#: Sample rate of the course corpus and default rate of every loader and feature, in Hz.
DEFAULT_SAMPLE_RATE = 22050


class AudioError(InputError, ValueError):
    """Audio that cannot be used: missing, unreadable, empty, too short or at the wrong rate.

    The message always says what to do next.
    """


def audio_info(path: str | os.PathLike) -> tuple[int, float]:
    """Return ``(sample_rate, duration_seconds)`` of an audio file without decoding it."""
    import soundfile

    path = existing_audio_file(path)
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

    path = existing_audio_file(path)
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
            f"re-download it. {_repair_hint(path)}"
        )
    bad = ~np.isfinite(data).all(axis=1)
    if bad.any():  # a float WAV can hold NaN or infinity; every feature and loss would follow it
        first = int(np.argmax(bad))
        raise AudioError(
            f"{path} holds {int(bad.sum())} samples that are NaN or infinite (the first at "
            f"{(start + first) / file_rate:.2f} s). Re-create or re-download it. "
            f"{_repair_hint(path)}"
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
            "Scale the signal first (see common.audio.io.normalize_peak)."
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
            "Load files with common.audio.io.load_audio, which averages channels."
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


def existing_audio_file(path: str | os.PathLike) -> Path:
    """``path`` as a :class:`~pathlib.Path` if it is a file; else :class:`AudioError` saying how
    to get it (for a file of the course corpus, the command that repairs the corpus)."""
    path = Path(path).expanduser()
    if not path.is_file():
        hint = _repair_hint(path) or (
            "Check the path, or download the dataset first (see the README of the part)."
        )
        raise AudioError(f"No audio file at {path}. {hint}")
    return path


def _repair_hint(path: Path) -> str:
    """For a file of a rendered course corpus, the command that repairs that corpus."""
    for folder in Path(path).absolute().parents:
        manifest = folder / "corpus.json"
        if manifest.is_file():
            try:
                preset = json.loads(manifest.read_text(encoding="utf-8"))["preset"]
            except (ValueError, KeyError, OSError):
                preset = "tiny"
            return (
                f"It belongs to the course corpus at {folder}: repair it with `python -m "
                f"common.data.synthetic --preset {preset} --out {folder} --verify`, which renders "
                "again what is missing or damaged."
            )
    return ""


def _decode_error(path: Path, exc: Exception) -> AudioError:
    return AudioError(
        f"Could not decode {path} ({exc}). The file is corrupt or in a format libsndfile cannot "
        "read: re-download it, or convert it to WAV/FLAC (e.g. `ffmpeg -i in.m4a out.flac`)."
    )
