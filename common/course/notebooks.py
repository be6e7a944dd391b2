"""Notebooks: the jupytext ``.py`` (percent format) is the source; the ``.ipynb`` beside it is
generated from it, executed, and committed with its outputs.

    python -m common.course.notebooks --execute              # all notebooks, workshop size
    python -m common.course.notebooks --execute --size tiny part0_audio_basics/notebooks/01_audio_basics.py
    python -m common.course.notebooks --check                # is every .ipynb in sync with its .py?

Notebooks read their corpus size from ``$MIR_COURSE_SIZE`` (``workshop`` by default), which
``--size`` sets, so the tests can run them on the ``tiny`` corpus.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from common import REPO_ROOT
from common.cli import SIZE_VARIABLE
from common.fileio import write_text


def sources(paths: list[str] | None = None) -> list[Path]:
    """Notebook sources: the given paths, or every ``part*/notebooks/*.py``."""
    if paths:
        return [Path(p).resolve() for p in paths]
    return sorted(REPO_ROOT.glob("part*/notebooks/[0-9]*.py"))


def read_source(path: Path):
    """The notebook described by a jupytext percent-format file (no outputs)."""
    import jupytext

    notebook = jupytext.read(path)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return notebook


def _cells(notebook) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source.strip()) for c in notebook.cells]


def in_sync(path: Path) -> bool:
    """Whether the ``.ipynb`` beside ``path`` has exactly the cells of the source."""
    import nbformat

    target = path.with_suffix(".ipynb")
    if not target.is_file():
        return False
    return _cells(nbformat.read(target, as_version=4)) == _cells(read_source(path))


def execute(path: Path, size: str = "workshop", timeout: int = 1800, output: Path | None = None):
    """Run the notebook of ``path`` top to bottom in its own folder and return it with outputs.

    The kernel inherits the environment (``KERAS_BACKEND`` included) with ``$MIR_COURSE_SIZE``
    set to ``size``. With ``output``, the executed notebook is written there (atomically).
    """
    import nbformat
    from nbclient import NotebookClient

    notebook = read_source(path)
    previous = os.environ.get(SIZE_VARIABLE)
    os.environ[SIZE_VARIABLE] = size
    try:
        client = NotebookClient(
            notebook,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute()
    finally:
        if previous is None:
            os.environ.pop(SIZE_VARIABLE, None)
        else:
            os.environ[SIZE_VARIABLE] = previous
    if output is not None:
        write_text(output, nbformat.writes(notebook))
    return notebook


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m common.course.notebooks", description=__doc__.splitlines()[0]
    )
    parser.add_argument("paths", nargs="*", help="notebook sources (.py); default: all")
    parser.add_argument("--execute", action="store_true", help="execute and write the .ipynb files")
    parser.add_argument("--check", action="store_true", help="fail if an .ipynb is out of sync")
    parser.add_argument("--size", default="workshop", choices=("tiny", "workshop", "full"))
    args = parser.parse_args(argv)

    status = 0
    for path in sources(args.paths):
        relative = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
        if args.execute:
            start = time.perf_counter()
            execute(path, args.size, output=path.with_suffix(".ipynb"))
            print(f"executed {relative} ({args.size}) in {time.perf_counter() - start:.0f} s")
        if args.check and not in_sync(path):
            print(f"out of sync: {relative.with_suffix('.ipynb')} (run make notebooks)")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
