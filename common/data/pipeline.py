"""Feed tracks to Keras: cached features and batches of random crops.

:class:`FeatureCache` computes a feature once per track and keeps it on disk (atomic writes);
its folder name is a hash of everything that shapes the feature (name, parameters, sample
rate), so changing a parameter starts a new cache instead of reusing stale arrays, and each
file name carries a fingerprint of its audio file, so re-rendered audio is recomputed.

:class:`CropDataset` is a ``keras.utils.PyDataset`` (it works on every backend) that serves
fixed-length crops of those arrays with their targets: random crops for training, centred
crops for evaluation.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import keras
import numpy as np

from common import data_home
from common.audio import DEFAULT_SAMPLE_RATE, compute_feature
from common.data.tracks import Track
from common.fileio import load_array, save_array, write_json

__all__ = [
    "FeatureCache",
    "CropDataset",
    "class_targets",
    "multi_hot_targets",
    "per_track",
    "split_tables",
]

#: Bump when the code of a feature changes in a way its parameters do not show.
CACHE_VERSION = 1


def _digest(payload) -> str:
    return hashlib.sha1(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:10]


class FeatureCache:
    """One feature of many tracks, computed on first request and read from disk afterwards.

    >>> logmel = FeatureCache("logmel", n_mels=96, hop_length=512)   # doctest: +SKIP
    >>> logmel(track).shape                                           # (n_frames, 96)

    Parameters
    ----------
    feature
        A name of :data:`common.audio.FEATURES` (``"logmel"``, ``"cqt"``, ``"waveform"`` ...).
    cache_dir
        Root of the caches (default ``<data home>/cache``).
    sample_rate
        Rate the audio is loaded at, in Hz.
    in_memory
        Also keep arrays in RAM after the first read (the workshop corpus fits easily).
    **params
        Parameters of the feature function.
    """

    def __init__(
        self,
        feature: str,
        cache_dir: str | os.PathLike | None = None,
        sample_rate: int = DEFAULT_SAMPLE_RATE,
        in_memory: bool = True,
        **params,
    ):
        self.feature = feature
        self.sample_rate = sample_rate
        self.params = params
        self.settings = {
            "feature": feature,
            "params": params,
            "sample_rate": sample_rate,
            "version": CACHE_VERSION,
        }
        root = Path(cache_dir) if cache_dir is not None else data_home() / "cache"
        self.folder = root / f"{feature}-{_digest(self.settings)}"
        self._memory: dict[str, np.ndarray] | None = {} if in_memory else None

    def path(self, track: Track) -> Path:
        """Cache file of ``track``: named after the track and a fingerprint of its audio file."""
        stat = Path(track.audio_path).stat()
        fingerprint = _digest([str(track.audio_path), stat.st_size, stat.st_mtime_ns])
        return self.folder / f"{track.dataset}-{track.track_id}-{fingerprint}.npy"

    def __call__(self, track: Track) -> np.ndarray:
        key = f"{track.dataset}/{track.track_id}"
        if self._memory is not None and key in self._memory:
            return self._memory[key]
        path = self.path(track)
        if path.is_file():
            array = load_array(path)
        else:
            signal = track.audio(self.sample_rate)
            array = compute_feature(self.feature, signal, self.sample_rate, **self.params)
            if not (self.folder / "settings.json").is_file():
                write_json(self.folder / "settings.json", self.settings)
            save_array(path, array)
        if self._memory is not None:
            self._memory[key] = array
        return array

    def table(self, tracks: Sequence[Track]) -> np.ndarray:
        """Stack a clip-level feature (e.g. ``mfcc_statistics``) of many tracks: ``(n_tracks, ...)``."""
        return np.stack([self(t) for t in tracks])

    def __repr__(self) -> str:
        return f"FeatureCache({self.feature!r}, {self.params}, folder={str(self.folder)!r})"


def class_targets(classes: Sequence[str], field: str = "genre") -> Callable[[Track], np.ndarray]:
    """Target function giving the class index of ``getattr(track, field)``."""
    index = {c: i for i, c in enumerate(classes)}

    def target(track: Track) -> np.ndarray:
        value = getattr(track, field)
        if value not in index:
            raise KeyError(
                f"{track.track_id}: {field}={value!r} is not one of the classes {list(classes)}"
            )
        return np.int32(index[value])

    return target


def multi_hot_targets(
    vocabulary: Sequence[str], field: str = "tags"
) -> Callable[[Track], np.ndarray]:
    """Target function giving a multi-hot ``float32`` vector of the words of ``field`` present."""
    index = {w: i for i, w in enumerate(vocabulary)}

    def target(track: Track) -> np.ndarray:
        vector = np.zeros(len(vocabulary), np.float32)
        for word in getattr(track, field):
            if word in index:
                vector[index[word]] = 1.0
        return vector

    return target


def per_track(function: Callable[[Track], np.ndarray]) -> Callable[[Track], np.ndarray]:
    """Remember ``function``'s result for each track (e.g. frame targets read from annotation
    files), so that a data pipeline computes it once rather than at every batch."""
    memory: dict[str, np.ndarray] = {}

    def remembered(track: Track) -> np.ndarray:
        key = f"{track.dataset}/{track.track_id}"
        if key not in memory:
            memory[key] = function(track)
        return memory[key]

    return remembered


def split_tables(
    splits: dict[str, Sequence[Track]],
    features: Callable[[Track], np.ndarray],
    targets: Callable[[Track], np.ndarray],
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Clip-level arrays per split: ``({split: inputs (n, ...)}, {split: targets (n, ...)})``."""
    inputs = {split: np.stack([features(t) for t in tracks]) for split, tracks in splits.items()}
    labels = {split: np.stack([targets(t) for t in tracks]) for split, tracks in splits.items()}
    return inputs, labels


class CropDataset(keras.utils.PyDataset):
    """Batches of fixed-length crops of per-track arrays, with their targets.

    Each epoch visits every track once (in a new random order if ``shuffle``), taking one crop of
    ``crop`` frames (samples, for a waveform) along the first axis: a random one when
    ``random_crops``, the centred one otherwise. Tracks shorter than ``crop`` are zero-padded.

    Parameters
    ----------
    tracks
        The tracks to serve.
    inputs
        ``track -> array`` with time first, e.g. a :class:`FeatureCache`.
    targets
        ``track -> target``: a class index, a multi-hot vector, or (with ``frame_targets``) an
        array with one row per input frame, cropped together with the input; or a dict of such
        targets by output name, for a model with several outputs (not with ``frame_targets``).
    crop
        Length of a crop, in frames of the input.
    channel_axis
        Append a channel axis to the inputs (for 2D convolutions).
    augment
        ``(x, y, rng) -> (x, y)`` applied to each batch (e.g. :class:`common.augment.Augment`);
        for training data only.
    seed
        Crops and order are a function of ``(seed, epoch, batch index)``: reproducible, and the
        same whatever the number of workers.
    **kwargs
        ``workers``, ``use_multiprocessing``, ``max_queue_size`` of ``PyDataset``.
    """

    def __init__(
        self,
        tracks: Sequence[Track],
        inputs: Callable[[Track], np.ndarray],
        targets: Callable[[Track], np.ndarray],
        crop: int,
        batch_size: int = 16,
        random_crops: bool = True,
        shuffle: bool = True,
        frame_targets: bool = False,
        channel_axis: bool = False,
        augment: Callable | None = None,
        seed: int = 0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not tracks:
            raise ValueError("CropDataset needs at least one track.")
        self.tracks = list(tracks)
        self.inputs, self.targets = inputs, targets
        self.crop, self.batch_size = int(crop), int(batch_size)
        self.random_crops, self.shuffle = random_crops, shuffle
        self.frame_targets, self.channel_axis = frame_targets, channel_axis
        self.augment = augment
        self.seed, self.epoch = seed, 0
        self._order = self._new_order()

    def _new_order(self) -> np.ndarray:
        if not self.shuffle:
            return np.arange(len(self.tracks))
        return np.random.default_rng([self.seed, self.epoch]).permutation(len(self.tracks))

    def __len__(self) -> int:
        return math.ceil(len(self.tracks) / self.batch_size)

    def _window(self, n_frames: int, rng: np.random.Generator) -> int:
        spare = max(0, n_frames - self.crop)
        return int(rng.integers(0, spare + 1)) if self.random_crops else spare // 2

    def _cut(self, array: np.ndarray, start: int) -> np.ndarray:
        piece = array[start : start + self.crop]
        if len(piece) < self.crop:
            padding = [(0, self.crop - len(piece))] + [(0, 0)] * (piece.ndim - 1)
            piece = np.pad(piece, padding)
        return piece

    def __getitem__(self, index: int):
        if index >= len(self):
            raise IndexError(index)
        rng = np.random.default_rng([self.seed, self.epoch, index])
        batch = self._order[index * self.batch_size : (index + 1) * self.batch_size]
        xs, ys = [], []
        for i in batch:
            track = self.tracks[i]
            x = np.asarray(self.inputs(track))
            start = self._window(len(x), rng)
            xs.append(self._cut(x, start))
            y = self.targets(track)
            ys.append(self._cut(np.asarray(y), start) if self.frame_targets else y)
        x = np.stack(xs).astype(np.float32)
        if self.channel_axis:
            x = x[..., None]
        if isinstance(ys[0], dict):  # one target per output of a multi-output model
            y = {name: np.stack([target[name] for target in ys]) for name in ys[0]}
        else:
            y = np.stack(ys)
        if self.augment is not None:
            x, y = self.augment(x, y, rng)
        return x, y

    def on_epoch_end(self) -> None:
        self.epoch += 1
        self._order = self._new_order()
