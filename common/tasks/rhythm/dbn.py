"""Beats and downbeats from activations with a dynamic Bayesian network, in NumPy.

Peak picking decides frame by frame. A **bar-pointer model** (Whiteley et al., 2006; the
efficient state space of Krebs et al., 2015, as used by Böck et al., 2016) decides for the whole
clip at once: a hidden pointer moves through the bar at a steady tempo, and the most likely path
of that pointer given the network's activations is found by the Viterbi algorithm.

* **States.** For a meter of ``M`` beats per bar and a beat period of ``tau`` frames, the
  pointer is at one of ``M * tau`` positions. Every integer period between ``max_bpm`` and
  ``min_bpm`` has its own positions, and each meter its own set of states.
* **Transitions.** The pointer advances one position per frame. Only when a beat ends may the
  period change, to ``tau'`` with probability proportional to
  ``exp(-transition_lambda * |tau' / tau - 1|)``: tempo changes are rare and small.
* **Observations.** The first ``1 / observation_lambda`` of each beat are *beat states*. On the
  first beat of the bar their likelihood is the network's downbeat activation; on the other
  beats, the beat activation minus the downbeat activation (a beat that is not a downbeat);
  when tracking beats only, the beat activation. Elsewhere it is
  ``(1 - beat activation) / (observation_lambda - 1)``.

Since the meters share no state, the best path also names the meter: 3/4 or 4/4. Nothing here
is learned: the network supplies the evidence, the model supplies the musical knowledge that
beats are regular and bars have a fixed number of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["BarTracking", "track_bars"]

_FLOOR = 1e-7  # probabilities are floored before the logarithm


@dataclass(frozen=True)
class BarTracking:
    """The decoded path: event times in seconds, the meter and the mean tempo."""

    beats: np.ndarray
    downbeats: np.ndarray
    beats_per_bar: int
    tempo: float  # BPM, from the median beat period of the path
    log_probability: float


class _StateSpace:
    """Positions of one meter: for each period ``tau``, ``beats_per_bar * tau`` states."""

    def __init__(self, beats_per_bar: int, periods: np.ndarray, observation_lambda: int):
        self.beats_per_bar, self.periods = beats_per_bar, periods
        sizes = beats_per_bar * periods
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        self.n_states = int(sizes.sum())
        self.tempo_index = np.repeat(np.arange(len(periods)), sizes)
        position = np.arange(self.n_states) - starts[self.tempo_index]  # position in the bar
        period = periods[self.tempo_index]
        self.beat_index = position // period
        self.position_in_beat = position % period
        # first[k, i] / last[k, i]: first and last state of beat k at period i
        k = np.arange(beats_per_bar)[:, None]
        self.first = starts[None, :] + k * periods[None, :]
        self.last = self.first + periods[None, :] - 1
        # 0: no beat, 1: a beat (not the first of the bar), 2: the first beat of the bar
        is_beat = self.position_in_beat * observation_lambda < period
        self.kind = np.where(is_beat, np.where(self.beat_index == 0, 2, 1), 0)
        if beats_per_bar == 1:  # beat tracking only: every beat is a plain beat
            self.kind = np.where(is_beat, 1, 0)


def _transition_log(periods: np.ndarray, transition_lambda: float) -> np.ndarray:
    """``log P(tau' | tau)`` at a beat boundary, ``(from, to)``."""
    ratio = periods[None, :] / periods[:, None]
    weights = np.exp(-transition_lambda * np.abs(ratio - 1.0))
    return np.log(weights / weights.sum(axis=1, keepdims=True))


def _viterbi(space: _StateSpace, observation_log: np.ndarray, transition_log: np.ndarray):
    """Most likely state path ``(n_frames,)`` and its log probability."""
    n_frames = len(observation_log)
    m = space.beats_per_bar
    delta = observation_log[0][space.kind] - np.log(space.n_states)
    pointers = np.zeros((n_frames, m, len(space.periods)), dtype=np.int32)
    entry = space.first[(np.arange(m) + 1) % m]  # where each beat's end leads to
    for t in range(1, n_frames):
        moved = np.empty_like(delta)
        moved[1:] = delta[:-1]
        # Beat boundaries: from the last state of beat k (any period) to the first state of
        # beat k + 1 (any period).
        scores = delta[space.last][:, :, None] + transition_log[None]  # (beat, from, to)
        best = np.argmax(scores, axis=1)  # (beat, to)
        moved[entry] = np.take_along_axis(scores, best[:, None, :], axis=1)[:, 0, :]
        pointers[t, (np.arange(m) + 1) % m] = best
        delta = moved + observation_log[t][space.kind]
    state = int(np.argmax(delta))
    log_probability = float(delta[state])
    path = np.empty(n_frames, dtype=np.int64)
    for t in range(n_frames - 1, -1, -1):
        path[t] = state
        if t == 0:
            break
        i = space.tempo_index[state]
        if space.position_in_beat[state] == 0:  # entered at a beat boundary
            beat = space.beat_index[state]
            state = int(space.last[(beat - 1) % m, pointers[t, beat, i]])
        else:
            state -= 1
    return path, log_probability


def _events(path_kinds: np.ndarray, activation: np.ndarray, wanted: tuple[int, ...]) -> np.ndarray:
    """For each run of consecutive frames whose state kind is in ``wanted``: the frame of the
    largest activation within it."""
    inside = np.isin(path_kinds, wanted).astype(int)
    edges = np.diff(np.concatenate([[0], inside, [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return np.array(
        [s + int(np.argmax(activation[s:e])) for s, e in zip(starts, stops, strict=True)]
    )


def track_bars(
    beat_activation: np.ndarray,
    frame_rate: float,
    downbeat_activation: np.ndarray | None = None,
    beats_per_bar: tuple[int, ...] = (3, 4),
    min_bpm: float = 55.0,
    max_bpm: float = 215.0,
    transition_lambda: float = 100.0,
    observation_lambda: int = 16,
) -> BarTracking:
    """Decode beats (and downbeats) from frame activations ``(n_frames,)`` in ``[0, 1]``.

    ``beat_activation`` is the probability that a frame holds a beat (downbeats included);
    ``downbeat_activation`` that it holds the first beat of a bar. Without downbeats, pass
    ``beats_per_bar=(1,)`` to track beats only. Each meter in ``beats_per_bar`` is decoded; the
    most likely one wins. Costs ``O(n_frames * n_states)``: a fraction of a second for a 10 s
    clip.
    """
    beat_activation = np.asarray(beat_activation, dtype=np.float64)
    if downbeat_activation is None:
        if beats_per_bar != (1,):
            raise ValueError("Without a downbeat activation, use beats_per_bar=(1,).")
        downbeat_activation = beat_activation
    downbeat_activation = np.asarray(downbeat_activation, dtype=np.float64)
    if beat_activation.shape != downbeat_activation.shape or beat_activation.ndim != 1:
        raise ValueError("Activations must be 1D arrays of the same length (one value a frame).")
    periods = np.arange(
        int(np.floor(60 * frame_rate / max_bpm)), int(np.ceil(60 * frame_rate / min_bpm)) + 1
    )
    # Observation log likelihoods per frame for the three kinds of state.
    plain_beat = beat_activation if beats_per_bar == (1,) else beat_activation - downbeat_activation
    observation = np.stack(
        [
            (1.0 - beat_activation) / (observation_lambda - 1),
            plain_beat,
            downbeat_activation,
        ],
        axis=1,
    )
    observation_log = np.log(np.maximum(observation, _FLOOR))
    transition_log = _transition_log(periods, transition_lambda)
    best = None
    for meter in beats_per_bar:
        space = _StateSpace(meter, periods, observation_lambda)
        path, log_probability = _viterbi(space, observation_log, transition_log)
        if best is None or log_probability > best[2]:
            best = (space, path, log_probability)
    space, path, log_probability = best
    kinds = space.kind[path]
    beats = _events(kinds, beat_activation, (1, 2))
    downbeats = _events(kinds, beat_activation, (2,)) if space.beats_per_bar > 1 else beats[:0]
    tempo = 60.0 * frame_rate / float(np.median(space.periods[space.tempo_index[path]]))
    return BarTracking(
        beats=beats / frame_rate,
        downbeats=downbeats / frame_rate,
        beats_per_bar=space.beats_per_bar,
        tempo=tempo,
        log_probability=log_probability,
    )
