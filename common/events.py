"""From event times to frame targets, and from frame activations back to event times.

A network that detects onsets or beats outputs one probability a frame (an *activation*). To
train it, annotated times become frame targets (:func:`event_targets`); to use it, the
activation becomes times again by **peak picking** (:func:`pick_peaks`). Tempo is read either
from a network's tempo output or from the periodicity of an activation
(:func:`autocorrelation_tempo`).

Frame ``i`` is centred on ``i / frame_rate`` seconds.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "N_TEMPI",
    "event_targets",
    "tempo_target",
    "pick_peaks",
    "autocorrelation_tempo",
    "tempo_from_distribution",
    "stretch_frames",
]

#: Classes of a tempo output: integer BPM from 0 to 299.
N_TEMPI = 300


def event_targets(
    times: np.ndarray, n_frames: int, frame_rate: float, widen: int = 1, neighbour: float = 0.5
) -> np.ndarray:
    """Frame targets ``(n_frames,)`` for event times in seconds.

    The frame nearest each event gets 1; with ``widen`` the ``widen`` frames on each side get
    ``neighbour`` (unless another event claims them). Annotations are only accurate to a frame
    or two, and a single positive frame among a hundred negatives gives the network little to
    learn from: widening (Böck et al., 2016) softens both problems.
    """
    target = np.zeros(n_frames, np.float32)
    frames = np.round(np.asarray(times, dtype=float) * frame_rate).astype(int)
    frames = frames[(frames >= 0) & (frames < n_frames)]
    for offset in range(1, widen + 1):
        for shifted in (frames - offset, frames + offset):
            inside = shifted[(shifted >= 0) & (shifted < n_frames)]
            target[inside] = np.maximum(target[inside], neighbour)
    target[frames] = 1.0
    return target


def tempo_target(bpm: float, spread: tuple[float, ...] = (0.5, 0.25)) -> np.ndarray:
    """A distribution over :data:`N_TEMPI` integer tempi for a tempo in BPM: the nearest class
    gets 1, its neighbours ``spread[0]``, the next ones ``spread[1]``..., normalised to sum to 1.
    Annotated tempi are not exact to the BPM; the spread says so to the loss."""
    target = np.zeros(N_TEMPI, np.float32)
    centre = int(round(bpm))
    if not 0 <= centre < N_TEMPI:
        raise ValueError(f"Tempo {bpm:.1f} BPM is outside the 0-{N_TEMPI - 1} BPM of the output.")
    target[centre] = 1.0
    for distance, weight in enumerate(spread, start=1):
        for index in (centre - distance, centre + distance):
            if 0 <= index < N_TEMPI:
                target[index] = weight
    return target / target.sum()


def pick_peaks(
    activation: np.ndarray,
    frame_rate: float,
    threshold: float = 0.5,
    pre_max: float = 0.03,
    post_max: float = 0.03,
    pre_avg: float = 0.0,
    post_avg: float = 0.0,
    delta: float = 0.0,
    combine: float = 0.03,
) -> np.ndarray:
    """Event times (seconds) from an activation ``(n_frames,)``.

    Frame ``n`` is an event when

    1. it is the maximum of the activation from ``pre_max`` seconds before to ``post_max`` after;
    2. it exceeds ``threshold``, and, if ``pre_avg + post_avg > 0``, the mean of the activation
       over that window plus ``delta`` (an adaptive threshold for novelty functions whose level
       drifts);
    3. it comes at least ``combine`` seconds after the previous event.

    With ``post_max = post_avg = 0`` the decision at frame ``n`` uses no future frame: **online**
    peak picking, usable while the music plays. Otherwise it is **offline**.
    """
    activation = np.asarray(activation, dtype=np.float32)
    keep = activation == _window(activation, frame_rate, pre_max, post_max, np.max, -np.inf)
    keep &= activation > threshold
    if pre_avg + post_avg > 0:
        mean = _window(activation, frame_rate, pre_avg, post_avg, np.mean, None)
        keep &= activation >= mean + delta
    frames = np.flatnonzero(keep)
    times, last = [], -np.inf
    for frame in frames:
        time = frame / frame_rate
        if time - last >= combine:
            times.append(time)
            last = time
    return np.asarray(times)


def _window(values, frame_rate, before, after, reduce, fill) -> np.ndarray:
    """``reduce`` of ``values`` over ``[n - before, n + after]`` seconds around each frame;
    beyond the ends, ``fill`` (or the edge value if ``fill`` is None)."""
    before, after = int(round(before * frame_rate)), int(round(after * frame_rate))
    if fill is None:
        padded = np.pad(values, (before, after), mode="edge")
    else:
        padded = np.pad(values, (before, after), constant_values=fill)
    windows = np.lib.stride_tricks.sliding_window_view(padded, before + after + 1)
    return reduce(windows, axis=1)


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


def stretch_frames(features: np.ndarray, rate: float) -> np.ndarray:
    """Features ``(n_frames, ...)`` played ``rate`` times faster, by linear interpolation along
    time: ``round(n_frames / rate)`` frames come out, and an event at ``t`` seconds moves to
    ``t / rate``. This is tempo-stretch augmentation done on features, which is cheap; it
    approximates computing the spectrogram with a hop ``rate`` times larger (Böck et al., 2019).
    """
    if rate <= 0:
        raise ValueError(f"The stretch rate must be positive, not {rate}.")
    features = np.asarray(features)
    n_out = max(1, int(round(len(features) / rate)))
    positions = np.minimum(np.arange(n_out) * rate, len(features) - 1)
    low = np.floor(positions).astype(int)
    high = np.minimum(low + 1, len(features) - 1)
    weight = (positions - low).reshape((-1,) + (1,) * (features.ndim - 1))
    return ((1 - weight) * features[low] + weight * features[high]).astype(features.dtype)
