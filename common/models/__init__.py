"""The course's models, one module per family; every builder returns a ``keras.Model``.

* :mod:`.classifiers`: an MLP on clip features, and a CNN with log-mel inside the graph
  (Parts 0 and 1).
* :mod:`.spectrogram`: spectrogram CNNs with four filter shapes, and a frame tagger (Part 1).
* :mod:`.waveform`: the sample-level CNN and the learnable front-ends (Part 1).
* :mod:`.salience`: deep salience for multi-pitch estimation (Part 1).
* :mod:`.temporal`: onset RNN and CNN, the multi-task beat TCN (Part 3).
* :mod:`.registry`: every builder, found automatically, with one typical configuration each
  (what the cross-backend test and the speed benchmark run).

Embeddings (Part 2), U-Net, VAE, VQ, autoregressive and diffusion models (Part 4) get a module
here when their parts arrive.

Importing this package registers every custom layer of the course, so :func:`load_model` (or
``keras.saving.load_model``) can read any ``.keras`` file the course writes, on any backend.
"""

from __future__ import annotations

import os

import keras

from common.models import temporal  # noqa: F401  (registers PositiveDifference)
from common.nn import frontends  # noqa: F401  (registers the custom layers)

__all__ = ["load_model"]


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
