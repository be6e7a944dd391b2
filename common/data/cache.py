"""Features computed once per track and kept on disk.

:class:`FeatureCache` computes a feature once per track and keeps it on disk (atomic writes);
its folder name is a hash of everything that shapes the feature (function, parameters, sample
rate), so changing a parameter starts a new cache instead of reusing stale arrays, and each
file name carries a fingerprint of its audio file, so re-rendered audio is recomputed.

Taught in Part 1 (notebook 01) and used by every script that trains on features.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from common import data_home
from common.audio.features import compute_feature, feature_function
from common.audio.io import DEFAULT_SAMPLE_RATE, existing_audio_file
from common.data.tracks import Track
from common.fileio import load_array, save_array, write_json

__all__ = [
    "CACHE_VERSION",
    "FeatureCache",
]


#: Bump when the code of a feature changes in a way its parameters do not show.
CACHE_VERSION = 1


def safe_name(text: str) -> str:
    """``text`` made safe as part of a file name: anything but letters, digits, ``.``, ``_``
    and ``-`` becomes ``_``, and no leading dot (a dataset's track id never escapes the cache)."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", str(text)).lstrip(".")
    return name or "_"


def _digest(payload) -> str:
    return hashlib.sha1(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:10]


class FeatureCache:
    """One feature of many tracks, computed on first request and read from disk afterwards.

    >>> from common.audio.features import logmel
    >>> mel = FeatureCache(logmel, n_mels=96, hop_length=512)   # doctest: +SKIP
    >>> mel(track).shape                                         # (n_frames, 96)

    Parameters
    ----------
    feature
        The feature function, ``(signal, sample_rate=..., **params) -> array`` (for example
        :func:`common.audio.features.logmel`, or one of your own), or the name of one in
        :data:`common.audio.features.FEATURES` (``"logmel"``, ``"cqt"``, ``"waveform"`` ...).
        A function and its registered name share one cache.
    cache_dir
        Root of the caches (default ``<data home>/cache``).
    sample_rate
        Rate the audio is loaded at, in Hz.
    in_memory
        Also keep arrays in RAM after the first read (the workshop corpus fits easily).
    stems
        Compute the feature on a remix of the track's stems instead of its mix (see
        :meth:`common.data.tracks.Track.remix`): ``{"drums": 0.0}`` gives the features of the
        clip without its drums, in a cache of their own.
    **params
        Parameters of the feature function.
    """

    def __init__(
        self,
        feature: str | Callable[..., np.ndarray],
        cache_dir: str | os.PathLike | None = None,
        sample_rate: int = DEFAULT_SAMPLE_RATE,
        in_memory: bool = True,
        stems: dict[str, float] | None = None,
        **params,
    ):
        self.feature, self.function = feature_function(feature)
        self.sample_rate = sample_rate
        self.params = params
        self.stems = dict(sorted(stems.items())) if stems else None
        self.settings = {
            "feature": self.feature,
            "params": params,
            "sample_rate": sample_rate,
            "version": CACHE_VERSION,
        }
        if self.stems:  # only then, so that the caches of the mix keep their folders
            self.settings["stems"] = self.stems
        root = Path(cache_dir) if cache_dir is not None else data_home() / "cache"
        self.folder = root / f"{self.feature.rsplit('.', 1)[-1]}-{_digest(self.settings)}"
        self._memory: dict[str, np.ndarray] | None = {} if in_memory else None

    def path(self, track: Track) -> Path:
        """Cache file of ``track``: named after the track and a fingerprint of its audio file."""
        stat = existing_audio_file(track.audio_path).stat()
        fingerprint = _digest([str(track.audio_path), stat.st_size, stat.st_mtime_ns])
        return (
            self.folder
            / f"{safe_name(track.dataset)}-{safe_name(track.track_id)}-{fingerprint}.npy"
        )

    def __call__(self, track: Track) -> np.ndarray:
        key = f"{track.dataset}/{track.track_id}"
        if self._memory is not None and key in self._memory:
            return self._memory[key]
        path = self.path(track)
        array = None
        if path.is_file():
            try:
                array = load_array(path)
            except (OSError, ValueError, EOFError) as exc:
                print(
                    f"warning: unreadable cache file {path} ({exc}); computing it again.",
                    file=sys.stderr,
                )
        if array is None:
            if self.stems is None:
                signal = track.audio(self.sample_rate)
            else:
                signal = track.remix(self.stems, self.sample_rate)
            array = compute_feature(self.function, signal, self.sample_rate, **self.params)
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
        stems = f", stems={self.stems}" if self.stems else ""
        return f"FeatureCache({self.feature!r}, {self.params}{stems}, folder={str(self.folder)!r})"
