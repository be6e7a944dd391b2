"""From samples or from a spectrogram? Four front-ends on the same task, accuracy against cost.

Part 1, example ``frontends``. Every model hears the raw waveform of a 2.7 s crop and classifies
the style: a sample-level 1D CNN that learns everything from samples (Lee et al., 2017); and the
same 2D CNN behind three spectrogram layers: a fixed log-mel, a SincNet-style filterbank whose
band edges are learned (Ravanelli and Bengio, 2018), and a trainable STFT whose Fourier basis
is learned. Reported: test accuracy, and the cost of each (parameters, and training examples per
second on this machine, measured after training). Baseline in the same run: an SVM on MFCC
statistics. Accuracy is also measured on the course's held-out music in the corpus's styles
(``ood-timbres``), as in ``genre.py``.

    python part1_classification/scripts/frontends.py --size tiny --backend jax
"""

from __future__ import annotations

from common.cli import parse_args, run, script_parser

EPOCHS = {"tiny": 2, "workshop": 20, "full": 30}
#: Learning rate and epochs (a multiple of EPOCHS) of each front-end. The sample-level CNN starts
#: slowly: on the validation split it needed a higher learning rate and half as many epochs again
#: (it passed 0.9 validation accuracy around epoch 15-20, after hovering at chance for five).
SETTINGS = {
    "waveform": (3e-3, 1.5),
    "logmel": (1e-3, 1.0),
    "sincnet": (1e-3, 1.0),
    "stft": (1e-3, 1.0),
}
CROP_SAMPLES = 3**10  # 59049 samples, 2.7 s at 22050 Hz: what the sample-level CNN covers
FRONTENDS = ("waveform", "logmel", "sincnet", "stft")


def main(argv: list[str] | None = None) -> int:
    parser = script_parser(__doc__, part=1, example="frontends")
    parser.add_argument("--frontends", nargs="+", choices=FRONTENDS, default=list(FRONTENDS))
    args = parse_args(parser, argv)

    import time

    import numpy as np

    from common.data.cache import FeatureCache
    from common.data.samplers import CropDataset
    from common.data.targets import class_targets
    from common.experiment import Experiment, clip_scores
    from common.models.waveform import frontend_classifier
    from common.nn.tensorboard import log_figure, log_text
    from common.nn.training import Stopwatch, compile_classifier, fit, set_seed
    from common.tasks.classification import accuracy
    from common.viz.figures import new_figure

    experiment = Experiment(args)
    splits = experiment.splits(kind="music", require="genre")
    classes = sorted({t.genre for t in splits["train"]})
    target = class_targets(classes)
    # Scored on the test split and on the held-out clips in the styles the models know.
    evaluated = experiment.evaluated(
        splits["test"], require="genre", keep=lambda t: t.genre in classes
    )
    y = {s: np.array([target(t) for t in tracks]) for s, tracks in {**splits, **evaluated}.items()}
    waveform = FeatureCache("waveform")
    epochs = EPOCHS[args.size] if args.epochs is None else args.epochs

    experiment.mfcc_svm_baseline(splits, y, "accuracy", accuracy, sets=evaluated)

    valid = CropDataset(
        splits["valid"], waveform, target, CROP_SAMPLES, random_crops=False, shuffle=False
    )
    costs = {}
    for frontend in args.frontends:
        set_seed(args.seed)
        rate, stretch = SETTINGS[frontend]
        n_epochs = max(1, round(epochs * stretch))
        model = compile_classifier(frontend_classifier(frontend, CROP_SAMPLES, len(classes)), rate)
        train = CropDataset(
            splits["train"], waveform, target, CROP_SAMPLES, batch_size=32, seed=args.seed
        )
        with Stopwatch() as watch:
            fit(
                model,
                train,
                valid,
                epochs=n_epochs,
                log_dir=experiment.run_dir(frontend),
                patience=max(8, n_epochs // 3),
                verbose=0,
            )
            scores = {
                s: clip_scores(model, tracks, waveform, CROP_SAMPLES, channel_axis=False)
                for s, tracks in evaluated.items()
            }
        # Cost: training throughput on one batch, timed after warm-up (compilation excluded).
        x, labels = train[0]
        model.train_on_batch(x, labels)
        start = time.perf_counter()
        for _ in range(3):
            model.train_on_batch(x, labels)
        per_second = 3 * len(x) / (time.perf_counter() - start)
        accuracies = {s: accuracy(y[s], scores[s]) for s in evaluated}
        costs[frontend] = (accuracies["test"], model.count_params(), per_second)
        name = f"{frontend} front-end + cnn"
        experiment.record_splits(name, "model", "accuracy", accuracies, watch.seconds)
        experiment.record(name, "model", "training examples per second", per_second, watch.seconds)
        print(
            f"{frontend:9s} accuracy "
            + ", ".join(f"{s} {value:.3f}" for s, value in accuracies.items())
            + f"; {model.count_params():9,d} parameters, {per_second:6.1f} training examples/s"
        )

    fig, axes = new_figure(figsize=(5, 3.5))
    ax = axes[0, 0]
    for frontend, (test, parameters, per_second) in costs.items():
        ax.scatter(1000 / per_second, test, s=30 + parameters / 5000)
        ax.annotate(
            f"{frontend} ({parameters / 1000:.0f}k)",
            (1000 / per_second, test),
            fontsize=8,
            xytext=(4, 4),
            textcoords="offset points",
        )
    ax.set_xlabel("training time per example (ms)")
    ax.set_ylabel("test accuracy")
    ax.set_title(f"Front-ends on {args.backend}: accuracy against cost", fontsize=9)
    summary = experiment.run_dir("summary")
    log_figure(summary, "accuracy against cost", fig)
    log_text(
        summary,
        "costs",
        "\n".join(
            f"- {f}: accuracy {a:.3f}, {p:,} parameters, {s:.1f} training examples/s"
            for f, (a, p, s) in costs.items()
        ),
    )
    return experiment.finish()


if __name__ == "__main__":
    run(main)
