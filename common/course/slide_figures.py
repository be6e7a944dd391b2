"""What the decks' ``figures.py`` share: a palette, font sizes for slides, reproducible PNG files
and the notebook titles of a part (a part's script settings come from
:func:`common.cli.load_script`)."""

from __future__ import annotations

import re
from pathlib import Path

__all__ = [
    "BLUE",
    "ORANGE",
    "GREEN",
    "RED",
    "PURPLE",
    "GREY",
    "style_matplotlib",
    "save_png",
    "notebook_titles",
]

#: One colour per role, shared by every figure (matplotlib's "tab" palette).
BLUE, ORANGE, GREEN, RED, PURPLE, GREY = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#7f7f7f",
)


def style_matplotlib() -> None:
    """Font sizes for figures shown about 9 inches wide on a slide."""
    import matplotlib

    matplotlib.rcParams.update(
        {
            "font.size": 11,
            "axes.titlesize": 11,
            "axes.labelsize": 10,
            "xtick.labelsize": 9,
            "ytick.labelsize": 9,
            "legend.fontsize": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def save_png(fig, folder: Path, name: str, dpi: int = 150) -> None:
    """Write ``<folder>/<name>.png`` without a time stamp, so that builds are reproducible."""
    fig.savefig(Path(folder) / f"{name}.png", dpi=dpi, metadata={"Software": None})
    print(f"  {name}.png")


def notebook_titles(folder: Path) -> list[dict]:
    """The notebooks of a part (``NN_name.py`` in ``folder``) with the title of each, from its
    first heading without the "Part N · Notebook M:" prefix: ``[{"file": ..., "title": ...}]``."""
    folder = Path(folder)
    found = []
    for path in sorted(folder.glob("[0-9][0-9]_*.py")) if folder.is_dir() else []:
        title = path.stem
        for line in path.read_text(encoding="utf-8").splitlines()[:40]:
            match = re.match(r"#\s+#\s+(.*)", line)
            if match:
                title = re.sub(r"^Part \d+\s*·\s*Notebook \d+:\s*", "", match.group(1)).strip()
                break
        found.append({"file": path.with_suffix(".ipynb").name, "title": title})
    return found
