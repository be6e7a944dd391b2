"""Non-deep baselines, fitted in the same run as the models they are compared with."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

__all__ = [
    "harmonic_summation",
    "librosa_beats",
    "librosa_onsets",
    "librosa_tempo",
    "logistic_regression",
    "support_vector_machine",
]


def logistic_regression(x_train: np.ndarray, y_train: np.ndarray, c: float = 1.0) -> Pipeline:
    """Standardise the features, then a multinomial logistic regression (a linear classifier)."""
    model = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=5000))
    return model.fit(x_train, y_train)


def support_vector_machine(x_train: np.ndarray, y_train: np.ndarray, c: float = 10.0) -> Pipeline:
    """Standardise the features, then an RBF-kernel SVM. Its ``predict`` gives classes and its
    ``decision_function`` scores (for rankings and AUCs)."""
    model = make_pipeline(StandardScaler(), SVC(C=c))
    return model.fit(x_train, y_train)


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


# Rhythm: librosa's own detectors, called as a learner would call them. Each works on an onset
# strength envelope (a spectral flux on a log-mel spectrogram, 512-sample hop).


def librosa_onsets(
    signal: np.ndarray,
    sample_rate: int,
    delta: float = 0.07,
    envelope: np.ndarray | None = None,
) -> np.ndarray:
    """Onset times (seconds) from ``librosa.onset.onset_detect``; ``delta`` is the threshold of
    its peak picker above the local mean (librosa's default 0.07), to be chosen on validation.
    ``envelope``, the clip's ``librosa.onset.onset_strength``, saves computing it again when
    several ``delta`` values are tried on one clip (the detections are the same)."""
    import librosa

    return librosa.onset.onset_detect(
        y=signal, sr=sample_rate, onset_envelope=envelope, units="time", delta=delta
    )


def librosa_beats(signal: np.ndarray, sample_rate: int) -> tuple[float, np.ndarray]:
    """``(tempo in BPM, beat times in seconds)`` from ``librosa.beat.beat_track`` (Ellis, 2007:
    a global tempo, then dynamic programming for beats that fit it and the onset envelope)."""
    import librosa

    tempo, beats = librosa.beat.beat_track(y=signal, sr=sample_rate, units="time")
    return float(np.atleast_1d(tempo)[0]), np.asarray(beats)


def librosa_tempo(signal: np.ndarray, sample_rate: int) -> float:
    """Global tempo (BPM) from ``librosa.feature.tempo``: the autocorrelation of the onset
    envelope weighted by a log-normal prior centred on 120 BPM."""
    import librosa

    return float(librosa.feature.tempo(y=signal, sr=sample_rate)[0])
