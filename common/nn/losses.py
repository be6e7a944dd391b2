"""Objectives that need more than ``(y_true, y_pred)``, written once for three backends.

The pattern
-----------
On every backend, Keras' ``train_step`` and ``test_step`` call
``Model.compute_loss(x, y, y_pred, sample_weight, training)``. A model whose objective needs
more than one target and one prediction subclasses :class:`ObjectiveModel` and returns its
loss as **named terms** from :meth:`ObjectiveModel.loss_terms`; the terms are summed for the
gradient and each is logged on its own (``kl``, ``val_kl`` ... in the history and TensorBoard).
Its ``call`` returns whatever the terms need (embeddings, a mean and a log-variance, the noise
it drew and the noise it predicted). Nothing here uses ``tf.GradientTape`` or a backend's own
``train_step``: many published Keras examples do, and then run on TensorFlow only.

The terms
---------
* **Metric learning** (Part 2). :func:`triplet_loss` mines its triplets online, inside the batch
  (every example is an anchor; "hard" takes its farthest positive and nearest negative, Hermans
  et al., 2017; "semihard" the nearest negative still farther than the positive, Schroff et al.,
  2015; "all" averages every triplet that violates the margin). :func:`nt_xent_loss` is the
  contrastive loss of SimCLR (Chen et al., 2020): two views of each example should be each
  other's nearest neighbour among all the views of the batch.
* **Variational auto-encoders** (Part 4). :func:`gaussian_kl` pulls the encoder's Gaussian
  towards the unit prior (Kingma and Welling, 2014).
* **Vector quantisation** (Part 4). :func:`nearest_code` picks a codebook vector per frame with a
  straight-through gradient, and :func:`vq_losses` gives the codebook and commitment terms of
  VQ-VAE (van den Oord et al., 2017).
* **Diffusion** (Part 4). :func:`noise_schedule` and :func:`add_noise` make a noisy input at a
  random step; the objective is the mean squared error of the predicted noise (Ho et al., 2020).

Tested in ``tests/test_losses.py`` on JAX, TensorFlow and PyTorch; taught in Parts 2 and 4.
"""

from __future__ import annotations

import math

import keras
import numpy as np
from keras import ops

__all__ = [
    "ObjectiveModel",
    "pairwise_distances",
    "triplet_loss",
    "nt_xent_loss",
    "gaussian_kl",
    "nearest_code",
    "vq_losses",
    "noise_schedule",
    "add_noise",
]


class ObjectiveModel(keras.Model):
    """A Keras model whose loss is a sum of named terms computed from ``x``, ``y`` and ``y_pred``.

    Subclasses set :attr:`terms` (the names, in order) and implement :meth:`loss_terms`. The
    forward pass is either a ``network`` given to the constructor (any Keras model, often a
    functional one: ``TripletModel(network=encoder)``), or the subclass's own ``call``. Compile
    with an optimizer and no loss: ``model.compile(optimizer="adam")``. Save ``model.network``
    (or the subclass's parts) to keep the trained network without its objective.

    (Why not ``class TripletModel(ObjectiveModel)`` built from ``inputs, outputs``? Keras turns
    a ``Model`` subclass built that way into a ``Functional`` subclass by rewriting the classes
    it derives from, which would then break every subclass written with its own ``call``.)
    """

    #: Names of the loss terms, each logged as a metric (``<name>`` and ``val_<name>``).
    terms: tuple[str, ...] = ()

    def __init__(self, network: keras.Model | None = None, **kwargs):
        super().__init__(**kwargs)
        self.network = network
        # Created here, before any step is traced: JAX steps are pure functions of the
        # variables that exist when training starts.
        self.term_trackers = [keras.metrics.Mean(name=name) for name in self.terms]

    def call(self, inputs, training=False):
        if self.network is None:
            raise NotImplementedError(
                f"{type(self).__name__} has no network: pass `network=` or define call()."
            )
        return self.network(inputs, training=training)

    def loss_terms(self, x, y, y_pred, training: bool) -> dict:
        """The loss terms of one batch, ``{name: scalar tensor}`` with the names of :attr:`terms`."""
        raise NotImplementedError(f"{type(self).__name__} must define loss_terms().")

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        terms = self.loss_terms(x, y, y_pred, training)
        if set(terms) != set(self.terms):
            raise ValueError(
                f"{type(self).__name__}.loss_terms returned {sorted(terms)}, but its `terms` "
                f"attribute declares {sorted(self.terms)}: make the two agree."
            )
        total = 0.0
        for tracker in self.term_trackers:
            tracker.update_state(terms[tracker.name])
            total = total + terms[tracker.name]
        # Terms added by layers with `add_loss` (weight regularisers, for example) still count.
        for extra in self.losses:
            total = total + extra
        return total

    @property
    def metrics(self):
        return super().metrics + self.term_trackers


# ---------------------------------------------------------------------------------------------
# Metric learning
# ---------------------------------------------------------------------------------------------


def pairwise_distances(embeddings, squared: bool = False):
    """Euclidean distances between all rows of ``embeddings`` ``(n, dim)``: shape ``(n, n)``.

    Computed as ``|a|^2 - 2 a.b + |b|^2``, clipped at zero; the square root gets a small floor so
    its gradient stays finite on the diagonal.
    """
    embeddings = ops.convert_to_tensor(embeddings)
    norms = ops.sum(ops.square(embeddings), axis=1)
    squares = norms[:, None] - 2.0 * ops.matmul(embeddings, ops.transpose(embeddings)) + norms
    squares = ops.maximum(squares, 0.0)
    return squares if squared else ops.sqrt(squares + 1e-12)


def triplet_loss(labels, embeddings, margin: float = 0.2, mining: str = "hard"):
    """Triplet loss with triplets mined online in the batch; a scalar.

    ``labels`` ``(n,)`` are integer identities (a work, an artist, a tag), ``embeddings``
    ``(n, dim)``. Every example is an anchor ``a``, with positives ``p`` (same label, not itself)
    and negatives ``q`` (another label); a triplet costs ``max(0, d(a, p) - d(a, q) + margin)``.

    * ``"hard"``: per anchor, its farthest positive and its nearest negative; averaged over the
      anchors that have both.
    * ``"semihard"``: per anchor and positive, the nearest negative that is still farther than
      the positive (the farthest negative when none is); averaged over those pairs.
    * ``"all"``: the mean over the triplets with a positive cost.

    Anchors without a positive or a negative in the batch are left out, so batches should hold
    at least two examples of each label (a pair sampler does this).
    """
    if mining not in ("hard", "semihard", "all"):
        raise ValueError(f"Unknown mining {mining!r}: use 'hard', 'semihard' or 'all'.")
    labels = ops.reshape(ops.convert_to_tensor(labels), (-1,))
    distances = pairwise_distances(embeddings)
    same = ops.equal(labels[:, None], labels[None, :])
    eye = ops.eye(ops.shape(labels)[0], dtype="bool")
    positive = ops.cast(ops.logical_and(same, ops.logical_not(eye)), "float32")
    negative = ops.cast(ops.logical_not(same), "float32")
    big = ops.max(distances) + margin + 1.0

    if mining == "hard":
        hardest_positive = ops.max(distances * positive, axis=1)
        hardest_negative = ops.min(distances + big * (1.0 - negative), axis=1)
        valid = ops.cast(ops.sum(positive, axis=1) > 0, "float32") * ops.cast(
            ops.sum(negative, axis=1) > 0, "float32"
        )
        costs = ops.relu(hardest_positive - hardest_negative + margin) * valid
        return ops.sum(costs) / ops.maximum(ops.sum(valid), 1.0)

    # d[a, p, q] = d(a, p) - d(a, q): every (anchor, positive, negative) combination at once.
    gaps = distances[:, :, None] - distances[:, None, :]
    triplets = positive[:, :, None] * negative[:, None, :]
    if mining == "all":
        costs = ops.relu(gaps + margin) * triplets
        active = ops.cast(costs > 1e-12, "float32")
        return ops.sum(costs) / ops.maximum(ops.sum(active), 1.0)

    # Semi-hard: negatives farther than the positive; the nearest of them, per (anchor, positive).
    farther = triplets * ops.cast(gaps < 0.0, "float32")
    nearest_farther = ops.max(gaps * farther - big * (1.0 - farther), axis=2)
    farthest_any = ops.min(gaps + big * (1.0 - triplets), axis=2)
    has_farther = ops.sum(farther, axis=2) > 0
    chosen = ops.where(has_farther, nearest_farther, farthest_any)
    pairs = positive * ops.cast(ops.sum(negative, axis=1, keepdims=True) > 0, "float32")
    costs = ops.relu(chosen + margin) * pairs
    return ops.sum(costs) / ops.maximum(ops.sum(pairs), 1.0)


def nt_xent_loss(view_a, view_b, temperature: float = 0.1):
    """SimCLR's normalised temperature-scaled cross-entropy between two views; a scalar.

    ``view_a`` and ``view_b`` ``(n, dim)`` are embeddings of two views (two crops, two
    augmentations) of the same ``n`` examples. After L2 normalisation, each of the ``2n`` views
    must pick its partner among the other ``2n - 1`` by cosine similarity over ``temperature``.
    """
    view_a, view_b = ops.convert_to_tensor(view_a), ops.convert_to_tensor(view_b)
    views = ops.concatenate([view_a, view_b], axis=0)
    views = views / ops.sqrt(ops.sum(ops.square(views), axis=1, keepdims=True) + 1e-12)
    n = ops.shape(view_a)[0]
    logits = ops.matmul(views, ops.transpose(views)) / temperature
    logits = logits - 1e9 * ops.eye(2 * n)  # a view is not its own partner
    partners = ops.concatenate([ops.arange(n) + n, ops.arange(n)], axis=0)
    losses = keras.losses.sparse_categorical_crossentropy(partners, logits, from_logits=True)
    return ops.mean(losses)


# ---------------------------------------------------------------------------------------------
# Variational auto-encoders and vector quantisation
# ---------------------------------------------------------------------------------------------


def gaussian_kl(mean, log_variance):
    """KL divergence of ``N(mean, exp(log_variance))`` from ``N(0, 1)``, summed over the latent
    dimensions and averaged over the batch; a scalar (nats)."""
    mean, log_variance = ops.convert_to_tensor(mean), ops.convert_to_tensor(log_variance)
    per_example = -0.5 * ops.sum(
        1.0 + log_variance - ops.square(mean) - ops.exp(log_variance), axis=-1
    )
    return ops.mean(per_example)


def nearest_code(vectors, codebook):
    """Quantise ``vectors`` ``(..., dim)`` to their nearest rows of ``codebook`` ``(k, dim)``.

    Returns ``(quantized, indices)``. ``quantized`` carries a straight-through gradient: in the
    forward pass it is the codebook vector, in the backward pass the gradient goes to
    ``vectors`` unchanged (the argmin has none of its own).
    """
    vectors, codebook = ops.convert_to_tensor(vectors), ops.convert_to_tensor(codebook)
    flat = ops.reshape(vectors, (-1, ops.shape(codebook)[1]))
    distances = (
        ops.sum(ops.square(flat), axis=1, keepdims=True)
        - 2.0 * ops.matmul(flat, ops.transpose(codebook))
        + ops.sum(ops.square(codebook), axis=1)
    )
    indices = ops.argmin(distances, axis=1)
    codes = ops.reshape(ops.take(codebook, indices, axis=0), ops.shape(vectors))
    straight_through = vectors + ops.stop_gradient(codes - vectors)
    return straight_through, ops.reshape(indices, ops.shape(vectors)[:-1])


def vq_losses(vectors, codes, commitment: float = 0.25):
    """The two VQ-VAE terms for encoder outputs ``vectors`` and their codebook vectors ``codes``.

    Returns ``(codebook_loss, commitment_loss)``: the first moves the codebook towards the
    encoder outputs, the second (weighted by ``commitment``) keeps the encoder close to the
    codebook. Pass the codebook vectors themselves (``ops.take(codebook, indices, axis=0)``),
    not the straight-through output of :func:`nearest_code`.
    """
    vectors, codes = ops.convert_to_tensor(vectors), ops.convert_to_tensor(codes)
    codebook_loss = ops.mean(ops.square(ops.stop_gradient(vectors) - codes))
    commitment_loss = commitment * ops.mean(ops.square(vectors - ops.stop_gradient(codes)))
    return codebook_loss, commitment_loss


# ---------------------------------------------------------------------------------------------
# Diffusion
# ---------------------------------------------------------------------------------------------


def noise_schedule(steps: int, kind: str = "cosine") -> np.ndarray:
    """``alpha_bar`` for ``steps`` diffusion steps, shape ``(steps,)``, float32, decreasing.

    ``alpha_bar[t]`` is the share of signal variance left at step ``t``: ``x_t = sqrt(alpha_bar)
    x_0 + sqrt(1 - alpha_bar) noise``. ``"cosine"`` is Nichol and Dhariwal's (2021) schedule,
    ``"linear"`` Ho et al.'s (2020) betas from 1e-4 to 0.02.
    """
    if kind == "cosine":
        s = 0.008
        t = np.arange(steps + 1) / steps
        f = np.cos((t + s) / (1 + s) * math.pi / 2) ** 2
        alpha_bar = np.clip(f[1:] / f[0], 1e-5, 1.0)
    elif kind == "linear":
        alpha_bar = np.cumprod(1.0 - np.linspace(1e-4, 0.02, steps))
    else:
        raise ValueError(f"Unknown noise schedule {kind!r}: use 'cosine' or 'linear'.")
    return alpha_bar.astype(np.float32)


def add_noise(clean, alpha_bar, seed_generator):
    """A noisy version of each example of ``clean`` ``(batch, ...)`` at a random step.

    ``alpha_bar`` is a :func:`noise_schedule`; ``seed_generator`` a ``keras.random.SeedGenerator``
    owned by the model (so every backend draws new noise each step). Returns
    ``(noisy, noise, steps)``, ``steps`` ``(batch,)`` integers: the network sees ``noisy`` and
    ``steps`` and is trained to predict ``noise``.
    """
    batch = ops.shape(clean)[0]
    steps = keras.random.randint((batch,), 0, len(alpha_bar), seed=seed_generator)
    noise = keras.random.normal(ops.shape(clean), seed=seed_generator)
    share = ops.take(ops.convert_to_tensor(alpha_bar), steps)
    share = ops.reshape(share, (-1,) + (1,) * (len(clean.shape) - 1))
    noisy = ops.sqrt(share) * clean + ops.sqrt(1.0 - share) * noise
    return noisy, noise, steps
