"""Music or speech? A small CNN on log-mel crops, trained four ways and compared side by side.

Part 1, example ``music_speech``. The same network is trained with plain SGD on raw decibels,
with SGD on normalised input, with Adam, and with Adam plus the usual cures for overfitting
(dropout, weight decay, early stopping, a cosine learning-rate schedule). Each run is a
TensorBoard run with its hyper-parameters in the HParams tab. Baseline in the same run: an SVM
on MFCC statistics. Metric: balanced accuracy (speech clips are the minority).

    python part1_classification/scripts/music_speech.py --size tiny --backend jax
"""

from __future__ import annotations

from common.cli import parse_args, run, script_parser

EPOCHS = {"tiny": 3, "workshop": 15, "full": 30}
CROP_SECONDS = 3.0

#: The four runs: (name, optimizer, learning rate, input normalisation, dropout, weight decay,
#: early stopping and learning-rate schedule).
RUNS = (
    ("sgd, raw decibels", "sgd", 0.01, False, 0.0, 0.0, False),
    ("sgd, normalised", "sgd", 0.01, True, 0.0, 0.0, False),
    ("adam", "adam", 1e-3, True, 0.0, 0.0, False),
    ("adam, regularised", "adam", 1e-3, True, 0.5, 1e-4, True),
)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(script_parser(__doc__, part=1, example="music_speech"), argv)

    import keras
    import numpy as np

    from common.audio.io import DEFAULT_SAMPLE_RATE
    from common.data.cache import FeatureCache
    from common.data.samplers import CropDataset
    from common.experiment import Experiment, clip_scores
    from common.models.spectrogram import spectrogram_cnn
    from common.nn.tensorboard import AudioExamples, SpectrogramImages, log_hparams
    from common.nn.training import Stopwatch, compile_classifier, fit, set_seed
    from common.tasks.classification import balanced_accuracy

    experiment = Experiment(args)
    splits = experiment.splits(kind=None, require="kind")
    classes = ["music", "speech"]

    def target(track):
        return np.int32(classes.index(track.kind))

    logmel = FeatureCache("logmel", n_mels=64)
    crop = int(CROP_SECONDS * DEFAULT_SAMPLE_RATE / 512) + 1
    y = {s: np.array([target(t) for t in tracks]) for s, tracks in splits.items()}
    print(
        "clips: "
        + ", ".join(f"{s} {np.sum(v == 0)} music / {np.sum(v == 1)} speech" for s, v in y.items())
    )
    epochs = EPOCHS[args.size] if args.epochs is None else args.epochs

    # --- the baseline: an SVM on MFCC statistics ------------------------------------------------
    experiment.mfcc_svm_baseline(splits, y, "balanced accuracy", balanced_accuracy)

    # --- four ways to train the same CNN --------------------------------------------------------
    valid = CropDataset(
        splits["valid"], logmel, target, crop, random_crops=False, shuffle=False, channel_axis=True
    )
    shown = [splits["valid"][i] for i in np.unique(y["valid"], return_index=True)[1]]
    for name, optimizer, rate, input_norm, dropout, decay, cures in RUNS:
        set_seed(args.seed)
        train = CropDataset(
            splits["train"], logmel, target, crop, batch_size=32, channel_axis=True, seed=args.seed
        )
        model = spectrogram_cnn(
            (crop, 64, 1),
            2,
            dropout=dropout,
            weight_decay=decay,
            input_norm=input_norm,
            name="music_speech_cnn",
        )
        schedule = (
            keras.optimizers.schedules.CosineDecay(rate, epochs * len(train)) if cures else rate
        )
        compile_classifier(model, schedule, optimizer)
        log_dir = experiment.run_dir(name.replace(", ", "-").replace(" ", "-"))
        callbacks = []
        if cures:  # show what the model hears, with its answers
            x_shown = np.stack([logmel(t)[:crop] for t in shown])[..., None]
            callbacks = [
                SpectrogramImages(
                    log_dir,
                    x_shown,
                    [s[..., 0] for s in x_shown],
                    [int(target(t)) for t in shown],
                    classes,
                    every=max(1, epochs // 3),
                ),
                AudioExamples(
                    log_dir, [t.audio() for t in shown], [f"{t.kind}: {t.track_id}" for t in shown]
                ),
            ]
        with Stopwatch() as watch:
            history = fit(
                model,
                train,
                valid,
                epochs=epochs,
                log_dir=log_dir,
                callbacks=callbacks,
                patience=max(3, epochs // 3) if cures else None,
                verbose=0,
            )
            scores = clip_scores(model, splits["test"], logmel, crop)
        test = balanced_accuracy(y["test"], scores)
        experiment.record(f"cnn, {name}", "model", "balanced accuracy", test, watch.seconds)
        log_hparams(
            log_dir,
            {
                "optimizer": optimizer,
                "learning_rate": rate,
                "input_norm": input_norm,
                "dropout": dropout,
                "weight_decay": decay,
                "early_stopping_and_schedule": cures,
            },
            {"test_balanced_accuracy": test, "best_val_loss": min(history.history["val_loss"])},
        )
        print(
            f"{name:20s}: {len(history.history['loss'])} epochs, final train loss "
            f"{history.history['loss'][-1]:.3f}, best validation loss "
            f"{min(history.history['val_loss']):.3f}, test balanced accuracy {test:.3f}"
        )
    return experiment.finish()


if __name__ == "__main__":
    run(main)
