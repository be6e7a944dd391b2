"""Onset, beat and tempo scores: thin wrappers over mir_eval, all higher-is-better.

Taught in Part 3 (notebooks 01 to 04).
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = [
    "onset_scores",
    "beat_scores",
    "tempo_accuracy",
    "mean_scores",
]


def onset_scores(reference: np.ndarray, estimate: np.ndarray, window: float = 0.05) -> dict:
    """``mir_eval.onset`` F-measure, precision and recall of onset times (seconds): an estimate
    within ``window`` seconds of a reference onset is a hit, each onset matched at most once."""
    import mir_eval

    with warnings.catch_warnings():  # no estimated onsets scores 0, as it should
        warnings.simplefilter("ignore", UserWarning)
        f, p, r = mir_eval.onset.f_measure(
            np.asarray(reference), np.asarray(estimate), window=window
        )
    return {"f_measure": float(f), "precision": float(p), "recall": float(r)}


def beat_scores(reference: np.ndarray, estimate: np.ndarray) -> dict:
    """``mir_eval.beat`` scores of beat times (seconds): ``f_measure`` (hits within 70 ms),
    ``cmlt`` (the share of beats tracked continuously at the right metrical level) and ``amlt``
    (the same, accepting double or half tempo and the off-beat).

    Unlike ``mir_eval.beat.evaluate``, beats in the first 5 s are **not** discarded: the course's
    clips are 10 s long, and that convention (meant for minutes-long songs, to let a tracker
    settle) would throw away half of each clip.
    """
    import mir_eval

    reference, estimate = np.asarray(reference, float), np.asarray(estimate, float)
    with warnings.catch_warnings():  # an empty or one-beat estimate scores 0, as it should
        warnings.simplefilter("ignore", UserWarning)
        _, cmlt, _, amlt = mir_eval.beat.continuity(reference, estimate)
        f_measure = mir_eval.beat.f_measure(reference, estimate)
    return {"f_measure": float(f_measure), "cmlt": float(cmlt), "amlt": float(amlt)}


def tempo_accuracy(reference_bpm: float, estimate_bpm: float, tolerance: float = 0.04) -> dict:
    """Acc1: the estimate is within ``tolerance`` (4 %) of the reference tempo. Acc2: it is
    within 4 % of the reference times 1, 2, 3, 1/2 or 1/3, forgiving *octave errors* (and the
    factor-3 errors of ternary meters)."""
    factors = (1.0, 2.0, 3.0, 1.0 / 2.0, 1.0 / 3.0)
    close = [
        abs(estimate_bpm - f * reference_bpm) <= tolerance * f * reference_bpm for f in factors
    ]
    return {"acc1": float(close[0]), "acc2": float(any(close))}


def mean_scores(scores: list[dict]) -> dict:
    """Average a list of per-track score dicts, key by key (each track weighs the same)."""
    if not scores:
        raise ValueError("No scores to average: the split has no tracks.")
    return {key: float(np.mean([s[key] for s in scores])) for key in scores[0]}
