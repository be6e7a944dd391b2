"""Shared fixtures. The tiny corpus is rendered once (a few seconds) and reused by every test."""

from __future__ import annotations

import os

import numpy as np
import pytest

from common.data import Corpus, ensure_corpus


@pytest.fixture(scope="session")
def tiny_corpus() -> Corpus:
    return Corpus(ensure_corpus("tiny"))


@pytest.fixture(scope="session")
def held_out_corpus() -> Corpus:
    """The held-out set that goes with the tiny corpus (ten clips, seconds to render)."""
    return Corpus(ensure_corpus("ood-tiny"))


@pytest.fixture(scope="session", params=["tiny_corpus", "held_out_corpus"])
def any_corpus(request) -> Corpus:
    """Each rendered corpus in turn: the labels of both are checked against their audio."""
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="session")
def backend() -> str:
    import keras

    return keras.backend.backend()


@pytest.fixture()
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


def pytest_report_header(config):
    return f"KERAS_BACKEND={os.environ.get('KERAS_BACKEND', '(keras default)')}"
