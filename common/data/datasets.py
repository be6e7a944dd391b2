"""Datasets by name: the embedded corpus and real datasets behind one Track interface.

``load_tracks("synthetic", size="tiny")`` and ``load_tracks("gtzan", data_home=...)`` (or
``"mtg_jamendo"``, ``"magnatagatune"``) all return :class:`~common.data.tracks.Track` objects
with a ``split``, so every script runs on any of them.
Real datasets are never downloaded at run time: a missing one raises
:class:`DatasetNotFoundError` naming the command that fetches it.
"""

from __future__ import annotations

import csv
import os
import re
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from common.audio import AudioError, audio_info
from common.data.tracks import Track

__all__ = [
    "DATASETS",
    "DatasetFormatError",
    "DatasetNotFoundError",
    "load_tracks",
    "load_ballroom",
    "load_gtzan",
    "load_magnatagatune",
    "load_mtg_jamendo",
    "read_magnatagatune_annotations",
    "read_mtg_jamendo_tsv",
]


class DatasetNotFoundError(FileNotFoundError):
    """A real dataset is not on disk where it was looked for."""


def default_data_home() -> Path:
    """Where real datasets are looked for: ``$MIR_DATASETS`` or ``~/mir_datasets``."""
    return Path(os.environ.get("MIR_DATASETS", "~/mir_datasets")).expanduser()


# ---------------------------------------------------------------------------------------------
# GTZAN genre
# ---------------------------------------------------------------------------------------------

GTZAN_FILE = re.compile(r"^(?P<genre>[a-z]+)\.(?P<number>\d{5})\.(?:wav|au)$")
GTZAN_FETCH = (
    'pip install mirdata && python -c "import mirdata; '
    "mirdata.initialize('gtzan_genre', data_home='{home}').download()\""
)


def _gtzan_root(home: Path) -> Path | None:
    for candidate in (home, home / "gtzan_genre", home / "gtzan", home / "GTZAN"):
        for sub in ("genres", "genres_original", "Data/genres_original"):
            if (candidate / sub).is_dir():
                return candidate / sub
    return None


def _read_split_files(root: Path) -> dict[str, str] | None:
    """Track id -> split from fault-filtered split lists (``train_filtered.txt`` ...), if present.

    These are the artist-conscious splits of Kereliuk, Sturm and Larsen (2015); each line names
    a file such as ``blues/blues.00012.wav``.
    """
    folder = next((f for f in (root / "splits", root.parent / "splits") if f.is_dir()), None)
    if folder is None:
        return None
    splits = {}
    for split in ("train", "valid", "test"):
        path = folder / f"{split}_filtered.txt"
        if not path.is_file():
            return None
        for line in path.read_text().split():
            splits[Path(line).name.rsplit(".", 1)[0]] = split
    return splits


def load_gtzan(data_home: str | os.PathLike | None = None, seed: int = 0) -> list[Track]:
    """GTZAN genre (1000 clips of 30 s, 10 genres), from any of its common layouts:
    ``genres/<genre>/<genre>.000NN.au`` (original), ``.wav`` (mirdata), or ``genres_original``
    (Kaggle). Unreadable files (the Kaggle copy of ``jazz.00054`` is broken) are skipped with a
    warning.

    Splits come from fault-filtered split lists in a ``splits/`` folder beside ``genres`` when
    present. Otherwise a random split stratified by genre (80/10/10) is made, and a warning says
    that it lets one artist's songs fall on both sides, which flatters accuracy.
    """
    home = Path(data_home).expanduser() if data_home else default_data_home()
    root = _gtzan_root(home)
    if root is None:
        raise DatasetNotFoundError(
            f"GTZAN was not found under {home} (looked for genres/ or genres_original/). Fetch "
            f"it with:\n  {GTZAN_FETCH.format(home=home / 'gtzan_genre')}\nthen pass "
            f"--data-home {home}."
        )
    files = sorted(p for p in root.glob("*/*") if GTZAN_FILE.match(p.name))
    if not files:
        raise DatasetNotFoundError(f"{root} holds no GTZAN files named like blues.00000.wav.")
    broken = []
    readable = []
    for path in files:
        try:
            _, duration = audio_info(path)
            readable.append((path, duration))
        except AudioError:
            broken.append(path.name)
    if broken:
        warnings.warn(f"Skipping unreadable GTZAN files: {', '.join(broken)}", stacklevel=2)

    splits = _read_split_files(root)
    if splits is None:
        warnings.warn(
            "No fault-filtered split files found next to GTZAN; using a random split stratified "
            "by genre. Songs of one artist can then land in train and test, which inflates "
            "accuracy (Sturm 2013). Put train/valid/test_filtered.txt in a splits/ folder to fix.",
            stacklevel=2,
        )
        rng = np.random.default_rng(seed)
        splits = {}
        by_genre: dict[str, list[str]] = {}
        for path, _ in readable:
            by_genre.setdefault(path.parent.name, []).append(path.name.rsplit(".", 1)[0])
        for names in by_genre.values():
            order = rng.permutation(len(names))
            for rank, i in enumerate(order):
                fraction = rank / len(names)
                splits[names[i]] = (
                    "train" if fraction < 0.8 else "valid" if fraction < 0.9 else "test"
                )

    rhythm = _gtzan_rhythm_root(home, root)
    tracks = []
    for path, duration in readable:
        track_id = path.name.rsplit(".", 1)[0]
        if track_id not in splits:
            continue  # filtered out of the fault-filtered split (repetitions, distortions)
        match = GTZAN_FILE.match(path.name)
        genre = match["genre"]
        annotations, tempo = {}, None
        if rhythm is not None:
            stem = f"gtzan_{genre}_{match['number']}"
            if (rhythm / "beats" / f"{stem}.beats").is_file():
                annotations["beats"] = rhythm / "beats" / f"{stem}.beats"
            bpm = rhythm / "tempo" / f"{stem}.bpm"
            if bpm.is_file():
                tempo = float(bpm.read_text().split()[0])
        tracks.append(
            Track(
                track_id=track_id,
                audio_path=path,
                dataset="gtzan",
                kind="music",
                split=splits[track_id],
                genre=genre,
                tags=(genre,),
                tempo=tempo,
                duration=duration,
                annotation_paths=annotations,
            )
        )
    return tracks


#: Beat, downbeat and tempo annotations of GTZAN (Marchand and Peeters' GTZAN-Rhythm, as
#: packaged by mirdata): ``beats/gtzan_<genre>_<NNNNN>.beats`` and ``tempo/...bpm``.
GTZAN_RHYTHM = "gtzan_tempo_beat-main"


#: What to fetch when a dataset lacks a label that a companion download provides.
LABEL_HINTS = {
    ("gtzan", "beats"): (
        "GTZAN's beats come from GTZAN-Rhythm: put "
        "https://github.com/TempoBeatDownbeat/gtzan_tempo_beat (unpacked as "
        f"{GTZAN_RHYTHM}/) beside the genres folder, as mirdata's gtzan_genre download does."
    ),
}


def _gtzan_rhythm_root(home: Path, root: Path) -> Path | None:
    for candidate in (home, home / "gtzan_genre", root.parent, root.parent.parent):
        if (candidate / GTZAN_RHYTHM / "beats").is_dir():
            return candidate / GTZAN_RHYTHM
    return None


# ---------------------------------------------------------------------------------------------
# Ballroom
# ---------------------------------------------------------------------------------------------

BALLROOM_FETCH = (
    "mkdir -p {home} && cd {home} && curl -LO "
    "http://mtg.upf.edu/ismir2004/contest/tempoContest/data1.tar.gz && tar xzf data1.tar.gz && "
    "curl -L https://github.com/CPJKU/BallroomAnnotations/archive/refs/heads/master.tar.gz | tar xz"
)


def load_ballroom(data_home: str | os.PathLike | None = None, seed: int = 0) -> list[Track]:
    """The Ballroom dataset (698 excerpts of 30 s, eight dances) with the beat and downbeat
    annotations of Krebs, Böck and Widmer (2013).

    Layout: ``<home>/ballroom/BallroomData/<Dance>/<name>.wav`` and
    ``<home>/ballroom/BallroomAnnotations-master/<name>.beats`` (``time position`` lines).
    Ballroom has no official split; a random one stratified by dance (80/10/10) is drawn from
    ``seed``. Excerpts without an annotation file are left out.
    """
    home = Path(data_home).expanduser() if data_home else default_data_home()
    root = next(
        (c for c in (home / "ballroom", home / "Ballroom", home) if (c / "BallroomData").is_dir()),
        None,
    )
    if root is None:
        raise DatasetNotFoundError(
            f"Ballroom was not found under {home} (looked for ballroom/BallroomData). Fetch it "
            f"with:\n  {BALLROOM_FETCH.format(home=home / 'ballroom')}\nthen pass --data-home {home}."
        )
    notes = next(
        (
            root / name
            for name in ("BallroomAnnotations-master", "BallroomAnnotations")
            if (root / name).is_dir()
        ),
        None,
    )
    if notes is None:
        raise DatasetNotFoundError(
            f"{root} has the Ballroom audio but not its beat annotations (BallroomAnnotations-"
            f"master/). Fetch them with:\n  cd {root} && curl -L https://github.com/CPJKU/"
            "BallroomAnnotations/archive/refs/heads/master.tar.gz | tar xz"
        )
    by_dance: dict[str, list[Path]] = {}
    for path in sorted((root / "BallroomData").glob("*/*.wav")):
        if (notes / f"{path.stem}.beats").is_file():
            by_dance.setdefault(path.parent.name, []).append(path)
    if not by_dance:
        raise DatasetNotFoundError(f"No annotated .wav files under {root / 'BallroomData'}.")
    rng = np.random.default_rng(seed)
    tracks = []
    for dance, paths in sorted(by_dance.items()):
        order = rng.permutation(len(paths))
        for rank, i in enumerate(order):
            fraction = rank / len(paths)
            split = "train" if fraction < 0.8 else "valid" if fraction < 0.9 else "test"
            tracks.append(
                Track(
                    track_id=paths[i].stem,
                    audio_path=paths[i],
                    dataset="ballroom",
                    kind="music",
                    split=split,
                    genre=dance.lower(),
                    annotation_paths={"beats": notes / f"{paths[i].stem}.beats"},
                )
            )
    return tracks


# ---------------------------------------------------------------------------------------------
# Errors shared by the tagging datasets
# ---------------------------------------------------------------------------------------------


class DatasetFormatError(ValueError):
    """A dataset file is on disk but does not have the layout its loader expects."""


def _short_list(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


# ---------------------------------------------------------------------------------------------
# MTG-Jamendo auto-tagging
# ---------------------------------------------------------------------------------------------

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
    for candidate in (
        home / "mtg_jamendo" / MTG_CLONE,
        home / MTG_CLONE,
        home / "mtg_jamendo",
        home,
    ):
        if (candidate / "data" / "splits").is_dir():
            return candidate
    return None


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
    home = Path(data_home).expanduser() if data_home else default_data_home()
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


# ---------------------------------------------------------------------------------------------
# MagnaTagATune
# ---------------------------------------------------------------------------------------------

MTT_ANNOTATIONS = "annotations_final.csv"
MTT_URL = "https://mirg.city.ac.uk/datasets/magnatagatune"
MTT_UNPACK = "cat mp3.zip.* > mp3_all.zip && unzip -q mp3_all.zip && rm mp3.zip.* mp3_all.zip"
MTT_FETCH = (
    "mkdir -p {root} && cd {root}\n"
    "  for f in mp3.zip.001 mp3.zip.002 mp3.zip.003 annotations_final.csv; do "
    "curl -LO " + MTT_URL + "/$f; done\n"
    "  " + MTT_UNPACK
)
#: First hexadecimal character of ``mp3_path`` -> split (Dieleman and Schrauwen 2014).
MTT_SPLITS = {f"{i:x}": "train" for i in range(12)} | {"c": "valid"} | {c: "test" for c in "def"}
MTT_PATH = re.compile(r"^[0-9a-f]/[^/]+\.mp3$")


def _mtt_root(home: Path) -> Path | None:
    for candidate in (
        home / "magnatagatune",
        home / "MagnaTagATune",
        home / "mtt",
        home,
    ):
        if (candidate / MTT_ANNOTATIONS).is_file():
            return candidate
    return None


def read_magnatagatune_annotations(path: str | os.PathLike) -> tuple[list[str], list[dict]]:
    """Parse MagnaTagATune's ``annotations_final.csv``.

    Despite its name the file is tab-separated, each field in double quotes: a ``clip_id``
    column, one 0/1 column per tag (188 of them) and an ``mp3_path`` column such as
    ``f/american_bach_soloists-j_s__bach_solo_cantatas-01-bwv54__i_aria-30-59.mp3``.
    Returns the tag names in column order and one dict per clip with ``clip_id``,
    ``mp3_path`` and ``labels`` (a tuple of booleans, one per tag). Raises
    :class:`DatasetFormatError` naming the file and line of anything else.
    """
    path = Path(path)
    clips = []
    with open(path, newline="", encoding="utf-8") as handle:
        lines = csv.reader(handle, delimiter="\t")
        header = next(lines, None)
        if header is None or len(header) < 3 or header[0] != "clip_id" or header[-1] != "mp3_path":
            raise DatasetFormatError(
                f"{path} does not look like MagnaTagATune's {MTT_ANNOTATIONS}: its first line "
                "should be tab-separated column names starting with clip_id and ending with "
                f"mp3_path, with the tag names in between, but it is {header!r}."
            )
        tag_names = header[1:-1]
        for number, row in enumerate(lines, start=2):
            if not row:
                continue
            where = f"{path}, line {number}"
            if len(row) != len(header):
                raise DatasetFormatError(
                    f"{where}: expected {len(header)} tab-separated columns like the header, "
                    f"found {len(row)}."
                )
            values = row[1:-1]
            bad = next((v for v in values if v not in ("0", "1")), None)
            if bad is not None:
                raise DatasetFormatError(f"{where}: tag columns hold 0 or 1, found {bad!r}.")
            if not MTT_PATH.match(row[-1]):
                raise DatasetFormatError(
                    f"{where}: mp3_path {row[-1]!r} is not of the form <folder>/<name>.mp3 with "
                    "a folder among 0 to f."
                )
            clips.append(
                {
                    "clip_id": row[0],
                    "mp3_path": row[-1],
                    "labels": tuple(v == "1" for v in values),
                }
            )
    return tag_names, clips


def load_magnatagatune(
    data_home: str | os.PathLike | None = None,
    n_tags: int = 50,
    drop_untagged: bool = True,
) -> list[Track]:
    """MagnaTagATune (Law et al. 2009): 25,863 clips of about 29 s from the Magnatune label,
    16 kHz mono MP3, tagged by players of the TagATune game with 188 tags.

    ``annotations_final.csv`` and the folders ``0`` to ``f`` that the three ``mp3.zip`` parts
    unpack into are looked for in ``<data_home>/magnatagatune`` (or ``MagnaTagATune``,
    ``mtt``, or ``<data_home>`` itself); each clip's audio is ``<root>/<mp3_path>``.

    ``tags`` are the clip's tags among the ``n_tags`` most frequent ones, counted in the file
    (the usual benchmark vocabulary for ``n_tags=50``); ties are broken by column order. With
    ``drop_untagged`` (the default), clips that have none of these tags are left out, as the
    commonly used benchmark splits do. The tags mix genres, instruments and moods without
    categories, so ``genre``, ``moods`` and ``instruments`` stay empty; ``duration`` is not
    read (the clips are about 29 s long).

    Splits follow the standard convention by folder (Dieleman and Schrauwen 2014, also used by
    Pons et al. 2018): ``0``-``b`` train, ``c`` valid, ``d``-``f`` test. It splits by folder,
    not by artist, so one artist's songs can fall on both sides. Missing or empty audio files
    are skipped with a warning.
    """
    home = Path(data_home).expanduser() if data_home else default_data_home()
    root = _mtt_root(home)
    if root is None:
        raise DatasetNotFoundError(
            f"MagnaTagATune was not found under {home} (looked for {MTT_ANNOTATIONS} in "
            f"{home / 'magnatagatune'}, {home / 'MagnaTagATune'}, {home / 'mtt'} and {home}). "
            "mirdata does not index it; fetch the annotations and the three zip parts from the "
            f"Music Informatics Research Group's site ({MTT_URL}/), and unpack them into the "
            f"folders 0 to f:\n  {MTT_FETCH.format(root=home / 'magnatagatune')}\n"
            f"then pass --data-home {home}."
        )
    if n_tags < 1:
        raise ValueError(f"n_tags must be at least 1, not {n_tags}.")
    names, clips = read_magnatagatune_annotations(root / MTT_ANNOTATIONS)
    counts = np.sum([clip["labels"] for clip in clips], axis=0) if clips else np.zeros(len(names))
    vocabulary = sorted(range(len(names)), key=lambda i: (-counts[i], i))[:n_tags]

    folders = {p.name for p in root.iterdir() if p.is_dir() and p.name in MTT_SPLITS}
    if not folders:
        raise DatasetNotFoundError(
            f"Found {root / MTT_ANNOTATIONS} but none of the audio folders 0 to f next to it. "
            f"Put the zip parts mp3.zip.001 to .003 from {MTT_URL}/ there and unpack them:\n"
            f"  cd {root} && {MTT_UNPACK}\nthen pass --data-home {home}."
        )

    tracks = []
    absent = []
    for clip in clips:
        tags = tuple(names[i] for i in vocabulary if clip["labels"][i])
        if drop_untagged and not tags:
            continue
        folder = clip["mp3_path"].split("/", 1)[0]
        audio = root / clip["mp3_path"]
        if not audio.is_file() or audio.stat().st_size == 0:
            absent.append(clip["mp3_path"])
            continue
        tracks.append(
            Track(
                track_id=clip["clip_id"],
                audio_path=audio,
                dataset="magnatagatune",
                kind="music",
                split=MTT_SPLITS[folder],
                tags=tags,
            )
        )
    if absent:
        warnings.warn(
            f"Skipping {len(absent)} MagnaTagATune clips whose audio file is missing or empty "
            f"in {root}: {_short_list(absent)}.",
            stacklevel=2,
        )
    return tracks


# ---------------------------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------------------------


def _synthetic(size: str, data_home, seed) -> list[Track]:
    from common.data import load_corpus

    return load_corpus(size).tracks()


def _gtzan(size: str, data_home, seed) -> list[Track]:
    return load_gtzan(data_home, seed)


def _ballroom(size: str, data_home, seed) -> list[Track]:
    return load_ballroom(data_home, seed)


def _mtg_jamendo(size: str, data_home, seed) -> list[Track]:
    return load_mtg_jamendo(data_home)


def _magnatagatune(size: str, data_home, seed) -> list[Track]:
    return load_magnatagatune(data_home)


#: Loaders by dataset name: ``(size, data_home, seed) -> tracks``.
DATASETS: dict[str, Callable[..., list[Track]]] = {
    "synthetic": _synthetic,
    "gtzan": _gtzan,
    "ballroom": _ballroom,
    "mtg_jamendo": _mtg_jamendo,
    "magnatagatune": _magnatagatune,
}


def load_tracks(
    dataset: str = "synthetic",
    size: str = "workshop",
    data_home: str | os.PathLike | None = None,
    seed: int = 0,
) -> list[Track]:
    """All tracks of ``dataset`` (each with its ``split``).

    Datasets: ``synthetic`` (the embedded corpus), ``gtzan`` (genre, and beats and tempo when
    the GTZAN-Rhythm annotations are beside it, see :func:`load_gtzan`), ``ballroom`` (beats,
    downbeats, see :func:`load_ballroom`),
    ``mtg_jamendo`` (the mood/theme tagging subset of MTG-Jamendo with its official split 0,
    see :func:`load_mtg_jamendo` for the other subsets and splits) and ``magnatagatune`` (the
    50 most frequent tags, folder-based split, see :func:`load_magnatagatune`).

    ``size`` picks the embedded corpus preset (``tiny``, ``workshop``, ``full``) and is ignored by
    real datasets; ``data_home`` is where real datasets are looked for (default
    ``$MIR_DATASETS`` or ``~/mir_datasets``). A real dataset that is not there raises
    :class:`DatasetNotFoundError` naming the command that fetches it; nothing is downloaded.
    """
    if dataset not in DATASETS:
        raise ValueError(f"Unknown dataset {dataset!r}; choose one of {sorted(DATASETS)}.")
    return DATASETS[dataset](size, data_home, seed)
