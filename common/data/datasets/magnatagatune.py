"""MagnaTagATune (Law et al., 2009): the 50 most frequent tags, the usual folder-based split.

Taught in Part 1 (``--dataset magnatagatune``).
"""

from __future__ import annotations

import csv
import os
import re
import warnings
from pathlib import Path

import numpy as np

from common.data.datasets.base import (
    DatasetFormatError,
    DatasetNotFoundError,
    _short_list,
    dataset_home,
    find_layout,
)
from common.data.tracks import Track

__all__ = [
    "MTT_ANNOTATIONS",
    "MTT_URL",
    "MTT_UNPACK",
    "MTT_FETCH",
    "MTT_SPLITS",
    "MTT_PATH",
    "read_magnatagatune_annotations",
    "load_magnatagatune",
]


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
    candidates = (home / "magnatagatune", home / "MagnaTagATune", home / "mtt", home)
    found = find_layout(candidates, (MTT_ANNOTATIONS,))
    return found[0] if found else None


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
    home = dataset_home(data_home)
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
