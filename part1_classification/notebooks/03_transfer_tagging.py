# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # Part 1 · Notebook 3: Mood tagging with transfer learning
#
# A clip can be happy *and* energetic, or sad and calm, or carry no mood word at all. Tagging
# is **multi-label** classification: one yes/no decision per tag. Mood labels are also
# expensive to collect, so the labelled set is small. This notebook borrows an ear: a CNN
# that the course pre-trained on a larger corpus for *other* labels (styles and instruments),
# and reuses it for moods. We
#
# 1. build multi-hot targets and see why the output is a sigmoid per tag, trained with binary
#    cross-entropy;
# 2. meet the pre-trained **backbone** and what it was trained on;
# 3. compare, in one run and on the same test clips, an MFCC + logistic-regression baseline,
#    the backbone's **frozen embeddings** + logistic regression, the same network **trained
#    from scratch**, and the backbone **fine-tuned**;
# 4. read the results per tag, with ROC-AUC and PR-AUC, and see why PR-AUC is lower and
#    depends on how frequent a tag is.
#
# `part1_classification/scripts/tagging.py` runs the same comparison from the command line,
# also on MTG-Jamendo (section 8).

# %%
# The backend must be chosen before Keras is imported for the first time in a process:
# start_notebook does it ($KERAS_BACKEND, else JAX), with the corpus size ($MIR_COURSE_SIZE,
# else workshop), compact inline figures and the settings of the script named here.
from common.cli import start_notebook

notebook = start_notebook("tagging")
SIZE = notebook.size

import keras
import numpy as np
from matplotlib.ticker import MaxNLocator

from common import REPO_ROOT
from common.nn.training import set_seed
from common.viz.figures import new_figure

set_seed(0)  # Python, NumPy and backend seeds; also imports TensorFlow quietly (TensorBoard)
epochs = notebook.epochs
BACKBONE = REPO_ROOT / "part1_classification" / "backbone" / "backbone.keras"

# %% [markdown]
# ## 1. Multi-label targets
#
# Every music clip of the corpus has a (possibly empty) list of mood tags, given by a fixed
# rule on its mode, tempo, loudness and density of notes (Part 0, notebook 2). We keep the
# tags that occur at least twice in the training split, and turn each clip's list into a
# **multi-hot** vector: one entry per tag, 1 if the tag applies.

# %%
from collections import Counter

from common.cli import parse_args, script_parser
from common.data.targets import multi_hot_targets
from common.experiment import Experiment

args = parse_args(script_parser(None, part=1, example="tagging_notebook"), ["--size", SIZE])
experiment = Experiment(args)
splits = experiment.splits(kind="music", require="moods")
counts = Counter(mood for track in splits["train"] for mood in track.moods)
vocabulary = sorted(mood for mood, n in counts.items() if n >= 2)
tags_of = multi_hot_targets(vocabulary, "moods")
y = {split: np.stack([tags_of(t) for t in tracks]) for split, tracks in splits.items()}

example = splits["train"][0]
print(f"vocabulary: {vocabulary}")
print(f"{example.track_id}: moods {example.moods} -> target {y['train'][0]}")
print(
    f"{'':6s}" + "".join(f"{tag:>10s}" for tag in vocabulary) + "   clips   tags per clip (0/1/2)"
)
for split, targets in y.items():
    per_clip = np.bincount(targets.sum(1).astype(int), minlength=3)
    print(
        f"{split:6s}"
        + "".join(f"{f:10.2f}" for f in targets.mean(0))
        + f"   {len(targets):5d}   {' / '.join(str(n) for n in per_clip)}"
    )

# %% [markdown]
# The numbers under each tag are its **frequency**: the fraction of clips that carry it.
# They are far from 0.5, and they will matter when we read the scores.
#
# ## 2. Sigmoid outputs and binary cross-entropy
#
# A single-label classifier ends with a **softmax**: its outputs are positive and sum to 1,
# so the classes compete for one unit of probability. That is wrong for tags: a clip that is
# both happy and energetic needs *two* outputs near 1, and an untagged clip needs all of them
# near 0. A tagger ends with one **sigmoid** per tag, $\sigma(z) = 1 / (1 + e^{-z})$, each an
# independent probability, and its loss is the **binary cross-entropy** averaged over tags:
# a separate logistic-regression loss for each yes/no question. Here is the same vector of
# scores $z$ through both, for a clip whose target has two tags:

# %%
# scores for the tags in vocabulary order: the first two high, the others low
logits = np.float32([[3.0, 2.5] + [-2.0, -3.0, -1.0, -2.5, -1.5, -2.0][: len(vocabulary) - 2]])
wanted = (logits > 0).astype(np.float32)
softmax = keras.ops.convert_to_numpy(keras.ops.softmax(logits))[0]
sigmoid = keras.ops.convert_to_numpy(keras.ops.sigmoid(logits))[0]
bce = keras.ops.convert_to_numpy(keras.losses.binary_crossentropy(wanted, sigmoid[None]))[0]
print(f"{'tag':10s} {'target':>6s} {'softmax':>8s} {'sigmoid':>8s}")
for tag, t, p, q in zip(vocabulary, wanted[0], softmax, sigmoid, strict=True):
    print(f"{tag:10s} {t:6.0f} {p:8.3f} {q:8.3f}")
print(f"sum: softmax {softmax.sum():.3f}, sigmoid {sigmoid.sum():.3f}")
print(f"binary cross-entropy of the sigmoid outputs: {bce:.3f}")

# %% [markdown]
# The softmax splits its unit of probability between the two present tags: their
# probabilities add up to less than 1, so they cannot both be near 1. The sigmoids say "yes"
# to both, and "no" to each of the others. The course's `compile_classifier(...,
# multilabel=True)` uses exactly this loss, with a multi-label ROC-AUC as its metric.
#
# ## 3. The pre-trained backbone
#
# `part1_classification/backbone/backbone.keras` is a CNN of the same family as in the
# previous notebooks (wider: 32, 64, 128 and 128 filters), pre-trained by
# `part1_classification/scripts/train_backbone.py` on the `full` corpus to predict the style
# (softmax) and the instruments (sigmoids) of each clip. Its sub-model `backbone` maps a
# log-mel spectrogram of any length to a 256-number **embedding** (the mean and max of its
# last feature maps). `backbone.json`, written by the training script, says how it was
# trained and how well it did on its own task:

# %%
from common.fileio import read_json
from common.models import load_model
from common.models.spectrogram import backbone_of

info = read_json(BACKBONE.with_suffix(".json"))
for key in ("source", "inputs", "embedding", "training_clips", "epochs", "parameters", "file_mb"):
    print(f"{key:>15s}: {info[key]}")
print(
    f"{'source labels':>15s}: {len(info['styles'])} styles, {len(info['instruments'])} instrument families"
)
print(f"{'test':>15s}: {info['test']}")
trained = info["trained"]
print(
    f"{'trained':>15s}: {trained['command']} ({trained['backend']}, {trained['seconds']} s, {trained['date']})"
)

pretrained = load_model(BACKBONE, compile=False)
backbone = backbone_of(pretrained)
print(f"\nheads of the pre-trained model: {[layer.name for layer in pretrained.layers[-2:]]}")
print(f"embedding of the backbone: {backbone.output.shape}, {backbone.count_params():,} parameters")

# %% [markdown]
# The word *mood* appears nowhere in its training: whatever it knows about moods, it learned
# while telling styles and instruments apart. Its source corpus is rendered from the same
# generator as ours, so this is transfer between tasks more than between kinds of audio;
# on real data the distance between source and target is usually larger.
#
# ## 4. The baseline: MFCC statistics + logistic regression
#
# One logistic regression per tag on the 80 MFCC statistics of each clip (standardised),
# exactly as `tagging.py` does. Scores are compared with two metrics, each averaged over tags
# (**macro**):
#
# - **ROC-AUC**: the probability that a random clip *with* the tag scores higher than a
#   random clip without it. Chance is 0.5 for every tag.
# - **PR-AUC** (average precision): the area under the precision-recall curve, i.e. how
#   clean the top of the ranking is. Chance is close to the tag's frequency.

# %%
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from common.data.cache import FeatureCache
from common.nn.training import Stopwatch
from common.tasks.classification import macro_pr_auc, macro_roc_auc

test_scores = {}


def linear(x_train):
    """One logistic regression per tag on standardised features (as in tagging.py)."""
    model = make_pipeline(
        StandardScaler(), OneVsRestClassifier(LogisticRegression(C=0.1, max_iter=5000))
    )
    return model.fit(x_train, y["train"])


def record(name, role, scores, seconds):
    test_scores[name] = scores
    roc, pr = macro_roc_auc(y["test"], scores), macro_pr_auc(y["test"], scores)
    experiment.record(name, role, "roc-auc (macro)", roc, seconds)
    experiment.record(name, role, "pr-auc (macro)", pr, seconds)
    print(f"{name:38s} ROC-AUC {roc:.3f}  PR-AUC {pr:.3f}  ({seconds:.0f} s)")


with Stopwatch() as watch:
    mfcc = FeatureCache("mfcc_statistics")
    scores = linear(mfcc.table(splits["train"])).decision_function(mfcc.table(splits["test"]))
record("mfcc statistics + logistic regression", "baseline", scores, watch.seconds)

# %% [markdown]
# ## 5. Three ways to use the backbone
#
# ### Frozen embeddings + logistic regression
#
# The cheapest transfer: run the backbone once over every crop of every clip, average the
# embeddings of a clip's crops, and fit the same per-tag logistic regressions on these 256
# numbers instead of the 80 MFCC statistics. No gradient touches the network.

# %%
from common.audio.io import DEFAULT_SAMPLE_RATE
from common.experiment import clip_scores

N_MELS = 64
logmel = FeatureCache("logmel", n_mels=N_MELS)
crop = int(notebook.script.CROP_SECONDS * DEFAULT_SAMPLE_RATE / 512) + 1  # 3 s, as in the script
with Stopwatch() as watch:
    embedding = {s: clip_scores(backbone, splits[s], logmel, crop) for s in ("train", "test")}
    scores = linear(embedding["train"]).decision_function(embedding["test"])
record("frozen backbone + logistic regression", "model", scores, watch.seconds)

# %% [markdown]
# ### From scratch
#
# The same architecture as the backbone (same widths), with random weights and a sigmoid
# output per tag, trained on our small training split only. The gap between this and the
# transferred models is what pre-training is worth here.

# %%
from keras import layers

from common.data.samplers import CropDataset
from common.models.spectrogram import spectrogram_cnn
from common.nn.training import compile_classifier, fit

train = CropDataset(
    splits["train"], logmel, tags_of, crop, batch_size=16, channel_axis=True, seed=0
)
valid = CropDataset(
    splits["valid"],
    logmel,
    tags_of,
    crop,
    batch_size=64,
    random_crops=False,
    shuffle=False,
    channel_axis=True,
)
patience = max(4, epochs // 3)
widths = tuple(layer.filters for layer in backbone.layers if isinstance(layer, layers.Conv2D))

set_seed(0)
scratch = spectrogram_cnn(
    (None, N_MELS, 1), len(vocabulary), "sigmoid", widths=widths, name="scratch"
)
compile_classifier(scratch, 1e-3, multilabel=True)
with Stopwatch() as watch:
    scratch_history = fit(
        scratch,
        train,
        valid,
        epochs=epochs,
        log_dir=experiment.run_dir("scratch"),
        patience=patience,
        verbose=0,
    ).history
    scores = clip_scores(scratch, splits["test"], logmel, crop)
print(f"widths {widths}; {len(scratch_history['loss'])} epochs")
record("cnn from scratch", "model", scores, watch.seconds)

# %% [markdown]
# ### Fine-tuning
#
# A fresh copy of the backbone gets a new head: dropout and one sigmoid per mood tag. It is
# trained in two stages, a coarse version of what Howard and Ruder (2018) call gradual
# unfreezing:
#
# 1. the backbone is **frozen** (`trainable = False`) and only the new head learns, at a
#    normal learning rate: a random head would otherwise send large, meaningless gradients
#    into the pre-trained weights;
# 2. everything is unfrozen and trained with a learning rate ten times smaller, so the
#    pre-trained filters adapt without being forgotten.
#
# Note that `model.compile` must be called again after changing `trainable`.

# %%
set_seed(0)
tuned_backbone = backbone_of(load_model(BACKBONE, compile=False))
inputs = keras.Input((None, N_MELS, 1), name="spectrogram")
hidden = layers.Dropout(0.3, name="dropout")(tuned_backbone(inputs))
outputs = layers.Dense(len(vocabulary), activation="sigmoid", name="tags")(hidden)
tuned = keras.Model(inputs, outputs, name="fine_tuned")
log_dir = experiment.run_dir("fine-tuning")
with Stopwatch() as watch:
    tuned_backbone.trainable = False  # stage 1: the new head alone
    compile_classifier(tuned, 1e-3, multilabel=True)
    head_history = fit(
        tuned,
        train,
        valid,
        epochs=max(1, epochs // 5),
        log_dir=log_dir / "head",
        checkpoint=False,
        verbose=0,
    ).history
    tuned_backbone.trainable = True  # stage 2: everything, gently
    compile_classifier(tuned, 1e-4, multilabel=True)
    tuned_history = fit(
        tuned, train, valid, epochs=epochs, log_dir=log_dir / "all", patience=patience, verbose=0
    ).history
    scores = clip_scores(tuned, splits["test"], logmel, crop)
print(
    f"head: {len(head_history['loss'])} epochs, then all layers: {len(tuned_history['loss'])} epochs"
)
record("fine-tuned backbone", "model", scores, watch.seconds)

# %% [markdown]
# The validation ROC-AUC after each epoch shows how the two trained models got there (for
# fine-tuning, the head-only epochs come first, left of the dotted line).

# %%
fig, axes = new_figure(figsize=(7, 3))
ax = axes[0, 0]
ax.plot(
    np.arange(1, len(scratch_history["val_roc_auc"]) + 1),
    scratch_history["val_roc_auc"],
    "o-",
    ms=3,
    label="from scratch",
)
tuned_curve = head_history["val_roc_auc"] + tuned_history["val_roc_auc"]
ax.plot(np.arange(1, len(tuned_curve) + 1), tuned_curve, "o-", ms=3, label="fine-tuned backbone")
ax.axvline(len(head_history["val_roc_auc"]) + 0.5, color="0.5", ls=":")
ax.set(xlabel="epoch", ylabel="ROC-AUC (validation crops)", title="Learning curves")
ax.xaxis.set_major_locator(MaxNLocator(integer=True))
ax.legend()
fig

# %% [markdown]
# ## 6. The comparison
#
# All four on the same test clips, from this run:

# %%
from common.results import format_table

print(format_table(experiment.rows))

fig, axes = new_figure(1, 2, figsize=(11, 3))
names = list(test_scores)
for ax, (metric, function) in zip(
    axes[0], (("ROC-AUC", macro_roc_auc), ("PR-AUC", macro_pr_auc)), strict=True
):
    values = [function(y["test"], test_scores[name]) for name in names]
    ax.barh(range(len(names)), values, color=[f"C{i}" for i in range(len(names))])
    ax.set_yticks(range(len(names)), names if metric == "ROC-AUC" else [""] * len(names))
    ax.set(xlim=(0, 1), xlabel=f"{metric} (macro, test split)", title=metric)
    for i, value in enumerate(values):
        ax.text(value + 0.01, i, f"{value:.3f}", va="center", fontsize=8)
fig

# %% [markdown]
# What to expect, and to check against the numbers above. Frozen embeddings are strong for
# their cost: seconds of computation, no training of the network, and a linear model that
# cannot overfit much. Fine-tuning can go further, but on a small training set it may not:
# there is little to learn from, and the validation split that stops it is small too. The
# network trained from scratch has the same architecture, but only our small training split
# to learn its filters from; the distance between it and the transferred models is the
# value of pre-training. The MFCC baseline tells whether any of the CNNs is worth it.
#
# ## 7. Per tag: ROC curves, PR-AUC and tag frequency
#
# A macro average hides which tags are easy. Here are the ROC curves of each tag on the test
# split: the true positive rate (the fraction of clips with the tag that score above a
# threshold) against the false positive rate (the fraction of clips without it that do),
# for every threshold.

# %%
from sklearn.metrics import average_precision_score, roc_auc_score, roc_curve

present = [i for i in range(len(vocabulary)) if 0 < y["test"][:, i].sum() < len(y["test"])]
columns = 3
rows = int(np.ceil(len(present) / columns))
fig, axes = new_figure(rows, columns, figsize=(11, 3.2 * rows))
for ax in axes.flat[len(present) :]:
    ax.axis("off")
for ax, i in zip(axes.flat, present, strict=False):
    for k, (name, scores) in enumerate(test_scores.items()):
        false_positive, true_positive, _ = roc_curve(y["test"][:, i], scores[:, i])
        auc = roc_auc_score(y["test"][:, i], scores[:, i])
        ax.plot(
            false_positive, true_positive, color=f"C{k}", label=f"{name.split(' + ')[0]}: {auc:.2f}"
        )
    ax.plot([0, 1], [0, 1], color="0.7", ls="--")
    frequency = y["test"][:, i].mean()
    ax.set(
        title=f"{vocabulary[i]} (frequency {frequency:.2f})",
        xlabel="false positive rate",
        ylabel="true positive rate",
    )
    ax.legend(fontsize=7, loc="lower right")
fig

# %% [markdown]
# And the per-tag PR-AUC of each model, next to what a model that ranks the clips at random
# would get for that tag (the average over 200 random rankings):

# %%
rng = np.random.default_rng(0)
random_scores = [rng.random(y["test"].shape) for _ in range(200)]
chance = np.array(
    [
        np.mean([average_precision_score(y["test"][:, i], s[:, i]) for s in random_scores])
        for i in present
    ]
)
fig, axes = new_figure(figsize=(10, 3.2))
ax = axes[0, 0]
width = 0.8 / len(test_scores)
for k, (name, scores) in enumerate(test_scores.items()):
    values = [average_precision_score(y["test"][:, i], scores[:, i]) for i in present]
    ax.bar(
        np.arange(len(present)) + (k - (len(test_scores) - 1) / 2) * width,
        values,
        width,
        color=f"C{k}",
        label=name,
    )
ax.scatter(
    np.arange(len(present)), chance, marker="_", s=600, color="k", zorder=3, label="random ranking"
)
ax.set_xticks(range(len(present)), [vocabulary[i] for i in present])
ax.set(ylim=(0, 1.05), ylabel="PR-AUC (test split)", title="Per-tag PR-AUC and its chance level")
ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
fig

# %% [markdown]
# Why is PR-AUC lower than ROC-AUC, and lower for rare tags? ROC-AUC compares positives with
# negatives *one pair at a time*, so it does not care how many negatives there are. Precision
# does: for a tag carried by 10 % of the clips, nine clips out of ten are negatives, and even
# a small fraction of them ranked high fills the top of the list with false positives. A
# random ranking has a ROC-AUC of 0.5 for every tag, but a PR-AUC close to the tag's
# frequency (a little above it when the test split holds only a few clips with the tag), so
# rare tags start low. The numbers:

# %%
frequencies = y["test"][:, present].mean(0)
random_roc = np.mean([macro_roc_auc(y["test"], s) for s in random_scores])
random_pr = np.mean([macro_pr_auc(y["test"], s) for s in random_scores])
print(
    f"random ranking, mean of 200 draws: macro ROC-AUC {random_roc:.3f}, macro PR-AUC {random_pr:.3f}"
)
best_pr = max(test_scores, key=lambda name: macro_pr_auc(y["test"], test_scores[name]))
print(
    f"\n{'tag':10s} {'positives':>9s} {'frequency':>9s} {'random PR-AUC':>13s}   PR-AUC of {best_pr}"
)
for i, frequency, level in zip(present, frequencies, chance, strict=True):
    model_pr = average_precision_score(y["test"][:, i], test_scores[best_pr][:, i])
    positives = int(y["test"][:, i].sum())
    print(
        f"{vocabulary[i]:10s} {positives:9d} {frequency:9.2f} {level:13.2f}   {model_pr:.2f} ({model_pr / level:.1f} x chance)"
    )

# %% [markdown]
# So report both metrics, and read PR-AUC against its chance level (or as a multiple of it,
# as in the last column), never against 0.5. ROC-AUC is easy to compare across tags and
# datasets; PR-AUC tells what a listener would see at the top of a ranked playlist.
#
# ## 8. On real data: MTG-Jamendo and MagnaTagATune
#
# The same script runs on real tagging datasets once they are downloaded (the course never
# downloads them for you; the loaders print the command if a dataset is missing):
#
# ```bash
# python part1_classification/scripts/tagging.py --dataset mtg_jamendo --data-home ~/mir_datasets
# ```
#
# - **MTG-Jamendo** (Bogdanov et al., 2019): full-length Creative Commons tracks tagged by
#   their uploaders. `--dataset mtg_jamendo` reads its mood/theme subset (56 tags, about
#   18,500 tracks) with the official split 0, which keeps each artist on one side; its audio
#   is about 46 GB in low quality. The labels are noisy and many tags are rare, so expect
#   PR-AUCs far below those of this corpus. Tracks are several minutes long: `clip_scores`
#   averages over all their crops, which takes time.
# - **MagnaTagATune** (Law et al., 2009): about 26,000 clips of 29 s, with the 50 most
#   frequent tags of a listening game. Its tags mix genres, instruments and moods without
#   categories, so the loader fills `tags` but leaves `moods` empty: to tag it, use
#   `multi_hot_targets(vocabulary, "tags")` and count `track.tags` instead of `track.moods`
#   (`--dataset magnatagatune` with `tagging.py` as it is stops with a message that the
#   dataset has no mood labels). Its usual split is by folder, not by artist.
#
# Both are the standard benchmarks of music auto-tagging (e.g. Pons et al., 2018; Won et al.,
# 2020), where pre-trained embeddings are the usual starting point for small target tasks.
#
# ## 9. Measured on the three backends
#
# The benchmark runs `tagging.py` at the workshop size on each backend (from
# `results/quality-workshop.json`). Rows marked `ood-styles` and `ood-timbres` are the same
# models on the course's held-out music (Part 0, notebook 2: styles the corpus never plays,
# and its styles on another synthesiser), macro over the mood tags each group has both with
# and without. The held-out groups are small (16 and 24 clips at the workshop size), and a
# frozen backbone trained on the corpus's sounds may carry the corpus's blind spots to a new
# task: compare how far each way of using it falls from the test split.

# %%
from IPython.display import Markdown

from common.course.bench import measured

Markdown(measured(1, "tagging"))

# %% [markdown]
# ## Your turn
#
# The measured table gives one macro ROC-AUC per held-out group; look inside it. Load
# `load_held_out(SIZE)` (from `common.data`), build the targets of the `ood-styles` clips with
# `tags_of`, score them with the fine-tuned model and with the CNN from scratch (`clip_scores`,
# as in section 5), and compute `sklearn.metrics.roc_auc_score` for each mood that some of
# these clips have and others do not. Which mood does the transferred backbone get wrong?
# Listen to the clips where it is most confident and wrong.

# %% [markdown]
# ## What to remember
#
# - Multi-label outputs: one sigmoid per tag and binary cross-entropy, never a softmax.
# - A pre-trained backbone is a feature extractor first: its frozen embeddings with a linear
#   model are cheap, hard to overfit and often strong. Fine-tune in two stages (head, then
#   everything at a small learning rate) and check on validation whether it pays.
# - Always compare with a from-scratch model and a hand-crafted baseline in the same run.
# - Report ROC-AUC and PR-AUC, macro-averaged; read PR-AUC against each tag's frequency.
