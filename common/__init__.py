"""The course library: audio, features, data, models and training helpers shared by every part.

Importing ``common`` never imports Keras, so a script can still choose its backend (with
``KERAS_BACKEND`` or ``common.cli``) after ``import common``.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["REPO_ROOT", "data_home", "runs_home"]

#: The folder that holds ``common/``, the parts and ``tests/``.
REPO_ROOT = Path(__file__).resolve().parent.parent

# TensorFlow prints CUDA probing errors on machines without a GPU; they only distract learners.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def data_home() -> Path:
    """Folder for generated data (the rendered corpus, feature caches).

    ``$MIR_COURSE_DATA`` overrides the default ``<repo>/data``.
    """
    return Path(os.environ.get("MIR_COURSE_DATA", REPO_ROOT / "data")).expanduser()


def runs_home() -> Path:
    """Default folder for TensorBoard runs and result files: ``<repo>/runs``."""
    return REPO_ROOT / "runs"
