"""Atomic file writes: a file is either absent or complete, never half-written.

Every generated file in the course (rendered audio, annotations, feature caches, result tables)
goes through these helpers, so an interrupted run can simply be started again.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "atomic_path",
    "is_temporary",
    "file_lock",
    "write_text",
    "write_json",
    "read_json",
    "save_array",
    "load_array",
]


#: The temporary names :func:`atomic_path` gives: ``.<stem>.<8 hex digits>.tmp<suffix>``.
_TEMPORARY_NAME = re.compile(r"^\..+\.[0-9a-f]{8}\.tmp(\.[A-Za-z0-9.]+)?$")


def is_temporary(path: str | os.PathLike) -> bool:
    """Whether ``path`` is named like a temporary file of :func:`atomic_path` (an interrupted
    writer's leftover; its owner may delete it, nobody else should)."""
    return bool(_TEMPORARY_NAME.match(Path(path).name))


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it onto ``path`` only if the block succeeds.

    The temporary name keeps the suffix of ``path`` so that writers which look at the extension
    (``soundfile``, ``numpy.save``) pick the right format.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}.tmp{path.suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


@contextmanager
def file_lock(path: str | os.PathLike, waiting_message: str | None = None) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``path`` (created if needed) for the block.

    Blocks while another process holds it, after printing ``waiting_message`` if given. On
    systems without ``fcntl`` (Windows) the block runs unlocked.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting_message:
                print(waiting_message, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically and return the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_json(path: str | os.PathLike, obj: Any) -> Path:
    """Write ``obj`` as indented JSON to ``path`` atomically and return the path."""
    return write_text(path, json.dumps(obj, indent=2, sort_keys=False) + "\n")


def read_json(path: str | os.PathLike) -> Any:
    """Read a JSON file."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def save_array(path: str | os.PathLike, array: np.ndarray) -> Path:
    """Save one NumPy array to a ``.npy`` file atomically and return the path."""
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        np.save(handle, np.asarray(array), allow_pickle=False)
    return Path(path)


def load_array(path: str | os.PathLike, mmap: bool = False) -> np.ndarray:
    """Load a ``.npy`` file written by :func:`save_array` (optionally memory-mapped)."""
    return np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
