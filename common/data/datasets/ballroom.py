"""Ballroom (Gouyon et al., 2006) with the beat and downbeat annotations of Krebs et al. (2013).

Taught in Part 3 (``--dataset ballroom``).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from common.data.datasets.base import (
    DatasetNotFoundError,
    dataset_home,
    find_layout,
)
from common.data.tracks import Track

__all__ = [
    "BALLROOM_FETCH",
    "load_ballroom",
]


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
    home = dataset_home(data_home)
    found = find_layout((home / "ballroom", home / "Ballroom", home), ("BallroomData",))
    if found is None:
        raise DatasetNotFoundError(
            f"Ballroom was not found under {home} (looked for ballroom/BallroomData). Fetch it "
            f"with:\n  {BALLROOM_FETCH.format(home=home / 'ballroom')}\nthen pass --data-home {home}."
        )
    root = found[0]
    annotations = find_layout((root,), ("BallroomAnnotations-master", "BallroomAnnotations"))
    if annotations is None:
        raise DatasetNotFoundError(
            f"{root} has the Ballroom audio but not its beat annotations (BallroomAnnotations-"
            f"master/). Fetch them with:\n  cd {root} && curl -L https://github.com/CPJKU/"
            "BallroomAnnotations/archive/refs/heads/master.tar.gz | tar xz"
        )
    notes = annotations[1]
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
