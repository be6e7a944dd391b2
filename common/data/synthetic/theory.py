"""Just enough music theory to write songs: keys, scales, chords and progressions.

Pitches are MIDI note numbers (60 = C4). A chord is a root pitch class (0 = C) and a quality;
labels follow Harte et al. (2005) as ``mir_eval`` reads them: ``"A:min7"``, ``"G:7"``.
Keys are written as ``mir_eval.key`` expects: ``"E minor"``.
"""

from __future__ import annotations

from dataclasses import dataclass

PITCH_CLASSES = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")

#: Semitone offsets of the scale degrees from the tonic.
SCALES = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),  # natural minor; the dominant is raised where it matters
}

#: Chord qualities as intervals above the root (Harte shorthand).
QUALITIES = {
    "maj": (0, 4, 7),
    "min": (0, 3, 7),
    "dim": (0, 3, 6),
    "7": (0, 4, 7, 10),
    "maj7": (0, 4, 7, 11),
    "min7": (0, 3, 7, 10),
    "hdim7": (0, 3, 6, 10),
    "sus4": (0, 5, 7),
}

#: Triads on each degree (0-based) of each mode; degree 4 of minor is major (harmonic minor V).
DIATONIC_TRIADS = {
    "major": ("maj", "min", "min", "maj", "maj", "min", "dim"),
    "minor": ("min", "dim", "maj", "min", "maj", "maj", "maj"),
}

#: Seventh chords used by the jazzier styles, per degree.
DIATONIC_SEVENTHS = {
    "major": ("maj7", "min7", "min7", "maj7", "7", "min7", "hdim7"),
    "minor": ("min7", "hdim7", "maj7", "min7", "7", "maj7", "7"),
}

#: Four-bar progressions as scale degrees (0 = I/i), per mode.
PROGRESSIONS = {
    "major": (
        (0, 4, 5, 3),  # I V vi IV
        (0, 5, 3, 4),  # I vi IV V
        (0, 3, 4, 0),  # I IV V I
        (1, 4, 0, 0),  # ii V I I
        (0, 2, 3, 4),  # I iii IV V
        (0, 3, 0, 4),  # I IV I V
        (5, 3, 0, 4),  # vi IV I V
        (0, 5, 1, 4),  # I vi ii V
    ),
    "minor": (
        (0, 5, 2, 6),  # i VI III VII
        (0, 3, 4, 0),  # i iv V i
        (0, 6, 5, 4),  # i VII VI V
        (0, 3, 6, 2),  # i iv VII III
        (0, 5, 3, 4),  # i VI iv V
        (1, 4, 0, 0),  # ii° V i i
        (0, 2, 6, 3),  # i III VII iv
    ),
}


@dataclass(frozen=True)
class Chord:
    """A chord: root pitch class (0-11) and a quality from :data:`QUALITIES`."""

    root: int
    quality: str

    @property
    def label(self) -> str:
        """Harte label, e.g. ``"F#:min7"``."""
        return f"{PITCH_CLASSES[self.root]}:{self.quality}"

    @property
    def pitch_classes(self) -> tuple[int, ...]:
        return tuple((self.root + i) % 12 for i in QUALITIES[self.quality])

    def triad(self) -> Chord:
        """The same chord reduced to a triad (sevenths dropped)."""
        reduced = {"7": "maj", "maj7": "maj", "min7": "min", "hdim7": "dim"}
        return Chord(self.root, reduced.get(self.quality, self.quality))


def key_label(tonic: int, mode: str) -> str:
    """Key in ``mir_eval`` form, e.g. ``key_label(4, "minor") == "E minor"``."""
    return f"{PITCH_CLASSES[tonic % 12]} {mode}"


def parse_key(label: str) -> tuple[int, str]:
    """Tonic pitch class and mode of a key label: ``parse_key("Ab minor") == (8, "minor")``."""
    name, mode = label.split()
    spellings = {n: i for i, n in enumerate(PITCH_CLASSES)}
    spellings.update(
        {"C#": 1, "D#": 3, "Gb": 6, "G#": 8, "A#": 10, "Cb": 11, "Fb": 4, "E#": 5, "B#": 0}
    )
    if name not in spellings or mode not in SCALES:
        raise ValueError(f"Cannot read the key {label!r}; expected e.g. 'F# major' or 'Bb minor'.")
    return spellings[name], mode


def key_pitch_classes(label: str) -> tuple[int, ...]:
    """The seven pitch classes (0 = C) of the scale of a key label."""
    tonic, mode = parse_key(label)
    return tuple((tonic + step) % 12 for step in SCALES[mode])


def degree_chord(degree: int, tonic: int, mode: str, sevenths: bool = False) -> Chord:
    """Chord built on scale ``degree`` (0-based) of the key ``tonic`` (pitch class) ``mode``."""
    root = (tonic + SCALES[mode][degree % 7]) % 12
    table = DIATONIC_SEVENTHS if sevenths else DIATONIC_TRIADS
    return Chord(root, table[mode][degree % 7])


def scale_pitches(tonic: int, mode: str, low: int, high: int) -> list[int]:
    """All MIDI pitches of the scale between ``low`` and ``high`` inclusive."""
    classes = {(tonic + step) % 12 for step in SCALES[mode]}
    return [p for p in range(low, high + 1) if p % 12 in classes]


def chord_pitches(chord: Chord, low: int, high: int) -> list[int]:
    """All MIDI pitches of the chord's tones between ``low`` and ``high`` inclusive."""
    classes = set(chord.pitch_classes)
    return [p for p in range(low, high + 1) if p % 12 in classes]


def nearest(pitches: list[int], target: float) -> int:
    """The pitch of ``pitches`` closest to ``target`` (the lower one on ties)."""
    return min(pitches, key=lambda p: (abs(p - target), p))


def voicing(chord: Chord, centre: float, n_voices: int = 3, previous: list[int] | None = None):
    """A close voicing of ``chord`` around ``centre``, moving smoothly from ``previous``.

    Returns ``n_voices`` ascending MIDI pitches: the chord tones nearest the previous voicing
    (voice leading) or, without one, stacked upwards from the tone nearest ``centre - 4``.
    """
    tones = chord_pitches(chord, int(centre) - 12, int(centre) + 12)
    if previous:
        chosen = sorted({nearest(tones, p) for p in previous})
        for p in tones:  # fill if two voices collapsed onto one pitch
            if len(chosen) >= n_voices:
                break
            if p not in chosen and abs(p - centre) <= 9:
                chosen = sorted(chosen + [p])
        if len(chosen) == n_voices:
            return chosen
    start = tones.index(nearest(tones, centre - 4))
    return tones[start : start + n_voices]
