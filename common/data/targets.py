"""Frame-level targets from annotations: what is true at each analysis frame.

Frame ``i`` is centred on ``i * hop_length / sample_rate`` seconds, as in every feature of
:mod:`common.audio`.
"""

from __future__ import annotations

import numpy as np

from common.audio import DEFAULT_SAMPLE_RATE, frame_times
from common.data.tracks import Track

__all__ = ["PIANO_ROLL_LOW", "N_PITCHES", "pitch_roll", "vocal_activity", "roll_to_frequencies"]

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
