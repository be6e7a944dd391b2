"""Onset and beat data for networks that answer once a frame.

Targets are built from annotation times at the frame rate of the features
(:data:`common.novelty.FRAME_RATE`), so a crop of features and its targets always line up, even
after tempo-stretch augmentation changes both.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import keras
import numpy as np

from common.data.tracks import Track
from common.events import event_targets, stretch_frames, tempo_target
from common.novelty import FRAME_RATE

__all__ = ["Rhythm", "rhythm_of", "onset_targets", "BeatCrops"]


@dataclass(frozen=True)
class Rhythm:
    """What a track's beat annotation says: times in seconds, tempo in BPM."""

    beats: np.ndarray
    downbeats: np.ndarray
    tempo: float
    beats_per_bar: int | None


def rhythm_of(track: Track) -> Rhythm:
    """Beats, downbeats, tempo and meter of a track.

    The tempo is the track's own (``track.tempo``) when the dataset gives one, else 60 over the
    median inter-beat interval; the meter is the most common number of beats per bar when bar
    positions are annotated (the largest position).
    """
    beats = track.beats
    tempo = track.tempo
    if tempo is None:
        if len(beats.times) < 2:
            raise ValueError(f"{track.track_id}: fewer than two beats, so no tempo.")
        tempo = 60.0 / float(np.median(np.diff(beats.times)))
    beats_per_bar = None
    if beats.positions.max(initial=0) > 0:
        beats_per_bar = int(beats.positions.max())
    return Rhythm(beats.times, beats.downbeats, float(tempo), beats_per_bar)


def onset_targets(frames_of: Callable[[Track], np.ndarray], widen: int = 1) -> Callable:
    """Target function ``track -> (n_frames, 1)`` of widened onset frames, for
    :class:`common.data.pipeline.CropDataset` with ``frame_targets=True``; ``frames_of(track)``
    gives the features, whose length the targets take."""

    def targets(track: Track) -> np.ndarray:
        n_frames = len(frames_of(track))
        return event_targets(track.onsets, n_frames, FRAME_RATE, widen)[:, None]

    return targets


class BeatCrops(keras.utils.PyDataset):
    """Batches of feature crops with beat, downbeat and tempo targets, optionally tempo-stretched.

    Each epoch visits every track once, in a new random order. With ``stretch=(low, high)``,
    a crop is taken, with probability ``stretch_probability``, from the track's features played
    ``r`` times faster, ``r`` drawn log-uniformly in ``[low, high]``: the beats move to
    ``t / r`` and the tempo becomes ``r`` times the tempo, so the network meets tempi the corpus
    does not have. With a ``stretch_probability`` below 1, the other crops are left as they
    are, so the music as recorded stays part of what the network hears.

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
        random_crops: bool = True,
        shuffle: bool = True,
        seed: int = 0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not tracks:
            raise ValueError("BeatCrops needs at least one track.")
        self.tracks, self.features = list(tracks), features
        self.crop, self.batch_size = int(crop), int(batch_size)
        self.stretch, self.stretch_probability = stretch, stretch_probability
        self.random_crops, self.shuffle = random_crops, shuffle
        self.seed, self.epoch = seed, 0
        self.rhythms = [rhythm_of(t) for t in self.tracks]

    def __len__(self) -> int:
        return math.ceil(len(self.tracks) / self.batch_size)

    def _order(self) -> np.ndarray:
        if not self.shuffle:
            return np.arange(len(self.tracks))
        return np.random.default_rng([self.seed, self.epoch]).permutation(len(self.tracks))

    def __getitem__(self, index: int):
        if index >= len(self):
            raise IndexError(index)
        rng = np.random.default_rng([self.seed, self.epoch, index])
        chosen = self._order()[index * self.batch_size : (index + 1) * self.batch_size]
        xs, beats, downbeats, tempi = [], [], [], []
        for i in chosen:
            x, rhythm, rate = np.asarray(self.features(self.tracks[i])), self.rhythms[i], 1.0
            if self.stretch is not None and rng.random() < self.stretch_probability:
                rate = float(np.exp(rng.uniform(*np.log(self.stretch))))
                x = stretch_frames(x, rate)
            spare = max(0, len(x) - self.crop)
            start = int(rng.integers(0, spare + 1)) if self.random_crops else spare // 2
            piece = x[start : start + self.crop]
            if len(piece) < self.crop:
                piece = np.pad(piece, [(0, self.crop - len(piece))] + [(0, 0)] * (x.ndim - 1))
            offset = start / FRAME_RATE
            xs.append(piece)
            beats.append(event_targets(rhythm.beats / rate - offset, self.crop, FRAME_RATE))
            downbeats.append(event_targets(rhythm.downbeats / rate - offset, self.crop, FRAME_RATE))
            tempi.append(tempo_target(rhythm.tempo * rate))
        y = {
            "beats": np.stack(beats)[..., None],
            "downbeats": np.stack(downbeats)[..., None],
            "tempo": np.stack(tempi),
        }
        return np.stack(xs).astype(np.float32), y

    def on_epoch_end(self) -> None:
        self.epoch += 1
