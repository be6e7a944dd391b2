"""Data: the Track interface, the embedded corpus, annotation files, caches and pipelines."""

import shutil
from pathlib import Path

from common import InputError, data_home
from common.data.tracks import Corpus, CorpusNotFoundError, MissingAnnotationError, Track

__all__ = [
    "by_split",
    "Corpus",
    "CorpusNotFoundError",
    "EmptySplitError",
    "MissingAnnotationError",
    "Track",
    "corpus_path",
    "ensure_corpus",
    "load_corpus",
    "load_held_out",
]

SIZES = ("tiny", "workshop", "full")
#: The held-out set that goes with each corpus size (see :func:`load_held_out`).
HELD_OUT = {"tiny": "ood-tiny", "workshop": "ood", "full": "ood"}


class EmptySplitError(InputError, ValueError):
    """A dataset with no track in one of its splits: too small, or only partly downloaded."""


def by_split(tracks: list[Track]) -> dict[str, list[Track]]:
    """Group tracks by split: ``{"train": [...], "valid": [...], "test": [...]}``.

    Raises :class:`EmptySplitError` if a split is empty, since no experiment can run without it.
    """
    groups = {
        split: [t for t in tracks if t.split == split] for split in ("train", "valid", "test")
    }
    empty = [split for split, members in groups.items() if not members]
    if empty:
        counts = ", ".join(f"{len(members)} {split}" for split, members in groups.items())
        raise EmptySplitError(
            f"No tracks in the {' and '.join(empty)} split of this dataset ({counts}). Point "
            "--data-home at the complete download (a partial one may lack whole folders), or "
            "use a larger corpus size (--size workshop)."
        )
    return groups


def corpus_path(size: str) -> Path:
    """Where the corpus of a size (or a held-out preset) lives: ``<data home>/corpus-<size>``."""
    if size not in SIZES and size not in HELD_OUT.values():
        choices = (*SIZES, *sorted(set(HELD_OUT.values())))
        raise ValueError(f"Unknown size {size!r}; choose one of {choices}.")
    return data_home() / f"corpus-{size}"


def ensure_corpus(size: str = "tiny", seed: int = 0, workers: int | None = None) -> Path:
    """Return the folder of the corpus of ``size`` (or of a held-out preset such as ``ood``),
    rendering it first if needed.

    The first call renders (with a progress bar; seconds for ``tiny``, about a minute for
    ``workshop`` on two cores); later calls find it complete and return at once.
    """
    from common.data.synthetic import GENERATOR_VERSION, PRESETS, is_complete, render_corpus
    from common.fileio import read_json

    path = corpus_path(size)
    if is_complete(path, PRESETS[size], seed):
        return path
    manifest = path / "corpus.json"
    if manifest.is_file() and read_json(manifest).get("generator_version") != GENERATOR_VERSION:
        # Rendered by an older version of the course: generated data, safe to replace.
        print(f"{path} was rendered by an older corpus generator; rendering it again.")
        shutil.rmtree(path)
    render_corpus(size, path, seed=seed, workers=workers)
    return path


def load_corpus(size: str = "tiny") -> Corpus:
    """The corpus of ``size`` as a :class:`Corpus`, rendered on first use."""
    return Corpus(ensure_corpus(size))


def load_held_out(size: str = "tiny") -> dict[str, list[Track]]:
    """The held-out set that goes with the corpus of ``size``, by group, rendered on first use.

    ``ood-styles``: hymns and solo piano, styles the corpus never plays (no drums, fermatas,
    ritardandi). ``ood-timbres``: new works in the corpus's styles, played by the course's own
    synthesiser instead of the corpus's SoundFont. Never used for training or for choosing
    anything; scripts report it beside the test split (taught in Part 0, notebook 02).
    """
    from common.data.synthetic.generator import HELD_OUT_GROUPS, held_out_group

    tracks = Corpus(ensure_corpus(HELD_OUT[size])).tracks(kind="music")
    return {g: [t for t in tracks if held_out_group(t.genre) == g] for g in HELD_OUT_GROUPS}
