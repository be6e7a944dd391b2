"""Pre-train the course's backbone: styles and instruments on the large corpus.

Part 1, the source task of transfer learning. A CNN learns two things at once from log-mel
crops of the ``full`` corpus (3,360 clips of 30 s): the style (softmax over 8) and the
instrument families that play (sigmoid per family). Its clip embedding (the layer named
``embedding`` inside the sub-model ``backbone``) then serves other tasks: see ``tagging.py``.

The result ships with the course: ``part1_classification/backbone/backbone.keras`` (well under
10 MB) and ``backbone.json``, with its test-split metrics on the source task and how it was
trained. The workshop does not run this script; rebuilding the backbone takes about ten minutes
on a 2-core CPU with the TensorFlow backend (the fastest there for convolutions).

    python part1_classification/scripts/train_backbone.py --size full --backend tensorflow
"""

from __future__ import annotations

from common import REPO_ROOT
from common.cli import parse_args, run, script_parser

BACKBONE_DIR = REPO_ROOT / "part1_classification" / "backbone"
EPOCHS = {"tiny": 2, "workshop": 20, "full": 40}
WIDTHS = (32, 64, 128, 128)
N_MELS = 64
CROP_SECONDS = 3.0


def build(n_styles: int, n_instruments: int):
    """The backbone (log-mel ``(frames, 64, 1)`` of any length -> embedding) with the two heads."""
    import keras
    from keras import layers

    from common.models.spectrogram import embedding_model, spectrogram_cnn

    cnn = spectrogram_cnn((None, N_MELS, 1), n_styles, widths=WIDTHS, name="source_cnn")
    backbone = embedding_model(cnn, name="backbone")
    inputs = keras.Input((None, N_MELS, 1), name="spectrogram")
    embedding = layers.Dropout(0.3, name="dropout")(backbone(inputs))
    outputs = {
        "style": layers.Dense(n_styles, activation="softmax", name="style")(embedding),
        "instruments": layers.Dense(n_instruments, activation="sigmoid", name="instruments")(
            embedding
        ),
    }
    return keras.Model(inputs, outputs, name="pretrained")


def main(argv: list[str] | None = None) -> int:
    parser = script_parser(__doc__, part=1, example="backbone")
    parser.set_defaults(size="full")
    parser.add_argument("--out", default=str(BACKBONE_DIR), help="folder for backbone.keras/json")
    args = parse_args(parser, argv)

    import platform
    from datetime import date
    from pathlib import Path

    import keras
    import numpy as np

    from common.audio.io import DEFAULT_SAMPLE_RATE
    from common.course.bench import machine
    from common.data.cache import FeatureCache
    from common.data.samplers import CropDataset
    from common.data.targets import class_targets, multi_hot_targets
    from common.experiment import Experiment, clip_scores
    from common.fileio import atomic_path, write_json
    from common.nn.training import Stopwatch, fit, set_seed
    from common.tasks.classification import accuracy, macro_roc_auc

    experiment = Experiment(args)
    splits = experiment.splits(kind="music", require="genre")
    styles = sorted({t.genre for t in splits["train"]})
    instruments = sorted({i for t in splits["train"] for i in t.instruments})
    style_of, instruments_of = class_targets(styles), multi_hot_targets(instruments, "instruments")

    def targets(track):
        return {"style": style_of(track), "instruments": instruments_of(track)}

    logmel = FeatureCache("logmel", n_mels=N_MELS)
    crop = int(CROP_SECONDS * DEFAULT_SAMPLE_RATE / 512) + 1
    epochs = EPOCHS[args.size] if args.epochs is None else args.epochs
    print(
        f"{len(splits['train'])} training clips, {len(styles)} styles, {len(instruments)} instrument families"
    )

    set_seed(args.seed)
    model = build(len(styles), len(instruments))
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss={"style": "sparse_categorical_crossentropy", "instruments": "binary_crossentropy"},
        metrics={
            "style": [keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
            "instruments": [keras.metrics.AUC(name="roc_auc", multi_label=True)],
        },
    )
    train = CropDataset(
        splits["train"], logmel, targets, crop, batch_size=32, channel_axis=True, seed=args.seed
    )
    valid = CropDataset(
        splits["valid"], logmel, targets, crop, random_crops=False, shuffle=False, channel_axis=True
    )
    with Stopwatch() as watch:
        fit(
            model,
            train,
            valid,
            epochs=epochs,
            log_dir=experiment.run_dir(),
            patience=max(4, epochs // 4),
            verbose=2,
        )

    # Test-split metrics on the source task, whole clips (mean over crops).
    scores = clip_scores(model, splits["test"], logmel, crop)
    style_accuracy = accuracy([style_of(t) for t in splits["test"]], scores["style"])
    instrument_auc = macro_roc_auc(
        np.stack([instruments_of(t) for t in splits["test"]]), scores["instruments"]
    )
    experiment.record("backbone", "model", "style accuracy", style_accuracy, watch.seconds)
    experiment.record(
        "backbone", "model", "instrument roc-auc (macro)", instrument_auc, watch.seconds
    )

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with atomic_path(out / "backbone.keras") as tmp:
        model.save(tmp)
    size_mb = (out / "backbone.keras").stat().st_size / 2**20
    write_json(
        out / "backbone.json",
        {
            "source": f"{args.dataset} corpus, {args.size} preset, seed {args.seed}",
            "inputs": f"log-mel, {N_MELS} bands, 1024-point FFT, hop 512 at {DEFAULT_SAMPLE_RATE} Hz "
            f"(common.audio.features.logmel), crops of {crop} frames",
            "embedding": "layer 'embedding' of sub-model 'backbone': mean and max over time and frequency",
            "styles": styles,
            "instruments": instruments,
            "training_clips": len(splits["train"]),
            "epochs": epochs,
            "parameters": int(model.count_params()),
            "file_mb": round(size_mb, 2),
            "test": {
                "clips": len(splits["test"]),
                "style_accuracy": round(style_accuracy, 4),
                "instrument_roc_auc_macro": round(instrument_auc, 4),
            },
            "trained": {
                "backend": args.backend,
                "seconds": round(watch.seconds),
                "date": date.today().isoformat(),
                "machine": machine(),
                "python": platform.python_version(),
                "command": "python part1_classification/scripts/train_backbone.py --size "
                f"{args.size} --backend {args.backend}",
            },
        },
    )
    print(
        f"Saved {out / 'backbone.keras'} ({size_mb:.2f} MB): test style accuracy {style_accuracy:.3f}, "
        f"instrument ROC-AUC {instrument_auc:.3f}"
    )
    return experiment.finish()


if __name__ == "__main__":
    run(main)
