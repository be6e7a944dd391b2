"""GTZAN genre (Tzanetakis and Cook, 2002), with GTZAN-Rhythm's beats and tempi when present.

Taught in Part 1 (``--dataset gtzan``) and Part 3 (beats).
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import numpy as np

from common.audio.io import AudioError, audio_info
from common.data.datasets.base import (
    DatasetNotFoundError,
    dataset_home,
    find_layout,
)
from common.data.tracks import Track

__all__ = [
    "GTZAN_FILE",
    "GTZAN_FETCH",
    "load_gtzan",
    "GTZAN_RHYTHM",
]


GTZAN_FILE = re.compile(r"^(?P<genre>[a-z]+)\.(?P<number>\d{5})\.(?:wav|au)$")


GTZAN_FETCH = (
    'pip install mirdata && python -c "import mirdata; '
    "mirdata.initialize('gtzan_genre', data_home='{home}').download()\""
)


def _gtzan_root(home: Path) -> Path | None:
    """The folder of genre folders (``genres/`` in the archive, ``genres_original`` on Kaggle)."""
    found = find_layout(
        (home, home / "gtzan_genre", home / "gtzan", home / "GTZAN"),
        ("genres", "genres_original", "Data/genres_original"),
    )
    return found[1] if found else None


def _read_split_files(root: Path) -> dict[str, str] | None:
    """Track id -> split from fault-filtered split lists (``train_filtered.txt`` ...), if present.

    These are the artist-conscious splits of Kereliuk, Sturm and Larsen (2015); each line names
    a file such as ``blues/blues.00012.wav``.
    """
    found = find_layout((root, root.parent), ("splits",))
    folder = found[1] if found else None
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
    home = dataset_home(data_home)
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


def _gtzan_rhythm_root(home: Path, root: Path) -> Path | None:
    candidates = (home, home / "gtzan_genre", root.parent, root.parent.parent)
    found = find_layout(candidates, (f"{GTZAN_RHYTHM}/beats",))
    return found[0] / GTZAN_RHYTHM if found else None
