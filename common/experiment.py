"""What every training script repeats, once: its data splits, run folders, result rows, and the
scoring of whole clips with a model trained on crops."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from common.data import by_split
from common.data.datasets import load_tracks
from common.data.tracks import MissingAnnotationError, Track
from common.results import Result, format_table, save_results

__all__ = ["Experiment", "clip_scores", "crops_of"]


class Experiment:
    """One script run: it loads the data, hands out run folders and collects result rows.

    >>> experiment = Experiment(args)                          # doctest: +SKIP
    >>> splits = experiment.splits(kind="music", require="genre")
    >>> experiment.record("cnn", "model", "accuracy", 0.93, seconds=41.0)
    >>> experiment.finish()                                    # saves and prints the rows
    """

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.rows: list[Result] = []
        self.size = args.size if args.dataset == "synthetic" else args.dataset

    def splits(
        self, kind: str | None = "music", require: str | None = None
    ) -> dict[str, list[Track]]:
        """Tracks of the dataset by split, of one ``kind``; with ``require``, every track must
        have that label (a field such as ``genre``, or an annotation such as ``notes``)."""
        tracks = load_tracks(self.args.dataset, self.args.size, self.args.data_home, self.args.seed)
        if kind is not None:
            tracks = [t for t in tracks if t.kind == kind]
        if require is not None:
            self._check_labels(tracks, require)
        return by_split(tracks)

    def held_out(self, require: str | None = None) -> dict[str, list[Track]]:
        """The course's held-out music by group (``ood-styles``, ``ood-timbres``; see
        :func:`common.data.load_held_out`), to score beside the test split with the same
        baselines. Empty on a real dataset, whose own test split is the point there."""
        if self.args.dataset != "synthetic":
            return {}
        from common.data import load_held_out

        groups = load_held_out(self.args.size)
        if require is not None:
            for tracks in groups.values():
                self._check_labels(tracks, require)
        return groups

    def evaluated(
        self,
        test: list[Track],
        require: str | None = None,
        keep: Callable[[Track], bool] | None = None,
    ) -> dict[str, list[Track]]:
        """Where a script scores its models: ``{"test": test}``, then each group of the held-out
        music (:meth:`held_out`) by name, so every model and baseline reports both. ``keep``
        keeps the held-out tracks a model can answer for (a style classifier: the styles it was
        trained on); a group left empty is left out, and the script says so."""
        sets = {"test": test}
        for group, tracks in self.held_out(require=require).items():
            kept = [t for t in tracks if keep is None or keep(t)]
            if kept:
                sets[group] = kept
            else:
                print(f"Held-out group {group}: no clip this example can be scored on; left out.")
        return sets

    def _check_labels(self, tracks: Sequence[Track], label: str) -> None:
        """Stop with a clear message if the dataset lacks ``label``. An annotation file or a
        single value (``genre``, ``vocal``) must exist for every track; a list of words (``tags``,
        ``moods``) may be empty for some tracks, but not for all of them."""
        if label in ("beats", "onsets", "notes", "chords"):
            missing = [t for t in tracks if not t.has(label)]
        elif all(isinstance(getattr(t, label), tuple) for t in tracks):
            missing = list(tracks) if not any(getattr(t, label) for t in tracks) else []
        else:
            missing = [t for t in tracks if getattr(t, label) is None]
        if missing:
            from common.data.datasets import LABEL_HINTS

            hint = LABEL_HINTS.get((self.args.dataset, label))
            raise MissingAnnotationError(
                f"This example needs '{label}' labels, which {len(missing)} tracks of the "
                f"{self.args.dataset} dataset do not have (e.g. {missing[0].track_id}). "
                + (hint or "Choose a dataset that provides them")
                + " (the embedded corpus, --dataset synthetic, has every label)."
            )

    @property
    def length_multiple(self) -> int | None:
        """How :func:`common.nn.predict.predict_clips` groups whole clips of this dataset: by
        exact length on the embedded corpus (all its clips have one length, so nothing is
        padded), padded to multiples of 512 frames on a real dataset (a few shapes to compile
        instead of one per length)."""
        return None if self.args.dataset == "synthetic" else 512

    def run_dir(self, tag: str | None = None) -> Path:
        from common.nn.training import run_dir

        return run_dir(self.args.logdir, self.args.part, self.args.example, tag)

    def mfcc_svm_baseline(
        self, splits, y, metric: str, score, sets: dict[str, list[Track]] | None = None
    ) -> dict[str, np.ndarray]:
        """The clip baseline the examples share: an SVM on MFCC statistics, fitted on the
        training split; ``score(y[name], predictions)`` is recorded as ``metric`` on each of
        ``sets`` (by default the test split alone; see :meth:`evaluated`), whose labels ``y``
        holds under the same names. Returns the predictions, by set."""
        from common.data.cache import FeatureCache
        from common.nn.training import Stopwatch
        from common.tasks.classification import support_vector_machine

        sets = {"test": splits["test"]} if sets is None else sets
        mfcc = FeatureCache("mfcc_statistics")
        with Stopwatch() as watch:
            svm = support_vector_machine(mfcc.table(splits["train"]), y["train"])
            predicted = {name: svm.predict(mfcc.table(tracks)) for name, tracks in sets.items()}
        scores = {name: score(y[name], predicted[name]) for name in sets}
        self.record_splits("mfcc statistics + svm", "baseline", metric, scores, watch.seconds)
        return predicted

    def record(
        self,
        model: str,
        role: str,
        metric: str,
        value: float,
        seconds: float = 0.0,
        split: str = "test",
        backend: str | None = None,
        example: str | None = None,
    ) -> None:
        """Add a result row; ``example`` defaults to the script's own (a multi-task model may
        report the task of another example, e.g. the tempo head of the beat tracker)."""
        self.rows.append(
            Result(
                self.args.part,
                example or self.args.example,
                model,
                role,
                metric,
                float(value),
                split,
                backend or self.args.backend,
                self.size,
                float(seconds),
                int(self.args.seed),
            )
        )

    def record_splits(
        self, model: str, role: str, metric: str, values: dict[str, float], seconds: float = 0.0
    ) -> None:
        """One row per evaluation set: ``values`` maps each set's name (``test``, a held-out
        group; see :meth:`evaluated`) to the figure measured there."""
        for split, value in values.items():
            self.record(model, role, metric, value, seconds, split=split)

    def finish(self) -> int:
        """Add the rows to the results file and print them; returns the exit status (0)."""
        save_results(self.args.results, self.rows)
        print(format_table(self.rows))
        return 0


def crops_of(array: np.ndarray, crop: int) -> np.ndarray:
    """Non-overlapping crops of ``crop`` frames covering ``array`` (time first); the last one is
    aligned to the end, so nothing is left out. A short array is zero-padded to one crop."""
    if len(array) <= crop:
        padding = [(0, crop - len(array))] + [(0, 0)] * (array.ndim - 1)
        return np.pad(array, padding)[None]
    starts = list(range(0, len(array) - crop + 1, crop))
    if starts[-1] + crop < len(array):
        starts.append(len(array) - crop)
    return np.stack([array[s : s + crop] for s in starts])


def clip_scores(
    model,
    tracks: Sequence[Track],
    inputs: Callable[[Track], np.ndarray],
    crop: int,
    channel_axis: bool = True,
    batch_size: int = 32,
    reduce: str = "mean",
):
    """A model's outputs for whole clips, from all crops of each clip: their ``mean`` (a
    decision about the clip as a whole) or their ``max`` (is it there *anywhere* in the clip?).

    Returns ``(n_tracks, n_outputs)``, or a dict of such arrays for a model whose outputs are a
    dict (one per head).
    """
    if reduce not in ("mean", "max"):
        raise ValueError(f"reduce must be 'mean' or 'max', not {reduce!r}")
    combine = np.mean if reduce == "mean" else np.max
    # One predict call for the crops of every clip: per-clip calls would each pay Keras' set-up
    # cost, and on JAX a compilation for every new number of crops.
    pieces = [crops_of(np.asarray(inputs(track), dtype=np.float32), crop) for track in tracks]
    counts = [len(p) for p in pieces]
    batch = np.concatenate(pieces)
    if channel_axis:
        batch = batch[..., None]
    outputs = model.predict(batch, batch_size=batch_size, verbose=0)
    bounds = np.cumsum(counts)[:-1]

    def per_clip(values) -> np.ndarray:
        return np.stack([combine(part, axis=0) for part in np.split(np.asarray(values), bounds)])

    if isinstance(outputs, dict):
        return {name: per_clip(values) for name, values in outputs.items()}
    return per_clip(outputs)
