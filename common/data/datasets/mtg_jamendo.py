"""MTG-Jamendo auto-tagging (Bogdanov et al., 2019): official split files, mood/theme by default.

Taught in Part 1 (``--dataset mtg_jamendo``).
"""

from __future__ import annotations

import csv
import os
import warnings
from pathlib import Path

from common.data.datasets.base import (
    DatasetFormatError,
    DatasetNotFoundError,
    _short_list,
    dataset_home,
    find_layout,
)
from common.data.tracks import Track

__all__ = [
    "MTG_SUBSETS",
    "MTG_SPLITS",
    "MTG_COLUMNS",
    "MTG_CATEGORIES",
    "MTG_CLONE",
    "MTG_FETCH",
    "read_mtg_jamendo_tsv",
    "load_mtg_jamendo",
]


#: Subsets of the official split files: ``data/splits/split-N/<stem>-<split>.tsv``.
MTG_SUBSETS = {
    "moodtheme": "autotagging_moodtheme",
    "genre": "autotagging_genre",
    "instrument": "autotagging_instrument",
    "top50tags": "autotagging_top50tags",
    "all": "autotagging",
}


MTG_SPLITS = {"train": "train", "validation": "valid", "test": "test"}


MTG_COLUMNS = ("TRACK_ID", "ARTIST_ID", "ALBUM_ID", "PATH", "DURATION")


MTG_CATEGORIES = ("genre", "instrument", "mood/theme")


MTG_CLONE = "mtg-jamendo-dataset"


MTG_FETCH = (
    "git clone https://github.com/MTG/mtg-jamendo-dataset.git {root}/" + MTG_CLONE + "\n"
    "  pip install gdown requests tqdm    # what its download script imports\n"
    "  mkdir -p {root}/audio && cd {root}/" + MTG_CLONE + "\n"
    "  python3 scripts/download/download.py --dataset {archive} --type audio-low "
    "{root}/audio --unpack --remove    # about {size}"
)


def _mtg_fetch(home: Path, subset: str) -> str:
    # The download script offers the mood/theme audio on its own (46 GB in audio-low) or all
    # the audio of raw_30s.tsv (156 GB in audio-low), which the other subsets need.
    archive, size = (
        ("autotagging_moodtheme", "46 GB") if subset == "moodtheme" else ("raw_30s", "156 GB")
    )
    return MTG_FETCH.format(root=home / "mtg_jamendo", archive=archive, size=size)


def read_mtg_jamendo_tsv(path: str | os.PathLike) -> list[dict]:
    """Rows of an MTG-Jamendo metadata file (``autotagging.tsv``, a subset such as
    ``autotagging_moodtheme.tsv``, or a split file such as
    ``splits/split-0/autotagging_moodtheme-train.tsv``).

    The files are tab-separated, with the header ``TRACK_ID ARTIST_ID ALBUM_ID PATH DURATION
    TAGS`` and then one column per tag, as many as the track has: ``genre---rock``,
    ``instrument---piano``, ``mood/theme---happy``. Each row becomes a dict with ``track_id``,
    ``artist_id``, ``album_id``, ``path``, ``duration`` (seconds), ``tags`` (a dict from
    category, ``genre``, ``instrument`` or ``mood/theme``, to the tuple of its tag names) and
    ``names`` (all tag names without their prefix, in file order, each once).
    Raises :class:`DatasetFormatError` naming the file and line of anything else.
    """
    path = Path(path)
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        lines = csv.reader(handle, delimiter="\t")
        header = next(lines, None)
        if header is None or tuple(header[:5]) != MTG_COLUMNS:
            raise DatasetFormatError(
                f"{path} does not look like an MTG-Jamendo metadata file: its first line should "
                f"start with the columns {' '.join(MTG_COLUMNS)} TAGS (tab-separated), but it "
                f"is {header!r}."
            )
        for number, row in enumerate(lines, start=2):
            if not row:
                continue
            where = f"{path}, line {number}"
            if len(row) < 5:
                raise DatasetFormatError(
                    f"{where}: expected at least 5 tab-separated columns "
                    f"({', '.join(MTG_COLUMNS)}), found {len(row)}: {row!r}."
                )
            try:
                duration = float(row[4])
            except ValueError:
                raise DatasetFormatError(
                    f"{where}: DURATION should be a number of seconds, not {row[4]!r}."
                ) from None
            tags: dict[str, list[str]] = {category: [] for category in MTG_CATEGORIES}
            names: list[str] = []
            for text in row[5:]:
                category, sep, name = text.partition("---")
                if not sep or category not in tags or not name:
                    raise DatasetFormatError(
                        f"{where}: tag {text!r} is not of the form <category>---<name> with a "
                        f"category among {', '.join(MTG_CATEGORIES)}."
                    )
                if name not in tags[category]:
                    tags[category].append(name)
                if name not in names:
                    names.append(name)
            rows.append(
                {
                    "track_id": row[0],
                    "artist_id": row[1],
                    "album_id": row[2],
                    "path": row[3],
                    "duration": duration,
                    "tags": {category: tuple(found) for category, found in tags.items()},
                    "names": tuple(names),
                }
            )
    return rows


def _mtg_metadata_root(home: Path) -> Path | None:
    """The folder holding ``data/splits`` (a clone of the official repository)."""
    candidates = (home / "mtg_jamendo" / MTG_CLONE, home / MTG_CLONE, home / "mtg_jamendo", home)
    found = find_layout(candidates, ("data/splits",))
    return found[0] if found else None


def _low_quality(path: str) -> str:
    return path[: -len(".mp3")] + ".low.mp3" if path.endswith(".mp3") else path


def _mtg_audio_file(root: Path, path: str) -> Path | None:
    for name in (path, _low_quality(path)):
        if (root / name).is_file():
            return root / name
    return None


def _mtg_audio_root(candidates: list[Path], rows: list[dict]) -> Path | None:
    """The first candidate folder that holds the audio of some of ~100 tracks spread over
    ``rows`` (a partial download still has some)."""
    probe = rows[:: max(1, len(rows) // 100)]
    for candidate in candidates:
        if candidate.is_dir() and any(_mtg_audio_file(candidate, r["path"]) for r in probe):
            return candidate
    return None


def load_mtg_jamendo(
    data_home: str | os.PathLike | None = None,
    subset: str = "moodtheme",
    split_index: int = 0,
    audio_dir: str | os.PathLike | None = None,
) -> list[Track]:
    """MTG-Jamendo (Bogdanov et al. 2019), full-length Creative Commons tracks tagged by their
    uploaders with genre, instrument and mood/theme tags.

    The tracks and their splits come from the official split files of a clone of
    github.com/MTG/mtg-jamendo-dataset: ``data/splits/split-<split_index>/<stem>-train.tsv``,
    ``-validation.tsv`` and ``-test.tsv``, where the stem is ``autotagging_moodtheme`` for the
    default ``subset="moodtheme"`` (the mood/theme tagging task), ``autotagging_genre``,
    ``autotagging_instrument``, ``autotagging_top50tags``, or ``autotagging`` for
    ``subset="all"`` (all 183 tags kept in the splits). The five official splits (0 to 4) keep
    each artist on one side. The clone is looked for at ``<data_home>/mtg_jamendo/
    mtg-jamendo-dataset``, ``<data_home>/mtg-jamendo-dataset`` or ``<data_home>`` itself.

    Audio lies at ``<audio root>/<PATH>``, PATH being like ``14/1234.mp3`` (320 kbps), or the
    low-quality ``14/1234.low.mp3`` that ``--type audio-low`` downloads; whichever is present
    is used, the full quality first. The audio root is ``audio_dir`` if given, else the first of
    ``<data_home>/mtg_jamendo/audio``, ``<clone>/audio``, ``<data_home>/audio`` or
    ``<data_home>`` that holds some of the tracks. Tracks whose file is missing are skipped with
    a warning.

    Each :class:`Track` has ``tags`` (all its tags, without their category prefix, in file
    order), ``moods`` (its mood/theme tags), ``instruments``, ``genre`` (its first genre tag,
    or ``None``) and ``duration`` from the metadata. A subset's files hold only that subset's
    tags: use ``subset="all"`` for genre and instruments beside the moods.
    """
    if subset not in MTG_SUBSETS:
        raise ValueError(
            f"Unknown MTG-Jamendo subset {subset!r}; choose one of {list(MTG_SUBSETS)}."
        )
    home = dataset_home(data_home)
    root = _mtg_metadata_root(home)
    if root is None:
        raise DatasetNotFoundError(
            f"MTG-Jamendo was not found under {home} (looked for a clone of the "
            f"{MTG_CLONE} repository, with data/splits/, at {home / 'mtg_jamendo' / MTG_CLONE}, "
            f"{home / MTG_CLONE} and {home}). Fetch it with:\n  {_mtg_fetch(home, subset)}\n"
            f"then pass --data-home {home}."
        )
    folder = root / "data" / "splits" / f"split-{split_index}"
    stem = MTG_SUBSETS[subset]
    files = {split: folder / f"{stem}-{name}.tsv" for name, split in MTG_SPLITS.items()}
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        raise DatasetNotFoundError(
            f"The MTG-Jamendo split files {', '.join(missing)} are missing. The official "
            "repository has split-0 to split-4 for the subsets "
            f"{', '.join(MTG_SUBSETS)}; update the clone with `git -C {root} pull`."
        )
    rows = {split: read_mtg_jamendo_tsv(path) for split, path in files.items()}
    seen: dict[str, str] = {}
    for split, members in rows.items():
        for row in members:
            if row["track_id"] in seen:
                raise DatasetFormatError(
                    f"Track {row['track_id']} is in both the {seen[row['track_id']]} and the "
                    f"{split} files of {folder}; the official splits are disjoint."
                )
            seen[row["track_id"]] = split

    every_row = [row for members in rows.values() for row in members]
    if audio_dir is not None:
        candidates = [Path(audio_dir).expanduser()]
    else:
        candidates = [home / "mtg_jamendo" / "audio", root / "audio", home / "audio", home]
    audio_root = _mtg_audio_root(candidates, every_row)
    if audio_root is None:
        raise DatasetNotFoundError(
            f"Found the MTG-Jamendo metadata in {root} but no audio in "
            f"{', '.join(str(c) for c in candidates)} (looked for files such as "
            f"{every_row[0]['path'] if every_row else '14/1234.mp3'} or their .low.mp3 "
            f"versions). Download it with:\n  {_mtg_fetch(home, subset)}\nthen pass "
            f"--data-home {home}."
        )

    tracks = []
    absent = []
    for split, members in rows.items():
        for row in members:
            audio = _mtg_audio_file(audio_root, row["path"])
            if audio is None:
                absent.append(row["path"])
                continue
            tags = row["tags"]
            tracks.append(
                Track(
                    track_id=row["track_id"],
                    audio_path=audio,
                    dataset="mtg_jamendo",
                    kind="music",
                    split=split,
                    genre=tags["genre"][0] if tags["genre"] else None,
                    tags=row["names"],
                    instruments=tags["instrument"],
                    moods=tags["mood/theme"],
                    duration=row["duration"],
                )
            )
    if absent:
        warnings.warn(
            f"Skipping {len(absent)} MTG-Jamendo tracks whose audio is not in {audio_root}: "
            f"{_short_list(absent)}.",
            stacklevel=2,
        )
    return tracks
