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
def backend() -> str:
    import keras

    return keras.backend.backend()


@pytest.fixture()
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


def pytest_report_header(config):
    return f"KERAS_BACKEND={os.environ.get('KERAS_BACKEND', '(keras default)')}"
