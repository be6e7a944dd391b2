"""Build the slide decks: figures drawn by the course's own code, then Typst to PDF.

    python -m common.course.slides                 # every part that has slides
    python -m common.course.slides --parts 0       # one deck

For each ``part<N>_*/slides/`` folder: ``figures.py`` (if present) is run and writes its images
to ``slides/figures/``; then ``part<N>.typ`` is compiled to ``part<N>.pdf`` beside it with the
repository as Typst root, so every deck can ``#import "/common/course/typst/theme.typ": *``. Typst
comes from the ``typst`` pip package: no TeX, no system fonts, no network. Builds are
reproducible: the PDF's timestamp is ``$SOURCE_DATE_EPOCH`` (0 by default) and only the fonts
embedded in Typst are used.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from common import REPO_ROOT
from common.fileio import atomic_path


def decks(parts: list[int] | None = None) -> list[Path]:
    """Typst sources ``part<N>_*/slides/part<N>.typ``, for the given parts or all."""
    found = sorted(REPO_ROOT.glob("part[0-9]_*/slides/part[0-9].typ"))
    if parts is not None:
        found = [p for p in found if int(p.stem[4:]) in parts]
    return found


def make_figures(deck: Path) -> None:
    """Run the deck's ``figures.py`` (in a child process, from the repository root)."""
    script = deck.parent / "figures.py"
    if script.is_file():
        subprocess.run([sys.executable, str(script)], cwd=REPO_ROOT, check=True)


def compile_deck(deck: Path, output: Path | None = None) -> Path:
    """Compile ``deck`` to PDF (atomically) and return the PDF's path."""
    import typst

    output = output or deck.with_suffix(".pdf")
    with atomic_path(output) as tmp:
        typst.compile(
            str(deck),
            output=str(tmp),
            root=str(REPO_ROOT),
            # Reproducible: the same sources give the same bytes on every machine.
            ignore_system_fonts=True,
            timestamp=int(os.environ.get("SOURCE_DATE_EPOCH", "0")),
        )
    return output


def page_count(pdf: Path) -> int:
    """Number of pages of a PDF written by Typst."""
    return len(re.findall(rb"/Type\s*/Page[^s]", Path(pdf).read_bytes()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m common.course.slides", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--parts", type=int, nargs="+", default=None)
    parser.add_argument(
        "--no-figures", action="store_true", help="compile with the figures on disk"
    )
    args = parser.parse_args(argv)
    found = decks(args.parts)
    if not found:
        print("No slide decks found.")
        return 1
    for deck in found:
        start = time.perf_counter()
        if not args.no_figures:
            make_figures(deck)
        pdf = compile_deck(deck)
        print(
            f"{pdf.relative_to(REPO_ROOT)}: {page_count(pdf)} slides in {time.perf_counter() - start:.0f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
