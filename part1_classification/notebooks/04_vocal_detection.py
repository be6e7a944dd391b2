# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # Part 1 · Notebook 4: Is someone singing? Vocal detection per clip and per frame
#
# "Does this track have vocals?" is one of the most common questions asked of a music
# collection: playlists of instrumentals, karaoke, lyrics alignment. It comes in two
# flavours:
#
# - **per clip**: is there singing *anywhere* in these seconds of audio?
# - **per frame**: *when* is someone singing? One decision every 23 ms.
#
# A single network can answer both. We train a **frame tagger**, a CNN that keeps the time
# axis of the spectrogram intact and outputs one probability per frame, and then pool its
# frame activations into a clip decision. On the way we will
#
# 1. read the labels from the corpus: the notes of the vocals stem give the truth to the frame;
# 2. fit two baselines in the same run (MFCC statistics + SVM for clips, frame MFCCs + logistic
#    regression for frames);
# 3. train the frame tagger on 3 s crops and run it on whole clips;
# 4. choose the decision threshold on the **validation** split, never on the test split;
# 5. compare mean and max pooling for the clip decision, and see why they behave differently.
#
# The script `part1_classification/scripts/vocal.py` runs the same experiment from the command
# line, with a separate clip-level CNN as well; its measured results close this notebook.

# %%
# The backend must be chosen before Keras is imported for the first time in a process:
# start_notebook does it ($KERAS_BACKEND, else JAX), with the corpus size ($MIR_COURSE_SIZE,
# else workshop), compact inline figures and the settings of the script named here.
from common.cli import start_notebook

notebook = start_notebook("vocal")
SIZE = notebook.size

import keras
import numpy as np
from IPython.display import display

# %% [markdown]
# ## 1. The labels: who sings, and when
#
# Every music clip of the corpus says whether it has a singer (`track.vocal`), and its score
# says exactly when: `common.data.targets.vocal_activity` marks each frame in which a note of
# the **vocals stem** sounds. The frames are those of the log-mel spectrogram the network reads
# (hop of 512 samples, 23 ms at 22050 Hz). Splits are by work, so no version of a test song
# is heard in training.
# %%
from common.audio.features import frame_times
from common.audio.io import DEFAULT_SAMPLE_RATE
from common.audio.sonify import player
from common.data import by_split, load_corpus
from common.data.cache import FeatureCache
from common.data.targets import per_track, vocal_activity
from common.viz.figures import new_figure
from common.viz.plots import plot_learning_curves, plot_spectrogram

HOP = 512
splits = by_split(load_corpus(SIZE).tracks(kind="music"))
logmel = FeatureCache("logmel", n_mels=64)  # (frames, 64 mel bands) in dB, as in the script


def activity(track):
    """(frames, 1): 1 where a sung note sounds, on the frames of the log-mel spectrogram."""
    return vocal_activity(track, len(logmel(track)), HOP)


activity = per_track(activity)  # computed once per track, then remembered
clip_labels = {s: np.array([int(t.vocal) for t in tracks]) for s, tracks in splits.items()}
for split, tracks in splits.items():
    sung = [activity(t).mean() for t in tracks if t.vocal]
    print(
        f"{split:5s}: {len(tracks):3d} clips, {clip_labels[split].sum():3d} with singing; "
        f"in those, {np.mean(sung):.0%} of the frames are sung on average "
        f"(from {np.min(sung):.0%} to {np.max(sung):.0%})"
    )
disagree = sum(bool(activity(t).any()) != t.vocal for tracks in splits.values() for t in tracks)
print(f"clips whose label disagrees with their frame activity: {disagree}")
print(
    "always answering 'instrumental' would be right for "
    f"{1 - clip_labels['test'].mean():.0%} of the test clips"
)

# %% [markdown]
# Two things to notice. The classes are not balanced, so a clip classifier that always answers
# "instrumental" already gets the plain accuracy printed last: we will also report the
# **balanced accuracy** (the mean of the recall of each class, 0.5 for any constant answer).
# And even in a vocal clip a good part of the frames are not sung: between phrases the singer
# breathes, and some phrases of the melody are played by an instrument instead. A frame
# detector must therefore tell a voice from a lead instrument playing the same tune.
#
# Let us look at, and listen to, one vocal clip of the training split: its mix, its vocals stem,
# and the activity read from the score.

# %%
from common.audio.features import logmel as logmel_of  # the function behind the cache, for the stem

example = next(t for t in splits["train"] if t.vocal and 0.3 < activity(t).mean() < 0.9)
vocals_stem = example.stem("vocals")
fig, axes = new_figure(3, 1, figsize=(9, 6.5), sharex=True)
plot_spectrogram(axes[0, 0], logmel(example), hop_length=HOP, colorbar=True)
axes[0, 0].set_title(f"The mix: {example.track_id} ({example.genre}), log-mel spectrogram")
plot_spectrogram(axes[1, 0], logmel_of(vocals_stem, n_mels=64), hop_length=HOP, colorbar=True)
axes[1, 0].set_title("The vocals stem alone")
times = frame_times(len(logmel(example)), DEFAULT_SAMPLE_RATE, HOP)
axes[2, 0].fill_between(times, activity(example)[:, 0], step="mid", alpha=0.5, color="C0")
axes[2, 0].set_ylim(-0.05, 1.05)
axes[2, 0].set_yticks([0, 1], ["silent", "sung"])
axes[2, 0].set_title("Vocal activity from the score (the frame target)")
axes[2, 0].set_xlabel("Time (s)")
for ax in axes[:2, 0]:
    ax.set_xlabel("")
fig

# %%
LISTEN_SECONDS = 6.0  # the players hold the first seconds of each clip
print("The mix:")
display(player(example.audio(), seconds=LISTEN_SECONDS))
print("The vocals stem (the singer is a General MIDI voice: choir, 'oohs' or synth voice):")
display(player(vocals_stem, seconds=LISTEN_SECONDS))

# %% [markdown]
# In the spectrogram of the mix the voice is one layer among several; in the stem alone it is
# obvious. The activity curve is what the frame model must learn to draw from the mix only.
#
# ## 2. Baselines, fitted in the same run
#
# **Per clip**: the classic recipe summarises a clip by the mean and standard deviation of 20
# MFCCs and of their deltas (80 numbers, Tzanetakis and Cook, 2002) and feeds them to an SVM.
# It cannot say *when* anyone sings, but it tells us what a CNN must beat on the clip question.

# %%
from common.tasks.classification import (
    accuracy,
    balanced_accuracy,
    logistic_regression,
    support_vector_machine,
)

statistics = FeatureCache("mfcc_statistics")
svm = support_vector_machine(statistics.table(splits["train"]), clip_labels["train"])
svm_decisions = svm.predict(statistics.table(splits["test"]))
svm_scores = {
    "accuracy": accuracy(clip_labels["test"], svm_decisions),
    "balanced accuracy": balanced_accuracy(clip_labels["test"], svm_decisions),
}
print(
    "MFCC statistics + SVM, test clips: " + ", ".join(f"{k} {v:.3f}" for k, v in svm_scores.items())
)

# %% [markdown]
# **Per frame**: a logistic regression on the 20 MFCCs of each frame, concatenated with those
# of the four frames before and after (9 frames, about 0.2 s of context), so that it sees a
# little of how the timbre moves. Its output is a probability per frame, like the network's.

# %%
mfcc = FeatureCache("mfcc", n_mfcc=20, hop_length=HOP)


def mfcc_with_context(track, context=4):
    """(frames, 20 * (2 * context + 1)): each frame's MFCCs with those of its neighbours."""
    m = mfcc(track)
    padded = np.pad(m, ((context, context), (0, 0)), mode="edge")
    return np.concatenate([padded[i : i + len(m)] for i in range(2 * context + 1)], axis=1)


assert all(len(mfcc(t)) == len(logmel(t)) for t in splits["test"])  # the same frames
regression = logistic_regression(
    np.concatenate([mfcc_with_context(t) for t in splits["train"]]),
    np.concatenate([activity(t)[:, 0] for t in splits["train"]]),
)
regression_curves = {
    split: [regression.predict_proba(mfcc_with_context(t))[:, 1] for t in splits[split]]
    for split in ("valid", "test")
}
n_frames = sum(len(c) for c in regression_curves["test"])
print(f"logistic regression fitted on {regression.n_features_in_} features per frame")
print(f"test: {len(splits['test'])} clips, {n_frames} frames")

# %% [markdown]
# ## 3. The frame tagger
#
# Convolutional networks on mel spectrograms are the classic tool for singing voice detection
# (Schlüter and Grill, 2015). `common.models.spectrogram.frame_tagger` stacks 3x3 convolution
# blocks that pool **only along frequency**: after each block there are half as many frequency
# bands but exactly as many frames. A max over the remaining bands leaves one feature vector per frame, and a 1D
# convolution over 9 frames lets each decision look at its neighbourhood before a sigmoid
# gives the probability of singing. Because no layer depends on the number of frames, the
# network accepts a clip of any length (the `None` in its input shape).

# %%
from common.models.spectrogram import frame_tagger
from common.nn.training import set_seed

set_seed(0)
tagger = frame_tagger((None, 64, 1), 1)
tagger.compile(optimizer="adam", loss="binary_crossentropy")
tagger.summary()
# Receptive field in time: each kernel of k frames widens it by k - 1.
time_kernels = [
    layer.kernel_size[0]
    for layer in tagger.layers
    if isinstance(layer, keras.layers.Conv2D | keras.layers.Conv1D)
]
field = 1 + sum(k - 1 for k in time_kernels)
print(
    f"each output frame sees {field} input frames "
    f"({field * HOP / DEFAULT_SAMPLE_RATE * 1000:.0f} ms of audio)"
)

# %% [markdown]
# ## 4. Training on crops, with frame targets
#
# The training data are random 3 s crops (130 frames) of the training clips, and each crop
# comes with the same 130 frames of the activity: `CropDataset(..., frame_targets=True)` cuts
# input and target together. The loss is the binary cross-entropy averaged over all frames.
# The validation split gives the curve that early stopping watches, and keeps the best epoch.

# %%
from common import runs_home
from common.data.samplers import CropDataset
from common.nn.training import fit, run_dir

CROP = int(notebook.script.CROP_SECONDS * DEFAULT_SAMPLE_RATE / HOP) + 1  # 3 s, as in the script
epochs = notebook.epochs
crops = {
    split: CropDataset(
        splits[split],
        logmel,
        activity,
        CROP,
        batch_size=32,
        random_crops=split == "train",
        shuffle=split == "train",
        channel_axis=True,
        frame_targets=True,
        seed=0,
    )
    for split in ("train", "valid")
}
x, y = crops["train"][0]
print(f"one batch: inputs {x.shape}, frame targets {y.shape}")
log_dir = run_dir(runs_home(), part=1, example="vocal_notebook")
history = fit(
    tagger,
    crops["train"],
    crops["valid"],
    epochs=epochs,
    log_dir=log_dir,
    patience=max(4, epochs // 3),
    verbose=0,
)
print(f"trained {len(history.history['loss'])} epochs; TensorBoard run: {log_dir.name}")

# %%
fig, axes = new_figure(figsize=(6, 3))
plot_learning_curves(
    axes[0, 0], history, ylabel="binary cross-entropy (per frame)", title="Frame tagger"
)
fig

# %% [markdown]
# ## 5. Whole clips in, one activation per frame out
#
# Trained on 3 s crops, the network now reads each validation and test clip **whole**, in one
# call: the output has exactly as many frames as the spectrogram.

# %%
curves = {
    split: [tagger.predict(logmel(t)[None, ..., None], verbose=0)[0, :, 0] for t in splits[split]]
    for split in ("valid", "test")
}
truth = {split: np.concatenate([activity(t)[:, 0] for t in splits[split]]) for split in curves}
print(
    f"first test clip: {logmel(splits['test'][0]).shape[0]} spectrogram frames -> "
    f"{len(curves['test'][0])} activations"
)

# %% [markdown]
# ## 6. The threshold is chosen on validation
#
# A probability becomes a decision by comparing it with a threshold. 0.5 is only a
# convention: with unbalanced frames, or a model that is not well calibrated after a few
# epochs, another value may be better. We try thresholds on the **validation** frames and keep
# the one with the best F-measure (the harmonic mean of precision and recall of the "sung"
# frames), for the network and for the logistic regression alike. The test split is not
# looked at: choosing the threshold on it would make the test score optimistic.

# %%
from common.tasks.classification import frame_f1

THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.05), 2)


def threshold_curve(curves_by_clip, reference):
    """F-measure of the pooled frames at every candidate threshold."""
    scores = np.concatenate(curves_by_clip)
    return np.array([frame_f1(reference, scores > c) for c in THRESHOLDS])


frame_models = {
    "frame tagger (CNN)": curves,
    "frame MFCCs + logistic regression": regression_curves,
}
chosen = {}
fig, axes = new_figure(figsize=(6, 3))
for name, model_curves in frame_models.items():
    f_valid = threshold_curve(model_curves["valid"], truth["valid"])
    chosen[name] = float(THRESHOLDS[np.argmax(f_valid)])
    line = axes[0, 0].plot(THRESHOLDS, f_valid, marker=".", label=name)[0]
    axes[0, 0].axvline(chosen[name], color=line.get_color(), linestyle="--", linewidth=0.8)
    print(f"{name}: threshold {chosen[name]:.2f}, validation F {f_valid.max():.3f}")
axes[0, 0].set_xlabel("threshold on the frame probability")
axes[0, 0].set_ylabel("frame F-measure (validation)")
axes[0, 0].set_title("Choosing the threshold on the validation split")
axes[0, 0].legend(fontsize=7)
fig

# %% [markdown]
# ## 7. Frame-level results on the test split
#
# Now, and only now, the test frames. For reference, the last column shows what the
# conventional threshold of 0.5 would have given.

# %%
frame_scores = {}
print(f"{'':36s} {'threshold':>9s} {'test F':>7s} {'F at 0.5':>8s}")
for name, model_curves in frame_models.items():
    scores = np.concatenate(model_curves["test"])
    frame_scores[name] = frame_f1(truth["test"], scores > chosen[name])
    at_half = frame_f1(truth["test"], scores > 0.5)
    print(f"{name:36s} {chosen[name]:9.2f} {frame_scores[name]:7.3f} {at_half:8.3f}")

# %% [markdown]
# A single number hides *where* the errors are. Here are a few test clips with singing: the
# shaded area is the truth from the score, the red line the network's activation, the dashed
# line the threshold chosen on validation.

# %%
test_tracks = splits["test"]
shown = [i for i, t in enumerate(test_tracks) if t.vocal][:3]
shown += [i for i, t in enumerate(test_tracks) if not t.vocal][:1]  # and one instrumental clip
fig, axes = new_figure(len(shown), 1, figsize=(9, 1.9 * len(shown)), sharex=True)
for ax, i in zip(axes[:, 0], shown, strict=True):
    track = test_tracks[i]
    times = frame_times(len(curves["test"][i]), DEFAULT_SAMPLE_RATE, HOP)
    ax.fill_between(
        times, activity(track)[:, 0], step="mid", alpha=0.3, color="C0", label="sung (truth)"
    )
    ax.plot(times, curves["test"][i], color="C3", linewidth=1, label="frame tagger")
    ax.axhline(chosen["frame tagger (CNN)"], color="0.4", linewidth=0.8, linestyle="--")
    ax.set_ylim(-0.05, 1.05)
    ax.set_ylabel("P(singing)")
    ax.set_title(f"{track.track_id} ({track.genre}, {'vocal' if track.vocal else 'instrumental'})")
axes[0, 0].legend(loc="upper right", fontsize=7)
axes[-1, 0].set_xlabel("Time (s)")
fig

# %%
listen = test_tracks[shown[0]]
print(f"{listen.track_id}: compare what you hear with the first panel above")
display(player(listen.audio(), seconds=LISTEN_SECONDS))

# %% [markdown]
# ## 8. From frames to a clip decision: mean or max?
#
# The clip question ("is there singing anywhere?") can be answered from the frame activations
# by pooling them over the clip. Two natural choices:
#
# - **max**: the clip is as vocal as its most vocal frame. This is exactly the definition of
#   the label (singing *anywhere*), and a clip with one short sung phrase is still caught.
#   But it is fragile: a single confident mistake, a lead instrument that sounds like a voice
#   for a quarter of a second, is enough to call an instrumental clip vocal.
# - **mean**: the average activation, roughly the fraction of the clip that is sung. Isolated
#   mistakes are diluted, but a clip that is mostly instrumental with a short sung phrase
#   gets a low score.
#
# The same choice appears whenever a long recording is judged from pieces: the script's
# clip-level CNN reads 3 s crops and pools its crop outputs with
# `common.experiment.clip_scores(..., reduce=...)`, trying both. Each pooling needs its own
# threshold (a mean is much lower than a max), so each is again chosen on the validation
# clips, to maximise the balanced accuracy (`common.tasks.classification.best_threshold`).

# %%
POOLING = {"max": np.max, "mean": np.mean}
CANDIDATES = np.round(np.arange(0.01, 1.0, 0.01), 2)
pooled, clip_thresholds, clip_results = {}, {}, {}
for how, pool in POOLING.items():
    pooled[how] = {s: np.array([pool(c) for c in curves[s]]) for s in curves}
    valid_scores = [
        balanced_accuracy(clip_labels["valid"], (pooled[how]["valid"] > c).astype(int))
        for c in CANDIDATES
    ]
    clip_thresholds[how] = float(CANDIDATES[int(np.argmax(valid_scores))])
    decisions = (pooled[how]["test"] > clip_thresholds[how]).astype(int)
    clip_results[f"frame tagger, {how} over frames"] = {
        "accuracy": accuracy(clip_labels["test"], decisions),
        "balanced accuracy": balanced_accuracy(clip_labels["test"], decisions),
    }
clip_results["MFCC statistics + SVM"] = svm_scores
print(f"{'test clips':34s} {'accuracy':>9s} {'balanced':>9s}")
for name, scores in clip_results.items():
    print(f"{name:34s} {scores['accuracy']:9.3f} {scores['balanced accuracy']:9.3f}")
print("thresholds chosen on validation:", clip_thresholds)

# %% [markdown]
# Where do the two poolings put the test clips? Each dot is a clip, at its pooled score; the
# dashed line is the threshold chosen on validation. A good pooling puts all orange dots
# (vocal clips) to the right of the line and all blue dots to its left.

# %%
fig, axes = new_figure(1, 2, figsize=(10, 2.6))
jitter = np.random.default_rng(0).uniform(-0.15, 0.15, len(clip_labels["test"]))
for ax, how in zip(axes[0], POOLING, strict=True):
    labels = clip_labels["test"]
    for value, name in ((0, "instrumental"), (1, "vocal")):
        keep = labels == value
        ax.scatter(pooled[how]["test"][keep], value + jitter[keep], s=14, label=name)
    ax.axvline(clip_thresholds[how], color="0.4", linestyle="--", linewidth=0.8)
    ax.set_xlim(-0.02, 1.02)
    ax.set_yticks([0, 1], ["instrumental", "vocal"])
    ax.set_xlabel(f"{how} of the frame activations")
    ax.set_title(f"{how} pooling, test clips")
axes[0, 0].legend(fontsize=7, loc="center left")
fig

# %% [markdown]
# Read the plot with the numbers above: with max pooling the instrumental clips spread to the
# right whenever the network has a confident false alarm somewhere; with mean pooling the
# vocal clips with little singing drift to the left. Which one wins depends on how clean the
# frame activations are, and therefore on how well the tagger was trained; on the small test
# split, one clip moves the balanced accuracy by several points. A common compromise is a
# high quantile (say, the 90th percentile of the frame activations), or smoothing the
# activations over time before taking the max.
#
# ## 9. The measured results, on every backend
#
# The script `scripts/vocal.py` runs this example at the `workshop` size on each backend, with
# a clip-level CNN of its own (3 s crops, pooled by max or mean) in addition to the frame
# tagger. Its figures are in `results/quality-workshop.json`; there too, every threshold
# and the clip pooling are chosen on the validation split. Rows marked `ood-styles` and
# `ood-timbres` are the same models on the course's held-out music (Part 0, notebook 2): the
# hymns and solo-piano pieces (in a sung hymn the melody is the vocal stem, sung over choir
# "aahs" that count as accompaniment), and the corpus's styles on another synthesiser, whose
# singer is a vowel-like wavetable voice. A set whose clips are all sung, or all unsung, has
# no clip-level row.

# %%
from IPython.display import Markdown

from common.course.bench import measured

Markdown(measured(1, "vocal"))

# %% [markdown]
# ## Your turn
#
# The measured table says the frame CNN fails on the held-out `ood-timbres` clips. Find out how.
# Take the sung ones (`[t for t in load_held_out(SIZE)["ood-timbres"] if t.vocal]`, with
# `load_held_out` from `common.data`), run `tagger` on each whole clip as in section 5, and plot
# its activation under `activity(t)` as in section 7. Does it stay silent on the synthesiser's
# voice, or does it fire, but on the other instruments? Listen to one clip while you look.

# %% [markdown]
# ## What to remember
#
# - A network that keeps the time axis (pooling only along frequency) gives one decision per
#   frame, and can read clips of any length.
# - Frame targets come from annotations aligned to the feature frames; `CropDataset` cuts
#   input and target together.
# - A clip decision is a pooling of frame (or crop) decisions: **max** matches "anywhere" but
#   trusts every single frame; **mean** is robust to isolated errors but misses short events.
# - Thresholds, like every other choice, are made on the validation split; the test split is
#   used once, at the end, for every method alike, next to the baselines of the same run.
