"""Multi-pitch estimation: the mir_eval score and a harmonic-summation baseline.

Taught in Part 1 (notebook 06).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "multipitch",
    "harmonic_summation",
]


def multipitch(
    reference_rolls: list[np.ndarray], estimated_rolls: list[np.ndarray], hop_seconds: float
) -> dict[str, float]:
    """``mir_eval.multipitch`` scores of binary piano rolls ``(n_frames, N_PITCHES)``, computed
    per track and averaged over tracks: ``accuracy`` (Poliner and Ellis), ``precision``,
    ``recall`` and ``f_measure`` (the harmonic mean of the two)."""
    import mir_eval

    from common.data.targets import roll_to_frequencies

    totals: dict[str, list[float]] = {
        "accuracy": [],
        "precision": [],
        "recall": [],
        "f_measure": [],
    }
    for reference, estimate in zip(reference_rolls, estimated_rolls, strict=True):
        times = np.arange(len(reference)) * hop_seconds
        scores = mir_eval.multipitch.evaluate(
            times, roll_to_frequencies(reference), times, roll_to_frequencies(estimate)
        )
        p, r = scores["Precision"], scores["Recall"]
        totals["accuracy"].append(scores["Accuracy"])
        totals["precision"].append(p)
        totals["recall"].append(r)
        totals["f_measure"].append(0.0 if p + r == 0 else 2 * p * r / (p + r))
    return {k: float(np.mean(v)) for k, v in totals.items()}


def harmonic_summation(
    hcqt_db: np.ndarray, harmonics: tuple[float, ...], decay: float = 0.6
) -> np.ndarray:
    """Pitch salience without learning: a weighted sum of a harmonic CQT's channels.

    ``hcqt_db`` is ``(frames, bins, len(harmonics))`` in dB, channel ``i`` holding bin ``k`` at
    ``harmonics[i]`` times the frequency of bin ``k``. Channel ``h`` gets the weight
    ``decay ** (h - 1)`` (subharmonics get none), the sum is normalised by its largest value in
    the clip, and only the local peaks across pitch are kept: ``(frames, bins)`` in ``[0, 1]``,
    to be thresholded. The design (decay, clip-wise normalisation, peak picking) was chosen on
    the validation split of the course's corpus.
    """
    if hcqt_db.ndim != 3 or hcqt_db.shape[-1] != len(harmonics):
        raise ValueError(
            f"Expected an HCQT of shape (frames, bins, {len(harmonics)}), got {hcqt_db.shape}."
        )
    weights = np.array([decay ** (h - 1) if h >= 1 else 0.0 for h in harmonics])
    salience = (10.0 ** (hcqt_db / 20.0)) @ weights  # dB back to amplitude, then summed
    salience = salience / (salience.max() + 1e-9)
    peaks = np.zeros_like(salience)
    middle = salience[:, 1:-1]
    is_peak = (middle >= salience[:, :-2]) & (middle >= salience[:, 2:])
    peaks[:, 1:-1] = np.where(is_peak, middle, 0.0)
    return peaks
