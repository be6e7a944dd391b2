"""The Track interface: one audio clip and whatever labels its dataset has.

The embedded corpus and every real-dataset loader produce :class:`Track` objects, so a script
written for one runs on the other. Audio and annotation files are read lazily, when asked for.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from common import InputError
from common.audio.io import DEFAULT_SAMPLE_RATE, load_audio
from common.data import annotations

__all__ = ["Track", "Corpus", "MissingAnnotationError", "CorpusNotFoundError", "METADATA_FIELDS"]

#: Columns of ``metadata.csv``, in order.
METADATA_FIELDS = (
    "track_id",
    "kind",
    "split",
    "genre",
    "tags",
    "instruments",
    "moods",
    "vocal",
    "tempo",
    "meter",
    "key",
    "work_id",
    "version",
    "duration",
    "loudness_db",
    "onset_density",
    "language",
)


class MissingAnnotationError(InputError, LookupError):
    """A label was asked for that this track's dataset does not provide."""


class CorpusNotFoundError(InputError, FileNotFoundError):
    """The corpus folder does not exist or was not completely rendered."""


@dataclass(frozen=True)
class Track:
    """One clip: its audio file, its stems if any, and its labels.

    Fields that a dataset does not provide are ``None`` (or empty). Annotation properties
    (:attr:`beats`, :attr:`onsets`, :attr:`notes`, :attr:`chords`) read their file on access
    and raise :class:`MissingAnnotationError` if the track has none.
    """

    track_id: str
    audio_path: Path
    dataset: str = "synthetic"
    kind: str = "music"  # "music" or "speech"
    split: str | None = None  # "train", "valid" or "test"
    genre: str | None = None
    tags: tuple[str, ...] = ()
    instruments: tuple[str, ...] = ()
    moods: tuple[str, ...] = ()
    vocal: bool | None = None
    tempo: float | None = None  # BPM
    meter: str | None = None  # "3/4" or "4/4"
    key: str | None = None  # "E minor"
    work_id: str | None = None  # versions of one work share it (cover detection)
    version: int | None = None
    duration: float | None = None  # seconds
    language: str | None = None
    stem_paths: Mapping[str, Path] = field(default_factory=dict)
    annotation_paths: Mapping[str, Path] = field(default_factory=dict)

    # --- audio ------------------------------------------------------------------------------
    def audio(
        self,
        sample_rate: int = DEFAULT_SAMPLE_RATE,
        offset: float = 0.0,
        duration: float | None = None,
    ) -> np.ndarray:
        """The mix, mono ``float32`` of shape ``(n_samples,)`` at ``sample_rate`` Hz."""
        return load_audio(self.audio_path, sample_rate, offset=offset, duration=duration)

    def stem(self, name: str, sample_rate: int = DEFAULT_SAMPLE_RATE) -> np.ndarray:
        """One stem (``drums``, ``bass``, ``vocals`` or ``other``) as mono ``float32``."""
        if name not in self.stem_paths:
            raise MissingAnnotationError(
                f"Track {self.track_id} ({self.dataset}) has no stem {name!r}; "
                f"it has {sorted(self.stem_paths) or 'no stems'}."
            )
        return load_audio(self.stem_paths[name], sample_rate)

    def remix(
        self, gains: Mapping[str, float], sample_rate: int = DEFAULT_SAMPLE_RATE
    ) -> np.ndarray:
        """The stems summed with ``gains`` (a stem not named keeps gain 1): ``{"drums": 0.0}``
        is the clip without its drums, ``{"vocals": 0.5}`` the vocals 6 dB down. With every
        gain 1 this is the mix, since the corpus's stems sum exactly to it. The labels still
        hold (the beats stay where the music puts them), which makes a remix an augmentation
        only a corpus with stems allows. Taught in Part 3 (notebook 03)."""
        unknown = sorted(set(gains) - set(self.stem_paths))
        if unknown or not self.stem_paths:
            raise MissingAnnotationError(
                f"Track {self.track_id} ({self.dataset}) has no stem {unknown or sorted(gains)}; "
                f"it has {sorted(self.stem_paths) or 'no stems'}."
            )
        mix = None
        for name in sorted(self.stem_paths):
            gain = float(gains.get(name, 1.0))
            if gain == 0.0:
                continue
            stem = gain * self.stem(name, sample_rate)
            mix = stem if mix is None else mix + stem
        if mix is None:  # every stem muted: silence of the mix's length
            return np.zeros_like(self.audio(sample_rate))
        return mix.astype(np.float32)

    # --- annotations ------------------------------------------------------------------------
    def _annotation(self, kind: str) -> Path:
        path = self.annotation_paths.get(kind)
        if path is None:
            raise MissingAnnotationError(
                f"Track {self.track_id} ({self.dataset}) has no {kind} annotation."
            )
        return Path(path)

    @property
    def beats(self) -> annotations.Beats:
        """Beat times and bar positions (1 = downbeat)."""
        return annotations.read_beats(self._annotation("beats"))

    @property
    def downbeats(self) -> np.ndarray:
        return self.beats.downbeats

    @property
    def onsets(self) -> np.ndarray:
        """Onset times in seconds (notes struck within 30 ms merged into one onset)."""
        return annotations.read_onsets(self._annotation("onsets"))

    @property
    def notes(self) -> annotations.Notes:
        return annotations.read_notes(self._annotation("notes"))

    @property
    def chords(self) -> list[tuple[float, float, str]]:
        return annotations.read_chords(self._annotation("chords"))

    def has(self, kind: str) -> bool:
        """Whether an annotation of ``kind`` (beats, onsets, notes, chords) exists."""
        return kind in self.annotation_paths


def _optional(value: str, cast):
    return None if value in ("", None) else cast(value)


def _split_list(value: str) -> tuple[str, ...]:
    return tuple(v for v in (value or "").split(";") if v)


class Corpus:
    """A rendered corpus folder (see :mod:`common.data.synthetic`), read through
    ``metadata.csv``.

    >>> corpus = Corpus("data/corpus-tiny")          # doctest: +SKIP
    >>> train = corpus.tracks(split="train", kind="music")
    """

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root).expanduser()
        metadata = self.root / "metadata.csv"
        if not metadata.is_file():
            raise CorpusNotFoundError(
                f"No rendered corpus at {self.root} (metadata.csv is missing). Render it with "
                f"`python -m common.data.synthetic --preset tiny --out {self.root}`, or call "
                "common.data.ensure_corpus('tiny')."
            )
        with open(metadata, newline="", encoding="utf-8") as handle:
            self._tracks = [self._track(row) for row in csv.DictReader(handle)]
        self._by_id = {t.track_id: t for t in self._tracks}

    def _track(self, row: dict[str, str]) -> Track:
        tid = row["track_id"]
        music = row["kind"] == "music"
        stems = {
            s: self.root / "stems" / tid / f"{s}.flac" for s in ("drums", "bass", "vocals", "other")
        }
        notes = {
            "beats": f"{tid}.beats",
            "onsets": f"{tid}.onsets",
            "notes": f"{tid}.notes.csv",
            "chords": f"{tid}.chords",
        }
        return Track(
            track_id=tid,
            audio_path=self.root / "audio" / f"{tid}.flac",
            dataset="synthetic",
            kind=row["kind"],
            split=row["split"] or None,
            genre=row["genre"] or None,
            tags=_split_list(row["tags"]),
            instruments=_split_list(row["instruments"]),
            moods=_split_list(row["moods"]),
            vocal=_optional(row["vocal"], lambda v: v == "1"),
            tempo=_optional(row["tempo"], float),
            meter=row["meter"] or None,
            key=row["key"] or None,
            work_id=row["work_id"] or None,
            version=_optional(row["version"], int),
            duration=_optional(row["duration"], float),
            language=row["language"] or None,
            stem_paths=stems if music else {},
            annotation_paths={k: self.root / "annotations" / v for k, v in notes.items()}
            if music
            else {},
        )

    def tracks(self, split: str | None = None, kind: str | None = None) -> list[Track]:
        """Tracks of one split (``train``, ``valid``, ``test``) and/or kind (``music``,
        ``speech``); ``None`` means all."""
        for name, value, allowed in (
            ("split", split, ("train", "valid", "test")),
            ("kind", kind, ("music", "speech")),
        ):
            if value is not None and value not in allowed:
                raise ValueError(f"Unknown {name} {value!r}; use one of {allowed} or None.")
        return [
            t
            for t in self._tracks
            if (split is None or t.split == split) and (kind is None or t.kind == kind)
        ]

    def track(self, track_id: str) -> Track:
        try:
            return self._by_id[track_id]
        except KeyError:
            raise KeyError(f"No track {track_id!r} in {self.root}.") from None

    @property
    def genres(self) -> list[str]:
        """The music styles present, sorted (the class list of genre classification)."""
        return sorted({t.genre for t in self._tracks if t.kind == "music" and t.genre})

    def __len__(self) -> int:
        return len(self._tracks)

    def __iter__(self) -> Iterator[Track]:
        return iter(self._tracks)

    def __repr__(self) -> str:
        return f"Corpus({str(self.root)!r}, {len(self)} tracks)"
