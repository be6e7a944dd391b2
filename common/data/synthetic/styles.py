"""The eight styles of the corpus, each an arranger that turns a work into instrument parts.

A style decides meter, tempo range, swing, grooves and fills, bass line, comping, instrument
pools, harmony (triads or sevenths), dynamics and whether someone sings. Drum grooves are written
on a sixteenth-note grid, one character per sixteenth::

    "x...x...x...x..."   x: hit, X: accent, o: ghost note, .: rest

General MIDI numbers are 0-based programs (0 = Acoustic Grand Piano) and percussion keys
(36 = Bass Drum 1, 38 = Acoustic Snare, 42 = Closed Hi-Hat ...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from common.data.synthetic import theory
from common.data.synthetic.score import Part
from common.data.synthetic.works import Work, step_to_pitch

# General MIDI percussion keys
KICK, SIDE_STICK, SNARE, CLAP = 36, 37, 38, 39
CLOSED_HAT, PEDAL_HAT, OPEN_HAT = 42, 44, 46
CRASH, RIDE, RIDE_BELL, TAMBOURINE, COWBELL = 49, 51, 53, 54, 56
SHAKER, CLAVES = 82, 75
TOMS = (50, 48, 47, 45, 43)  # high to low

#: General MIDI programs used by the styles, grouped into the instrument tags of the corpus.
INSTRUMENT_FAMILIES = {
    "piano": (0, 1, 2),
    "electric piano": (4, 5),
    "clavinet": (7,),
    "vibraphone": (11,),
    "organ": (16, 17, 18),
    "accordion": (21, 22),
    "acoustic guitar": (24, 25),
    "electric guitar": (26, 27, 28),
    "distorted guitar": (29, 30),
    "bass": (32, 33, 34, 35, 36, 38, 39),
    "strings": (40, 41, 42, 43, 44, 45, 48, 49),
    "harp": (46,),
    "voice": (52, 53, 54),
    "brass": (56, 57, 59, 60, 61, 62),
    "saxophone": (64, 65, 66),
    "woodwind": (68, 71, 73),
    "synth": (50, 80, 81, 88, 89, 90),
}
PROGRAM_FAMILY = {p: name for name, programs in INSTRUMENT_FAMILIES.items() for p in programs}


def hits(pattern: str) -> list[tuple[float, float]]:
    """``(beat, velocity)`` of each hit in a sixteenth-grid pattern string."""
    velocities = {"x": 0.8, "X": 1.0, "o": 0.4}
    return [(i / 4, velocities[c]) for i, c in enumerate(pattern) if c != "."]


@dataclass
class Arrangement:
    """The decisions of one version, and helpers every style uses to write its parts."""

    work: Work
    tonic: int  # pitch class of the key
    n_bars: int
    intro_bars: int
    vocal: bool
    loudness: float  # overall dynamic level, 0.55 (soft) .. 1.0 (loud)
    rng: np.random.Generator
    sevenths: bool = False
    parts: list[Part] = field(default_factory=list)

    def __post_init__(self):
        self.meter = self.work.meter
        #: Factor on the length of every beat (ritardandi, fermatas); see ``Timeline``.
        self.stretch = np.ones(self.n_bars * self.meter + 1)
        self.degrees = self.work.bar_degrees(self.n_bars, self.intro_bars)
        # Dynamics: B phrases lift, each phrase gets its own shade, the intro is held back.
        shade = {}
        self.levels = []
        for bar in range(self.n_bars):
            phrase, _ = self.phrase(bar)
            key = (bar - self.intro_bars) // 4 if phrase else -1
            if key not in shade:
                shade[key] = self.rng.uniform(0.9, 1.05)
            lift = {None: 0.8, "A": 0.88, "B": 1.0}[phrase]
            self.levels.append(float(np.clip(self.loudness * lift * shade[key], 0.2, 1.0)))

    # --- structure -------------------------------------------------------------------------
    def phrase(self, bar: int) -> tuple[str | None, int]:
        return self.work.phrase_at(bar, self.intro_bars)

    def phrase_end(self, bar: int) -> bool:
        """Last bar before a new phrase starts (where drummers play fills)."""
        return bar + 1 == self.intro_bars or (
            bar >= self.intro_bars and (bar - self.intro_bars) % 4 == 3
        )

    def phrase_start(self, bar: int) -> bool:
        return bar == self.intro_bars or (
            bar > self.intro_bars and (bar - self.intro_bars) % 4 == 0
        )

    def chord(self, bar: int) -> theory.Chord:
        return theory.degree_chord(self.degrees[bar], self.tonic, self.work.mode, self.sevenths)

    def chord_labels(self) -> list[str]:
        return [self.chord(bar).label for bar in range(self.n_bars)]

    def at(self, bar: int, beat: float) -> float:
        """Song position in beats of ``beat`` within ``bar``."""
        return bar * self.meter + beat

    def choice(self, options):
        return options[self.rng.integers(len(options))]

    def new_part(self, name: str, program: int, stem: str, **kwargs) -> Part:
        part = Part(name, program, stem, **kwargs)
        self.parts.append(part)
        return part

    # --- drums ------------------------------------------------------------------------------
    def drum_part(
        self,
        grooves: dict[str, dict[int, str]],
        kits: tuple[int, ...] = (0,),
        timing_sd: float = 0.004,
        fills: bool = True,
        crash: bool = True,
        variation: Callable[[int, dict[int, str]], dict[int, str]] | None = None,
    ) -> Part:
        """Play a groove per phrase ("intro", "A", "B"), with fills at phrase ends and a crash
        on the downbeat that follows. ``kits`` are the GM drum kits to pick from (0 standard,
        8 room, 16 power, 24 electronic, 25 TR-808, 32 jazz, 40 brush)."""
        part = self.new_part("drums", self.choice(kits), "drums", is_drum=True, timing_sd=timing_sd)
        for bar in range(self.n_bars):
            phrase, _ = self.phrase(bar)
            groove = grooves.get(phrase or "intro", grooves["A"])
            if variation is not None:
                groove = variation(bar, groove)
            fill_from = self.meter
            if fills and self.phrase_end(bar) and self.rng.random() < 0.8:
                fill_from = self.meter - (2 if self.rng.random() < 0.3 else 1)
                self._fill(part, bar, fill_from)
            for key, pattern in groove.items():
                for beat, velocity in hits(pattern):
                    if beat < fill_from or key in (KICK, PEDAL_HAT):
                        part.add(self.at(bar, beat), 0.25, key, velocity * self.levels[bar])
            if crash and self.phrase_start(bar) and bar > 0:
                part.add(self.at(bar, 0), 1, CRASH, 0.9 * self.levels[bar])
        return part

    def _fill(self, part: Part, bar: int, start: float) -> None:
        """A fill from ``start`` to the end of the bar: snare, then down the toms."""
        beats = np.arange(start, self.meter, 0.25 if self.rng.random() < 0.6 else 0.5)
        voices = [SNARE] * (len(beats) // 2) + list(TOMS)
        for i, beat in enumerate(beats):
            key = voices[min(i, len(voices) - 1)] if self.rng.random() < 0.85 else SNARE
            velocity = (0.6 + 0.4 * i / max(1, len(beats) - 1)) * self.levels[bar]
            part.add(self.at(bar, beat), 0.25, key, velocity)

    # --- pitched parts ----------------------------------------------------------------------
    def third(self, bar: int) -> int:
        """Semitones from the root to the third of the bar's chord (3 or 4)."""
        return theory.QUALITIES[self.chord(bar).quality][1]

    def bass_pitch(self, bar: int, low: int = 28, high: int = 43, interval: int = 0) -> int:
        """The chord root (or ``interval`` semitones above it) in the bass register."""
        pc = (self.chord(bar).root + interval) % 12
        return next(p for p in range(low, high + 12) if p % 12 == pc)

    def comp(
        self,
        name: str,
        program: int,
        rhythm: dict[str, str] | str,
        centre: float = 62,
        n_voices: int = 3,
        velocity: float = 0.7,
        length: float | None = None,
        stem: str = "other",
        skip_intro: bool = False,
        **kwargs,
    ) -> Part:
        """Chords with smooth voice leading, struck on the hits of ``rhythm`` (a pattern, or
        one pattern per phrase). ``length`` (beats) fixes note lengths; by default each chord
        rings until the next hit."""
        part = self.new_part(name, program, stem, **kwargs)
        previous = None
        for bar in range(self.n_bars):
            phrase, _ = self.phrase(bar)
            if skip_intro and phrase is None:
                continue
            pattern = (
                rhythm if isinstance(rhythm, str) else rhythm.get(phrase or "intro", rhythm["A"])
            )
            voices = theory.voicing(self.chord(bar), centre, n_voices, previous)
            previous = voices
            strikes = hits(pattern)
            for i, (beat, accent) in enumerate(strikes):
                nxt = strikes[i + 1][0] if i + 1 < len(strikes) else self.meter
                dur = length if length is not None else nxt - beat
                for pitch in voices:
                    part.add(self.at(bar, beat), dur, pitch, velocity * accent * self.levels[bar])
        return part

    def melody(
        self,
        name: str,
        program: int,
        stem: str,
        centre: float,
        phrases: set[int] | None = None,
        velocity: float = 0.85,
        octave: int = 0,
        **kwargs,
    ) -> Part:
        """Play the work's melody (the phrases whose index is in ``phrases``; all by default)."""
        part = self.new_part(name, program, stem, **kwargs)
        tonic_pitch = (
            min(
                (p for p in range(24, 100) if p % 12 == self.tonic),
                key=lambda p: abs(p + 4 - centre),
            )
            + 12 * octave
        )
        for bar in range(self.n_bars):
            phrase, k = self.phrase(bar)
            index = (bar - self.intro_bars) // 4
            if phrase is None or (phrases is not None and index not in phrases):
                continue
            for note in self.work.melodies[phrase]:
                if note.bar == k:
                    accent = 1.0 if note.beat == 0 else 0.88
                    part.add(
                        self.at(bar, note.beat),
                        note.length,
                        step_to_pitch(note.step, tonic_pitch, self.work.mode),
                        velocity * accent * self.levels[bar],
                    )
        return part

    def lead(self, lead_programs: tuple[int, ...], centre: float = 67, **kwargs) -> None:
        """The melody: sung in most phrases of a vocal version (an instrument may take the
        others), played by a lead instrument in an instrumental one."""
        n_phrases = (self.n_bars - self.intro_bars + 3) // 4
        program = self.choice(lead_programs)
        if self.vocal:
            sung = {i for i in range(n_phrases) if i == 0 or self.rng.random() < 0.75}
            voice = self.choice((52, 53, 54, 53))
            self.melody(
                "vocals",
                voice,
                "vocals",
                centre=min(centre, 66),
                phrases=sung,
                vibrato=True,
                legato=0.97,
                timing_sd=0.012,
                velocity=0.95,
            )
            rest = set(range(n_phrases)) - sung
            if rest and self.rng.random() < 0.5:
                self.melody("lead", program, "other", centre=centre, phrases=rest, **kwargs)
        elif self.rng.random() < 0.9:
            played = {i for i in range(n_phrases) if i == 0 or self.rng.random() < 0.85}
            self.melody("lead", program, "other", centre=centre, phrases=played, **kwargs)


@dataclass(frozen=True)
class Style:
    """A style: its ranges and its arranger."""

    name: str
    meters: dict[int, float]  # beats per bar -> probability
    tempo: tuple[float, float]  # BPM range
    arrange: Callable[[Arrangement], None]
    swing: float = 0.5
    rubato: float = 0.0
    sevenths: bool = False
    vocal_probability: float = 0.5
    loudness: tuple[float, float] = (0.65, 1.0)


# ---------------------------------------------------------------------------------------------
# The arrangers
#
# Instrument pools overlap between styles on purpose: pianos, electric pianos, guitars, organs,
# saxophones and trumpets turn up in many of them, as in real music. What tells a style apart is
# its groove, its harmony and its tempo, not a signature sound.
# ---------------------------------------------------------------------------------------------

#: Lead instruments a style may hand the melody to (voices are reserved for singing).
LEADS = {
    "rock": (29, 30, 81, 18, 66, 56, 40),
    "funk": (65, 66, 56, 62, 4, 81, 11),
    "swing jazz": (66, 56, 11, 59, 65, 73, 40, 24),
    "house": (81, 80, 4, 73, 66, 56),
    "bossa nova": (73, 66, 11, 24, 65, 40, 56),
    "reggae": (22, 56, 16, 73, 66, 81),
    "waltz": (40, 73, 71, 21, 0, 11),
}


def _rock(a: Arrangement) -> None:
    kick = a.choice(("x.......x.x.....", "x.....x.x.......", "x.......xx......"))
    a.drum_part(
        {
            "intro": {KICK: kick, SNARE: "....x.......x...", CLOSED_HAT: "x.x.x.x.x.x.x.x."},
            "A": {KICK: kick, SNARE: "....x.......x...", CLOSED_HAT: "x.x.x.x.x.x.x.x."},
            "B": {KICK: kick, SNARE: "....X.......X...", RIDE: "x.x.x.x.x.x.x.x."},
        },
        kits=(0, 8, 16),
        timing_sd=0.005,
    )
    bass = a.new_part("bass", a.choice((33, 34, 35)), "bass", timing_sd=0.006, legato=0.8)
    for bar in range(a.n_bars):
        root = a.bass_pitch(bar)
        for i in range(a.meter * 2):
            pitch = root + (12 if i == 3 and a.rng.random() < 0.3 else 0)
            bass.add(a.at(bar, i / 2), 0.5, pitch, (0.85 if i % 2 == 0 else 0.7) * a.levels[bar])
    part = a.new_part("guitar", a.choice((29, 30, 27)), "other", timing_sd=0.006, legato=0.85)
    for bar in range(a.n_bars):
        phrase, _ = a.phrase(bar)
        root = a.bass_pitch(bar, 40, 52)
        power = (root, root + 7, root + 12)
        if phrase == "B":  # open chords ringing through the bar
            for pitch in power:
                part.add(a.at(bar, 0), a.meter, pitch, 0.8 * a.levels[bar])
        else:  # palm-muted eighths
            for i in range(a.meter * 2):
                for pitch in power[:2]:
                    part.add(a.at(bar, i / 2), 0.4, pitch, 0.55 * a.levels[bar])
    if a.rng.random() < 0.4:
        a.comp(
            "keys",
            a.choice((18, 0, 4)),
            "x...............",
            centre=64,
            velocity=0.45,
            skip_intro=True,
        )
    a.lead(LEADS["rock"], centre=67)


def _funk(a: Arrangement) -> None:
    a.drum_part(
        {
            "A": {
                KICK: "x.....x...x..x..",
                SNARE: "....x..o.o..x..o",
                CLOSED_HAT: "xoxoxoxoxoxoxo.o",
                OPEN_HAT: "..............x.",
            },
            "B": {
                KICK: "x..x......x..x..",
                SNARE: "....X..o.o..X.oo",
                CLOSED_HAT: "xoxoxoxoxoxoxo.o",
                OPEN_HAT: "......x.......x.",
            },
        },
        kits=(0, 8, 24),
        timing_sd=0.003,
    )
    riff = a.choice(
        (
            ((0, 0), (0.75, 0), (1.5, 12), (2.0, 0), (2.5, 7), (3.0, 10), (3.5, 12)),
            ((0, 0), (0.5, 0), (1.25, 12), (1.75, 0), (2.5, 0), (2.75, 7), (3.25, 10)),
            ((0, 0), (0.75, 12), (1.0, 0), (2.0, 0), (2.25, 3), (2.5, 5), (3.5, 12)),
        )
    )
    bass = a.new_part("bass", a.choice((36, 33, 38, 35)), "bass", timing_sd=0.003, legato=0.6)
    for bar in range(a.n_bars):
        root = a.bass_pitch(bar, 28, 40)
        for beat, interval in riff:
            velocity = (0.95 if beat == 0 else 0.75) * a.levels[bar]
            bass.add(a.at(bar, beat), 0.25, root + interval, velocity)
    chank = a.choice(("..x..x.x..x..x.x", ".x.x..x..x.x..x.", "..x.x..x..x.x..x"))
    a.comp(
        "chank",
        a.choice((7, 28, 27, 4)),
        chank,
        centre=67,
        velocity=0.65,
        length=0.2,
        timing_sd=0.003,
    )
    if a.rng.random() < 0.6:
        a.comp(
            "horns",
            a.choice((61, 62, 56)),
            {"intro": "................", "A": "................", "B": "......X.......X."},
            centre=70,
            velocity=0.7,
            length=0.35,
            timing_sd=0.004,
        )
    a.lead(LEADS["funk"], centre=68)


def _swing_jazz(a: Arrangement) -> None:
    if a.meter == 4:
        ride, hat, snare = "x...x.x.x...x.x.", "....x.......x...", "......o........o"
    else:
        ride, hat, snare = "x...x.x.x.x.", "....x...x...", "......o....."
    kick = "x...x...x...x..."[: a.meter * 4]

    def comping(bar: int, groove: dict[int, str]) -> dict[int, str]:
        # The drummer answers the soloist: move the snare accent around from bar to bar.
        pattern = ["."] * (a.meter * 4)
        for slot in a.rng.choice(np.arange(2, a.meter * 4, 2), size=2, replace=False):
            pattern[slot] = "o"
        return {**groove, SNARE: "".join(pattern)}

    grooves = {"A": {RIDE: ride, PEDAL_HAT: hat, KICK: kick.replace("x", "o"), SNARE: snare}}
    a.drum_part(grooves, kits=(32, 40), timing_sd=0.007, crash=False, variation=comping)
    bass = a.new_part("bass", a.choice((32, 35)), "bass", timing_sd=0.008, legato=0.95)
    for bar in range(a.n_bars):  # walking bass: root, chord tones, chromatic approach
        target = a.bass_pitch(bar + 1 if bar + 1 < a.n_bars else bar, 31, 46)
        root = a.bass_pitch(bar, 31, 46)
        tones = theory.chord_pitches(a.chord(bar), 31, 55)
        line = [root]
        for _ in range(a.meter - 2):
            steps = [t for t in tones if 0 < abs(t - line[-1]) <= 7] or [root + 7]
            line.append(int(a.choice(steps)))
        line.append(target + (1 if a.rng.random() < 0.5 else -1))
        for beat, pitch in enumerate(line):
            bass.add(a.at(bar, beat), 1, pitch, 0.8 * a.levels[bar])
    charleston = "x.....x........." if a.meter == 4 else "x.....x....."
    a.comp(
        "comping",
        a.choice((0, 26, 4, 11)),
        {"A": charleston, "B": charleston.replace("......x", "..x...x")},
        centre=62,
        n_voices=4,
        velocity=0.55,
        length=0.6,
        timing_sd=0.01,
    )
    a.lead(LEADS["swing jazz"], centre=67, legato=0.9, timing_sd=0.012)


def _house(a: Arrangement) -> None:
    a.drum_part(
        {
            "intro": {KICK: "x...x...x...x...", CLOSED_HAT: "..x...x...x...x."},
            "A": {KICK: "x...x...x...x...", CLAP: "....x.......x...", OPEN_HAT: "..x...x...x...x."},
            "B": {
                KICK: "x...x...x...x...",
                CLAP: "....x.......x...",
                OPEN_HAT: "..x...x...x...x.",
                CLOSED_HAT: "oooooooooooooooo",
            },
        },
        kits=(24, 25, 0),
        timing_sd=0.0015,
        fills=False,
    )
    bass = a.new_part("bass", a.choice((38, 39, 33)), "bass", timing_sd=0.0015, legato=0.7)
    for bar in range(a.n_bars):
        root = a.bass_pitch(bar, 33, 45)
        for i in range(a.meter):
            bass.add(a.at(bar, i + 0.5), 0.4, root + (12 if i == 3 else 0), 0.85 * a.levels[bar])
    a.comp(
        "stabs",
        a.choice((4, 90, 5, 1, 17)),
        {"intro": "..x.............", "A": "..x...x...x...x.", "B": "..x...x...x..x.x"},
        centre=64,
        velocity=0.6,
        length=0.3,
        timing_sd=0.0015,
    )
    a.comp(
        "pad",
        a.choice((89, 88, 50, 48)),
        {"A": "................", "B": "x..............."},
        centre=60,
        velocity=0.5,
        timing_sd=0.0015,
    )
    a.lead(LEADS["house"], centre=70, timing_sd=0.002)


def _bossa_nova(a: Arrangement) -> None:
    clave = a.choice(
        (("x..x..x...x..x..", "..x..x...x..x..."), ("x..x...x..x..x..", "..x...x...x..x.."))
    )

    def two_bar_clave(bar: int, groove: dict[int, str]) -> dict[int, str]:
        return {**groove, SIDE_STICK: clave[bar % 2]}

    a.drum_part(
        {
            "A": {KICK: "o..oo..oo..oo..o", SHAKER: "xoxoxoxoxoxoxoxo"},
            "B": {KICK: "o..oo..oo..oo..o", CLOSED_HAT: "xoxoxoxoxoxoxoxo"},
        },
        kits=(40, 32, 0),
        timing_sd=0.005,
        crash=False,
        fills=False,
        variation=two_bar_clave,
    )
    bass = a.new_part("bass", a.choice((32, 33, 35)), "bass", timing_sd=0.006, legato=0.9)
    for bar in range(a.n_bars):  # root on one, fifth on three, each anticipated by an eighth
        root = a.bass_pitch(bar, 31, 43)
        nxt = a.bass_pitch(min(bar + 1, a.n_bars - 1), 31, 43)
        for beat, length, pitch in (
            (0, 1.5, root),
            (1.5, 0.5, root + 7),
            (2, 1.5, root + 7),
            (3.5, 0.5, nxt),
        ):
            bass.add(a.at(bar, beat), length, pitch, 0.75 * a.levels[bar])
    a.comp(
        "guitar",
        a.choice((24, 26, 0, 4)),
        a.choice(("x.x..x.x.x..x.x.", "x..x..x...x..x..")),
        centre=60,
        n_voices=4,
        velocity=0.6,
        length=0.45,
        timing_sd=0.006,
    )
    if a.rng.random() < 0.5:
        a.comp(
            "keys",
            a.choice((4, 48, 89)),
            "x...............",
            centre=65,
            n_voices=4,
            velocity=0.4,
            skip_intro=True,
        )
    a.lead(LEADS["bossa nova"], centre=69, legato=0.95)


def _reggae(a: Arrangement) -> None:
    a.drum_part(
        {
            "A": {
                KICK: "........x.......",
                SIDE_STICK: "........x.......",
                CLOSED_HAT: "x.x.x.x.x.x.x.x.",
            },
            "B": {
                KICK: "........x.......",
                SNARE: "........x.......",
                CLOSED_HAT: "x.x.x.x.x.x.x.x.",
                OPEN_HAT: "..............x.",
            },
        },
        kits=(0, 8, 24),
        timing_sd=0.005,
    )
    bass = a.new_part("bass", a.choice((33, 35, 38)), "bass", timing_sd=0.008, legato=0.85)
    # Intervals above the root; "3" stands for the chord's own third.
    line = a.choice(
        (
            ((0.5, 0), (1, 0), (1.5, 7), (2.5, 12), (3, 3), (3.5, 7)),
            ((0.5, 0), (1.5, 0), (2, 3), (2.5, 7), (3.5, 5)),
            ((1, 0), (1.5, 0), (2, 7), (3, 12), (3.5, 7)),
        )
    )
    for bar in range(a.n_bars):  # the bass rests on the downbeat, as in a one-drop
        root = a.bass_pitch(bar, 31, 43)
        for beat, interval in line:
            interval = a.third(bar) if interval == 3 else interval
            bass.add(a.at(bar, beat), 0.5, root + interval, 0.9 * a.levels[bar])
    a.comp(
        "skank",
        a.choice((27, 26, 4, 0)),
        "....x.......x...",
        centre=66,
        velocity=0.6,
        length=0.25,
        timing_sd=0.004,
    )
    if a.rng.random() < 0.7:
        a.comp(
            "organ",
            a.choice((16, 17, 4)),
            "..x.x.x...x.x.x.",
            centre=60,
            velocity=0.35,
            length=0.2,
            timing_sd=0.004,
        )
    a.lead(LEADS["reggae"], centre=66)


def _waltz(a: Arrangement) -> None:
    accordion = a.rng.random() < 0.3
    if a.rng.random() < 0.4:  # a dance band: brushes mark the ONE-two-three
        a.drum_part(
            {"A": {KICK: "x...........", SNARE: "....o...o..."}},
            kits=(40,),
            timing_sd=0.008,
            crash=False,
            fills=False,
        )
    bass = a.new_part(
        "bass", 32 if accordion else a.choice((43, 32, 45)), "bass", timing_sd=0.01, legato=0.5
    )
    for bar in range(a.n_bars):
        pitch = a.bass_pitch(bar, 31, 43, 7 if bar % 2 else 0)
        bass.add(a.at(bar, 0), 1, pitch, 0.8 * a.levels[bar])
    a.comp(
        "pah-pah",
        21 if accordion else a.choice((48, 45, 49, 0)),
        "....x...x...",
        centre=64,
        velocity=0.55,
        length=0.6,
        timing_sd=0.01,
    )
    if not accordion and a.rng.random() < 0.4:
        a.comp("harp", 46, "x...........", centre=55, n_voices=3, velocity=0.5, length=2.5)
    a.lead((21,) if accordion else LEADS["waltz"], centre=72, legato=0.95, timing_sd=0.012)


def _string_quartet(a: Arrangement) -> None:
    # Hairpins: each phrase swells to its third bar and falls back.
    swell = (0.85, 0.95, 1.05, 0.9)
    for bar in range(a.n_bars):
        a.levels[bar] = float(np.clip(a.levels[bar] * swell[bar % 4], 0.2, 1.0))
    cello = a.new_part("cello", 42, "bass", timing_sd=0.012, legato=0.98)
    half = a.meter / 2 if a.meter == 4 else a.meter
    for bar in range(a.n_bars):
        root = a.bass_pitch(bar, 36, 48)
        for start in np.arange(0, a.meter, half):
            pitch = root if start == 0 else root + a.choice((7, 12, a.third(bar)))
            cello.add(a.at(bar, start), half, pitch, 0.7 * a.levels[bar])
    held = "x" + "." * (a.meter * 4 - 1)
    moving = "x.x.x.x.x.x.x.x."[: a.meter * 4] if a.rng.random() < 0.5 else held
    a.comp("viola", 41, held, centre=57, n_voices=1, velocity=0.6, timing_sd=0.012, legato=0.98)
    a.comp("violin 2", 40, moving, centre=64, n_voices=1, velocity=0.5, timing_sd=0.012)
    a.melody("violin 1", 40, "other", centre=74, velocity=0.85, timing_sd=0.012, legato=0.97)


STYLES: dict[str, Style] = {
    s.name: s
    for s in (
        Style("rock", {4: 1.0}, (95, 160), _rock, vocal_probability=0.6, loudness=(0.75, 1.0)),
        Style("funk", {4: 1.0}, (90, 120), _funk, swing=0.54, sevenths=True, vocal_probability=0.5),
        Style(
            "swing jazz",
            {4: 0.8, 3: 0.2},
            (110, 210),
            _swing_jazz,
            swing=0.64,
            sevenths=True,
            vocal_probability=0.35,
            loudness=(0.55, 0.85),
        ),
        Style("house", {4: 1.0}, (118, 130), _house, vocal_probability=0.4, loudness=(0.75, 1.0)),
        Style(
            "bossa nova",
            {4: 1.0},
            (110, 150),
            _bossa_nova,
            sevenths=True,
            vocal_probability=0.5,
            loudness=(0.5, 0.8),
        ),
        Style("reggae", {4: 1.0}, (65, 95), _reggae, swing=0.56, vocal_probability=0.6),
        Style(
            "waltz",
            {3: 1.0},
            (130, 200),
            _waltz,
            rubato=0.02,
            vocal_probability=0.2,
            loudness=(0.55, 0.9),
        ),
        Style(
            "string quartet",
            {4: 0.5, 3: 0.5},
            (60, 140),
            _string_quartet,
            rubato=0.04,
            vocal_probability=0.0,
            loudness=(0.45, 0.85),
        ),
    )
}


# ---------------------------------------------------------------------------------------------
# Held-out styles: never in the corpus, only in the held-out set (``--preset ood``). Music
# without drums and with the freer time of a performer: fermatas, ritardandi, rubato.
# ---------------------------------------------------------------------------------------------


def _breathe(a: Arrangement, last_beats: tuple[float, ...], fermata: float = 1.0) -> None:
    """Slow down into every phrase end: ``last_beats`` stretch the final beats of the phrase's
    last bar, and the very last beat is held ``fermata`` times as long again."""
    for bar in range(a.n_bars):
        if not a.phrase_end(bar):
            continue
        for i, factor in enumerate(reversed(last_beats)):
            a.stretch[bar * a.meter + a.meter - 1 - i] *= factor
        a.stretch[bar * a.meter + a.meter - 1] *= fermata


def _hymn(a: Arrangement) -> None:
    # Four voices in block chords: a chord on every beat, the melody on top, a fermata at the
    # end of every phrase. Sung by a choir, or played by organ, brass or wind quartet.
    if a.vocal:
        programs, stems = (53, 52, 52, 52), ("vocals", "other", "other", "bass")
    else:
        programs = a.choice(
            ((16, 16, 16, 16), (56, 60, 57, 57), (73, 68, 71, 42), (48, 48, 48, 48))
        )
        stems = ("other", "other", "other", "bass")
    a.melody(
        "soprano",
        programs[0],
        stems[0],
        centre=70,
        legato=0.97,
        timing_sd=0.015,
        vibrato=a.vocal,
        velocity=0.8,
    )
    inner = [
        a.new_part(n, p, st, timing_sd=0.015, legato=0.97)
        for n, p, st in zip(("alto", "tenor"), programs[1:3], stems[1:3], strict=True)
    ]
    bass = a.new_part("bass voice", programs[3], stems[3], timing_sd=0.015, legato=0.97)

    def sing(part: Part, beat: float, pitch: int, level: float) -> None:
        # A voice that keeps its pitch holds the note: no new onset where nothing is heard.
        last = part.notes[-1] if part.notes else None
        if last is not None and last.pitch == pitch and last.beat + last.length == beat:
            last.length += 1
        else:
            part.add(beat, 1, pitch, level)

    previous = None
    for bar in range(a.n_bars):
        voices = theory.voicing(a.chord(bar), 58, 2, previous)
        previous = voices
        root = a.bass_pitch(bar, 38, 50)
        for beat in range(a.meter):
            level = 0.65 * a.levels[bar] * (1.0 if beat == 0 else 0.85)
            for part, pitch in zip(inner, voices, strict=True):
                sing(part, a.at(bar, beat), pitch, level)
            pitch = root if beat % 2 == 0 else root + a.choice((7, a.third(bar), 12, 0))
            sing(bass, a.at(bar, beat), pitch, level)
    _breathe(a, (1.1, 1.25), fermata=a.choice((1.8, 2.2, 2.6)))


def _solo_piano(a: Arrangement) -> None:
    # A nocturne: broken chords in the left hand, the melody in the right, rubato and a
    # ritardando into every phrase end. No drums, no bass player: one instrument.
    program = a.choice((0, 1, 2))
    a.melody("right hand", program, "other", centre=74, legato=0.9, timing_sd=0.02)
    left = a.new_part("left hand", program, "other", timing_sd=0.02, legato=1.6)
    figure = a.choice(((0, 7, 12, 16), (0, 7, 16, 12), (0, 12, 7, 12)))
    step = 0.5 if a.rng.random() < 0.7 else 1.0
    for bar in range(a.n_bars):
        root = a.bass_pitch(bar, 36, 48)
        intervals = [{16: 12 + a.third(bar)}.get(i, i) for i in figure]
        for k, beat in enumerate(np.arange(0, a.meter, step)):
            level = (0.55 if k else 0.7) * a.levels[bar]
            left.add(a.at(bar, beat), step, root + intervals[k % len(intervals)], level)
    _breathe(a, (1.08, 1.2, 1.4), fermata=a.choice((1.0, 1.5)))


#: Styles kept out of the corpus for the held-out set. Their names are not classes of the
#: corpus's genre task.
HELD_OUT_STYLES: dict[str, Style] = {
    s.name: s
    for s in (
        Style(
            "hymn",
            {4: 0.6, 3: 0.4},
            (60, 100),
            _hymn,
            rubato=0.04,
            vocal_probability=0.5,
            loudness=(0.5, 0.85),
        ),
        Style(
            "solo piano",
            {4: 0.5, 3: 0.5},
            (56, 110),
            _solo_piano,
            rubato=0.07,
            vocal_probability=0.0,
            loudness=(0.45, 0.8),
        ),
    )
}


def style_named(name: str) -> Style:
    """A style of the corpus or of the held-out set."""
    return STYLES[name] if name in STYLES else HELD_OUT_STYLES[name]


def styles_for_meter(meter: int) -> list[str]:
    """Styles that can play a work in ``meter`` beats per bar."""
    return [name for name, style in STYLES.items() if meter in style.meters]
