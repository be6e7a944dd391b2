"""Non-deep baselines, fitted in the same run as the models they are compared with."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

__all__ = ["logistic_regression", "support_vector_machine"]


def logistic_regression(x_train: np.ndarray, y_train: np.ndarray, c: float = 1.0) -> Pipeline:
    """Standardise the features, then a multinomial logistic regression (a linear classifier)."""
    model = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=5000))
    return model.fit(x_train, y_train)


def support_vector_machine(x_train: np.ndarray, y_train: np.ndarray, c: float = 10.0) -> Pipeline:
    """Standardise the features, then an RBF-kernel SVM. Its ``predict`` gives classes and its
    ``decision_function`` scores (for rankings and AUCs)."""
    model = make_pipeline(StandardScaler(), SVC(C=c))
    return model.fit(x_train, y_train)
