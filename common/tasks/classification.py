"""Classification and tagging: scores and non-deep baselines.

Scores are thin, documented wrappers over scikit-learn; every score is higher-is-better, as
result rows require. The baselines (logistic regression, an RBF support vector machine) are
fitted in the same run as the models they are compared with.

Taught in Part 0 (notebook 02: baselines) and Part 1 (notebooks 01 to 04: accuracies, ROC and
PR AUC, frame F-measure, threshold choice).
"""

from __future__ import annotations

import numpy as np
from sklearn import metrics as sk
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

__all__ = [
    "accuracy",
    "balanced_accuracy",
    "macro_roc_auc",
    "macro_pr_auc",
    "frame_f1",
    "best_threshold",
    "logistic_regression",
    "support_vector_machine",
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


def logistic_regression(x_train: np.ndarray, y_train: np.ndarray, c: float = 1.0) -> Pipeline:
    """Standardise the features, then a multinomial logistic regression (a linear classifier)."""
    model = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=5000))
    return model.fit(x_train, y_train)


def support_vector_machine(x_train: np.ndarray, y_train: np.ndarray, c: float = 10.0) -> Pipeline:
    """Standardise the features, then an RBF-kernel SVM. Its ``predict`` gives classes and its
    ``decision_function`` scores (for rankings and AUCs)."""
    model = make_pipeline(StandardScaler(), SVC(C=c))
    return model.fit(x_train, y_train)
