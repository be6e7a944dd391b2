"""A model trained on this backend loads and predicts identically on the other two."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from common.cli import BACKENDS
from common.course.crossbackend import predict_many_in_backend
from common.models import load_model
from common.models.registry import EXAMPLES, builders, example_batch
from common.nn.training import set_seed

TOLERANCE = 1e-5  # float32 round-off between backends' kernels


@pytest.fixture(scope="module")
def saved_models(tmp_path_factory, backend):
    """Every example of the model registry, trained for one step on this backend (so weights and
    batch-normalisation statistics leave their initial values), saved, and its predictions."""
    folder = tmp_path_factory.mktemp("models")
    saved = {}
    for name, example in EXAMPLES.items():
        set_seed(0)
        rng = np.random.default_rng(0)
        model = example.build()
        x, y = example_batch(model, example, rng)
        model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
        model.train_on_batch(x, y)
        path = folder / f"{name.replace('[', '-').rstrip(']')}-{backend}.keras"
        model.save(path)
        inputs = x[:2]
        expected = [np.asarray(o) for o in keras.tree.flatten(model.predict(inputs, verbose=0))]
        saved[name] = (path, inputs, expected)
    return saved


def test_every_model_builder_has_an_example():
    """A new builder in common.models is tested (and benchmarked) once it has an example."""
    covered = {example.builder.__name__ for example in EXAMPLES.values()}
    missing = sorted(set(builders()) - covered)
    assert not missing, f"Add an Example to common/models/registry.py for {missing}."
    assert {"beat_tcn", "deep_salience", "onset_cnn", "sample_cnn"} <= covered


@pytest.mark.slow
def test_identical_predictions_on_the_other_backends(saved_models, backend):
    names = list(saved_models)
    jobs = [(saved_models[n][0], saved_models[n][1]) for n in names]
    for other in BACKENDS:
        if other == backend:
            continue
        for name, outputs in zip(names, predict_many_in_backend(jobs, other), strict=True):
            expected = saved_models[name][2]
            assert len(outputs) == len(expected), name
            for got, want in zip(outputs, expected, strict=True):
                gap = np.abs(got - want).max()
                assert gap < TOLERANCE, f"{name}: {backend} -> {other} differs by {gap:.2g}"


def test_load_model_resolves_jit_compile_for_this_backend(saved_models, backend):
    path, inputs, (expected,) = saved_models["logmel_cnn"]
    model = load_model(path)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", jit_compile=True)
    model.optimizer.build(model.trainable_variables)  # as after training (no torch.compile run)
    model.save(path.with_name("forced-jit.keras"))
    reloaded = load_model(path.with_name("forced-jit.keras"))
    expected_jit = {"jax": True, "tensorflow": False, "torch": False}[backend]  # on a CPU
    assert reloaded.jit_compile == expected_jit
    np.testing.assert_allclose(reloaded.predict(inputs, verbose=0), expected, atol=TOLERANCE)
    assert isinstance(reloaded.get_layer("logmel"), keras.layers.Layer)
