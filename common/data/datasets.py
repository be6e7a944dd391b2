"""Datasets by name: the embedded corpus and real datasets behind one Track interface.

``load_tracks("synthetic", size="tiny")`` and ``load_tracks("gtzan", data_home=...)`` both return
:class:`~common.data.tracks.Track` objects with a ``split``, so every script runs on either.
Real datasets are never downloaded at run time: a missing one raises
:class:`DatasetNotFoundError` naming the command that fetches it.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from common.audio import AudioError, audio_info
from common.data.tracks import Track

__all__ = ["DATASETS", "DatasetNotFoundError", "load_tracks", "load_gtzan"]


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

    tracks = []
    for path, duration in readable:
        track_id = path.name.rsplit(".", 1)[0]
        if track_id not in splits:
            continue  # filtered out of the fault-filtered split (repetitions, distortions)
        genre = GTZAN_FILE.match(path.name)["genre"]
        tracks.append(
            Track(
                track_id=track_id,
                audio_path=path,
                dataset="gtzan",
                kind="music",
                split=splits[track_id],
                genre=genre,
                tags=(genre,),
                duration=duration,
            )
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


#: Loaders by dataset name: ``(size, data_home, seed) -> tracks``.
DATASETS: dict[str, Callable[..., list[Track]]] = {"synthetic": _synthetic, "gtzan": _gtzan}


def load_tracks(
    dataset: str = "synthetic",
    size: str = "workshop",
    data_home: str | os.PathLike | None = None,
    seed: int = 0,
) -> list[Track]:
    """All tracks of ``dataset`` (each with its ``split``).

    ``size`` picks the embedded corpus preset (``tiny``, ``workshop``, ``full``) and is ignored by
    real datasets; ``data_home`` is where real datasets are looked for.
    """
    if dataset not in DATASETS:
        raise ValueError(f"Unknown dataset {dataset!r}; choose one of {sorted(DATASETS)}.")
    return DATASETS[dataset](size, data_home, seed)
