"""Batches for Keras: one sampler base class, and the samplers of each task.

A :class:`Sampler` is a ``keras.utils.PyDataset`` (it works on every backend) that visits
tracks in an order (shuffled with a seeded RNG per epoch when training), takes a crop window of
each track's arrays (random for training, centred for evaluation, zero-padded when the track is
shorter) and asks a hook for the targets of that window. Subclasses only say what a window holds:

* :class:`CropDataset`: crops of per-track features with clip or frame targets (Part 1);
* :class:`BeatCrops`: crops of onset spectrograms with beat, downbeat and tempo targets, with
  tempo-stretch augmentation (Part 3).

Taught in Part 1 (notebook 01) and Part 3 (notebook 03).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import keras
import numpy as np

from common.audio.features import ONSET_FRAME_RATE
from common.data.augment import stretch_frames
from common.data.targets import event_targets, rhythm_of, tempo_target
from common.data.tracks import Track

__all__ = ["Sampler", "CropDataset", "BeatCrops", "split_tables"]


class Sampler(keras.utils.PyDataset):
    """The base of every sampler: order, seeded randomness, crop window and padding.

    Each epoch visits every track once, in a new random order when ``shuffle`` (a permutation
    drawn from ``(seed, epoch)``). Batch ``index`` of an epoch gets its own generator, drawn
    from ``(seed, epoch, index)``, so batches are reproducible and the same whatever the number
    of workers. A subclass says what one example is, in :meth:`example`, with the helpers
    :meth:`window` (where a crop starts) and :meth:`cut` (the crop, zero-padded when the track is
    shorter); it may change how batches are put together (:meth:`batch_indices`, for pairs or
    triplets) or stacked (:meth:`collate`, for augmentation).

    Parameters
    ----------
    tracks
        The tracks to serve.
    crop
        Length of a crop, in frames of the input (samples, for a waveform).
    batch_size
        Examples per batch; the last batch of an epoch may be smaller.
    random_crops
        A random window per example (training), or the centred one (evaluation).
    shuffle
        A new order every epoch (training), or the tracks' own order (evaluation).
    seed
        Seed of the order and of every random choice.
    **kwargs
        ``workers``, ``use_multiprocessing``, ``max_queue_size`` of ``PyDataset``.
    """

    def __init__(
        self,
        tracks: Sequence[Track],
        crop: int,
        batch_size: int = 16,
        random_crops: bool = True,
        shuffle: bool = True,
        seed: int = 0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not tracks:
            raise ValueError(f"{type(self).__name__} needs at least one track.")
        self.tracks = list(tracks)
        self.crop, self.batch_size = int(crop), int(batch_size)
        self.random_crops, self.shuffle = random_crops, shuffle
        self.seed, self.epoch = seed, 0
        self._order = self._new_order()

    def _new_order(self) -> np.ndarray:
        if not self.shuffle:
            return np.arange(len(self.tracks))
        return np.random.default_rng([self.seed, self.epoch]).permutation(len(self.tracks))

    def __len__(self) -> int:
        return math.ceil(len(self.tracks) / self.batch_size)

    def batch_indices(self, index: int) -> np.ndarray:
        """Indices into ``self.tracks`` of the examples of batch ``index`` of this epoch."""
        return self._order[index * self.batch_size : (index + 1) * self.batch_size]

    def window(self, n_frames: int, rng: np.random.Generator) -> int:
        """First frame of a crop of a track ``n_frames`` long: random, or centred."""
        spare = max(0, n_frames - self.crop)
        return int(rng.integers(0, spare + 1)) if self.random_crops else spare // 2

    def cut(self, array: np.ndarray, start: int) -> np.ndarray:
        """``crop`` frames of ``array`` from ``start`` along the first axis, zero-padded at the end."""
        piece = array[start : start + self.crop]
        if len(piece) < self.crop:
            padding = [(0, self.crop - len(piece))] + [(0, 0)] * (piece.ndim - 1)
            piece = np.pad(piece, padding)
        return piece

    def example(self, i: int, rng: np.random.Generator):
        """``(x, y)`` for track ``self.tracks[i]``: the hook every subclass fills in."""
        raise NotImplementedError(f"{type(self).__name__} must define example().")

    def collate(self, xs: list, ys: list, rng: np.random.Generator):
        """Stack examples into a batch: ``x`` as float32; ``y`` as an array, or a dict of arrays
        by output name when examples give dicts (a model with several outputs)."""
        x = np.stack(xs).astype(np.float32)
        if isinstance(ys[0], dict):
            return x, {name: np.stack([target[name] for target in ys]) for name in ys[0]}
        return x, np.stack(ys)

    def __getitem__(self, index: int):
        if index >= len(self):
            raise IndexError(index)
        rng = np.random.default_rng([self.seed, self.epoch, index])
        examples = [self.example(int(i), rng) for i in self.batch_indices(index)]
        return self.collate([x for x, _ in examples], [y for _, y in examples], rng)

    def on_epoch_end(self) -> None:
        self.epoch += 1
        self._order = self._new_order()


class CropDataset(Sampler):
    """Batches of fixed-length crops of per-track arrays, with their targets.

    Each epoch visits every track once (in a new random order if ``shuffle``), taking one crop of
    ``crop`` frames (samples, for a waveform) along the first axis: a random one when
    ``random_crops``, the centred one otherwise. Tracks shorter than ``crop`` are zero-padded.

    Parameters
    ----------
    tracks
        The tracks to serve.
    inputs
        ``track -> array`` with time first, e.g. a :class:`~common.data.cache.FeatureCache`.
    targets
        ``track -> target``: a class index, a multi-hot vector, or (with ``frame_targets``) an
        array with one row per input frame, cropped together with the input; or a dict of such
        targets by output name, for a model with several outputs (not with ``frame_targets``).
    crop
        Length of a crop, in frames of the input.
    channel_axis
        Append a channel axis to the inputs (for 2D convolutions).
    augment
        ``(x, y, rng) -> (x, y)`` applied to each batch (e.g. :class:`common.data.augment.Augment`);
        for training data only.
    seed, batch_size, random_crops, shuffle, **kwargs
        As for :class:`Sampler`.
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
        super().__init__(tracks, crop, batch_size, random_crops, shuffle, seed, **kwargs)
        self.inputs, self.targets = inputs, targets
        self.frame_targets, self.channel_axis = frame_targets, channel_axis
        self.augment = augment

    def example(self, i: int, rng: np.random.Generator):
        track = self.tracks[i]
        x = np.asarray(self.inputs(track))
        start = self.window(len(x), rng)
        y = self.targets(track)
        return self.cut(x, start), self.cut(np.asarray(y), start) if self.frame_targets else y

    def collate(self, xs: list, ys: list, rng: np.random.Generator):
        x, y = super().collate(xs, ys, rng)
        if self.channel_axis:
            x = x[..., None]
        if self.augment is not None:
            x, y = self.augment(x, y, rng)
        return x, y


class BeatCrops(Sampler):
    """Batches of feature crops with beat, downbeat and tempo targets, optionally tempo-stretched.

    Each epoch visits every track once, in a new random order. With ``stretch=(low, high)``,
    a crop is taken, with probability ``stretch_probability``, from the track's features played
    ``r`` times faster, ``r`` drawn log-uniformly in ``[low, high]``: the beats move to
    ``t / r`` and the tempo becomes ``r`` times the tempo, so the network meets tempi the corpus
    does not have. With a ``stretch_probability`` below 1, the other crops are left as they
    are, so the music as recorded stays part of what the network hears.

    With ``remixes`` (other views of the same tracks, such as the features of the clip without
    its drums, ``FeatureCache(..., stems={"drums": 0.0})``), an example is taken, with
    probability ``remix_probability``, from one of them, chosen uniformly: the beats are those
    of the track, so the network must find them without the drums' help.

    ``y`` is ``{"beats": (batch, crop, 1), "downbeats": (batch, crop, 1), "tempo": (batch,
    N_TEMPI)}``, the outputs of :func:`common.models.temporal.beat_tcn`.
    """

    def __init__(
        self,
        tracks: Sequence[Track],
        features: Callable[[Track], np.ndarray],
        crop: int,
        batch_size: int = 8,
        stretch: tuple[float, float] | None = None,
        stretch_probability: float = 1.0,
        remixes: Sequence[Callable[[Track], np.ndarray]] = (),
        remix_probability: float = 0.0,
        random_crops: bool = True,
        shuffle: bool = True,
        seed: int = 0,
        **kwargs,
    ):
        super().__init__(tracks, crop, batch_size, random_crops, shuffle, seed, **kwargs)
        self.features = features
        self.stretch, self.stretch_probability = stretch, stretch_probability
        self.remixes, self.remix_probability = list(remixes), float(remix_probability)
        if self.remix_probability > 0 and not self.remixes:
            raise ValueError("remix_probability > 0 needs at least one view in remixes.")
        self.rhythms = [rhythm_of(t) for t in self.tracks]

    def example(self, i: int, rng: np.random.Generator):
        view = self.features
        if self.remix_probability > 0 and rng.random() < self.remix_probability:
            view = self.remixes[int(rng.integers(len(self.remixes)))]
        x, rhythm, rate = np.asarray(view(self.tracks[i])), self.rhythms[i], 1.0
        if self.stretch is not None and rng.random() < self.stretch_probability:
            rate = float(np.exp(rng.uniform(*np.log(self.stretch))))
            x = stretch_frames(x, rate)
        start = self.window(len(x), rng)
        offset = start / ONSET_FRAME_RATE

        def frames(times: np.ndarray) -> np.ndarray:
            return event_targets(times / rate - offset, self.crop, ONSET_FRAME_RATE)[:, None]

        targets = {
            "beats": frames(rhythm.beats),
            "downbeats": frames(rhythm.downbeats),
            "tempo": tempo_target(rhythm.tempo * rate),
        }
        return self.cut(x, start), targets


def split_tables(
    splits: dict[str, Sequence[Track]],
    features: Callable[[Track], np.ndarray],
    targets: Callable[[Track], np.ndarray],
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Clip-level arrays per split: ``({split: inputs (n, ...)}, {split: targets (n, ...)})``.

    For models that see a whole clip at once (an MLP on clip statistics): no sampler needed.
    """
    inputs = {split: np.stack([features(t) for t in tracks]) for split, tracks in splits.items()}
    labels = {split: np.stack([targets(t) for t in tracks]) for split, tracks in splits.items()}
    return inputs, labels
