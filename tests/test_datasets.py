"""Real-dataset loaders, on small fixtures written in the real on-disk layouts."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import soundfile

from common.data import by_split
from common.data.datasets import DatasetNotFoundError, load_gtzan, load_tracks

GENRES = ("blues", "reggae")


def make_gtzan(root, folder="genres", extension="wav", per_genre=10):
    rng = np.random.default_rng(0)
    for genre in GENRES:
        (root / folder / genre).mkdir(parents=True)
        for i in range(per_genre):
            signal = 0.1 * rng.standard_normal(22050).astype(np.float32)
            soundfile.write(root / folder / genre / f"{genre}.{i:05d}.{extension}", signal, 22050)
    return root


def test_gtzan_layout_with_a_broken_file(tmp_path):
    make_gtzan(tmp_path)
    (tmp_path / "genres" / "blues" / "blues.00054.wav").write_bytes(b"RIFF not really audio")
    with pytest.warns(UserWarning) as caught:
        tracks = load_gtzan(tmp_path)
    messages = " ".join(str(w.message) for w in caught)
    assert "blues.00054.wav" in messages and "random split" in messages
    assert len(tracks) == 20 and {t.genre for t in tracks} == set(GENRES)
    track = tracks[0]
    assert track.dataset == "gtzan" and track.kind == "music" and track.duration == 1.0
    assert track.audio().shape == (22050,)
    splits = by_split(tracks)
    assert [len(splits[s]) for s in ("train", "valid", "test")] == [16, 2, 2]
    assert not track.has("beats")


def test_kaggle_layout_and_au_files(tmp_path):
    make_gtzan(tmp_path / "gtzan", folder="genres_original", extension="au", per_genre=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tracks = load_gtzan(tmp_path)
    assert len(tracks) == 6 and all(t.audio_path.suffix == ".au" for t in tracks)


def test_fault_filtered_split_files_are_used(tmp_path):
    make_gtzan(tmp_path, per_genre=3)
    splits = tmp_path / "splits"
    splits.mkdir()
    (splits / "train_filtered.txt").write_text(
        "blues/blues.00000.wav\nblues/blues.00001.wav\nreggae/reggae.00000.wav\n"
    )
    (splits / "valid_filtered.txt").write_text("reggae/reggae.00001.wav\n")
    (splits / "test_filtered.txt").write_text("blues/blues.00002.wav\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no random-split warning may be raised
        tracks = load_gtzan(tmp_path)
    assert {t.track_id: t.split for t in tracks} == {
        "blues.00000": "train",
        "blues.00001": "train",
        "reggae.00000": "train",
        "reggae.00001": "valid",
        "blues.00002": "test",
    }  # reggae.00002 is filtered out, as in the published split


def test_missing_dataset_names_the_command(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="mirdata.initialize"):
        load_tracks("gtzan", data_home=tmp_path)
    with pytest.raises(ValueError, match="Unknown dataset"):
        load_tracks("gtzan2000")


def test_synthetic_by_name(tiny_corpus):
    tracks = load_tracks("synthetic", size="tiny")
    assert len(tracks) == len(tiny_corpus)
