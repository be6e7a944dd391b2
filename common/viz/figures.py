"""Figures: one way to make them, show them in notebooks and turn them into images.

Taught in Part 0 (notebook 01) and used by every notebook.
"""

from __future__ import annotations

import io

import numpy as np

__all__ = [
    "new_figure",
    "setup_notebook",
    "figure_to_png",
    "figure_to_rgb",
]


def _figure_class():
    from matplotlib.figure import Figure

    class CourseFigure(Figure):
        """A figure that Jupyter shows inline (as PNG) without pyplot being involved."""

        def _repr_png_(self) -> bytes:
            return figure_to_png(self, dpi=self.dpi)

    return CourseFigure


def new_figure(rows: int = 1, columns: int = 1, figsize=(8, 3), **kwargs):
    """A figure and its ``(rows, columns)`` array of axes, made without pyplot: safe in scripts,
    callbacks and threads (no GUI backend is involved), and shown inline by Jupyter when it is
    the last expression of a cell."""
    fig = _figure_class()(figsize=figsize, layout="constrained")
    return fig, fig.subplots(rows, columns, squeeze=False, **kwargs)


def setup_notebook(dpi: int = 72) -> None:
    """Plot settings shared by the notebooks: compact inline figures, and no warning from tqdm
    about ipywidgets (a text progress bar works everywhere)."""
    import warnings

    import matplotlib

    warnings.filterwarnings("ignore", message="IProgress not found")
    matplotlib.rcParams.update(
        {"figure.dpi": dpi, "figure.constrained_layout.use": True, "font.size": 9}
    )


def figure_to_png(fig, dpi: int = 100) -> bytes:
    """Render a Matplotlib figure to PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def figure_to_rgb(fig, dpi: int = 100) -> np.ndarray:
    """Render a Matplotlib figure to a ``uint8`` array ``(height, width, 3)``."""
    import matplotlib.image

    return (matplotlib.image.imread(io.BytesIO(figure_to_png(fig, dpi)))[..., :3] * 255).astype(
        np.uint8
    )
