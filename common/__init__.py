"""The course library, shared by every part. Module map (and the part that teaches each):

* :mod:`common.experiment`, :mod:`common.cli`: what a script touches first: arguments, backend,
  splits, baselines and result rows (every part). :mod:`common.results`: result rows and
  ``results.json``; :mod:`common.fileio`: atomic writes and locks.
* :mod:`common.audio`: load and check audio, hand-crafted features, players and clicks (Part 0).
* :mod:`common.data`: tracks, the embedded corpus, real datasets, feature cache, targets,
  samplers and augmentation (Parts 0, 1 and 3).
* :mod:`common.nn`: front-end layers, blocks, losses, training, TensorBoard, interpretation
  (Part 0 notebook 03, Part 1; the losses serve Parts 2 and 4).
* :mod:`common.models`: one module per model family, and a registry of every builder (Parts 0,
  1 and 3).
* :mod:`common.tasks`: scores, non-deep baselines and post-processing per task: classification,
  pitch, rhythm (Parts 0, 1 and 3).
* :mod:`common.viz`: figures and plots for notebooks, slides and TensorBoard (every part).
* :mod:`common.course`: tooling that runs the course and is not taught (workshop, bench,
  notebook and slide builds); the learner packages above never import it.

Importing ``common`` never imports Keras, so a script can still choose its backend (with
``KERAS_BACKEND`` or ``common.cli``) after ``import common``.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["REPO_ROOT", "InputError", "data_home", "runs_home"]

#: The folder that holds ``common/``, the parts and ``tests/``.
REPO_ROOT = Path(__file__).resolve().parent.parent

# TensorFlow prints CUDA probing errors on machines without a GPU; they only distract learners.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


class InputError(Exception):
    """Input the user can fix: a dataset that is not downloaded, a file that is not audio, a
    folder that is not a corpus. Its message says what to do; a script run from the command line
    prints it, without a traceback, and exits with status 2 (:func:`common.cli.run`).
    """


def data_home() -> Path:
    """Folder for generated data (the rendered corpus, feature caches).

    ``$MIR_COURSE_DATA`` overrides the default ``<repo>/data``.
    """
    return Path(os.environ.get("MIR_COURSE_DATA", REPO_ROOT / "data")).expanduser()


def runs_home() -> Path:
    """Default folder for TensorBoard runs and result files: ``<repo>/runs``."""
    return REPO_ROOT / "runs"
