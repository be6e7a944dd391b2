"""From frame activations back to event times: peak picking, and choosing its threshold.

A detector here is an activation per frame (a novelty function or a network output) plus peak
picking (:func:`pick_peaks`). Its threshold is a hyper-parameter: it is chosen on the
**validation** split (:func:`choose_threshold`) and then applied, unchanged, to the test split
(:func:`score_events`). Scores are computed per track with ``mir_eval`` and averaged.

Frame ``i`` is centred on ``i / frame_rate`` seconds.

Taught in Part 3 (notebooks 01 and 02).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from common.tasks.rhythm.metrics import beat_scores, mean_scores, onset_scores

__all__ = [
    "pick_peaks",
    "PEAK_PICKING",
    "THRESHOLDS",
    "peak_settings",
    "score_events",
    "choose_threshold",
]


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


#: Peak-picking settings (seconds) by detector kind and mode. ``online`` looks at no future
#: frame; novelty functions also need their local mean (an adaptive threshold).
PEAK_PICKING = {
    ("network", "offline"): {"pre_max": 0.03, "post_max": 0.03},
    ("network", "online"): {"pre_max": 0.03, "post_max": 0.0},
    ("novelty", "offline"): {"pre_max": 0.03, "post_max": 0.03, "pre_avg": 0.1, "post_avg": 0.07},
    ("novelty", "online"): {"pre_max": 0.03, "post_max": 0.0, "pre_avg": 0.1, "post_avg": 0.0},
}


#: Candidate thresholds tried on validation.
THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.05), 2)


def peak_settings(kind: str = "network", mode: str = "offline", events: str = "onsets") -> dict:
    """Keyword arguments of :func:`common.tasks.rhythm.peaks.pick_peaks` for a detector ``kind``
    (``network`` or ``novelty``) in ``mode`` (``offline`` or ``online``). Beats are never
    closer than about 0.25 s, so for ``events="beats"`` close peaks are merged over 0.2 s."""
    if (kind, mode) not in PEAK_PICKING:
        raise ValueError(f"Unknown detector {kind!r} / mode {mode!r}; see PEAK_PICKING.")
    settings = dict(PEAK_PICKING[(kind, mode)])
    settings["combine"] = 0.2 if events == "beats" else 0.03
    return settings


def score_events(
    references: Sequence[np.ndarray],
    activations: Sequence[np.ndarray],
    frame_rate: float,
    threshold: float,
    events: str = "onsets",
    window: float = 0.05,
    **settings,
) -> dict:
    """Mean ``mir_eval`` scores over tracks of the events picked from each activation:
    onset F-measure, precision and recall (hits within ``window`` seconds), or beat
    F-measure, CMLt and AMLt."""

    def score(reference, estimate):
        if events == "onsets":
            return onset_scores(reference, estimate, window)
        return beat_scores(reference, estimate)

    return mean_scores(
        [
            score(reference, pick_peaks(activation, frame_rate, threshold, **settings))
            for reference, activation in zip(references, activations, strict=True)
        ]
    )


def choose_threshold(
    references: Sequence[np.ndarray],
    activations: Sequence[np.ndarray],
    frame_rate: float,
    events: str = "onsets",
    candidates: Sequence[float] = THRESHOLDS,
    **settings,
) -> tuple[float, float]:
    """The candidate threshold with the best mean F-measure: ``(threshold, f_measure)``. Call it
    on the validation split only."""
    values = [
        score_events(references, activations, frame_rate, t, events, **settings)["f_measure"]
        for t in candidates
    ]
    best = int(np.argmax(values))
    return float(candidates[best]), float(values[best])
