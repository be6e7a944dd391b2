"""The slide decks build from source, with figures drawn by the course's own code."""

from __future__ import annotations

import pytest

from common.course.slides import compile_deck, decks, make_figures, page_count

pytestmark = pytest.mark.backend_free  # the same on every backend

DECKS = decks()


def test_every_built_part_has_a_deck():
    assert [d.stem for d in DECKS][:1] == ["part0"]


@pytest.mark.slow
@pytest.mark.parametrize("deck", DECKS, ids=lambda d: d.stem)
def test_deck_builds(deck, tmp_path, tiny_corpus):
    make_figures(deck)
    pdf = compile_deck(deck, tmp_path / f"{deck.stem}.pdf")
    minimum = {"part0": 15, "part1": 25, "part3": 20}.get(deck.stem, 15)
    assert page_count(pdf) >= minimum
    committed = deck.with_suffix(".pdf")
    assert committed.is_file(), f"{committed.name} is not committed: run make slides"
    assert page_count(committed) == page_count(pdf), f"{committed.name} is stale: run make slides"
