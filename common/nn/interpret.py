"""Looking inside a trained model: its first-layer filters, and which parts of a spectrogram
its decision depends on.

Saliency here is **occlusion sensitivity** (Zeiler and Fergus, 2014): cover a patch of the input
and measure how much the probability of the class drops. It needs only forward passes, so it runs
unchanged on JAX, TensorFlow and PyTorch (gradient saliency would need each backend's own
autodiff API).
"""

from __future__ import annotations

import keras
import numpy as np

__all__ = ["occlusion_map", "conv_kernels"]


def occlusion_map(
    model: keras.Model,
    spectrogram: np.ndarray,
    target: int,
    patch: tuple[int, int] = (16, 8),
    batch_size: int = 64,
) -> np.ndarray:
    """Drop of ``model``'s output ``target`` when each ``patch`` (frames x bins) of
    ``spectrogram`` ``(n_frames, n_bins, 1)`` is replaced by the spectrogram's mean.

    Returns ``(n_frames // patch[0], n_bins // patch[1])``: large values mark the regions the
    decision relies on.
    """
    rows, cols = spectrogram.shape[0] // patch[0], spectrogram.shape[1] // patch[1]
    fill = float(spectrogram.mean())
    covered = np.repeat(spectrogram[None], rows * cols, axis=0)
    for r in range(rows):
        for c in range(cols):
            covered[
                r * cols + c, r * patch[0] : (r + 1) * patch[0], c * patch[1] : (c + 1) * patch[1]
            ] = fill
    reference = float(model.predict(spectrogram[None], verbose=0)[0, target])
    scores = model.predict(covered, batch_size=batch_size, verbose=0)[:, target]
    return (reference - scores).reshape(rows, cols)


def conv_kernels(layer: keras.layers.Layer) -> np.ndarray:
    """Kernels of a 2D convolution layer, ``(height, width, in_channels, out_channels)``
    (for example one of :func:`common.models.spectrogram.front_convolutions`)."""
    return keras.ops.convert_to_numpy(layer.kernel)
