"""Data augmentation: NumPy operations that a sampler applies to training batches.

* **SpecAugment** (Park et al., 2019): blank out random bands of time and of frequency, so the
  model cannot rely on any single moment or frequency region.
* **mixup** (Zhang et al., 2018): train on convex mixtures of two examples and of their labels,
  which smooths the decision boundaries.
* **Tempo stretch** (:func:`stretch_frames`): resample features along time, so a beat tracker
  sees more tempi than the corpus holds (its targets are rebuilt at the new rate).

All are pure NumPy and work on every backend. Use them for training batches only.

Taught in Part 1 (notebook 01: SpecAugment, mixup) and Part 3 (notebook 03: tempo stretch).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "spec_augment",
    "mixup",
    "Augment",
    "stretch_frames",
]


def spec_augment(
    x: np.ndarray,
    rng: np.random.Generator,
    time_masks: int = 2,
    time_width: int = 16,
    freq_masks: int = 2,
    freq_width: int = 8,
) -> np.ndarray:
    """Mask ``time_masks`` spans of up to ``time_width`` frames and ``freq_masks`` spans of up to
    ``freq_width`` bins in each example of ``x`` ``(batch, frames, bins, ...)``, filling them
    with the example's mean."""
    x = x.copy()
    for example in x:
        fill = example.mean()
        for _ in range(time_masks):
            width = int(rng.integers(0, time_width + 1))
            start = int(rng.integers(0, max(1, example.shape[0] - width)))
            example[start : start + width] = fill
        for _ in range(freq_masks):
            width = int(rng.integers(0, freq_width + 1))
            start = int(rng.integers(0, max(1, example.shape[1] - width)))
            example[:, start : start + width] = fill
    return x


def mixup(x: np.ndarray, y: np.ndarray, rng: np.random.Generator, alpha: float = 0.3):
    """Mix each example with a random partner: ``lam * a + (1 - lam) * b`` for inputs and for
    label vectors (one-hot or multi-hot), ``lam ~ Beta(alpha, alpha)`` per example."""
    lam = rng.beta(alpha, alpha, size=len(x)).astype(np.float32)
    partner = rng.permutation(len(x))
    shape = (-1,) + (1,) * (x.ndim - 1)
    mixed_x = lam.reshape(shape) * x + (1 - lam.reshape(shape)) * x[partner]
    mixed_y = lam[:, None] * y + (1 - lam[:, None]) * y[partner]
    return mixed_x.astype(np.float32), mixed_y.astype(np.float32)


class Augment:
    """A batch transform for ``CropDataset(augment=...)``: SpecAugment, then optionally mixup.

    With ``mixup``, integer class targets are turned into one-hot vectors of ``n_classes``
    (train with categorical, not sparse, cross-entropy).
    """

    def __init__(
        self,
        spec: bool = True,
        use_mixup: bool = False,
        n_classes: int | None = None,
        alpha: float = 0.3,
        **spec_kwargs,
    ):
        self.spec, self.use_mixup, self.n_classes = spec, use_mixup, n_classes
        self.alpha, self.spec_kwargs = alpha, spec_kwargs

    def __call__(self, x: np.ndarray, y: np.ndarray, rng: np.random.Generator):
        if self.spec:
            x = spec_augment(x, rng, **self.spec_kwargs)
        if self.use_mixup:
            if y.ndim == 1:
                y = np.eye(self.n_classes, dtype=np.float32)[y]
            x, y = mixup(x, y, rng, self.alpha)
        return x, y


def stretch_frames(features: np.ndarray, rate: float) -> np.ndarray:
    """Features ``(n_frames, ...)`` played ``rate`` times faster, by linear interpolation along
    time: ``round(n_frames / rate)`` frames come out, and an event at ``t`` seconds moves to
    ``t / rate``. This is tempo-stretch augmentation done on features, which is cheap; it
    approximates computing the spectrogram with a hop ``rate`` times larger (Böck et al., 2019).
    """
    if rate <= 0:
        raise ValueError(f"The stretch rate must be positive, not {rate}.")
    features = np.asarray(features)
    n_out = max(1, int(round(len(features) / rate)))
    positions = np.minimum(np.arange(n_out) * rate, len(features) - 1)
    low = np.floor(positions).astype(int)
    high = np.minimum(low + 1, len(features) - 1)
    weight = (positions - low).reshape((-1,) + (1,) * (features.ndim - 1))
    return ((1 - weight) * features[low] + weight * features[high]).astype(features.dtype)
