"""Datasets by name: the embedded corpus and real datasets behind one Track interface.

``load_tracks("synthetic", size="tiny")`` and ``load_tracks("gtzan", data_home=...)`` (or
``"ballroom"``, ``"mtg_jamendo"``, ``"magnatagatune"``) all return
:class:`~common.data.tracks.Track` objects with a ``split``, so every script runs on any of them.
One module per real dataset (:mod:`.gtzan`, :mod:`.ballroom`, :mod:`.mtg_jamendo`,
:mod:`.magnatagatune`); what they share is in :mod:`.base`. Real datasets are never downloaded
at run time: a missing one raises :class:`~.base.DatasetNotFoundError` naming the command that
fetches it.

Taught in Part 1 and Part 3 (the ``--dataset`` flag of every script).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from common.data.datasets.ballroom import load_ballroom
from common.data.datasets.gtzan import GTZAN_RHYTHM, load_gtzan
from common.data.datasets.magnatagatune import load_magnatagatune
from common.data.datasets.mtg_jamendo import load_mtg_jamendo
from common.data.tracks import Track

__all__ = [
    "LABEL_HINTS",
    "DATASETS",
    "load_tracks",
]


#: What to fetch when a dataset lacks a label that a companion download provides.
LABEL_HINTS = {
    ("gtzan", "beats"): (
        "GTZAN's beats come from GTZAN-Rhythm: put "
        "https://github.com/TempoBeatDownbeat/gtzan_tempo_beat (unpacked as "
        f"{GTZAN_RHYTHM}/) beside the genres folder, as mirdata's gtzan_genre download does."
    ),
}


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
