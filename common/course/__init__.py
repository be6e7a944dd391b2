"""Tooling that runs the course but is not taught: nothing in the learner packages imports it.

* :mod:`.workshop`: ``make workshop``, every part's scripts in order, one results table.
* :mod:`.bench`: ``python -m common.course.bench``, quality and speed figures for ``BENCHMARKS.md``.
* :mod:`.notebooks`: execute the notebooks and check that each ``.ipynb`` matches its source.
* :mod:`.slides`, :mod:`.slide_figures`, ``typst/``: build the slide PDFs and their figures.
* :mod:`.crossbackend`: run a saved model on another backend in a fresh process.
"""
