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
    "librosa_onset_scores",
]


def librosa_onsets(
    signal: np.ndarray | None,
    sample_rate: int,
    delta: float = 0.07,
    envelope: np.ndarray | None = None,
) -> np.ndarray:
    """Onset times (seconds) from ``librosa.onset.onset_detect``; ``delta`` is the threshold of
    its peak picker above the local mean (librosa's default 0.07), to be chosen on validation.
    ``envelope``, the clip's ``librosa.onset.onset_strength``, saves computing it again when
    several ``delta`` values are tried on one clip (the detections are the same); with it,
    ``signal`` is not needed (``None``)."""
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


_ENVELOPES: dict[str, np.ndarray] = {}


def _onset_strength(track) -> np.ndarray:
    """librosa's onset strength of a track, computed once per audio file in a session (trying
    several ``delta`` values reuses it, without decoding the audio again: the detections only
    differ in their peak picking)."""
    import librosa

    from common.audio.io import DEFAULT_SAMPLE_RATE

    stat = track.audio_path.stat()
    key = f"{track.audio_path}:{stat.st_size}:{stat.st_mtime_ns}"  # a re-rendered file is new
    if key not in _ENVELOPES:
        _ENVELOPES[key] = librosa.onset.onset_strength(y=track.audio(), sr=DEFAULT_SAMPLE_RATE)
    return _ENVELOPES[key]


def librosa_onset_detection(
    splits: dict[str, Sequence], windows: Sequence[float] = (0.05,)
) -> tuple[float, dict[float, dict]]:
    """The librosa baseline of onset detection, tuned like the course's detectors:
    ``librosa.onset.onset_detect`` with its ``delta`` chosen on the validation tracks, then run
    on the test tracks. Returns ``(delta, {window: mean scores on test})``; score other tracks
    with the same ``delta`` through :func:`librosa_onset_scores`."""
    delta = max(
        LIBROSA_DELTAS,
        key=lambda d: librosa_onset_scores(splits["valid"], d, (0.05,))[0.05]["f_measure"],
    )
    return delta, librosa_onset_scores(splits["test"], delta, windows)


def librosa_onset_scores(
    tracks: Sequence, delta: float, windows: Sequence[float] = (0.05,)
) -> dict[float, dict]:
    """Mean onset scores of ``librosa.onset.onset_detect`` with ``delta`` on ``tracks``, per
    evaluation window (seconds)."""
    from common.audio.io import DEFAULT_SAMPLE_RATE

    results = {w: [] for w in windows}
    for track in tracks:
        found = librosa_onsets(None, DEFAULT_SAMPLE_RATE, delta, _onset_strength(track))
        for w in windows:
            results[w].append(onset_scores(track.onsets, found, w))
    return {w: mean_scores(scores) for w, scores in results.items()}
