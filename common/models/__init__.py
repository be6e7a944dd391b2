"""The course's models, one module per family.

Importing this package registers every custom layer of the course, so :func:`load_model` (or
``keras.saving.load_model``) can read any ``.keras`` file the course writes, on any backend.
"""

from __future__ import annotations

import os

import keras

from common import frontends  # noqa: F401  (registers the custom layers)
from common.models import temporal  # noqa: F401  (registers PositiveDifference)
from common.models.classifiers import logmel_cnn, mlp_classifier

__all__ = ["load_model", "logmel_cnn", "mlp_classifier"]


def load_model(path: str | os.PathLike, compile: bool = True) -> keras.Model:
    """Load a ``.keras`` file saved on any backend, ready to run on the current one.

    A saved file records ``jit_compile`` as it was *resolved* on the backend that saved it: a
    model compiled under JAX stores ``True``, which under PyTorch would mean ``torch.compile``
    (slow to start and fragile on CPU). Here it is reset to ``"auto"``, which each backend
    resolves for itself (XLA for JAX, eager for PyTorch, XLA for TensorFlow on a GPU only).
    """
    model = keras.saving.load_model(path, compile=compile)
    if compile:
        model.jit_compile = None  # unset: the next use resolves "auto" on this backend
    return model
