"""What a model should answer, from a track's annotations.

* Clip targets: one class (:func:`class_targets`) or several tags (:func:`multi_hot_targets`).
* Frame targets: what is true at each analysis frame (:func:`pitch_roll`, :func:`vocal_activity`,
  :func:`event_targets` for onsets and beats, :func:`onset_targets`). Frame ``i`` is centred on
  ``i * hop_length / sample_rate`` seconds, as in every feature of :mod:`common.audio.features`.
* Rhythm annotations of a track in one place (:func:`rhythm_of`) and tempo as a distribution
  (:func:`tempo_target`).

Taught in Part 1 (clip, pitch and vocal targets) and Part 3 (event and tempo targets).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from common.audio.features import ONSET_FRAME_RATE, frame_times
from common.audio.io import DEFAULT_SAMPLE_RATE
from common.data.tracks import Track

__all__ = [
    "PIANO_ROLL_LOW",
    "N_PITCHES",
    "pitch_roll",
    "vocal_activity",
    "roll_to_frequencies",
    "class_targets",
    "multi_hot_targets",
    "per_track",
    "N_TEMPI",
    "event_targets",
    "tempo_target",
    "Rhythm",
    "rhythm_of",
    "onset_targets",
]


#: Lowest MIDI pitch of a piano roll (C1, the lowest CQT bin) and its number of pitches (6 octaves).
PIANO_ROLL_LOW, N_PITCHES = 24, 72


def _active(onsets, offsets, times) -> np.ndarray:
    """Boolean ``(n_notes, n_frames)``: note ``j`` sounds at frame time ``t``."""
    return (onsets[:, None] <= times[None, :]) & (times[None, :] < offsets[:, None])


def pitch_roll(
    track: Track, n_frames: int, hop_length: int = 512, sample_rate: int = DEFAULT_SAMPLE_RATE
) -> np.ndarray:
    """Multi-hot ``(n_frames, N_PITCHES)`` of the pitched notes sounding at each frame (drum-kit
    hits excluded), pitch ``PIANO_ROLL_LOW + k`` in column ``k``."""
    notes = track.notes.pitched()
    keep = (notes.pitches >= PIANO_ROLL_LOW) & (notes.pitches < PIANO_ROLL_LOW + N_PITCHES)
    notes = notes.select(keep)
    roll = np.zeros((n_frames, N_PITCHES), np.float32)
    active = _active(notes.onsets, notes.offsets, frame_times(n_frames, sample_rate, hop_length))
    for j, pitch in enumerate(notes.pitches):
        roll[active[j], pitch - PIANO_ROLL_LOW] = 1.0
    return roll


def vocal_activity(
    track: Track, n_frames: int, hop_length: int = 512, sample_rate: int = DEFAULT_SAMPLE_RATE
) -> np.ndarray:
    """``(n_frames, 1)``: 1 where a sung note sounds (from the notes of the vocals stem)."""
    notes = track.notes
    sung = notes.select(notes.stems == "vocals")
    active = _active(sung.onsets, sung.offsets, frame_times(n_frames, sample_rate, hop_length))
    return active.any(axis=0).astype(np.float32)[:, None]


def roll_to_frequencies(roll: np.ndarray) -> list[np.ndarray]:
    """The frequencies (Hz) switched on in each frame of a binary roll, for ``mir_eval.multipitch``."""
    hz = 440.0 * 2.0 ** ((np.arange(roll.shape[1]) + PIANO_ROLL_LOW - 69) / 12)
    return [hz[row > 0] for row in roll]


def class_targets(classes: Sequence[str], field: str = "genre") -> Callable[[Track], np.ndarray]:
    """Target function giving the class index of ``getattr(track, field)``."""
    index = {c: i for i, c in enumerate(classes)}

    def target(track: Track) -> np.ndarray:
        value = getattr(track, field)
        if value not in index:
            raise KeyError(
                f"{track.track_id}: {field}={value!r} is not one of the classes {list(classes)}"
            )
        return np.int32(index[value])

    return target


def multi_hot_targets(
    vocabulary: Sequence[str], field: str = "tags"
) -> Callable[[Track], np.ndarray]:
    """Target function giving a multi-hot ``float32`` vector of the words of ``field`` present."""
    index = {w: i for i, w in enumerate(vocabulary)}

    def target(track: Track) -> np.ndarray:
        vector = np.zeros(len(vocabulary), np.float32)
        for word in getattr(track, field):
            if word in index:
                vector[index[word]] = 1.0
        return vector

    return target


def per_track(function: Callable[[Track], np.ndarray]) -> Callable[[Track], np.ndarray]:
    """Remember ``function``'s result for each track (e.g. frame targets read from annotation
    files), so that a data pipeline computes it once rather than at every batch."""
    memory: dict[str, np.ndarray] = {}

    def remembered(track: Track) -> np.ndarray:
        key = f"{track.dataset}/{track.track_id}"
        if key not in memory:
            memory[key] = function(track)
        return memory[key]

    return remembered


#: Classes of a tempo output: integer BPM from 0 to 299.
N_TEMPI = 300


def event_targets(
    times: np.ndarray, n_frames: int, frame_rate: float, widen: int = 1, neighbour: float = 0.5
) -> np.ndarray:
    """Frame targets ``(n_frames,)`` for event times in seconds.

    The frame nearest each event gets 1; with ``widen`` the ``widen`` frames on each side get
    ``neighbour`` (unless another event claims them). Annotations are only accurate to a frame
    or two, and a single positive frame among a hundred negatives gives the network little to
    learn from: widening (Böck et al., 2016) softens both problems.
    """
    target = np.zeros(n_frames, np.float32)
    frames = np.round(np.asarray(times, dtype=float) * frame_rate).astype(int)
    frames = frames[(frames >= 0) & (frames < n_frames)]
    for offset in range(1, widen + 1):
        for shifted in (frames - offset, frames + offset):
            inside = shifted[(shifted >= 0) & (shifted < n_frames)]
            target[inside] = np.maximum(target[inside], neighbour)
    target[frames] = 1.0
    return target


def tempo_target(bpm: float, spread: tuple[float, ...] = (0.5, 0.25)) -> np.ndarray:
    """A distribution over :data:`N_TEMPI` integer tempi for a tempo in BPM: the nearest class
    gets 1, its neighbours ``spread[0]``, the next ones ``spread[1]``..., normalised to sum to 1.
    Annotated tempi are not exact to the BPM; the spread says so to the loss."""
    target = np.zeros(N_TEMPI, np.float32)
    centre = int(round(bpm))
    if not 0 <= centre < N_TEMPI:
        raise ValueError(f"Tempo {bpm:.1f} BPM is outside the 0-{N_TEMPI - 1} BPM of the output.")
    target[centre] = 1.0
    for distance, weight in enumerate(spread, start=1):
        for index in (centre - distance, centre + distance):
            if 0 <= index < N_TEMPI:
                target[index] = weight
    return target / target.sum()


@dataclass(frozen=True)
class Rhythm:
    """What a track's beat annotation says: times in seconds, tempo in BPM."""

    beats: np.ndarray
    downbeats: np.ndarray
    tempo: float
    beats_per_bar: int | None


def rhythm_of(track: Track) -> Rhythm:
    """Beats, downbeats, tempo and meter of a track.

    The tempo is the track's own (``track.tempo``) when the dataset gives one, else 60 over the
    median inter-beat interval; the meter is the most common number of beats per bar when bar
    positions are annotated (the largest position).
    """
    beats = track.beats
    tempo = track.tempo
    if tempo is None:
        if len(beats.times) < 2:
            raise ValueError(f"{track.track_id}: fewer than two beats, so no tempo.")
        tempo = 60.0 / float(np.median(np.diff(beats.times)))
    beats_per_bar = None
    if beats.positions.max(initial=0) > 0:
        beats_per_bar = int(beats.positions.max())
    return Rhythm(beats.times, beats.downbeats, float(tempo), beats_per_bar)


def onset_targets(frames_of: Callable[[Track], np.ndarray], widen: int = 1) -> Callable:
    """Target function ``track -> (n_frames, 1)`` of widened onset frames, for
    :class:`common.data.samplers.CropDataset` with ``frame_targets=True``; ``frames_of(track)``
    gives the features, whose length the targets take."""

    def targets(track: Track) -> np.ndarray:
        n_frames = len(frames_of(track))
        return event_targets(track.onsets, n_frames, ONSET_FRAME_RATE, widen)[:, None]

    return targets
