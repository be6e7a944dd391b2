"""Tempo from the periodicity of an activation, or from a network's tempo distribution.

Taught in Part 3 (notebook 04).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "autocorrelation_tempo",
    "tempo_from_distribution",
]


def _lag_range(frame_rate: float, min_bpm: float, max_bpm: float) -> np.ndarray:
    return np.arange(
        int(np.floor(60 * frame_rate / max_bpm)), int(np.ceil(60 * frame_rate / min_bpm)) + 1
    )


def autocorrelation_tempo(
    activation: np.ndarray, frame_rate: float, min_bpm: float = 40.0, max_bpm: float = 250.0
) -> tuple[float, np.ndarray, np.ndarray]:
    """Tempo (BPM) as the strongest periodicity of an activation.

    The autocorrelation of the mean-removed activation is computed for beat periods between
    ``max_bpm`` and ``min_bpm``; the lag of its highest value, refined to a fraction of a frame
    by fitting a parabola through its neighbours, gives the tempo. A pulse that repeats every
    beat also repeats every two beats, so the autocorrelation has peaks at half and double the
    true tempo too: the source of **octave errors**.

    Returns ``(bpm, tempi, strengths)``: the estimate and the curve it was read from.
    """
    x = np.asarray(activation, dtype=np.float64)
    x = x - x.mean()
    lags = _lag_range(frame_rate, min_bpm, max_bpm)
    lags = lags[lags < len(x) - 1]
    if len(lags) < 3:
        raise ValueError(
            f"An activation of {len(x)} frames is too short for tempi down to {min_bpm} BPM."
        )
    strengths = np.array([np.dot(x[:-lag], x[lag:]) / (len(x) - lag) for lag in lags])
    best = int(np.argmax(strengths))
    lag = float(lags[best])
    if 0 < best < len(lags) - 1:
        left, middle, right = strengths[best - 1 : best + 2]
        curvature = left - 2 * middle + right
        if curvature < 0:
            lag += 0.5 * (left - right) / curvature
    return 60.0 * frame_rate / lag, 60.0 * frame_rate / lags, strengths


def tempo_from_distribution(probabilities: np.ndarray) -> float:
    """Tempo in BPM from a tempo output ``(N_TEMPI,)``: the most probable class, refined by the
    probability-weighted mean of it and its two neighbours."""
    p = np.asarray(probabilities, dtype=np.float64)
    best = int(np.argmax(p))
    window = np.arange(max(best - 1, 0), min(best + 2, len(p)))
    return float(np.dot(window, p[window]) / max(p[window].sum(), 1e-12))
