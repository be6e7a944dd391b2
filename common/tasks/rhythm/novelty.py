"""Novelty functions: where does something new start?

The classic detectors reduce a spectrogram (:func:`common.audio.features.onset_spectrogram`) to
one **novelty function** (one value a frame), whose peaks are the onsets:

* :func:`spectral_flux`: the summed *increase* of energy across bands from one frame to the next
  (Masri, 1996; Dixon, 2006);
* the same with ``max_bins=3``: SuperFlux (Böck and Widmer, 2013), which compares each band
  with the *maximum* of its neighbours in the earlier frame, so a vibrato moving a partial by a
  band is not mistaken for a new note.

Taught in Part 3 (notebook 01).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "spectral_flux",
    "normalise_novelty",
    "superflux",
]


def spectral_flux(spectrogram: np.ndarray, lag: int = 1, max_bins: int = 1) -> np.ndarray:
    """Novelty function of a log spectrogram ``(n_frames, n_bins)``: one value a frame.

    ``flux[n] = sum_k max(0, S[n, k] - max(S[n - lag, k - w : k + w + 1]))`` with
    ``w = max_bins // 2``. ``max_bins=1`` is the plain spectral flux; ``max_bins=3`` with
    ``lag=2`` is SuperFlux. The first ``lag`` frames compare with the first frame.
    """
    spectrogram = np.asarray(spectrogram, dtype=np.float32)
    if spectrogram.ndim != 2:
        raise ValueError(f"Expected (n_frames, n_bins), got {spectrogram.shape}.")
    reference = spectrogram
    if max_bins > 1:
        from scipy.ndimage import maximum_filter1d

        reference = maximum_filter1d(spectrogram, size=max_bins, axis=1, mode="nearest")
    earlier = np.concatenate([np.repeat(reference[:1], lag, axis=0), reference[:-lag]])
    return np.maximum(spectrogram - earlier, 0.0).sum(axis=1)


def normalise_novelty(novelty: np.ndarray) -> np.ndarray:
    """Scale a novelty function to ``[0, 1]`` by its maximum in the clip, so that one
    threshold serves loud and soft recordings alike."""
    novelty = np.asarray(novelty, dtype=np.float32)
    top = float(novelty.max(initial=0.0))
    return novelty / top if top > 0 else novelty


def superflux(spectrogram: np.ndarray) -> np.ndarray:
    """SuperFlux novelty of an :func:`onset_spectrogram` ``(n_frames, n_mels, channels)``: the
    93 ms channel (2048 samples), each band compared with the maximum of three neighbouring
    bands two frames (20 ms) earlier, normalised to ``[0, 1]``."""
    channel = spectrogram[..., 1] if spectrogram.ndim == 3 else spectrogram
    return normalise_novelty(spectral_flux(channel, lag=2, max_bins=3))
