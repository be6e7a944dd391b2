"""Is someone singing? Clip-level and frame-level vocal detection.

Part 1, example ``vocal``. A clip-level CNN says whether a clip has singing anywhere; a
frame-level network (convolutions that pool only along frequency, so time keeps its
resolution) says *when*, with one probability every 23 ms. The corpus knows the truth to the
frame: the notes of the vocals stem. In vocal tracks some phrases are sung and others are played
by an instrument or left out, so the network must tell a voice from a lead instrument.
Baselines in the same run: an SVM on MFCC statistics (clips), and a logistic regression on the
MFCCs of each frame with their neighbours' (frames). Every decision threshold, and the way crop
outputs are pooled into a clip decision (max or mean), is chosen on the validation split.
Every model and baseline is scored on the test split and on each group of the course's held-out
music.

    python part1_classification/scripts/vocal.py --size tiny --backend tensorflow
"""

from __future__ import annotations

from common.cli import parse_args, run, script_parser

EPOCHS = {"tiny": 2, "workshop": 20, "full": 30}
CROP_SECONDS = 3.0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(script_parser(__doc__, part=1, example="vocal"), argv)

    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from common.audio.features import frame_times
    from common.audio.io import DEFAULT_SAMPLE_RATE
    from common.data.cache import FeatureCache
    from common.data.samplers import CropDataset
    from common.data.targets import per_track, vocal_activity
    from common.experiment import Experiment, clip_scores
    from common.models.spectrogram import frame_tagger, spectrogram_cnn
    from common.nn.predict import predict_clips
    from common.nn.tensorboard import log_figure
    from common.nn.training import Stopwatch, compile_classifier, fit, set_seed
    from common.tasks.classification import balanced_accuracy, best_threshold, frame_f1
    from common.viz.figures import new_figure

    experiment = Experiment(args)
    splits = experiment.splits(kind="music", require="vocal")
    logmel = FeatureCache("logmel", n_mels=64)
    mfcc = FeatureCache("mfcc", n_mfcc=20, hop_length=512)
    crop = int(CROP_SECONDS * DEFAULT_SAMPLE_RATE / 512) + 1
    epochs = EPOCHS[args.size] if args.epochs is None else args.epochs

    def sung(track):
        return np.int32(bool(track.vocal))

    # Scored on the test split and on each held-out group, which nothing is trained or tuned on.
    evaluated = experiment.evaluated(splits["test"], require="vocal")
    y = {s: np.array([sung(t) for t in tracks]) for s, tracks in {**splits, **evaluated}.items()}
    print("clips with singing: " + ", ".join(f"{s} {v.sum()}/{len(v)}" for s, v in y.items()))
    # A balanced accuracy needs clips with and without singing; a frame F-measure, sung frames.
    clip_sets = {s: t for s, t in evaluated.items() if s == "test" or 0 < y[s].sum() < len(y[s])}
    frame_sets = {s: t for s, t in evaluated.items() if s == "test" or y[s].any()}
    for split in evaluated:
        if split not in clip_sets:
            print(f"{split}: its clips are all sung or all unsung; no clip-level score there.")
        if split not in frame_sets:
            print(f"{split}: nothing is sung there; no frame-level score.")

    # --- clip level -------------------------------------------------------------------------------
    experiment.mfcc_svm_baseline(
        splits, y, "clip balanced accuracy", balanced_accuracy, sets=clip_sets
    )

    set_seed(args.seed)
    model = compile_classifier(spectrogram_cnn((crop, 64, 1), 2, name="vocal_clip_cnn"))
    train = CropDataset(
        splits["train"], logmel, sung, crop, batch_size=32, channel_axis=True, seed=args.seed
    )
    valid = CropDataset(
        splits["valid"], logmel, sung, crop, random_crops=False, shuffle=False, channel_axis=True
    )
    with Stopwatch() as watch:
        fit(
            model,
            train,
            valid,
            epochs=epochs,
            log_dir=experiment.run_dir("clip"),
            patience=max(4, epochs // 3),
            verbose=0,
        )
        # From crops to a clip: "max" (the most confident crop decides: singing anywhere) or
        # "mean" (how much of the clip sounds sung), each with its threshold; the pooling and
        # the threshold are both chosen on the validation clips.
        choices = {}
        for reduce in ("max", "mean"):
            valid_scores = clip_scores(model, splits["valid"], logmel, crop, reduce=reduce)
            choices[reduce] = best_threshold(y["valid"], valid_scores[:, 1])
        reduce = max(choices, key=lambda r: choices[r][1])  # ties: max, the label's definition
        threshold = choices[reduce][0]
        singing = {
            s: clip_scores(model, tracks, logmel, crop, reduce=reduce)[:, 1]
            for s, tracks in clip_sets.items()
        }
    print(
        "clip cnn: "
        + ", ".join(
            f"{r} pooling: threshold {t:.2f}, validation {v:.3f}" for r, (t, v) in choices.items()
        )
        + f"; chosen: {reduce}"
    )
    experiment.record_splits(
        "clip cnn",
        "model",
        "clip balanced accuracy",
        {s: balanced_accuracy(y[s], (singing[s] > threshold).astype(int)) for s in clip_sets},
        watch.seconds,
    )

    # --- frame level ------------------------------------------------------------------------------
    def activity(track):
        return vocal_activity(track, len(logmel(track)))

    activity = per_track(activity)

    def with_neighbours(track):  # each frame's MFCCs, with those of 4 frames before and after
        m = mfcc(track)
        padded = np.pad(m, ((4, 4), (0, 0)), mode="edge")
        return np.concatenate([padded[i : i + len(m)] for i in range(9)], axis=1)

    with Stopwatch() as watch:
        frames_x = np.concatenate([with_neighbours(t) for t in splits["train"]])
        frames_y = np.concatenate([activity(t)[: len(mfcc(t)), 0] for t in splits["train"]])
        regression = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
        regression.fit(frames_x, frames_y)

        def regression_frames(tracks):
            reference = np.concatenate([activity(t)[: len(mfcc(t)), 0] for t in tracks])
            scores = [regression.predict_proba(with_neighbours(t))[:, 1] for t in tracks]
            return reference, np.concatenate(scores)

        threshold, _ = best_threshold(*regression_frames(splits["valid"]), metric=frame_f1)
        frames = {s: regression_frames(tracks) for s, tracks in frame_sets.items()}
    print(f"frame mfccs + logistic regression: threshold {threshold:.2f} (chosen on validation)")
    experiment.record_splits(
        "frame mfccs + logistic regression",
        "baseline",
        "frame f-measure",
        {
            s: frame_f1(reference, estimate > threshold)
            for s, (reference, estimate) in frames.items()
        },
        watch.seconds,
    )

    set_seed(args.seed)
    tagger = frame_tagger((None, 64, 1), 1)
    tagger.compile(optimizer="adam", loss="binary_crossentropy")
    train = CropDataset(
        splits["train"],
        logmel,
        activity,
        crop,
        batch_size=32,
        channel_axis=True,
        frame_targets=True,
        seed=args.seed,
    )
    valid = CropDataset(
        splits["valid"],
        logmel,
        activity,
        crop,
        random_crops=False,
        shuffle=False,
        channel_axis=True,
        frame_targets=True,
    )
    log_dir = experiment.run_dir("frames")
    with Stopwatch() as watch:
        fit(
            tagger,
            train,
            valid,
            epochs=epochs,
            log_dir=log_dir,
            patience=max(4, epochs // 3),
            verbose=0,
        )
        curves = {
            split: [
                curve[:, 0]
                for curve in predict_clips(
                    tagger,
                    [logmel(t)[..., None] for t in tracks],
                    length_multiple=experiment.length_multiple,
                )
            ]
            for split, tracks in {"valid": splits["valid"], **frame_sets}.items()
        }
        reference = {
            s: np.concatenate([activity(t)[:, 0] for t in tracks])
            for s, tracks in {"valid": splits["valid"], **frame_sets}.items()
        }
        threshold, _ = best_threshold(
            reference["valid"], np.concatenate(curves["valid"]), metric=frame_f1
        )
    print(f"frame cnn: threshold {threshold:.2f} (chosen on validation)")
    experiment.record_splits(
        "frame cnn",
        "model",
        "frame f-measure",
        {s: frame_f1(reference[s], np.concatenate(curves[s]) > threshold) for s in frame_sets},
        watch.seconds,
    )
    curves = curves["test"]

    # The activation over time of a few test clips, under the truth.
    examples = [i for i, t in enumerate(splits["test"]) if t.vocal][:3]
    if examples:
        fig, axes = new_figure(len(examples), 1, figsize=(9, 2.2 * len(examples)))
        for ax, i in zip(axes[:, 0], examples, strict=True):
            track = splits["test"][i]
            times = frame_times(len(curves[i]), DEFAULT_SAMPLE_RATE, 512)
            ax.fill_between(
                times, activity(track)[:, 0], step="mid", alpha=0.3, label="sung (truth)"
            )
            ax.plot(times, curves[i], color="C3", label="network")
            ax.axhline(threshold, color="0.5", linewidth=0.6, linestyle="--")
            ax.set_ylim(-0.05, 1.05)
            ax.set_title(f"{track.track_id} ({track.genre})", fontsize=8)
        axes[0, 0].legend(loc="upper right", fontsize=7)
        axes[-1, 0].set_xlabel("Time (s)")
        log_figure(log_dir, "vocal activity over time", fig)
    return experiment.finish()


if __name__ == "__main__":
    run(main)
