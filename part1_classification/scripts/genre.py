"""Which style is it? A compact CNN on log-mel, with four first-layer filter shapes compared.

Part 1, example ``genre``. Pons et al. (2016) ask what the first layer of a music CNN should
look at: small squares, long stretches of time at one frequency, or tall slices of spectrum at
one instant. The same network is trained with each front (square, temporal, frequency, and a
"musical" front that combines them), then once more with data augmentation (SpecAugment and
mixup) to measure its effect. Baselines in the same run: an SVM on MFCC statistics, and an SVM
on the features of the same CNN with random, untrained weights (Choi et al., 2017). Every
model and baseline is scored on the test split and on the course's held-out music in the
corpus's styles (``ood-timbres``: the styles played by another synthesiser); the held-out styles
the models never learned (``ood-styles``) are left out.

The model chosen on the validation split is examined in TensorBoard: its confusion matrix, the
test clips it gets wrong (with their audio), its first-layer filters, and occlusion maps of
what it listens to.

    python part1_classification/scripts/genre.py --size tiny --backend torch
    python part1_classification/scripts/genre.py --dataset gtzan --data-home ~/mir_datasets
"""

from __future__ import annotations

from common.cli import parse_args, run, script_parser

EPOCHS = {"tiny": 2, "workshop": 30, "full": 40}
CROP_SECONDS = 3.0
SHAPES = ("square", "temporal", "frequency", "musical")


def main(argv: list[str] | None = None) -> int:
    parser = script_parser(__doc__, part=1, example="genre")
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=list(SHAPES))
    args = parse_args(parser, argv)

    import keras
    import numpy as np
    from sklearn.metrics import confusion_matrix

    from common.audio.io import DEFAULT_SAMPLE_RATE
    from common.data.augment import Augment
    from common.data.cache import FeatureCache
    from common.data.samplers import CropDataset
    from common.data.targets import class_targets
    from common.experiment import Experiment, clip_scores, crops_of
    from common.models.spectrogram import embedding_model, front_convolutions, spectrogram_cnn
    from common.nn.interpret import conv_kernels, occlusion_map
    from common.nn.tensorboard import SpectrogramImages, log_audio, log_figure
    from common.nn.training import Stopwatch, compile_classifier, fit, set_seed
    from common.tasks.classification import accuracy, support_vector_machine
    from common.viz.figures import new_figure
    from common.viz.plots import plot_confusion_matrix, plot_kernels, plot_saliency, prediction_grid

    experiment = Experiment(args)
    splits = experiment.splits(kind="music", require="genre")
    classes = sorted({t.genre for t in splits["train"]})
    target = class_targets(classes)
    # Scored on the test split and on the held-out clips in the styles the models know.
    evaluated = experiment.evaluated(
        splits["test"], require="genre", keep=lambda t: t.genre in classes
    )
    y = {s: np.array([target(t) for t in tracks]) for s, tracks in {**splits, **evaluated}.items()}
    logmel = FeatureCache("logmel", n_mels=64)
    crop = int(CROP_SECONDS * DEFAULT_SAMPLE_RATE / 512) + 1
    epochs = EPOCHS[args.size] if args.epochs is None else args.epochs
    print(f"{len(classes)} styles; clips: " + ", ".join(f"{s} {len(v)}" for s, v in y.items()))

    # --- baselines ------------------------------------------------------------------------------
    experiment.mfcc_svm_baseline(splits, y, "accuracy", accuracy, sets=evaluated)

    with Stopwatch() as watch:  # features of an untrained CNN: what the architecture alone gives
        set_seed(args.seed)
        untrained = spectrogram_cnn((crop, 64, 1), len(classes), name="random_cnn")
        embedder = embedding_model(untrained)
        svm = support_vector_machine(
            clip_scores(embedder, splits["train"], logmel, crop), y["train"]
        )
        predicted = {
            s: svm.predict(clip_scores(embedder, tracks, logmel, crop))
            for s, tracks in evaluated.items()
        }
    experiment.record_splits(
        "random-weights cnn + svm",
        "baseline",
        "accuracy",
        {s: accuracy(y[s], predicted[s]) for s in evaluated},
        watch.seconds,
    )

    # --- four filter shapes, then augmentation ------------------------------------------------
    valid = CropDataset(
        splits["valid"], logmel, target, crop, random_crops=False, shuffle=False, channel_axis=True
    )
    shown = [splits["valid"][i] for i in np.unique(y["valid"], return_index=True)[1]][:8]
    x_shown = np.stack([logmel(t)[:crop] for t in shown])[..., None]
    trained = {}
    runs = [(shape, shape, False) for shape in args.shapes]
    runs.append((f"{args.shapes[0]} + specaugment + mixup", args.shapes[0], True))
    for name, shape, augmented in runs:
        set_seed(args.seed)
        augment = Augment(spec=True, use_mixup=True, n_classes=len(classes)) if augmented else None
        train = CropDataset(
            splits["train"],
            logmel,
            target,
            crop,
            batch_size=32,
            channel_axis=True,
            augment=augment,
            seed=args.seed,
        )
        model = spectrogram_cnn(
            (crop, 64, 1), len(classes), filter_shape=shape, name=f"{shape}_cnn"
        )
        if augmented:  # mixup makes soft targets: categorical cross-entropy on one-hot labels
            model.compile(
                optimizer=keras.optimizers.Adam(1e-3),
                loss="categorical_crossentropy",
                metrics=[keras.metrics.CategoricalAccuracy(name="accuracy")],
            )
            validation = CropDataset(
                splits["valid"],
                logmel,
                lambda t: np.eye(len(classes))[target(t)],
                crop,
                random_crops=False,
                shuffle=False,
                channel_axis=True,
            )
        else:
            compile_classifier(model, 1e-3)
            validation = valid
        log_dir = experiment.run_dir(name.replace(" + ", "-").replace(" ", "-"))
        images = SpectrogramImages(
            log_dir,
            x_shown,
            [s[..., 0] for s in x_shown],
            [int(target(t)) for t in shown],
            classes,
            every=max(1, epochs // 3),
        )
        with Stopwatch() as watch:
            history = fit(
                model,
                train,
                validation,
                epochs=epochs,
                log_dir=log_dir,
                callbacks=[images],
                patience=max(4, epochs // 3),
                verbose=0,
            )
            scores = {
                s: clip_scores(model, tracks, logmel, crop)
                for s, tracks in {"valid": splits["valid"], **evaluated}.items()
            }
        trained[name] = (model, scores, log_dir)
        experiment.record_splits(
            f"cnn, {name}",
            "model",
            "accuracy",
            {s: accuracy(y[s], scores[s]) for s in evaluated},
            watch.seconds,
        )
        print(
            f"{name:32s} {model.count_params():7,d} parameters, {len(history.history['loss'])} "
            "epochs: "
            + ", ".join(f"{s} {accuracy(y[s], scores[s]):.3f}" for s in ("valid", *evaluated))
        )

    # --- a closer look at the model chosen on the validation split -----------------------------
    best = max(trained, key=lambda n: accuracy(y["valid"], trained[n][1]["valid"]))
    model, scores, log_dir = trained[best]
    print(f"Chosen on validation: {best}. Confusions, errors, filters and saliency: {log_dir}")
    decisions = scores["test"].argmax(1)
    fig, axes = new_figure(figsize=(6, 5))
    plot_confusion_matrix(
        axes[0, 0], confusion_matrix(y["test"], decisions, labels=range(len(classes))), classes
    )
    axes[0, 0].set_title(f"{best}, test split")
    log_figure(log_dir, "test confusion matrix", fig)

    wrong = [i for i in range(len(decisions)) if decisions[i] != y["test"][i]][:8]
    if wrong:
        tracks = [splits["test"][i] for i in wrong]
        titles = [
            f"{t.track_id}\ntrue {t.genre} / said {classes[decisions[i]]}"
            for t, i in zip(tracks, wrong, strict=True)
        ]
        log_figure(
            log_dir,
            "misclassified test clips",
            prediction_grid([logmel(t)[:crop] for t in tracks], titles),
        )
        log_audio(
            log_dir,
            [t.audio() for t in tracks],
            [
                f"wrong: {t.genre} heard as {classes[decisions[i]]}"
                for t, i in zip(tracks, wrong, strict=True)
            ],
        )

    for layer in front_convolutions(model):
        log_figure(
            log_dir,
            f"first-layer filters: {layer.name}",
            plot_kernels(conv_kernels(layer), title=f"{best}: {layer.name}"),
        )

    right = [i for i in range(len(decisions)) if decisions[i] == y["test"][i]][:4]
    if right:
        fig, axes = new_figure(1, len(right), figsize=(3.5 * len(right), 3))
        for ax, i in zip(axes[0], right, strict=True):
            spectrogram = crops_of(logmel(splits["test"][i]), crop)[0]
            saliency = occlusion_map(
                model, spectrogram[..., None], int(y["test"][i]), patch=(13, 8)
            )
            plot_saliency(ax, spectrogram, saliency)
            ax.set_title(f"{splits['test'][i].genre}: what the decision rests on", fontsize=8)
        log_figure(log_dir, "occlusion saliency", fig)
    return experiment.finish()


if __name__ == "__main__":
    run(main)
