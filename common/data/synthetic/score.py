"""Scores in musical time, and their conversion to seconds.

An arrangement is a list of :class:`Part` objects whose notes are placed in **beats** (0 is the
first downbeat of the song). :class:`Timeline` turns beats into seconds through a tempo map
(with optional rubato), swing, and small human timing deviations. Labels (beats, onsets, notes)
are read from the same converted times that drive the synthesiser, so they are exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

STEMS = ("drums", "bass", "vocals", "other")


@dataclass
class BeatNote:
    """A note placed in musical time."""

    beat: float  # start, in beats from the song's first downbeat
    length: float  # duration, in beats
    pitch: int  # MIDI pitch (for drums: the GM percussion key)
    velocity: float  # 0..1


@dataclass
class Part:
    """One instrument of an arrangement, rendered on its own MIDI channel."""

    name: str  # what it plays: "drums", "bass", "comp", "pad", "lead", "vocals", ...
    program: int  # General MIDI program (0-127); ignored for drums
    stem: str  # one of STEMS
    notes: list[BeatNote] = field(default_factory=list)
    is_drum: bool = False
    vibrato: bool = False  # sung parts: a delayed 5.5 Hz vibrato through the pitch wheel
    timing_sd: float = 0.006  # standard deviation of human timing deviations, seconds
    legato: float = 0.92  # fraction of the written length that sounds

    def add(self, beat: float, length: float, pitch: int, velocity: float) -> None:
        self.notes.append(BeatNote(float(beat), float(length), int(pitch), float(velocity)))


@dataclass
class TimedNote:
    """A note placed in seconds, as rendered and as labelled."""

    onset: float
    offset: float
    pitch: int
    velocity: int  # MIDI velocity 1..127
    program: int  # GM program, or -1 for the drum kit
    stem: str
    part: str


class Timeline:
    """Maps beats to seconds for one rendition of a song.

    Parameters
    ----------
    tempo
        Nominal tempo in beats per minute.
    n_beats
        Number of beats to lay out (the song's length).
    swing
        Where the off-beat eighth falls within the beat: 0.5 is straight, 2/3 is a triplet swing.
    rubato
        Relative standard deviation of a slowly varying tempo (0 for a machine-steady tempo).
    rng
        Source of the rubato curve.
    stretch
        Optional factor on the length of each beat (index ``k``: from beat ``k`` to ``k + 1``):
        how a performer shapes time beyond rubato, with ritardandi and fermatas.
    """

    def __init__(
        self,
        tempo: float,
        n_beats: int,
        swing: float = 0.5,
        rubato: float = 0.0,
        rng: np.random.Generator | None = None,
        stretch: np.ndarray | None = None,
    ):
        self.tempo = float(tempo)
        self.swing = float(swing)
        ibi = np.full(n_beats + 1, 60.0 / tempo)
        if rubato > 0:
            rng = rng or np.random.default_rng(0)
            # A smooth curve: random walk low-passed over about two bars, scaled to `rubato`.
            walk = np.convolve(rng.standard_normal(n_beats + 9), np.hanning(9), mode="valid")
            walk = walk - walk.mean()
            walk = walk / (np.abs(walk).max() + 1e-9)
            ibi = ibi * (1.0 + rubato * walk[: n_beats + 1])
        if stretch is not None:
            ibi = ibi * np.asarray(stretch, dtype=float)[: n_beats + 1]
        #: Time of every beat, in seconds; beat 0 is at 0.0.
        self.beat_times = np.concatenate([[0.0], np.cumsum(ibi)])
        self.n_beats = n_beats

    def swung(self, beat: float) -> float:
        """Move off-beat eighths to the swing position (a piecewise-linear warp of each beat)."""
        whole = np.floor(beat)
        frac = beat - whole
        if self.swing == 0.5:
            return beat
        if frac < 0.5:
            return whole + frac * (self.swing / 0.5)
        return whole + self.swing + (frac - 0.5) * ((1 - self.swing) / 0.5)

    def time(self, beat: float) -> float:
        """Seconds at (swung) ``beat``; beats past the end extrapolate at the last tempo."""
        b = self.swung(beat)
        index = int(np.clip(np.floor(b), 0, self.n_beats - 1))
        return float(
            self.beat_times[index]
            + (b - index) * (self.beat_times[index + 1] - self.beat_times[index])
        )

    def local_tempo(self) -> float:
        """Median tempo over the song, in BPM (equals ``tempo`` without rubato)."""
        return float(60.0 / np.median(np.diff(self.beat_times)))


def perform(parts: list[Part], timeline: Timeline, rng: np.random.Generator) -> list[TimedNote]:
    """Place every note of ``parts`` in seconds, with human timing and velocity deviations.

    Returns the notes sorted by onset. Deviations are drawn per note: timing from a normal
    distribution (``part.timing_sd`` seconds, clipped at 2.5 SD), velocity by +-6 %.
    """
    performed = []
    for part in parts:
        for note in part.notes:
            jitter = float(
                np.clip(
                    rng.normal(0.0, part.timing_sd), -2.5 * part.timing_sd, 2.5 * part.timing_sd
                )
            )
            onset = max(0.0, timeline.time(note.beat) + jitter)
            written_end = timeline.time(note.beat + note.length)
            if part.is_drum:
                offset = onset + 0.1
            else:
                offset = onset + max(0.03, (written_end - onset) * part.legato)
            velocity = note.velocity * (1.0 + rng.uniform(-0.06, 0.06))
            performed.append(
                TimedNote(
                    onset=onset,
                    offset=offset,
                    pitch=note.pitch,
                    velocity=int(np.clip(round(velocity * 127), 1, 127)),
                    program=-1 if part.is_drum else part.program,
                    stem=part.stem,
                    part=part.name,
                )
            )
    performed.sort(key=lambda n: (n.onset, n.pitch))
    return performed


def merge_onsets(onsets: np.ndarray, window: float = 0.03) -> np.ndarray:
    """Merge onsets closer than ``window`` seconds into the first of each group.

    Annotated onset datasets do the same: two notes struck 10 ms apart are heard as one event.
    """
    merged: list[float] = []
    for t in np.sort(np.asarray(onsets, dtype=float)):
        if not merged or t - merged[-1] >= window:
            merged.append(t)
    return np.asarray(merged)
