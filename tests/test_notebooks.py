"""Every notebook runs top to bottom on the tiny corpus, and its committed .ipynb is in sync."""

from __future__ import annotations

import pytest

from common.course.notebooks import execute, in_sync, sources

NOTEBOOKS = sources()


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 3


# A notebook calls the same library code as the script it accompanies, and the workshop test
# runs every script on every backend, so `make test` executes the notebooks on its first backend
# only (about nine minutes saved per further backend). `make test-one BACKEND=torch` runs them
# on another.
@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_the_tiny_corpus(path, tiny_corpus):
    notebook = execute(path, size="tiny")  # raises CellExecutionError on any failing cell
    outputs = [
        o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
    ]
    assert not [o for o in outputs if o.output_type == "error"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_matches_its_source(path):
    assert in_sync(path), f"{path.with_suffix('.ipynb').name} is out of date: run make notebooks"
    executed = path.with_suffix(".ipynb")
    import nbformat

    notebook = nbformat.read(executed, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code), "committed notebooks are executed"
