"""Readers and writers for annotation files, in the formats real datasets use.

=============  =====================================================================
``.beats``     one beat per line: ``time  bar_position`` (Ballroom, GTZAN-Rhythm, Böck);
               the position is 1 on downbeats. Files with a single column are read too.
``.onsets``    one onset time per line (Böck's onset dataset).
``.notes.csv`` header ``onset,offset,pitch,velocity,program,stem``; program -1 is the drum kit
               and ``pitch`` is then the General MIDI percussion key.
``.chords``    ``start  end  label`` per line, Harte labels (Isophonics ``.lab``).
=============  =====================================================================

Times are in seconds. Writers are atomic (see :mod:`common.fileio`).
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from common.fileio import write_text

__all__ = [
    "Beats",
    "Notes",
    "read_beats",
    "write_beats",
    "read_onsets",
    "write_onsets",
    "read_notes",
    "write_notes",
    "read_chords",
    "write_chords",
]


@dataclass(frozen=True)
class Beats:
    """Beat times (seconds) and their bar positions (1 = downbeat; 0 where unknown)."""

    times: np.ndarray
    positions: np.ndarray

    @property
    def downbeats(self) -> np.ndarray:
        """Times of the beats at bar position 1."""
        return self.times[self.positions == 1]


@dataclass(frozen=True)
class Notes:
    """Note events as parallel arrays (one entry per note)."""

    onsets: np.ndarray  # seconds
    offsets: np.ndarray  # seconds
    pitches: np.ndarray  # MIDI pitch (GM percussion key for the drum kit)
    velocities: np.ndarray  # 1..127
    programs: np.ndarray  # GM program, -1 for the drum kit
    stems: np.ndarray  # stem name of each note

    def __len__(self) -> int:
        return len(self.onsets)

    def pitched(self) -> Notes:
        """Only the notes with a pitch (drum-kit hits removed)."""
        return self.select(self.programs >= 0)

    def select(self, mask: np.ndarray) -> Notes:
        return Notes(*(getattr(self, f)[mask] for f in self.__dataclass_fields__))


def _lines(path: str | os.PathLike) -> list[list[str]]:
    text = Path(path).read_text(encoding="utf-8")
    return [line.split() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def read_beats(path: str | os.PathLike) -> Beats:
    rows = _lines(path)
    times = np.array([float(r[0]) for r in rows])
    positions = np.array([int(float(r[1])) if len(r) > 1 else 0 for r in rows], dtype=int)
    return Beats(times, positions)


def write_beats(path: str | os.PathLike, times, positions) -> Path:
    return write_text(
        path, "".join(f"{t:.6f}\t{int(p)}\n" for t, p in zip(times, positions, strict=True))
    )


def read_onsets(path: str | os.PathLike) -> np.ndarray:
    return np.array([float(r[0]) for r in _lines(path)])


def write_onsets(path: str | os.PathLike, times) -> Path:
    return write_text(path, "".join(f"{t:.6f}\n" for t in times))


NOTE_FIELDS = ("onset", "offset", "pitch", "velocity", "program", "stem")


def read_notes(path: str | os.PathLike) -> Notes:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return Notes(
        onsets=np.array([float(r["onset"]) for r in rows]),
        offsets=np.array([float(r["offset"]) for r in rows]),
        pitches=np.array([int(r["pitch"]) for r in rows], dtype=int),
        velocities=np.array([int(r["velocity"]) for r in rows], dtype=int),
        programs=np.array([int(r["program"]) for r in rows], dtype=int),
        stems=np.array([r["stem"] for r in rows], dtype=object),
    )


def write_notes(path: str | os.PathLike, notes) -> Path:
    """Write notes given as objects with the attributes of :data:`NOTE_FIELDS`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(NOTE_FIELDS)
    for n in notes:
        writer.writerow(
            [f"{n.onset:.6f}", f"{n.offset:.6f}", n.pitch, n.velocity, n.program, n.stem]
        )
    return write_text(path, buffer.getvalue())


def read_chords(path: str | os.PathLike) -> list[tuple[float, float, str]]:
    return [(float(r[0]), float(r[1]), r[2]) for r in _lines(path)]


def write_chords(path: str | os.PathLike, chords) -> Path:
    return write_text(path, "".join(f"{a:.6f}\t{b:.6f}\t{label}\n" for a, b, label in chords))
