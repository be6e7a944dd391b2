"""Data: the Track interface, the embedded corpus, annotation files, caches and pipelines."""

from pathlib import Path

from common import data_home
from common.data.tracks import Corpus, CorpusNotFoundError, MissingAnnotationError, Track

__all__ = [
    "Corpus",
    "CorpusNotFoundError",
    "MissingAnnotationError",
    "Track",
    "corpus_path",
    "ensure_corpus",
    "load_corpus",
]

SIZES = ("tiny", "workshop", "full")


def corpus_path(size: str) -> Path:
    """Where the corpus of a size lives: ``<data home>/corpus-<size>``."""
    if size not in SIZES:
        raise ValueError(f"Unknown size {size!r}; choose one of {SIZES}.")
    return data_home() / f"corpus-{size}"


def ensure_corpus(size: str = "tiny", seed: int = 0, workers: int | None = None) -> Path:
    """Return the folder of the corpus of ``size``, rendering it first if needed.

    The first call renders (with a progress bar; seconds for ``tiny``, about a minute for
    ``workshop`` on two cores); later calls find it complete and return at once.
    """
    from common.data.synthetic import PRESETS, is_complete, render_corpus

    path = corpus_path(size)
    if not is_complete(path, PRESETS[size], seed):
        render_corpus(size, path, seed=seed, workers=workers)
    return path


def load_corpus(size: str = "tiny") -> Corpus:
    """The corpus of ``size`` as a :class:`Corpus`, rendered on first use."""
    return Corpus(ensure_corpus(size))
