"""Feature caching and the crop dataset."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

from common.audio.features import logmel
from common.data.cache import FeatureCache
from common.data.samplers import CropDataset, Sampler, split_tables
from common.data.targets import class_targets, multi_hot_targets
from common.data.tracks import Track


@pytest.fixture()
def music(tiny_corpus):
    return tiny_corpus.tracks("train", "music")


def test_cache_computes_once_and_keys_on_parameters(tmp_path, music):
    track = music[0]
    cache = FeatureCache("logmel", cache_dir=tmp_path, n_mels=40, hop_length=512)
    first = cache(track)
    np.testing.assert_allclose(first, logmel(track.audio(), n_mels=40, hop_length=512))
    path = cache.path(track)
    assert path.is_file() and (cache.folder / "settings.json").is_file()
    stamp = path.stat().st_mtime_ns
    again = FeatureCache("logmel", cache_dir=tmp_path, n_mels=40, hop_length=512, in_memory=False)
    np.testing.assert_array_equal(again(track), first)
    assert path.stat().st_mtime_ns == stamp, "a cached feature was recomputed"
    other = FeatureCache("logmel", cache_dir=tmp_path, n_mels=64, hop_length=512)
    assert other.folder != cache.folder and other(track).shape[1] == 64
    assert not list(tmp_path.rglob(".*.tmp*"))


def test_cache_notices_new_audio(tmp_path, music):
    copy = tmp_path / "clip.flac"
    shutil.copy(music[0].audio_path, copy)
    track = Track("clip", copy)
    cache = FeatureCache("mfcc_statistics", cache_dir=tmp_path / "cache", in_memory=False)
    before = cache.path(track)
    cache(track)
    shutil.copy(music[1].audio_path, copy)
    os.utime(copy, ns=(before.stat().st_mtime_ns + 10**9,) * 2)
    assert cache.path(track) != before
    np.testing.assert_allclose(
        cache(track), FeatureCache("mfcc_statistics", cache_dir=tmp_path / "x")(music[1])
    )


def test_a_damaged_cache_entry_is_computed_again(tmp_path, music, capsys):
    cache = FeatureCache("mfcc_statistics", cache_dir=tmp_path, in_memory=False)
    expected = cache(music[0])
    cache.path(music[0]).write_bytes(b"\x93NUMPY cut off")
    np.testing.assert_array_equal(cache(music[0]), expected)
    assert str(cache.path(music[0])) in capsys.readouterr().err
    np.testing.assert_array_equal(np.load(cache.path(music[0])), expected)  # and repaired


def test_track_ids_never_escape_the_cache(tmp_path, music):
    crafted = Track("../../../../ESCAPED", music[0].audio_path, dataset="mtg_jamendo")
    path = FeatureCache("mfcc_statistics", cache_dir=tmp_path / "cache").path(crafted)
    assert path.parent == tmp_path / "cache" / path.parent.name and "/" not in path.name
    assert not path.name.startswith(".")


def test_targets(tiny_corpus, music):
    classes = tiny_corpus.genres
    target = class_targets(classes)
    assert classes[int(target(music[0]))] == music[0].genre
    with pytest.raises(KeyError, match="not one of the classes"):
        class_targets(["polka"])(music[0])
    vocabulary = ["drums", "bass", "vocal", "instrumental"]
    vector = multi_hot_targets(vocabulary)(music[0])
    assert vector.dtype == np.float32
    assert vector[2] + vector[3] == 1.0, "a clip is either vocal or instrumental"
    x, y = split_tables({"train": music[:3]}, lambda t: np.ones(4), target)
    assert x["train"].shape == (3, 4) and y["train"].shape == (3,)


def test_crops_have_fixed_shape_and_are_reproducible(tmp_path, tiny_corpus, music):
    cache = FeatureCache("logmel", cache_dir=tmp_path, n_mels=32)
    target = class_targets(tiny_corpus.genres)
    dataset = CropDataset(music, cache, target, crop=64, batch_size=5, seed=3, channel_axis=True)
    assert len(dataset) == int(np.ceil(len(music) / 5))
    x, y = dataset[0]
    assert x.shape == (5, 64, 32, 1) and x.dtype == np.float32 and y.shape == (5,)
    twin = CropDataset(music, cache, target, crop=64, batch_size=5, seed=3, channel_axis=True)
    np.testing.assert_array_equal(twin[0][0], x)
    dataset.on_epoch_end()
    assert not np.array_equal(dataset[0][0], x), "a new epoch should bring new crops"
    last_x, _ = dataset[len(dataset) - 1]
    assert last_x.shape[0] == len(music) - 5 * (len(dataset) - 1)
    with pytest.raises(IndexError):
        dataset[len(dataset)]


def test_centred_crops_padding_and_frame_targets():
    tracks = [Track(f"t{i}", "unused.flac") for i in range(3)]
    lengths = {"t0": 100, "t1": 40, "t2": 70}

    def frames(track):  # every frame holds its own index
        return np.arange(lengths[track.track_id], dtype=np.float32)[:, None] + 1

    dataset = CropDataset(
        tracks,
        frames,
        frames,
        crop=50,
        batch_size=3,
        random_crops=False,
        shuffle=False,
        frame_targets=True,
    )
    x, y = dataset[0]
    assert x.shape == (3, 50, 1)
    np.testing.assert_array_equal(x, y)  # targets are cut exactly like the inputs
    assert x[0, 0, 0] == 26 and x[2, 0, 0] == 11  # centred crops
    assert x[1, 39, 0] == 40 and np.all(x[1, 40:] == 0)  # a short track is zero-padded
    with pytest.raises(ValueError, match="at least one track"):
        CropDataset([], frames, frames, crop=10)


def test_cache_takes_the_feature_function(tmp_path, music):
    by_name = FeatureCache("logmel", cache_dir=tmp_path, n_mels=40)
    by_function = FeatureCache(logmel, cache_dir=tmp_path, n_mels=40)
    assert by_function.folder == by_name.folder  # one cache, however the feature is named
    np.testing.assert_array_equal(by_function(music[0]), by_name(music[0]))

    def loudness(signal, sample_rate, frame=1024):  # a learner's own feature
        return np.sqrt(np.mean(signal[: len(signal) // frame * frame].reshape(-1, frame) ** 2, 1))

    own = FeatureCache(loudness, cache_dir=tmp_path, frame=2048)
    assert own.folder.name.startswith("loudness-") and own(music[0]).ndim == 1
    assert own.folder != FeatureCache(loudness, cache_dir=tmp_path, frame=512).folder
    with pytest.raises(ValueError, match="feature function itself"):
        FeatureCache("log-mel")


def test_sampler_base_gives_order_seeds_windows_and_padding():
    """A new sampler only says what one example is; the base does the rest, reproducibly."""
    tracks = [Track(f"t{i}", "unused.flac") for i in range(5)]

    class Indices(Sampler):  # each example: its crop of a ramp, and its track number
        def example(self, i, rng):
            ramp = np.arange(30 + 10 * i, dtype=np.float32)
            return self.cut(ramp, self.window(len(ramp), rng)), i

    train = Indices(tracks, crop=35, batch_size=2, seed=4)
    assert len(train) == 3
    epoch = [train[b] for b in range(len(train))]
    assert sorted(np.concatenate([y for _, y in epoch])) == [0, 1, 2, 3, 4]  # each track once
    again = Indices(tracks, crop=35, batch_size=2, seed=4)
    for (x1, y1), b in zip(epoch, range(3), strict=True):
        x2, y2 = again[b]
        np.testing.assert_array_equal(x1, x2)
        np.testing.assert_array_equal(y1, y2)
    for x, y in epoch:  # a crop is a contiguous window; track 0 (30 frames) is zero-padded
        for crop, i in zip(x, y, strict=True):
            length = 30 + 10 * i
            valid = crop[: min(35, length)]
            assert np.all(np.diff(valid) == 1) and valid[-1] <= length - 1
            assert np.all(crop[length:] == 0)
    orders = [list(train.batch_indices(0)) + list(train.batch_indices(1))]
    train.on_epoch_end()
    orders.append(list(train.batch_indices(0)) + list(train.batch_indices(1)))
    assert orders[0] != orders[1]  # a new order every epoch
    fixed = Indices(tracks, crop=35, batch_size=5, shuffle=False, random_crops=False)
    x, y = fixed[0]
    assert list(y) == [0, 1, 2, 3, 4] and x[4, 0] == (70 - 35) // 2  # centred window
    with pytest.raises(NotImplementedError, match="example"):
        Sampler(tracks, crop=4)[0]
