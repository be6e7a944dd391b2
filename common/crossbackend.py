"""Run a saved ``.keras`` model on another backend, in a child process.

A Python process holds one Keras backend, so a model saved under JAX is checked under PyTorch by
starting a second interpreter with ``KERAS_BACKEND=torch``::

    predictions = predict_in_backend("model.keras", x, "torch")

``python -m common.crossbackend MODEL INPUTS.npy OUTPUT.npy`` is that child.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from common.cli import BACKENDS


def predict_in_backend(
    model_path: str | os.PathLike, inputs: np.ndarray, backend: str, timeout: float = 600
) -> np.ndarray:
    """Load ``model_path`` on ``backend`` in a fresh process and return its predictions."""
    if backend not in BACKENDS:
        raise ValueError(f"Unknown backend {backend!r}; use one of {BACKENDS}.")
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "inputs.npy", Path(folder) / "outputs.npy"
        np.save(source, inputs)
        env = {**os.environ, "KERAS_BACKEND": backend}
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "common.crossbackend",
                str(model_path),
                str(source),
                str(target),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"Loading {model_path} on {backend} failed:\n{done.stderr[-3000:]}")
        return np.load(target)


def jit_compile_when_loaded(model_path: str | os.PathLike, backend: str) -> dict[str, object]:
    """What ``jit_compile`` becomes when ``model_path`` is loaded on ``backend``: with plain
    ``keras.saving.load_model`` and with :func:`common.models.load_model`."""
    code = (
        "import sys, json, keras\n"
        "from common.models import load_model\n"
        "plain = keras.saving.load_model(sys.argv[1]).jit_compile\n"
        "course = load_model(sys.argv[1]).jit_compile\n"
        "print(json.dumps({'keras.saving.load_model': plain, 'common.models.load_model': course}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(model_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "KERAS_BACKEND": backend},
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    model_path, source, target = argv
    import keras

    from common.models import load_model

    model = load_model(model_path)
    outputs = model.predict(np.load(source), verbose=0)
    np.save(target, keras.ops.convert_to_numpy(outputs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
