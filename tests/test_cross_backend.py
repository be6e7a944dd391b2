"""A model trained on this backend loads and predicts identically on the other two."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from common.cli import BACKENDS
from common.crossbackend import predict_in_backend
from common.frontends import SincFilterbank, TrainableSTFT
from common.models import load_model, logmel_cnn, mlp_classifier
from common.models.temporal import onset_rnn
from common.training import compile_classifier, set_seed

TOLERANCE = 1e-5  # float32 round-off between backends' kernels


@pytest.fixture(scope="module")
def saved_models(tmp_path_factory, backend):
    """Train an MLP (with a standardisation layer) and a log-mel CNN (with the custom front-end)
    for a few steps, and save them."""
    set_seed(0)
    rng = np.random.default_rng(0)
    folder = tmp_path_factory.mktemp("models")
    features = rng.normal(3.0, 2.0, (32, 20)).astype("float32")
    mlp = mlp_classifier(4, features)
    compile_classifier(mlp)
    mlp.fit(features, rng.integers(0, 4, 32), epochs=2, verbose=0)
    waveforms = 0.1 * rng.standard_normal((8, 16384)).astype("float32")
    cnn = compile_classifier(logmel_cnn(3, 16384, n_mels=48, filters=(8, 16)))
    cnn.fit(waveforms, rng.integers(0, 3, 8), epochs=2, verbose=0)
    # The learnable front-ends of Part 1, side by side in one small model.
    inputs = keras.Input((16384,))
    branches = [
        keras.layers.GlobalAveragePooling2D()(layer(inputs))
        for layer in (
            SincFilterbank(16, n_fft=512, hop_length=256),
            TrainableSTFT(16, n_fft=512, hop_length=256),
        )
    ]
    heads = keras.layers.Dense(3, activation="softmax")(keras.layers.Concatenate()(branches))
    learned = compile_classifier(keras.Model(inputs, heads))
    learned.fit(waveforms, rng.integers(0, 3, 8), epochs=2, verbose=0)
    # Part 3: a bidirectional GRU over frames, with the PositiveDifference layer.
    spectrograms = rng.random((4, 40, 16, 3)).astype("float32")
    rnn = onset_rnn(n_bins=16, units=8)
    rnn.compile(optimizer="adam", loss="binary_crossentropy")
    rnn.fit(spectrograms, rng.random((4, 40, 1)).astype("float32"), epochs=2, verbose=0)
    models = {}
    for name, model, inputs in (
        ("mlp", mlp, features[:8]),
        ("cnn", cnn, waveforms),
        ("learned front-ends", learned, waveforms),
        ("onset rnn", rnn, spectrograms),
    ):
        path = folder / f"{name}-{backend}.keras"
        model.save(path)
        models[name] = (path, inputs, model.predict(inputs, verbose=0))
    return models


@pytest.mark.slow
@pytest.mark.parametrize("name", ["mlp", "cnn", "learned front-ends", "onset rnn"])
def test_identical_predictions_on_the_other_backends(saved_models, name, backend):
    path, inputs, expected = saved_models[name]
    for other in BACKENDS:
        if other == backend:
            continue
        predicted = predict_in_backend(path, inputs, other)
        assert np.abs(predicted - expected).max() < TOLERANCE, f"{backend} -> {other}"
        assert np.array_equal(predicted.argmax(-1), expected.argmax(-1))


def test_load_model_resolves_jit_compile_for_this_backend(saved_models, backend):
    path, inputs, expected = saved_models["cnn"]
    model = load_model(path)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", jit_compile=True)
    model.optimizer.build(model.trainable_variables)  # as after training (no torch.compile run)
    model.save(path.with_name("forced-jit.keras"))
    reloaded = load_model(path.with_name("forced-jit.keras"))
    expected_jit = {"jax": True, "tensorflow": False, "torch": False}[backend]  # on a CPU
    assert reloaded.jit_compile == expected_jit
    np.testing.assert_allclose(reloaded.predict(inputs, verbose=0), expected, atol=TOLERANCE)
    assert isinstance(reloaded.get_layer("logmel"), keras.layers.Layer)
