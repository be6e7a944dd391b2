# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # Part 1 · Notebook 1: Training a CNN — music or speech?
#
# Is this clip music or speech? For a person the question is trivial, and for a network it is
# not much harder. That makes it the right task for watching **how training behaves**, free of
# the question of whether the model can learn the task at all. In this notebook we
#
# 1. look at the input, a **log-mel spectrogram**, and at the scale of its values;
# 2. train the same compact CNN with plain **SGD on raw decibels**, SGD on **normalised**
#    input, and **Adam**, and compare their learning curves;
# 3. look for **overfitting** and try the usual cures: dropout, weight decay, early stopping
#    and a learning-rate schedule;
# 4. log every run's hyper-parameters for **TensorBoard's HParams tab**;
# 5. evaluate the model chosen on the validation split on the **test** split, next to an
#    MFCC + SVM baseline computed here too.
#
# The script `part1_classification/scripts/music_speech.py` runs the same four trainings from
# the command line.

# %%
# The backend must be chosen before Keras is imported for the first time in a process:
# start_notebook does it ($KERAS_BACKEND, else JAX), with the corpus size ($MIR_COURSE_SIZE,
# else workshop), compact inline figures and the settings of the script named here.
from common.cli import start_notebook

notebook = start_notebook("music_speech")
SIZE = notebook.size

import keras
import numpy as np
from IPython.display import display
from matplotlib.ticker import MaxNLocator

from common.audio.sonify import player
from common.viz.figures import new_figure
from common.viz.plots import plot_spectrogram

epochs = notebook.epochs

# %% [markdown]
# ## 1. The data
#
# `Experiment` is what every script of the course uses to load its data splits, hand out
# TensorBoard run folders and collect result rows; here it gets the same options as the
# script. We keep both kinds of clip and label each one with its `kind`. Splits are by
# speaker for speech and by work for music, so no test voice or test song is heard in
# training.

# %%
from common.cli import parse_args, script_parser
from common.experiment import Experiment

args = parse_args(script_parser(None, part=1, example="music_speech_notebook"), ["--size", SIZE])
experiment = Experiment(args)
splits = experiment.splits(kind=None, require="kind")
classes = ["music", "speech"]


def target(track):
    """The class index of a clip: 0 for music, 1 for speech."""
    return np.int32(classes.index(track.kind))


y = {split: np.array([target(t) for t in tracks]) for split, tracks in splits.items()}
for split, labels in y.items():
    print(f"{split:5s}: {np.sum(labels == 0):3d} music, {np.sum(labels == 1):3d} speech")

# %% [markdown]
# Speech is the minority class. A lazy model that always answers "music" would look good on
# plain accuracy, so the score of this example is **balanced accuracy**: the mean of the
# recall of each class, whose chance level is 0.5 however unbalanced the classes are.

# %%
from common.tasks.classification import accuracy, balanced_accuracy

always_music = np.zeros_like(y["test"])
print(
    f"always 'music' on the test split: accuracy {accuracy(y['test'], always_music):.3f}, "
    f"balanced accuracy {balanced_accuracy(y['test'], always_music):.3f}"
)

# %% [markdown]
# ## 2. The input: log-mel crops
#
# Each clip becomes a log-mel spectrogram: 64 mel bands, one frame every 512 samples (23 ms
# at 22,050 Hz), power in decibels. `FeatureCache` computes it once per clip and keeps it on
# disk. The network reads **crops** of 3 seconds: random ones while training (each epoch
# sees a different part of each clip), and all the crops of a clip, averaged, when it judges
# a whole clip. Here is the first crop of one clip of each kind.

# %%
from common.audio.io import DEFAULT_SAMPLE_RATE
from common.data.cache import FeatureCache

HOP = 512
N_MELS = 64
logmel = FeatureCache("logmel", n_mels=N_MELS)
crop = (
    int(notebook.script.CROP_SECONDS * DEFAULT_SAMPLE_RATE / HOP) + 1
)  # frames in 3 s, as in the script
examples = {name: next(t for t in splits["train"] if t.kind == name) for name in classes}

fig, axes = new_figure(1, 2, figsize=(11, 3.2))
for ax, (name, track) in zip(axes[0], examples.items(), strict=True):
    plot_spectrogram(ax, logmel(track)[:crop], DEFAULT_SAMPLE_RATE, HOP, colorbar=True)
    ax.set(xlabel="time (s)", ylabel="frequency (Hz, mel scale)")
    ax.set_title(f"{name}: {track.track_id}, one crop = {crop} frames x {N_MELS} bands")
display(fig)
for name, track in examples.items():
    print(name)
    display(player(track.audio(duration=3.0), seconds=3.0))

# %% [markdown]
# Speech shows the stripes of a single voice's harmonics gliding between syllables, with
# silent gaps; music has steady horizontal lines (held notes), vertical lines (drum hits) and
# energy spread over the whole spectrum.
#
# What does the network actually receive? Numbers in decibels, spread over tens of dB, while
# a network's initial weights are scaled for inputs of about unit size:

# %%
train_values = np.concatenate([logmel(t).ravel() for t in splits["train"]])
low, high = np.percentile(train_values, [1, 99])
print(
    f"log-mel values of the training clips: mean {train_values.mean():.1f} dB, "
    f"standard deviation {train_values.std():.1f} dB, 98% of them between {low:.0f} and {high:.0f} dB"
)
print(
    f"at the floor of -100 dB (digital silence): {np.mean(train_values <= -99.9):.2%} of the values"
)

fig, axes = new_figure(figsize=(8, 2.8))
for name in classes:
    values = np.concatenate([logmel(t).ravel() for t in splits["train"] if t.kind == name])
    axes[0, 0].hist(values, bins=100, density=True, histtype="step", label=name)
axes[0, 0].set(xlabel="log-mel value (dB)", ylabel="density", title="What the network reads")
axes[0, 0].legend()
fig

# %% [markdown]
# The spike at -100 dB is digital silence between words: powers are floored at $10^{-10}$
# before the logarithm, and $10 \log_{10} 10^{-10} = -100$ dB. Inputs on this scale make
# gradient descent slow and erratic: the gradient of a first-layer weight is proportional
# to the input it multiplies, so with inputs twenty times larger than the scale the weights
# were initialised for, one learning rate is far too large for the first layer while being
# right for the others (LeCun et al., 1998). The usual fix is to **standardise** the input:
# subtract a mean and divide by a standard deviation.
#
# ## 3. The model
#
# `common.models.spectrogram.spectrogram_cnn` is the compact CNN of Part 1. With
# `input_norm=True` its first layer is a batch normalisation of the input (Ioffe and Szegedy,
# 2015); with a single input channel, it learns *one* mean and *one* variance for the whole
# spectrogram, from the training batches. Then come four blocks (a 3x3 convolution, batch
# normalisation, ReLU and 2x2 max-pooling), a mean and a max over time and frequency (the
# clip **embedding**), dropout, and a softmax over the two classes.

# %%
from common.models.spectrogram import spectrogram_cnn
from common.nn.training import set_seed

set_seed(0)
spectrogram_cnn((crop, N_MELS, 1), len(classes), name="music_speech_cnn").summary()

# %% [markdown]
# ## 4. One training run
#
# The function below is one run of the experiment, built from the same pieces as the script:
#
# - a `CropDataset` serves batches of 20 random crops with their labels (shuffled anew each
#   epoch), and validation uses the centred crop of each validation clip;
# - `compile_classifier` attaches the optimizer, the cross-entropy loss and the accuracy;
# - `common.nn.training.fit` trains with a TensorBoard callback (loss and accuracy per epoch)
#   and keeps the best weights on the validation split; with `patience`, it also stops early;
# - `log_hparams` writes the settings of the run and its validation scores for TensorBoard's
#   HParams tab.
#
# Every run starts from the same seed, so the runs differ only by their settings. The test
# split stays untouched: runs are compared on the **validation** split.

# %%
from common.data.samplers import CropDataset
from common.nn.tensorboard import log_hparams
from common.nn.training import Stopwatch, compile_classifier, fit

valid = CropDataset(
    splits["valid"],
    logmel,
    target,
    crop,
    batch_size=64,
    random_crops=False,
    shuffle=False,
    channel_axis=True,
)
runs = {}


def train(name, optimizer="adam", rate=1e-3, input_norm=True, dropout=0.0, decay=0.0, cures=False):
    """Train the CNN one way; keep its model, learning curves and run folder in `runs`."""
    set_seed(0)
    train_data = CropDataset(
        splits["train"], logmel, target, crop, batch_size=20, channel_axis=True, seed=0
    )
    model = spectrogram_cnn(
        (crop, N_MELS, 1),
        len(classes),
        dropout=dropout,
        weight_decay=decay,
        input_norm=input_norm,
        name="music_speech_cnn",
    )
    steps = epochs * len(train_data)
    schedule = keras.optimizers.schedules.CosineDecay(rate, steps) if cures else rate
    compile_classifier(model, schedule, optimizer)
    log_dir = experiment.run_dir(name.replace(", ", "-").replace(" ", "-"))
    with Stopwatch() as watch:
        history = fit(
            model,
            train_data,
            valid,
            epochs=epochs,
            log_dir=log_dir,
            patience=max(3, epochs // 3) if cures else None,
            verbose=0,
        ).history
    settings = {
        "optimizer": optimizer,
        "learning_rate": rate,
        "input_norm": input_norm,
        "dropout": dropout,
        "weight_decay": decay,
        "early_stopping_and_schedule": cures,
    }
    scores = {
        "best_val_loss": min(history["val_loss"]),
        "best_val_accuracy": max(history["val_accuracy"]),
    }
    log_hparams(log_dir, settings, scores)
    runs[name] = {"model": model, "history": history, "log_dir": log_dir, "settings": settings}
    best = int(np.argmin(history["val_loss"]))
    print(
        f"{name:18s} {len(history['loss']):2d} epochs in {watch.seconds:3.0f} s: final training "
        f"loss {history['loss'][-1]:.3f}, best validation loss {history['val_loss'][best]:.3f} "
        f"(epoch {best + 1})"
    )


# %% [markdown]
# ## 5. Optimisers and input scale
#
# Three runs of the same network, without any regularisation (no dropout, no weight decay):
#
# - **SGD on raw decibels**: plain stochastic gradient descent (learning rate 0.01), no input
#   normalisation;
# - **SGD, normalised**: the same, with the input batch normalisation;
# - **Adam, normalised**: Adam (Kingma and Ba, 2015) at its usual learning rate of 0.001. It
#   keeps a running mean and variance of each weight's gradient and divides the step by the
#   gradient's typical size, so every weight moves at a sensible pace whatever the scale of
#   its gradients.

# %%
train("sgd, raw decibels", "sgd", 0.01, input_norm=False)
train("sgd, normalised", "sgd", 0.01, input_norm=True)
train("adam", "adam", 1e-3, input_norm=True)

# %% [markdown]
# The learning curves: the loss on the training batches, averaged over each epoch (left),
# and on the validation clips at the end of each epoch (right). The vertical axis is
# logarithmic, since losses shrink by orders of magnitude.


# %%
def plot_curves(names, keys, titles):
    fig, axes = new_figure(1, len(keys), figsize=(5.5 * len(keys), 3.2), sharey=True)
    for ax, key, title in zip(axes[0], keys, titles, strict=True):
        for i, name in enumerate(names):
            values = runs[name]["history"][key]
            ax.plot(np.arange(1, len(values) + 1), values, "o-", ms=3, color=f"C{i}", label=name)
        ax.set(yscale="log", xlabel="epoch", ylabel="cross-entropy loss", title=title)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(fontsize=8)
    return fig


plot_curves(
    ["sgd, raw decibels", "sgd, normalised", "adam"],
    ["loss", "val_loss"],
    ["training loss", "validation loss"],
)

# %% [markdown]
# Three numbers per run summarise those curves: how low the training loss got, how fast it
# fell (the first epoch below 0.1), and how bumpy the validation loss was (its largest rise
# from one epoch to the next; a smooth descent has none).

# %%
for name in ["sgd, raw decibels", "sgd, normalised", "adam"]:
    history = runs[name]["history"]
    below = next((i + 1 for i, v in enumerate(history["loss"]) if v < 0.1), None)
    rise = max(np.diff(history["val_loss"]).max(initial=0.0), 0.0)
    print(
        f"{name:18s} final training loss {history['loss'][-1]:.4f}; below 0.1 "
        f"{f'from epoch {below}' if below else 'never':>13s}; largest rise of the validation "
        f"loss {rise:.3f}"
    )

# %% [markdown]
# What to look for. Adam usually drives the training loss down fastest and furthest: its
# per-weight step sizes suit a network whose layers receive gradients of very different
# sizes. Between the two SGD runs, compare the printed numbers: the gap is usually smaller
# than the histogram above might suggest, because every convolution of this network is
# followed by batch normalisation, which removes the scale of its output, so the raw input
# mainly hurts the first layer. In a network with no normalisation inside, raw decibels can
# stall SGD or make it diverge. Note also that the curves wobble from epoch to epoch: with a
# fixed learning rate, the noise in each batch's gradient keeps the weights moving around a
# minimum instead of settling in it (the schedule of the next section addresses that).
#
# ## 6. Overfitting and its cures
#
# A network **overfits** when it learns the training clips rather than the task: the
# training loss keeps falling while the validation loss stops falling and climbs back up,
# often because the model grows over-confident on the few validation clips it gets wrong.
# The classic cures:
#
# - **dropout** (Srivastava et al., 2014): during training, zero half of the embedding at
#   random, so that no single feature can be relied upon;
# - **weight decay**: an L2 penalty on every kernel ($10^{-4} \sum w^2$ here), which keeps
#   weights small and the function smooth;
# - **early stopping**: watch the validation loss and stop when it has not improved for a
#   few epochs, keeping the best weights;
# - a **learning-rate schedule**: here cosine decay (Loshchilov and Hutter, 2017), which
#   lowers the learning rate smoothly to zero so that training settles instead of bouncing
#   around a minimum.
#
# Let us train the Adam run again with all four.

# %%
train("adam, regularised", "adam", 1e-3, input_norm=True, dropout=0.5, decay=1e-4, cures=True)

# %% [markdown]
# Training and validation curves of the two Adam runs side by side; the dotted line marks
# the epoch with the lowest validation loss, whose weights `fit` keeps.


# %%
fig, axes = new_figure(1, 2, figsize=(11, 3.2), sharey=True)
for ax, name in zip(axes[0], ["adam", "adam, regularised"], strict=True):
    history = runs[name]["history"]
    epochs_run = np.arange(1, len(history["loss"]) + 1)
    ax.plot(epochs_run, history["loss"], "o-", ms=3, label="training")
    ax.plot(epochs_run, history["val_loss"], "o-", ms=3, label="validation")
    ax.axvline(1 + int(np.argmin(history["val_loss"])), color="0.5", ls=":", label="best epoch")
    ax.set(yscale="log", xlabel="epoch", ylabel="cross-entropy loss", title=name)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=8)
fig

# %%
for name in ["adam", "adam, regularised"]:
    history = runs[name]["history"]
    best = int(np.argmin(history["val_loss"]))
    print(
        f"{name:18s} training loss {history['loss'][-1]:.4f} | validation loss: lowest "
        f"{history['val_loss'][best]:.4f} at epoch {best + 1}, last {history['val_loss'][-1]:.4f} "
        f"(epoch {len(history['val_loss'])}) | last validation minus training loss "
        f"{history['val_loss'][-1] - history['loss'][-1]:+.4f}"
    )
penalty = sum(
    float(keras.ops.convert_to_numpy(loss)) for loss in runs["adam, regularised"]["model"].losses
)
print(f"weight-decay penalty included in the regularised run's losses: {penalty:.4f}")

# %% [markdown]
# How to read this. Overfitting shows as a validation curve that turns upwards while the
# training curve keeps falling, and as a validation loss that ends well above the training
# loss. Music against speech is so easy on this corpus that the unregularised run may show
# little of it: check the lowest and last validation losses printed above. The regularised
# run pays a price you can see: its *training* loss stays higher, because it is measured with
# dropout switched on and includes the weight-decay penalty, while the validation loss is
# measured without dropout (which is why it can lie *below* the training loss). The cures
# earn their keep on harder tasks with fewer examples per class, such as the eight styles of
# the next notebook.
#
# ## 7. Comparing runs in TensorBoard
#
# Every run wrote its curves and, in a sub-run named `hparams`, its settings and validation
# scores. In a terminal, from the repository root:
#
# ```bash
# tensorboard --logdir runs
# ```
#
# then open http://localhost:6006. The **Scalars** tab overlays the learning curves of all
# runs; the **HParams** tab lists one row per run with its settings and scores, sortable,
# with a parallel-coordinates view that shows which settings go with the best validation
# loss. The runs of this notebook are in these folders:

# %%
from common import REPO_ROOT

for run in runs.values():
    history = run["history"]
    print(
        f"{str(run['log_dir'].relative_to(REPO_ROOT)):80s} best val loss "
        f"{min(history['val_loss']):.4f}, best val accuracy {max(history['val_accuracy']):.3f}"
    )

# %% [markdown]
# ## 8. The test split, once, next to a baseline
#
# We pick the run with the lowest validation loss, and only then look at the test split.
# The CNN judges a whole clip by averaging its outputs over all the clip's 3-second crops
# (`clip_scores`). The baseline, trained and tested on the same clips, is an SVM on MFCC
# statistics: the mean and standard deviation of 20 MFCCs and of their deltas, 80 numbers
# per clip (Tzanetakis and Cook, 2002).

# %%
from common.experiment import clip_scores
from common.results import format_table
from common.tasks.classification import support_vector_machine

chosen = min(runs, key=lambda name: min(runs[name]["history"]["val_loss"]))
with Stopwatch() as watch:
    scores = clip_scores(runs[chosen]["model"], splits["test"], logmel, crop)
cnn_test = balanced_accuracy(y["test"], scores)
experiment.record(f"cnn, {chosen}", "model", "balanced accuracy", cnn_test, watch.seconds)

with Stopwatch() as watch:
    mfcc = FeatureCache("mfcc_statistics")
    svm = support_vector_machine(mfcc.table(splits["train"]), y["train"])
    predicted = svm.predict(mfcc.table(splits["test"]))
svm_test = balanced_accuracy(y["test"], predicted)
experiment.record("mfcc statistics + svm", "baseline", "balanced accuracy", svm_test, watch.seconds)

print(f"chosen on validation: {chosen}")
print(format_table(experiment.rows))
for label, decisions in (("CNN", scores.argmax(1)), ("SVM", predicted)):
    wrong = [
        t.track_id
        for t, d, truth in zip(splits["test"], decisions, y["test"], strict=True)
        if d != truth
    ]
    print(f"{label}: {len(wrong)} test clips wrong {wrong[:5]}")
n_speech = int(np.sum(y["test"] == 1))
print(f"one wrong speech clip (of {n_speech}) costs {0.5 / n_speech:.3f} of balanced accuracy")

# %% [markdown]
# Be honest about what these numbers say. At the workshop size both models are at or near
# perfect (the benchmark table below shows the same for every run on every backend), and
# the baseline needs no deep learning at all. The speech of this corpus is synthesised and
# music is played by a band with drums: their timbres differ in ways that MFCC statistics
# capture at once (a single voice's formants against full-band harmonic and percussive
# sound). With a handful of speech clips in the test split, one clip moves the score by the
# amount printed above, so the two models cannot be ranked on this split. That is why this
# example is about **training dynamics** (optimisers, input scale, regularisation, choosing
# on validation), not about the score. On real broadcast audio, with speech over music,
# jingles and applause, the task becomes hard again.
#
# ## 9. All four runs on the three backends
#
# The benchmark runs `music_speech.py` at the workshop size on JAX, TensorFlow and PyTorch
# and evaluates **every** run on the test split. Its figures, read from
# `results/quality-workshop.json`:

# %%
from IPython.display import Markdown

from common.course.bench import measured

Markdown(measured(1, "music_speech"))

# %% [markdown]
# The backends draw different initial weights from the same seed and sum in different
# orders, so their runs differ slightly; one wrong clip is a visible step in these tables.
#
# ## What to remember
#
# - Look at the scale of your input. Standardise it (here a batch normalisation of the
#   input), so that one learning rate suits every layer.
# - Adam is a robust default: per-weight step sizes forgive badly scaled gradients. Plain SGD
#   can match it, with a tuned learning rate and schedule.
# - Overfitting is read on **validation** curves; dropout, weight decay, early stopping and a
#   decaying learning rate are the standard cures, and each has a cost on easy tasks.
# - Compare runs on validation, in TensorBoard's HParams tab (`tensorboard --logdir runs`),
#   and open the test split once, for the chosen model and a baseline.
# - When the baseline is near-perfect too, the task is too easy to rank models: use it to
#   learn how training behaves, not to claim a score.
