"""Objectives beyond (y_true, y_pred): mining against brute force, and toy models of each kind
trained on the current backend with ``ObjectiveModel`` (no backend-specific training code)."""

import keras
import numpy as np
import pytest
from keras import layers, ops

from common.nn.losses import (
    ObjectiveModel,
    add_noise,
    gaussian_kl,
    nearest_code,
    noise_schedule,
    nt_xent_loss,
    pairwise_distances,
    triplet_loss,
    vq_losses,
)


def brute_force_triplets(labels, embeddings, margin, mining):
    """The reference: loop over every (anchor, positive, negative) in plain Python."""
    d = np.linalg.norm(embeddings[:, None] - embeddings[None], axis=-1)
    n = len(labels)
    costs = []
    for a in range(n):
        positives = [p for p in range(n) if p != a and labels[p] == labels[a]]
        negatives = [q for q in range(n) if labels[q] != labels[a]]
        if not positives or not negatives:
            continue
        if mining == "hard":
            costs.append(max(0.0, max(d[a, positives]) - min(d[a, negatives]) + margin))
        for p in positives:
            if mining == "semihard":
                farther = [d[a, q] for q in negatives if d[a, q] > d[a, p]]
                chosen = min(farther) if farther else max(d[a, negatives])
                costs.append(max(0.0, d[a, p] - chosen + margin))
            if mining == "all":
                costs += [d[a, p] - d[a, q] + margin for q in negatives]
    if mining == "all":
        costs = [c for c in costs if c > 0]
    return float(np.mean(costs)) if costs else 0.0


@pytest.mark.parametrize("mining", ["hard", "semihard", "all"])
def test_triplet_mining_matches_brute_force(mining):
    rng = np.random.default_rng(3)
    for trial in range(3):
        labels = rng.integers(0, 4, 12)
        labels[0] = 9  # a label with no positive: that anchor is left out
        embeddings = rng.normal(size=(12, 5)).astype("float32") * (0.3 + trial)
        expected = brute_force_triplets(labels, embeddings, 0.5, mining)
        got = float(ops.convert_to_numpy(triplet_loss(labels, embeddings, 0.5, mining)))
        assert got == pytest.approx(expected, rel=1e-4, abs=1e-5)


def test_pairwise_distances_and_closed_forms():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(6, 3)).astype("float32")
    expected = np.linalg.norm(x[:, None] - x[None], axis=-1)
    np.testing.assert_allclose(ops.convert_to_numpy(pairwise_distances(x)), expected, atol=1e-3)
    # KL of the prior from itself is zero; of N(1, 1) from N(0, 1) it is 1/2 per dimension.
    assert float(gaussian_kl(np.zeros((2, 4)), np.zeros((2, 4)))) == pytest.approx(0.0)
    assert float(gaussian_kl(np.ones((2, 4)), np.zeros((2, 4)))) == pytest.approx(2.0)
    # Two views that are identical and far from the others: NT-Xent near its minimum.
    views = np.eye(4, dtype="float32")
    assert float(nt_xent_loss(views, views, 0.05)) < 1e-3
    assert float(nt_xent_loss(views, views[::-1].copy(), 0.05)) > 5
    codebook = np.array([[0.0, 0.0], [1.0, 1.0]], dtype="float32")
    quantized, indices = nearest_code(np.array([[[0.9, 0.8], [0.1, -0.2]]], "float32"), codebook)
    np.testing.assert_array_equal(ops.convert_to_numpy(indices), [[1, 0]])
    np.testing.assert_allclose(ops.convert_to_numpy(quantized), [[[1, 1], [0, 0]]])
    alpha_bar = noise_schedule(100)
    assert alpha_bar.shape == (100,) and np.all(np.diff(alpha_bar) < 0) and alpha_bar[0] > 0.99


# ---------------------------------------------------------------------------------------------
# Toy models, one per kind of objective, each trained for a few epochs on the current backend.
# ---------------------------------------------------------------------------------------------


def clusters(n=256, classes=4, dim=8, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(classes, dim)) * 2
    labels = rng.integers(0, classes, n)
    return (centres[labels] + rng.normal(size=(n, dim))).astype("float32"), labels


class TripletEmbedder(ObjectiveModel):
    terms = ("triplet",)

    def loss_terms(self, x, y, y_pred, training):
        return {"triplet": triplet_loss(y, y_pred, margin=0.5, mining="semihard")}


class ContrastiveEmbedder(ObjectiveModel):
    terms = ("contrastive",)

    def loss_terms(self, x, y, y_pred, training):
        view_a, view_b = y_pred
        return {"contrastive": nt_xent_loss(view_a, view_b, temperature=0.2)}


class ToyVAE(ObjectiveModel):
    terms = ("reconstruction", "kl")

    def __init__(self, dim, latent=2, **kwargs):
        super().__init__(**kwargs)
        self.encoder = layers.Dense(2 * latent)
        self.decoder = keras.Sequential([layers.Dense(32, activation="relu"), layers.Dense(dim)])
        self.seeds = keras.random.SeedGenerator(0)
        self.latent = latent

    def call(self, x, training=False):
        mean, log_variance = ops.split(self.encoder(x), 2, axis=-1)
        z = mean + ops.exp(0.5 * log_variance) * keras.random.normal(
            ops.shape(mean), seed=self.seeds
        )
        return self.decoder(z), mean, log_variance

    def loss_terms(self, x, y, y_pred, training):
        reconstruction, mean, log_variance = y_pred
        return {
            "reconstruction": ops.mean(ops.sum(ops.square(x - reconstruction), axis=-1)),
            "kl": gaussian_kl(mean, log_variance),
        }


class ToyVQ(ObjectiveModel):
    terms = ("reconstruction", "codebook", "commitment")

    def __init__(self, dim, codes=8, width=4, **kwargs):
        super().__init__(**kwargs)
        self.encoder = layers.Dense(width)
        self.decoder = layers.Dense(dim)
        self.codebook = self.add_weight(
            shape=(codes, width), initializer="random_normal", name="codebook"
        )

    def call(self, x, training=False):
        vectors = self.encoder(x)
        quantized, indices = nearest_code(vectors, self.codebook)
        return self.decoder(quantized), vectors, indices

    def loss_terms(self, x, y, y_pred, training):
        reconstruction, vectors, indices = y_pred
        codebook, commitment = vq_losses(vectors, ops.take(self.codebook, indices, axis=0))
        return {
            "reconstruction": ops.mean(ops.square(x - reconstruction)),
            "codebook": codebook,
            "commitment": commitment,
        }


class ToyDiffusion(ObjectiveModel):
    terms = ("noise",)

    def __init__(self, dim, steps=50, **kwargs):
        super().__init__(**kwargs)
        self.alpha_bar = noise_schedule(steps)
        self.step_embedding = layers.Embedding(steps, 16)
        self.hidden = layers.Dense(64, activation="relu")
        self.out = layers.Dense(dim)
        self.seeds = keras.random.SeedGenerator(1)

    def call(self, clean, training=False):
        noisy, noise, steps = add_noise(clean, self.alpha_bar, self.seeds)
        features = ops.concatenate([noisy, self.step_embedding(steps)], axis=-1)
        return noise, self.out(self.hidden(features))

    def loss_terms(self, x, y, y_pred, training):
        noise, predicted = y_pred
        return {"noise": ops.mean(ops.square(noise - predicted))}


def embedder(model_class, dim, views=1):
    encoder = keras.Sequential([layers.Dense(32, activation="relu"), layers.Dense(8)])
    inputs = [keras.Input((dim,)) for _ in range(views)]
    outputs = [encoder(i) for i in inputs]
    network = keras.Model(
        inputs[0] if views == 1 else inputs, outputs[0] if views == 1 else outputs
    )
    return model_class(network=network)


def train(model, x, y=None, epochs=12, learning_rate=3e-3):
    keras.utils.set_random_seed(0)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate))
    history = model.fit(x, y, batch_size=32, epochs=epochs, verbose=0, shuffle=True)
    return history.history


def test_triplet_model_learns_and_separates_clusters():
    keras.utils.set_random_seed(0)
    x, labels = clusters()
    model = embedder(TripletEmbedder, x.shape[1])
    history = train(model, x, labels)
    assert history["triplet"][-1] < 0.5 * history["triplet"][0]
    assert history["loss"] == pytest.approx(history["triplet"])
    embeddings = model.predict(x, verbose=0)
    d = np.linalg.norm(embeddings[:, None] - embeddings[None], axis=-1)
    np.fill_diagonal(d, np.inf)
    assert np.mean(labels[d.argmin(1)] == labels) > 0.9  # nearest neighbour shares the label


def test_contrastive_model_learns():
    keras.utils.set_random_seed(0)
    x, _ = clusters()
    rng = np.random.default_rng(1)
    views = [x + 0.3 * rng.normal(size=x.shape).astype("float32") for _ in range(2)]
    history = train(embedder(ContrastiveEmbedder, x.shape[1], views=2), views)
    assert history["contrastive"][-1] < 0.8 * history["contrastive"][0]


def test_vae_learns_and_logs_each_term():
    keras.utils.set_random_seed(0)
    x, _ = clusters(dim=6)
    history = train(ToyVAE(6), x, epochs=15)
    assert history["loss"][-1] < 0.7 * history["loss"][0]
    assert history["reconstruction"][-1] < history["reconstruction"][0]
    total = np.add(history["reconstruction"], history["kl"])
    np.testing.assert_allclose(history["loss"], total, rtol=1e-4)


def test_vq_model_learns_its_codebook():
    keras.utils.set_random_seed(0)
    x, _ = clusters(dim=6)
    model = ToyVQ(6)
    before = ops.convert_to_numpy(model.codebook).copy()
    history = train(model, x, epochs=20, learning_rate=1e-2)
    assert history["reconstruction"][-1] < 0.7 * history["reconstruction"][0]
    assert history["codebook"][-1] < history["codebook"][0]
    assert not np.allclose(before, ops.convert_to_numpy(model.codebook))  # the codes moved


def test_diffusion_model_learns_to_predict_noise():
    keras.utils.set_random_seed(0)
    x, _ = clusters(dim=6)
    history = train(ToyDiffusion(6), x / 4, epochs=15)
    assert history["noise"][-1] < 0.7 * history["noise"][0]


def test_undeclared_terms_are_a_clear_error():
    class Wrong(ObjectiveModel):
        terms = ("a",)

        def loss_terms(self, x, y, y_pred, training):
            return {"b": ops.mean(y_pred)}

    inputs = keras.Input((2,))
    model = Wrong(network=keras.Model(inputs, layers.Dense(1)(inputs)))
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="declares"):
        model.fit(np.zeros((4, 2), "float32"), epochs=1, verbose=0)
