"""librosa's onset, beat and tempo estimators: the non-deep peers of Part 3's networks.

Each is run on the same audio as the network it is compared with, and its own threshold (onset
``delta``) is chosen on the validation split, as the network's is.

Taught in Part 3 (notebooks 01 to 04).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from common.tasks.rhythm.metrics import mean_scores, onset_scores

__all__ = [
    "librosa_onsets",
    "librosa_beats",
    "librosa_tempo",
    "LIBROSA_DELTAS",
    "librosa_onset_detection",
]


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


#: Candidate ``delta`` values of librosa's onset peak picker (its default is 0.07).
LIBROSA_DELTAS = (0.02, 0.04, 0.07, 0.1, 0.15, 0.2, 0.3)


def librosa_onset_detection(
    splits: dict[str, Sequence], windows: Sequence[float] = (0.05,)
) -> tuple[float, dict[float, dict]]:
    """The librosa baseline of onset detection, tuned like the course's detectors:
    ``librosa.onset.onset_detect`` with its ``delta`` chosen on the validation tracks, then run
    on the test tracks. Returns ``(delta, {window: mean scores on test})``."""
    import librosa

    from common.audio.io import DEFAULT_SAMPLE_RATE

    audio = {s: [t.audio() for t in splits[s]] for s in ("valid", "test")}
    envelopes = {
        s: [librosa.onset.onset_strength(y=a, sr=DEFAULT_SAMPLE_RATE) for a in audio[s]]
        for s in audio
    }
    references = {s: [t.onsets for t in splits[s]] for s in ("valid", "test")}

    def scores(split, delta, window):
        detections = [
            librosa_onsets(a, DEFAULT_SAMPLE_RATE, delta, e)
            for a, e in zip(audio[split], envelopes[split], strict=True)
        ]
        return mean_scores(
            [onset_scores(r, d, window) for r, d in zip(references[split], detections, strict=True)]
        )

    delta = max(LIBROSA_DELTAS, key=lambda d: scores("valid", d, 0.05)["f_measure"])
    return delta, {w: scores("test", delta, w) for w in windows}
