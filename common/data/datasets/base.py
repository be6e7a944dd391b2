"""What every real-dataset loader shares: where datasets live, how a layout is found, errors.

Real datasets are never downloaded at run time: a missing one raises
:class:`DatasetNotFoundError` naming the command that fetches it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from common import InputError

__all__ = [
    "DatasetNotFoundError",
    "DatasetFormatError",
    "default_data_home",
    "dataset_home",
    "find_layout",
]


class DatasetNotFoundError(InputError, FileNotFoundError):
    """A real dataset is not on disk where it was looked for."""


class DatasetFormatError(InputError, ValueError):
    """A dataset file is on disk but does not have the layout its loader expects."""


def default_data_home() -> Path:
    """Where real datasets are looked for: ``$MIR_DATASETS`` or ``~/mir_datasets``."""
    return Path(os.environ.get("MIR_DATASETS", "~/mir_datasets")).expanduser()


def dataset_home(data_home: str | os.PathLike | None) -> Path:
    """``data_home`` as a path, or :func:`default_data_home` when it is not given."""
    return Path(data_home).expanduser() if data_home else default_data_home()


def find_layout(candidates: Iterable[Path], markers: Iterable[str]) -> tuple[Path, Path] | None:
    """Where a dataset's download left it: ``(folder, found)`` for the first of ``candidates``
    (folders, in order of preference) that holds one of ``markers`` (relative paths of a file or
    folder that the layout has, in order of preference), with ``found = folder / marker``;
    ``None`` when no candidate has any.

    Every loader looks in the layouts real downloads leave (the dataset's own archive, mirdata's
    folders) through this one function.
    """
    markers = list(markers)
    for folder in candidates:
        for marker in markers:
            if (folder / marker).exists():
                return folder, folder / marker
    return None


def _short_list(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
