"""Scoring event detectors on a split, and choosing their threshold on another.

A detector here is an activation per frame (a novelty function or a network output) plus peak
picking (:func:`common.events.pick_peaks`). Its threshold is a hyper-parameter: it is chosen on
the **validation** split (:func:`choose_threshold`) and then applied, unchanged, to the test
split (:func:`score_events`). Scores are computed per track with ``mir_eval`` and averaged.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from common.events import pick_peaks
from common.metrics import beat_scores, mean_scores, onset_scores

__all__ = [
    "PEAK_PICKING",
    "THRESHOLDS",
    "peak_settings",
    "score_events",
    "choose_threshold",
    "librosa_onset_detection",
]

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
    """Keyword arguments of :func:`common.events.pick_peaks` for a detector ``kind``
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


#: Candidate ``delta`` values of librosa's onset peak picker (its default is 0.07).
LIBROSA_DELTAS = (0.02, 0.04, 0.07, 0.1, 0.15, 0.2, 0.3)


def librosa_onset_detection(
    splits: dict[str, Sequence], windows: Sequence[float] = (0.05,)
) -> tuple[float, dict[float, dict]]:
    """The librosa baseline of onset detection, tuned like the course's detectors:
    ``librosa.onset.onset_detect`` with its ``delta`` chosen on the validation tracks, then run
    on the test tracks. Returns ``(delta, {window: mean scores on test})``."""
    import librosa

    from common.audio import DEFAULT_SAMPLE_RATE
    from common.baselines import librosa_onsets

    audio = {s: [t.audio() for t in splits[s]] for s in ("valid", "test")}
    envelopes = {
        s: [librosa.onset.onset_strength(y=a, sr=DEFAULT_SAMPLE_RATE) for a in audio[s]]
        for s in audio
    }
    references = {s: [t.onsets for t in splits[s]] for s in ("valid", "test")}

    def scores(split, delta, window):
        detections = [
            librosa_onsets(a, DEFAULT_SAMPLE_RATE, delta, e)
            for a, e in zip(audio[split], envelopes[split], strict=True)
        ]
        return mean_scores(
            [onset_scores(r, d, window) for r, d in zip(references[split], detections, strict=True)]
        )

    delta = max(LIBROSA_DELTAS, key=lambda d: scores("valid", d, 0.05)["f_measure"])
    return delta, {w: scores("test", delta, w) for w in windows}
