"""Run a saved ``.keras`` model on another backend, in a child process.

A Python process holds one Keras backend, so a model saved under JAX is checked under PyTorch by
starting a second interpreter with ``KERAS_BACKEND=torch``::

    predictions = predict_in_backend("model.keras", x, "torch")

``python -m common.course.crossbackend JOBS.json`` is that child; one child can run many
models (:func:`predict_many_in_backend`), which saves a backend start-up per model.
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
):
    """Load ``model_path`` on ``backend`` in a fresh process and return its predictions: an
    array, or a list of arrays (in ``keras.tree.flatten`` order) for a model with several
    outputs."""
    (outputs,) = predict_many_in_backend([(model_path, inputs)], backend, timeout)
    return outputs[0] if len(outputs) == 1 else outputs


def predict_many_in_backend(
    jobs: list[tuple[str | os.PathLike, np.ndarray]], backend: str, timeout: float = 1200
) -> list[list[np.ndarray]]:
    """Predictions of several saved models on ``backend``, in one fresh process.

    ``jobs`` are ``(model_path, inputs)`` pairs; each result is the list of the model's outputs
    in ``keras.tree.flatten`` order (one array for a single-output model).
    """
    if backend not in BACKENDS:
        raise ValueError(f"Unknown backend {backend!r}; use one of {BACKENDS}.")
    with tempfile.TemporaryDirectory() as folder:
        manifest = []
        for k, (model_path, inputs) in enumerate(jobs):
            source, target = Path(folder) / f"inputs-{k}.npy", Path(folder) / f"outputs-{k}.npz"
            np.save(source, inputs)
            manifest.append([str(model_path), str(source), str(target)])
        (Path(folder) / "jobs.json").write_text(json.dumps(manifest))
        done = subprocess.run(
            [sys.executable, "-m", "common.course.crossbackend", str(Path(folder) / "jobs.json")],
            env={**os.environ, "KERAS_BACKEND": backend},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"Predicting on {backend} failed:\n{done.stderr[-3000:]}")
        results = []
        for _, _, target in manifest:
            with np.load(target) as arrays:
                results.append([arrays[f"output_{i}"] for i in range(len(arrays.files))])
        return results


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
    """The child process: ``python -m common.course.crossbackend JOBS.json``, where the file
    lists ``[model.keras, inputs.npy, outputs.npz]`` triples."""
    (manifest,) = argv
    import keras

    from common.models import load_model

    for model_path, source, target in json.loads(Path(manifest).read_text()):
        outputs = load_model(model_path).predict(np.load(source), verbose=0)
        arrays = [keras.ops.convert_to_numpy(o) for o in keras.tree.flatten(outputs)]
        np.savez(target, **{f"output_{i}": a for i, a in enumerate(arrays)})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
