"""Listening: notebook players, and clicks mixed onto the music.

The quickest test of a beat tracker is to listen: a click on every detected beat (a higher one on
downbeats) should fall with the music, not drift, not stumble.

Taught in Part 0 (players, notebook 01) and Part 3 (clicks, notebooks 01 and 03).
"""

from __future__ import annotations

import numpy as np

from common.audio.io import DEFAULT_SAMPLE_RATE, normalize_peak

__all__ = [
    "with_clicks",
    "player",
]


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


def player(
    signal: np.ndarray,
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    seconds: float | None = None,
    normalize: bool = True,
):
    """A notebook audio player (optionally the first ``seconds`` only, to keep notebooks small).

    ``normalize=False`` plays the samples at their own level (they must lie in [-1, 1]): use it
    for test tones, which would be harsh at full scale.
    """
    from IPython.display import Audio

    if seconds is not None:
        signal = signal[: int(seconds * sample_rate)]
    return Audio(signal, rate=sample_rate, normalize=normalize)
