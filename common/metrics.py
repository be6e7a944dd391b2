"""Evaluation: thin, documented wrappers over scikit-learn and mir_eval. Every score is
higher-is-better, as result rows require."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn import metrics as sk

__all__ = [
    "accuracy",
    "balanced_accuracy",
    "macro_roc_auc",
    "macro_pr_auc",
    "frame_f1",
    "multipitch",
    "best_threshold",
    "onset_scores",
    "beat_scores",
    "tempo_accuracy",
    "mean_scores",
]


def _decisions(scores: np.ndarray) -> np.ndarray:
    """Predicted classes from scores ``(n, classes)``, or the predicted classes themselves ``(n,)``."""
    scores = np.asarray(scores)
    return np.argmax(scores, axis=1) if scores.ndim == 2 else scores


def accuracy(y_true: np.ndarray, scores: np.ndarray) -> float:
    """Fraction of examples classified right (``scores``: ``(n, classes)`` or predicted classes)."""
    return float(np.mean(_decisions(scores) == np.asarray(y_true)))


def balanced_accuracy(y_true: np.ndarray, scores: np.ndarray) -> float:
    """Mean of the per-class recalls: chance is ``1 / n_classes`` however unbalanced the classes.
    ``scores``: ``(n, classes)`` or predicted classes ``(n,)``."""
    return float(sk.balanced_accuracy_score(np.asarray(y_true), _decisions(scores)))


def _tags_present(y_true: np.ndarray) -> np.ndarray:
    """Columns with both positives and negatives: the only ones AUCs are defined for."""
    positives = y_true.sum(axis=0)
    return (positives > 0) & (positives < len(y_true))


def macro_roc_auc(y_true: np.ndarray, scores: np.ndarray) -> float:
    """ROC-AUC averaged over tags (each tag weighs the same), over tags with both classes."""
    keep = _tags_present(y_true)
    return float(sk.roc_auc_score(y_true[:, keep], scores[:, keep], average="macro"))


def macro_pr_auc(y_true: np.ndarray, scores: np.ndarray) -> float:
    """Average precision (area under the precision-recall curve) averaged over tags; unlike
    ROC-AUC, a rare tag's chance level is its frequency, not 0.5."""
    keep = _tags_present(y_true)
    return float(sk.average_precision_score(y_true[:, keep], scores[:, keep], average="macro"))


def frame_f1(reference: np.ndarray, estimate: np.ndarray) -> float:
    """F-measure of binary frame decisions, all frames of all tracks pooled."""
    return float(
        sk.f1_score(np.ravel(reference) > 0.5, np.ravel(estimate) > 0.5, zero_division=0.0)
    )


def best_threshold(
    y_true: np.ndarray,
    scores: np.ndarray,
    metric=None,
    candidates: np.ndarray | None = None,
) -> tuple[float, float]:
    """The decision threshold on binary ``scores`` that maximises ``metric(y_true, decisions)``
    (balanced accuracy by default), and that best value. Call it on the **validation** split,
    then apply the threshold to the test split. Candidates default to 0.02, 0.04, ..., 0.98; ties
    go to the threshold closest to 0.5."""
    metric = metric or balanced_accuracy
    y_true, scores = np.ravel(y_true), np.ravel(scores)
    if candidates is None:
        candidates = np.round(np.arange(0.02, 0.99, 0.02), 2)
    candidates = sorted(candidates, key=lambda c: abs(c - 0.5))
    values = [metric(y_true, (scores > c).astype(int)) for c in candidates]
    best = int(np.argmax(values))  # the first maximum: the one closest to 0.5
    return float(candidates[best]), float(values[best])


def multipitch(
    reference_rolls: list[np.ndarray], estimated_rolls: list[np.ndarray], hop_seconds: float
) -> dict[str, float]:
    """``mir_eval.multipitch`` scores of binary piano rolls ``(n_frames, N_PITCHES)``, computed
    per track and averaged over tracks: ``accuracy`` (Poliner and Ellis), ``precision``,
    ``recall`` and ``f_measure`` (the harmonic mean of the two)."""
    import mir_eval

    from common.data.targets import roll_to_frequencies

    totals: dict[str, list[float]] = {
        "accuracy": [],
        "precision": [],
        "recall": [],
        "f_measure": [],
    }
    for reference, estimate in zip(reference_rolls, estimated_rolls, strict=True):
        times = np.arange(len(reference)) * hop_seconds
        scores = mir_eval.multipitch.evaluate(
            times, roll_to_frequencies(reference), times, roll_to_frequencies(estimate)
        )
        p, r = scores["Precision"], scores["Recall"]
        totals["accuracy"].append(scores["Accuracy"])
        totals["precision"].append(p)
        totals["recall"].append(r)
        totals["f_measure"].append(0.0 if p + r == 0 else 2 * p * r / (p + r))
    return {k: float(np.mean(v)) for k, v in totals.items()}


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
