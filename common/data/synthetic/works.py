"""Works: what all versions (covers) of a song share.

A :class:`Work` is a melody and a chord progression written relative to the key, in two
four-bar phrases (A and B) arranged in a form such as AABA. A version renders a work in some
style, tempo, key and instrumentation: the melody and harmony survive, everything else changes,
which is what cover-song detection must see through.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from common.data.synthetic import theory

#: Bar rhythms of a melody, as (start, length) in beats, per meter.
RHYTHMS = {
    4: (
        ((0, 1), (1, 1), (2, 2)),
        ((0, 1.5), (1.5, 0.5), (2, 1), (3, 1)),
        ((0, 0.5), (0.5, 0.5), (1, 1), (2, 1), (3, 1)),
        ((0, 2), (2, 1), (3, 1)),
        ((0.5, 0.5), (1, 1), (2, 0.5), (2.5, 1.5)),
        ((0, 1), (1, 0.5), (1.5, 0.5), (2, 2)),
        ((0, 0.5), (0.5, 1), (1.5, 0.5), (2, 1.5), (3.5, 0.5)),
    ),
    3: (
        ((0, 1), (1, 1), (2, 1)),
        ((0, 2), (2, 1)),
        ((0, 1.5), (1.5, 0.5), (2, 1)),
        ((0, 1), (1, 2)),
        ((0, 0.5), (0.5, 0.5), (1, 1), (2, 1)),
    ),
}

#: The last bar of a phrase: a long note that lets the phrase breathe.
CADENCES = {4: (((0, 2),), ((0, 1), (1, 2)), ((0, 3),)), 3: (((0, 2),), ((0, 3),))}


@dataclass(frozen=True)
class MelodyNote:
    bar: int  # bar within the phrase (0-3)
    beat: float  # start within the bar, in beats
    length: float  # in beats
    step: int  # diatonic step from the tonic: 0 tonic, 4 fifth above, 7 octave, -3 fifth below


@dataclass(frozen=True)
class Work:
    """A song as the composer wrote it, independent of any performance."""

    work_id: str
    home_style: str
    mode: str  # "major" or "minor"
    meter: int  # beats per bar: 3 or 4
    progressions: dict[str, tuple[int, ...]]  # phrase name -> scale degree of each bar
    melodies: dict[str, tuple[MelodyNote, ...]]  # phrase name -> notes
    form: tuple[str, ...]  # e.g. ("A", "A", "B", "A")

    def bar_degrees(self, n_bars: int, intro_bars: int) -> list[int | None]:
        """Scale degree of the chord in each bar of a song (``None`` where nothing is set).

        The intro vamps on the first chord of the A phrase; the form repeats until ``n_bars``.
        """
        degrees: list[int | None] = [self.progressions["A"][0]] * intro_bars
        while len(degrees) < n_bars:
            for phrase in self.form:
                degrees.extend(self.progressions[phrase])
        return degrees[:n_bars]

    def phrase_at(self, bar: int, intro_bars: int) -> tuple[str | None, int]:
        """Phrase name and bar-within-phrase of a song bar (``(None, 0)`` in the intro)."""
        if bar < intro_bars:
            return None, 0
        index = (bar - intro_bars) // 4
        return self.form[index % len(self.form)], (bar - intro_bars) % 4


def step_to_pitch(step: int, tonic_pitch: int, mode: str) -> int:
    """MIDI pitch of diatonic ``step`` above (or below) the tonic at ``tonic_pitch``."""
    scale = theory.SCALES[mode]
    octave, degree = divmod(step, 7)
    return tonic_pitch + 12 * octave + scale[degree]


def _chord_steps(degree: int) -> list[int]:
    """Diatonic steps of the triad on ``degree`` within a two-octave melody range (-3..11)."""
    tones = {degree % 7, (degree + 2) % 7, (degree + 4) % 7}
    return [s for s in range(-3, 12) if s % 7 in tones]


def _melody(progression: tuple[int, ...], meter: int, rng: np.random.Generator, start: int):
    """Compose a four-bar phrase over ``progression``: a motif, its answer, the motif, a cadence."""
    rhythm_a = RHYTHMS[meter][rng.integers(len(RHYTHMS[meter]))]
    rhythm_b = RHYTHMS[meter][rng.integers(len(RHYTHMS[meter]))]
    cadence = CADENCES[meter][rng.integers(len(CADENCES[meter]))]
    notes: list[MelodyNote] = []
    previous = start
    motif_steps: list[int] = []
    for bar, rhythm in enumerate((rhythm_a, rhythm_b, rhythm_a, cadence)):
        chord_steps = _chord_steps(progression[bar])
        for i, (beat, length) in enumerate(rhythm):
            strong = beat == 0 or (meter == 4 and beat == 2)
            if bar == 3:
                # End on a chord tone near the previous note, preferably the chord's root.
                roots = [s for s in chord_steps if s % 7 == progression[bar] % 7]
                step = min(roots, key=lambda s: abs(s - previous))
            elif bar == 2 and i < len(motif_steps) and rng.random() < 0.75:
                # Repeat the motif as a sequence: shifted by the move of the harmony.
                shift = (progression[2] - progression[0] + 3) % 7 - 3
                step = motif_steps[i] + shift
            elif strong or rng.random() < 0.3:
                near = sorted(chord_steps, key=lambda s: abs(s - previous))[:3]
                step = int(rng.choice(near))
            else:
                step = previous + int(rng.choice((-1, 1, -1, 1, -2, 2)))
            step = int(np.clip(step, -3, 10))
            if bar == 0:
                motif_steps.append(step)
            notes.append(MelodyNote(bar, float(beat), float(length), step))
            previous = step
    return tuple(notes)


def compose_work(
    work_id: str, home_style: str, meter: int, rng: np.random.Generator, mode: str | None = None
) -> Work:
    """Write a new work: mode, two progressions, two melodic phrases and a form."""
    mode = mode or ("major" if rng.random() < 0.55 else "minor")
    table = theory.PROGRESSIONS[mode]
    a_index, b_index = rng.choice(len(table), size=2, replace=False)
    progressions = {"A": table[a_index], "B": table[b_index]}
    melodies = {
        "A": _melody(progressions["A"], meter, rng, start=int(rng.choice((0, 2, 4)))),
        "B": _melody(progressions["B"], meter, rng, start=int(rng.choice((2, 4, 7)))),
    }
    form = (("A", "A", "B", "A"), ("A", "B", "A", "B"), ("A", "A", "B", "B"))[rng.integers(3)]
    return Work(work_id, home_style, mode, meter, progressions, melodies, form)
