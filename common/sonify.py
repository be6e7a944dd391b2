"""Listening to rhythm annotations and detections: clicks mixed onto the music.

The quickest test of a beat tracker is to listen: a click on every detected beat (a higher one on
downbeats) should fall with the music, not drift, not stumble.
"""

from __future__ import annotations

import numpy as np

from common.audio import DEFAULT_SAMPLE_RATE, normalize_peak

__all__ = ["with_clicks"]


def with_clicks(
    signal: np.ndarray,
    beats: np.ndarray,
    downbeats: np.ndarray = (),
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    level: float = 0.5,
) -> np.ndarray:
    """``signal`` with a 1 kHz click at each time of ``beats`` (seconds) and a 2 kHz click at
    each of ``downbeats``, normalised to a peak of 0.9. Same length as ``signal``."""
    import librosa

    signal = normalize_peak(np.asarray(signal, dtype=np.float32), 0.9)
    downbeats = np.asarray(downbeats, dtype=float)
    plain = np.array([b for b in np.asarray(beats, float) if not np.any(np.isclose(b, downbeats))])
    mix = signal.copy()
    for times, frequency in ((plain, 1000.0), (downbeats, 2000.0)):
        if len(times):
            mix += level * librosa.clicks(
                times=times, sr=sample_rate, click_freq=frequency, length=len(signal)
            ).astype(np.float32)
    return normalize_peak(mix, 0.9)
