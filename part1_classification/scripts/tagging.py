"""Mood tags with a borrowed ear: transfer learning from a pre-trained backbone.

Part 1, example ``tagging``. The backbone (``part1_classification/backbone/backbone.keras``,
made by ``train_backbone.py``) learned styles and instruments from the 2,400 training clips
of the ``full`` corpus. Here the task is new, multi-label mood tagging (happy, sad, tense,
relaxed, energetic, calm), and the labelled set is small: the training split of the chosen
corpus. Three ways to use it:

1. **from scratch**: the same architecture, random weights, trained on the small set only;
2. **frozen embeddings + linear classifier**: the backbone's clip embeddings, fixed, and a
   logistic regression per tag on top;
3. **fine-tuning**: the backbone with a new sigmoid head, first training the head alone, then
   everything with a small learning rate.

Baseline in the same run: logistic regression on MFCC statistics. Metrics, macro over tags:
ROC-AUC, and PR-AUC (average precision), whose chance level is each tag's frequency; on the test
split and on each group of the course's held-out music (over the tags each set has both with and
without).

    python part1_classification/scripts/tagging.py --size tiny --backend jax
    python part1_classification/scripts/tagging.py --dataset mtg_jamendo --data-home ~/mir_datasets
    python part1_classification/scripts/tagging.py --dataset magnatagatune --labels tags
"""

from __future__ import annotations

from common import REPO_ROOT
from common.cli import parse_args, run, script_parser

BACKBONE = REPO_ROOT / "part1_classification" / "backbone" / "backbone.keras"
EPOCHS = {"tiny": 2, "workshop": 30, "full": 40}
CROP_SECONDS = 3.0


def main(argv: list[str] | None = None) -> int:
    parser = script_parser(__doc__, part=1, example="tagging")
    parser.add_argument("--backbone", default=str(BACKBONE), help="pre-trained backbone (.keras)")
    parser.add_argument(
        "--labels",
        choices=("moods", "tags"),
        default=None,
        help="which words to predict: mood tags, or all tags (default: moods; tags for "
        "magnatagatune, whose tags have no categories)",
    )
    args = parse_args(parser, argv)
    labels = args.labels or ("tags" if args.dataset == "magnatagatune" else "moods")

    import keras
    import numpy as np
    from keras import layers
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from common.audio.io import DEFAULT_SAMPLE_RATE
    from common.data.cache import FeatureCache
    from common.data.samplers import CropDataset
    from common.data.targets import multi_hot_targets
    from common.experiment import Experiment, clip_scores
    from common.models import load_model
    from common.models.spectrogram import backbone_of, spectrogram_cnn
    from common.nn.training import Stopwatch, fit, set_seed
    from common.tasks.classification import macro_pr_auc, macro_roc_auc

    experiment = Experiment(args)
    splits = experiment.splits(kind="music", require=labels)
    counts = {}
    for track in splits["train"]:
        for word in getattr(track, labels):
            counts[word] = counts.get(word, 0) + 1
    vocabulary = sorted(w for w, n in counts.items() if n >= 2)  # a tag needs examples to learn
    tags_of = multi_hot_targets(vocabulary, labels)
    # Scored on the test split and on each held-out group, which nothing is trained or tuned on.
    evaluated = experiment.evaluated(splits["test"], require=labels)
    y = {s: np.stack([tags_of(t) for t in tracks]) for s, tracks in {**splits, **evaluated}.items()}
    for split in [s for s in evaluated if s != "test"]:
        if not ((y[split].min(0) == 0) & (y[split].max(0) == 1)).any():
            print(f"{split}: no tag is both present and absent there, so no AUC; left out.")
            del evaluated[split]
    print(
        f"{len(vocabulary)} tags; training clips: {len(y['train'])}; tag frequencies in the "
        "test split: "
        + ", ".join(f"{m} {f:.2f}" for m, f in zip(vocabulary, y["test"].mean(0), strict=True))
    )

    logmel = FeatureCache("logmel", n_mels=64)
    crop = int(CROP_SECONDS * DEFAULT_SAMPLE_RATE / 512) + 1
    epochs = EPOCHS[args.size] if args.epochs is None else args.epochs

    def record(name: str, role: str, scores: dict[str, np.ndarray], seconds: float) -> None:
        roc = {s: macro_roc_auc(y[s], scores[s]) for s in evaluated}
        pr = {s: macro_pr_auc(y[s], scores[s]) for s in evaluated}
        experiment.record_splits(name, role, "roc-auc (macro)", roc, seconds)
        experiment.record_splits(name, role, "pr-auc (macro)", pr, seconds)
        for split in evaluated:
            print(f"{name:40s} {split:12s} ROC-AUC {roc[split]:.3f}  PR-AUC {pr[split]:.3f}")

    def linear(x_train: np.ndarray) -> OneVsRestClassifier:
        model = make_pipeline(
            StandardScaler(), OneVsRestClassifier(LogisticRegression(C=0.1, max_iter=5000))
        )
        return model.fit(x_train, y["train"])

    # --- baseline: MFCC statistics, one logistic regression per tag ---------------------------
    with Stopwatch() as watch:
        mfcc = FeatureCache("mfcc_statistics")
        regression = linear(mfcc.table(splits["train"]))
        scores = {s: regression.decision_function(mfcc.table(t)) for s, t in evaluated.items()}
    record("mfcc statistics + logistic regression", "baseline", scores, watch.seconds)

    pretrained = load_model(args.backbone, compile=False)
    backbone = backbone_of(pretrained)
    train = CropDataset(
        splits["train"], logmel, tags_of, crop, batch_size=16, channel_axis=True, seed=args.seed
    )
    valid = CropDataset(
        splits["valid"], logmel, tags_of, crop, random_crops=False, shuffle=False, channel_axis=True
    )
    patience = max(4, epochs // 3)

    # --- 1. from scratch ----------------------------------------------------------------------------
    set_seed(args.seed)
    widths = tuple(layer.filters for layer in backbone.layers if isinstance(layer, layers.Conv2D))
    scratch = spectrogram_cnn(
        (None, 64, 1), len(vocabulary), "sigmoid", widths=widths, name="scratch"
    )
    scratch.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    with Stopwatch() as watch:
        fit(
            scratch,
            train,
            valid,
            epochs=epochs,
            log_dir=experiment.run_dir("scratch"),
            patience=patience,
            verbose=0,
        )
        scores = {s: clip_scores(scratch, tracks, logmel, crop) for s, tracks in evaluated.items()}
    record("cnn from scratch", "model", scores, watch.seconds)

    # --- 2. frozen embeddings + linear classifier -------------------------------------------------
    with Stopwatch() as watch:
        regression = linear(clip_scores(backbone, splits["train"], logmel, crop))
        scores = {
            s: regression.decision_function(clip_scores(backbone, tracks, logmel, crop))
            for s, tracks in evaluated.items()
        }
    record("frozen backbone + logistic regression", "model", scores, watch.seconds)

    # --- 3. fine-tuning -------------------------------------------------------------------------------
    set_seed(args.seed)
    inputs = keras.Input((None, 64, 1), name="spectrogram")
    x = layers.Dropout(0.3, name="dropout")(backbone(inputs))
    tuned = keras.Model(
        inputs,
        layers.Dense(len(vocabulary), activation="sigmoid", name="tags")(x),
        name="fine_tuned",
    )
    log_dir = experiment.run_dir("fine-tuning")
    with Stopwatch() as watch:
        backbone.trainable = False  # first the new head alone, so it does not wreck the backbone
        tuned.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
        fit(
            tuned,
            train,
            valid,
            epochs=max(1, epochs // 5),
            log_dir=log_dir / "head",
            checkpoint=False,
            verbose=0,
        )
        backbone.trainable = True  # then everything, gently
        tuned.compile(optimizer=keras.optimizers.Adam(1e-4), loss="binary_crossentropy")
        fit(
            tuned,
            train,
            valid,
            epochs=epochs,
            log_dir=log_dir / "all",
            patience=patience,
            verbose=0,
        )
        scores = {s: clip_scores(tuned, tracks, logmel, crop) for s, tracks in evaluated.items()}
    record("fine-tuned backbone", "model", scores, watch.seconds)
    return experiment.finish()


if __name__ == "__main__":
    run(main)
