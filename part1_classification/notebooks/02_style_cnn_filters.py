# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # Part 1 · Notebook 2: Style classification with a 2D CNN
#
# Eight styles (bossa nova, funk, house, reggae, rock, string quartet, swing jazz, waltz) and
# one question per clip: which one is it? Part 0 answered it from MFCC statistics, which keep
# the timbre and lose the time. Here a convolutional network reads the log-mel spectrogram
# itself. We will
#
# 1. see what a convolution, a feature map, pooling and a receptive field are, on a real
#    log-mel spectrogram;
# 2. compare first-layer **filter shapes** after Pons et al. (2016) and train two of them;
# 3. measure the CNN against two baselines from the same run: MFCC statistics + SVM, and the
#    features of the *same* CNN with random weights + SVM;
# 4. read the confusion matrix, listen to the clips the model gets wrong, and look inside it
#    (first-layer filters, feature maps, occlusion saliency);
# 5. see what data augmentation (SpecAugment, mixup) does to an input;
# 6. measure an **evaluation pitfall**: how much a careless split inflates the score.
#
# `part1_classification/scripts/genre.py` runs the full experiment: all four filter shapes,
# and a fifth run with augmentation.

# %%
# The backend must be chosen before Keras is imported for the first time in a process:
# start_notebook does it ($KERAS_BACKEND, else JAX), with the corpus size ($MIR_COURSE_SIZE,
# else workshop), compact inline figures and the settings of the script named here.
from common.cli import start_notebook

notebook = start_notebook("genre")
SIZE = notebook.size

import keras
import numpy as np
from IPython.display import display

from common.audio.sonify import player
from common.nn.training import set_seed
from common.viz.figures import new_figure
from common.viz.plots import (
    plot_confusion_matrix,
    plot_kernels,
    plot_saliency,
    plot_spectrogram,
    prediction_grid,
)

set_seed(0)  # Python, NumPy and backend seeds; also imports TensorFlow quietly (TensorBoard)
epochs = notebook.epochs

# %% [markdown]
# ## 1. The data
#
# Music clips only, labelled with their style. The splits are **by work**: a work (a melody
# and its chords) comes in several versions, often in different styles, and all versions of
# a work sit in the same split. Section 9 shows why that matters.

# %%
from common.cli import parse_args, script_parser
from common.data.targets import class_targets
from common.experiment import Experiment

args = parse_args(script_parser(None, part=1, example="genre_notebook"), ["--size", SIZE])
experiment = Experiment(args)
splits = experiment.splits(kind="music", require="genre")
classes = sorted({t.genre for t in splits["train"]})
target = class_targets(classes)
y = {split: np.array([target(t) for t in tracks]) for split, tracks in splits.items()}
print(f"{'':16s}" + "".join(f"{split:>7s}" for split in y))
for i, name in enumerate(classes):
    print(f"{name:16s}" + "".join(f"{np.sum(labels == i):7d}" for labels in y.values()))

# %% [markdown]
# ## 2. Convolution, feature maps and pooling on a log-mel spectrogram
#
# A 2D convolution slides a small **kernel** over the spectrogram and, at every position,
# takes the weighted sum of the values under it. The result is a **feature map**: a new
# image, bright wherever the input looks like the kernel. A CNN learns its kernels; to see
# what one does, let us write two by hand and apply them with `keras.ops.conv`, which runs on
# every backend:
#
# - an **onset** kernel, 3 frames by 3 bands: the energy of the next frame minus that of the
#   previous one, over 3 neighbouring bands. It lights up where sound starts (drum hits, new
#   notes);
# - a **sustained-peak** kernel, 9 frames by 3 bands: a band minus its two neighbours, held
#   for 9 frames. It lights up on held notes and their harmonics (horizontal lines).
#
# A ReLU keeps the positive responses, then **max-pooling** keeps the largest value of each
# 2x2 block: the map shrinks by half in time and frequency, and what it found survives even
# if it moves by a frame or a band.

# %%
from common.audio.io import DEFAULT_SAMPLE_RATE
from common.data.cache import FeatureCache

HOP = 512
N_MELS = 64
logmel = FeatureCache("logmel", n_mels=N_MELS)
crop = (
    int(notebook.script.CROP_SECONDS * DEFAULT_SAMPLE_RATE / HOP) + 1
)  # frames in 3 s, as in the script
example = next((t for t in splits["train"] if t.genre == "funk"), splits["train"][0])
spectrogram = logmel(example)[:crop]

onset = np.zeros((3, 3), np.float32)
onset[0], onset[2] = -1 / 3, 1 / 3
sustained = np.tile(np.float32([-0.5, 1.0, -0.5]), (9, 1)) / 9
standardised = (spectrogram - spectrogram.mean()) / spectrogram.std()


def feature_map(kernel):
    """The ReLU of the convolution of the standardised crop with one kernel (frames, bands)."""
    inputs = keras.ops.convert_to_tensor(standardised[None, :, :, None])
    return keras.ops.relu(keras.ops.conv(inputs, kernel[:, :, None, None], padding="same"))


onset_map, sustained_map = feature_map(onset), feature_map(sustained)
pooled = keras.ops.max_pool(sustained_map, pool_size=2, strides=2, padding="same")
onset_map, sustained_map, pooled = (
    keras.ops.convert_to_numpy(m)[0, :, :, 0] for m in (onset_map, sustained_map, pooled)
)
print(
    f"input {spectrogram.shape} -> feature maps {sustained_map.shape} -> after 2x2 pooling "
    f"{pooled.shape}"
)

seconds = crop * HOP / DEFAULT_SAMPLE_RATE
fig, axes = new_figure(2, 2, figsize=(11, 5))
panels = [
    (spectrogram, f"input: {example.track_id} (dB)"),
    (onset_map, "onset kernel, after ReLU"),
    (sustained_map, "sustained-peak kernel, after ReLU"),
    (pooled, "sustained-peak map after 2x2 max-pooling"),
]
for ax, (image, title) in zip(axes.flat, panels, strict=True):
    ax.imshow(image.T, origin="lower", aspect="auto", cmap="magma", extent=(0, seconds, 0, N_MELS))
    ax.set(title=title, xlabel="time (s)", ylabel="mel band")
fig

# %% [markdown]
# The onset map is a row of vertical strokes, one per drum hit or chord; the sustained-peak
# map picks out the horizontal lines of held notes and their harmonics. The pooled map has a
# quarter of the values and keeps the same picture. A trained first layer holds 16 such
# kernels, which nobody writes by hand.
#
# ## 3. Receptive fields
#
# Each value of a feature map depends on a window of the input: its **receptive field**.
# A 3x3 convolution widens the window by 2 frames and 2 bands (times the spacing between the
# values it reads), and each 2x2 pooling doubles that spacing. Here are the receptive fields
# through the course's CNN, `common.models.spectrogram.spectrogram_cnn`, computed from its
# layers:

# %%
from common.models.spectrogram import (
    FILTER_SHAPES,
    embedding_model,
    front_convolutions,
    front_model,
    spectrogram_cnn,
)

square = spectrogram_cnn((crop, N_MELS, 1), len(classes), filter_shape="square")
field, spacing = np.array([1, 1]), np.array([1, 1])
print(f"{'layer':12s} {'frames':>7s} {'ms':>6s} {'bands':>6s}")
for layer in square.layers:
    if isinstance(layer, keras.layers.Conv2D):
        field = field + (np.array(layer.kernel_size) - 1) * spacing
    elif isinstance(layer, keras.layers.MaxPooling2D):
        field = field + (np.array(layer.pool_size) - 1) * spacing
        spacing = spacing * np.array(layer.strides)
    else:
        continue
    field_ms = 1000 * field[0] * HOP / DEFAULT_SAMPLE_RATE
    print(f"{layer.name:12s} {field[0]:7d} {field_ms:6.0f} {min(field[1], N_MELS):6d}")

# %% [markdown]
# After four blocks, one value of the last feature map sees the frames and bands printed in
# the last row: about a second of music and well over half of the 64 bands. A global mean
# and max over the last map then summarise the whole crop into the **embedding**, so the
# classifier on top sees patterns from anywhere in the 3 seconds.
#
# ## 4. What should the first layer look at?
#
# Small squares are the computer-vision habit. Pons, Lidy and Serra (2016) argue that music
# suggests other shapes: **temporal** filters (many frames, one band) that match rhythmic
# patterns at any pitch, **frequency** filters (one frame, many bands) that match timbres and
# chords, and a **musical** front that puts several shapes side by side. The course's
# `spectrogram_cnn` takes `filter_shape=` one of these; the rest of the network is the same.

# %%
for shape in FILTER_SHAPES:
    model = spectrogram_cnn((crop, N_MELS, 1), len(classes), filter_shape=shape)
    fronts = front_convolutions(model)
    described = ", ".join(
        f"{layer.filters} x {layer.kernel_size[0]}x{layer.kernel_size[1]} "
        f"({1000 * layer.kernel_size[0] * HOP / DEFAULT_SAMPLE_RATE:.0f} ms x {layer.kernel_size[1]} bands)"
        for layer in fronts
    )
    print(f"{shape:10s} {model.count_params():7,d} parameters; first layer: {described}")

# %% [markdown]
# The four networks have nearly the same number of parameters, so a difference in accuracy
# comes from *what* the first layer can see, not from its size.
#
# ## 5. Training two of them
#
# We train the **square** and the **temporal** fronts, the two extremes, in the same way
# (Adam at a learning rate of 0.001, batches of 32 random crops, early stopping on the
# validation loss), then score every validation and test clip from all its crops. A
# temporal filter spans 32 frames (0.74 s) of a single band: it can match a rhythmic pattern,
# but not the shape of a spectrum, which only the 3x3 layers after it can see. `genre.py`
# trains all four shapes; the table at the end of this notebook has their measured results
# on the three backends.

# %%
from common.data.samplers import CropDataset
from common.experiment import clip_scores
from common.nn.training import Stopwatch, compile_classifier, fit
from common.tasks.classification import accuracy

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
trained = {}
for shape in ("square", "temporal"):
    set_seed(0)
    train = CropDataset(
        splits["train"], logmel, target, crop, batch_size=32, channel_axis=True, seed=0
    )
    model = spectrogram_cnn(
        (crop, N_MELS, 1), len(classes), filter_shape=shape, name=f"{shape}_cnn"
    )
    compile_classifier(model, 1e-3)
    with Stopwatch() as watch:
        history = fit(
            model,
            train,
            valid,
            epochs=epochs,
            log_dir=experiment.run_dir(shape),
            patience=max(4, epochs // 3),
            verbose=0,
        ).history
        scores = {s: clip_scores(model, splits[s], logmel, crop) for s in ("valid", "test")}
    trained[shape] = {"model": model, "scores": scores, "history": history}
    test_accuracy = accuracy(y["test"], scores["test"])
    experiment.record(f"cnn, {shape}", "model", "accuracy", test_accuracy, watch.seconds)
    print(
        f"{shape:8s} {len(history['loss'])} epochs in {watch.seconds:.0f} s: validation accuracy "
        f"{accuracy(y['valid'], scores['valid']):.3f}, test accuracy {test_accuracy:.3f}"
    )

# %% [markdown]
# ## 6. Baselines from the same run
#
# Two baselines keep the CNN honest, both with an SVM trained on the same training clips:
#
# - **MFCC statistics + SVM**: hand-crafted timbre features, the classic approach
#   (Tzanetakis and Cook, 2002);
# - **random-weights CNN + SVM**: the embedding of the *same* architecture with its initial,
#   untrained weights. It measures what the architecture gives before any learning; Choi et
#   al. (2017) used it as a baseline for learned features, and Pons and Serra (2019) found
#   that random CNN features can be surprisingly strong.

# %%
from common.results import format_table
from common.tasks.classification import support_vector_machine

with Stopwatch() as watch:
    mfcc = FeatureCache("mfcc_statistics")
    svm = support_vector_machine(mfcc.table(splits["train"]), y["train"])
    predicted = svm.predict(mfcc.table(splits["test"]))
experiment.record(
    "mfcc statistics + svm", "baseline", "accuracy", accuracy(y["test"], predicted), watch.seconds
)

with Stopwatch() as watch:
    set_seed(0)
    untrained = spectrogram_cnn((crop, N_MELS, 1), len(classes), name="random_cnn")
    embedder = embedding_model(untrained)
    features = {s: clip_scores(embedder, splits[s], logmel, crop) for s in ("train", "test")}
    svm = support_vector_machine(features["train"], y["train"])
    predicted = svm.predict(features["test"])
experiment.record(
    "random-weights cnn + svm",
    "baseline",
    "accuracy",
    accuracy(y["test"], predicted),
    watch.seconds,
)
print(format_table(experiment.rows))
print(f"test clips: {len(y['test'])}, so one clip is {1 / len(y['test']):.3f} of accuracy")

# %% [markdown]
# Read the table with the size of the test split in mind (printed below it): one clip moves
# an accuracy by that much, so differences of one or two clips are noise. The question the
# baselines answer is whether training the CNN beats features that cost nothing to learn.
#
# ## 7. A closer look at the model chosen on validation
#
# ### Confusion matrix
#
# Rows are the true styles, columns the predicted ones, each row normalised to sum to 1:
# the diagonal holds the recall of each style, and an off-diagonal cell tells which style a
# clip was mistaken for.

# %%
from sklearn.metrics import confusion_matrix

best = max(trained, key=lambda shape: accuracy(y["valid"], trained[shape]["scores"]["valid"]))
model, decisions = trained[best]["model"], trained[best]["scores"]["test"].argmax(1)
fig, axes = new_figure(figsize=(6, 5))
matrix = confusion_matrix(y["test"], decisions, labels=range(len(classes)))
plot_confusion_matrix(axes[0, 0], matrix, classes)
axes[0, 0].set_title(f"{best} CNN (chosen on validation), test split")
fig

# %% [markdown]
# ### The clips it gets wrong
#
# Listen to them. A mistake is sometimes a clip a person would hesitate over too (two styles
# that share instruments and a tempo range), and sometimes a plain failure worth
# understanding.

# %%
wrong = [i for i in range(len(decisions)) if decisions[i] != y["test"][i]][:3]
if not wrong:
    print("No test clip is misclassified.")
else:
    tracks = [splits["test"][i] for i in wrong]
    titles = [
        f"{t.track_id}\ntrue {t.genre}, predicted {classes[decisions[i]]}"
        for t, i in zip(tracks, wrong, strict=True)
    ]
    display(prediction_grid([logmel(t)[:crop] for t in tracks], titles, columns=3))
    for t, i in zip(tracks, wrong, strict=True):
        print(f"{t.track_id}: {t.genre}, heard as {classes[decisions[i]]}")
        display(player(t.audio(duration=3.0), seconds=3.0))

# %% [markdown]
# ### Filters and feature maps of the first layer
#
# The first layer's kernels can be drawn directly: each small image is one kernel, time to
# the right and frequency upwards, red for positive weights and blue for negative ones. Then
# the feature maps they produce on the clip of section 2: the output of the first block
# of the trained square network, before pooling.

# %%
from common.nn.interpret import conv_kernels

for shape, run in trained.items():
    for layer in front_convolutions(run["model"]):
        display(plot_kernels(conv_kernels(layer), title=f"{shape}: {layer.name}"))

# %%
first = front_model(trained["square"]["model"])
feature_maps = first.predict(spectrogram[None, :, :, None], verbose=0)[0]
strongest = np.argsort(feature_maps.mean(axis=(0, 1)))[::-1][:4]
fig, axes = new_figure(1, 4, figsize=(13, 2.8))
for ax, channel in zip(axes[0], strongest, strict=True):
    ax.imshow(
        feature_maps[..., channel].T,
        origin="lower",
        aspect="auto",
        cmap="magma",
        extent=(0, seconds, 0, N_MELS),
    )
    ax.set(title=f"square front, feature map {channel}", xlabel="time (s)", ylabel="mel band")
fig

# %% [markdown]
# Learned 3x3 kernels are too small to read much into. The temporal kernels are easier: each
# is a pattern over 0.74 s, and after enough training some show regular alternations of red
# and blue, a template of a rhythm (at the workshop size; two epochs leave them close to
# their random start). The feature maps (the four most active channels are shown) often
# resemble the hand-made ones of section 2: edges in time, edges in frequency, or a smoothed
# copy of the input.
#
# ### What the decision rests on: occlusion saliency
#
# Cover one patch of the spectrogram (13 frames by 8 bands, about 0.3 s) with its mean
# value, and measure how much the probability of the true style drops; repeat for every
# patch (Zeiler and Fergus, 2014). Green marks the patches the decision relies on most.
# It needs only forward passes, so it works the same on every backend.

# %%
from common.experiment import crops_of
from common.nn.interpret import occlusion_map

right = [i for i in range(len(decisions)) if decisions[i] == y["test"][i]][:3]
if not right:
    print("No test clip is classified correctly yet.")
else:
    fig, axes = new_figure(1, len(right), figsize=(4 * len(right), 3))
    for ax, i in zip(axes[0], right, strict=True):
        clip = crops_of(logmel(splits["test"][i]), crop)[0]
        saliency = occlusion_map(
            model, clip[..., None], int(y["test"][i]), patch=(13, 8), batch_size=80
        )
        plot_saliency(ax, clip, saliency)
        ax.set_title(f"{splits['test'][i].genre}: largest drop {saliency.max():.2f}")
    display(fig)

# %% [markdown]
# Each title gives the largest drop in probability caused by covering a single patch. A
# small value means no single patch matters much: the evidence is spread over the whole
# crop, as it is for a style, which is in the groove and the instruments everywhere.
#
# ## 8. Data augmentation
#
# With a few dozen training clips per style, a network can memorise them. Augmentation
# makes each training batch a little different from the clips themselves:
#
# - **SpecAugment** (Park et al., 2019) blanks out random bands of time and of frequency
#   (filled with the crop's mean), so the model cannot rely on one moment or one frequency
#   region;
# - **mixup** (Zhang et al., 2018) trains on a weighted mix of two crops with the same mix of
#   their labels (say 80 % of one style and 20 % of another), which smooths the decision
#   boundaries. The weight is drawn from a Beta(0.3, 0.3) distribution, so most mixes are
#   lopsided: mostly one clip, with a faint second one.
#
# `common.data.augment.Augment` applies both to each training batch of a `CropDataset`. Here is
# what it does to two crops:

# %%
from common.data.augment import mixup, spec_augment

rng = np.random.default_rng(4)
pair = [splits["train"][0], next(t for t in splits["train"] if t.genre != splits["train"][0].genre)]
batch = np.stack([logmel(t)[:crop] for t in pair])[..., None]
masked = spec_augment(batch, rng)
one_hot = np.eye(len(classes), dtype=np.float32)[[target(t) for t in pair]]
mixed, mixed_labels = mixup(batch, one_hot, rng)
fig, axes = new_figure(1, 4, figsize=(14, 2.8))
panels = [
    (batch[0], f"{pair[0].genre}: original"),
    (masked[0], f"{pair[0].genre}: SpecAugment"),
    (batch[1], f"{pair[1].genre}: original"),
    (
        mixed[0],
        "mixup: "
        + ", ".join(
            f"{mixed_labels[0, i]:.0%} {classes[i]}"
            for i in np.flatnonzero(mixed_labels[0] > 0.005)
        ),
    ),
]
for ax, (image, title) in zip(axes[0], panels, strict=True):
    plot_spectrogram(ax, image[..., 0], DEFAULT_SAMPLE_RATE, HOP)
    ax.set(xlabel="time (s)", ylabel="frequency (Hz, mel scale)")
    ax.set_title(title, fontsize=8)
fig

# %% [markdown]
# Does it help? `genre.py` answers by training the square network once more with both
# augmentations, otherwise unchanged. The difference on the test split, per backend, from
# the benchmark file:

# %%
from common.course.bench import RESULTS
from common.fileio import read_json

path = RESULTS / "quality-workshop.json"
rows = read_json(path)["rows"] if path.is_file() else []
genre_rows = {
    (r["model"], r["backend"]): r["value"]
    for r in rows
    if (r["part"], r["example"], r["size"]) == (1, "genre", "workshop")
}
augmented = [
    b
    for (m, b) in genre_rows
    if m == "cnn, square + specaugment + mixup" and ("cnn, square", b) in genre_rows
]
if not augmented:
    print(
        "No measured augmentation results in results/quality-workshop.json yet: "
        "`python -m common.course.bench quality --parts 1` measures them."
    )
for backend in augmented:
    plain, mixed_up = (
        genre_rows[("cnn, square", backend)],
        genre_rows[("cnn, square + specaugment + mixup", backend)],
    )
    print(
        f"{backend:10s}: square {plain:.3f}, with SpecAugment + mixup {mixed_up:.3f} "
        f"({mixed_up - plain:+.3f})"
    )
if augmented:
    lower = [
        b
        for b in augmented
        if genre_rows[("cnn, square + specaugment + mixup", b)] < genre_rows[("cnn, square", b)]
    ]
    print(f"augmentation lowered the test accuracy on {len(lower)} of {len(augmented)} backends")

# %% [markdown]
# Compare the differences with the size of one test clip (printed in section 6), and look
# at the sign on each backend (counted in the last line). Augmentation is a bet on which
# variations should not change the answer. Masking and mixing help most when a model
# overfits a small training set; they also make the training task harder, so with a fixed
# budget of epochs they can leave the model under-trained, and then they cost accuracy.
# When the accuracy drops on every backend, this is the likely cause: the augmented run
# needs more epochs, or milder settings (fewer masks, a smaller mixup weight). Measure it,
# choose on validation, and never assume it helps.
#
# ## 9. An evaluation pitfall: what goes into the test split
#
# A test split must contain music the model has never heard *in any form*. Real collections
# make that easy to get wrong:
#
# - **the same recording** cut into several excerpts, with excerpts on both sides of the
#   split;
# - **the same artist or album** on both sides: the model can learn the production (the
#   studio, the mastering, the singer's voice) instead of the style. Pampalk, Flexer and
#   Widmer (2005) and Flexer (2007) showed that genre accuracies drop markedly with an
#   **artist filter**, which keeps each artist on one side;
# - **covers** (versions of the same work) on both sides.
#
# GTZAN, the most used genre dataset, has all of these problems. Sturm (2013) found exact
# repetitions (the same excerpt several times), versions of the same song, distorted
# recordings, mislabelled excerpts, and many excerpts by a handful of artists (much of its
# reggae is Bob Marley), so that its usual random splits reward memorising artists.
# Kereliuk, Sturm and Larsen (2015) proposed fault-filtered, artist-conscious splits, which
# the course's GTZAN loader uses when it finds them (`--dataset gtzan`).
#
# We can measure the effect on our corpus. Each clip is cut into two halves (two excerpts of
# one recording) and each half is described by MFCC statistics, computed from its log-mel
# spectrogram. Then an SVM is trained and tested on 20 random 75/25 splits of the halves,
# grouping them three ways: by **excerpt** (halves of one recording may fall on both sides),
# by **clip** (both halves of a recording together, but versions of a work may be split),
# and by **work** (all versions of a work together, the course's rule).

# %%
import librosa
from sklearn.model_selection import GroupShuffleSplit


def excerpt_statistics(part):
    """Mean and standard deviation of 20 MFCCs and of their deltas, from a log-mel excerpt."""
    coefficients = librosa.feature.mfcc(S=part.T, n_mfcc=20).T
    deltas = librosa.feature.delta(coefficients, axis=0, width=9, mode="nearest")
    return np.concatenate(
        [coefficients.mean(0), coefficients.std(0), deltas.mean(0), deltas.std(0)]
    )


music = [t for tracks in splits.values() for t in tracks]
rows_x, rows_y, groups = [], [], {"excerpt": [], "clip": [], "work": []}
for track in music:
    features = logmel(track)
    half = len(features) // 2
    for k, part in enumerate((features[:half], features[half:])):
        rows_x.append(excerpt_statistics(part))
        rows_y.append(target(track))
        groups["excerpt"].append(f"{track.track_id}/{k}")
        groups["clip"].append(track.track_id)
        groups["work"].append(track.work_id)
x_parts, y_parts = np.array(rows_x), np.array(rows_y)
split_scores = {}
for name, labels in groups.items():
    splitter = GroupShuffleSplit(n_splits=20, test_size=0.25, random_state=0)
    split_scores[name] = [
        accuracy(
            y_parts[test],
            support_vector_machine(x_parts[train], y_parts[train]).predict(x_parts[test]),
        )
        for train, test in splitter.split(x_parts, y_parts, np.array(labels))
    ]
    print(
        f"split by {name:8s}: accuracy {np.mean(split_scores[name]):.3f} "
        f"(standard deviation over the 20 splits {np.std(split_scores[name]):.3f})"
    )
for name in ("excerpt", "clip"):
    gain = np.mean(split_scores[name]) - np.mean(split_scores["work"])
    print(f"split by {name} instead of by work: {gain:+.3f} of accuracy")

# %%
fig, axes = new_figure(figsize=(6, 2.8))
ax = axes[0, 0]
ax.boxplot(list(split_scores.values()), orientation="horizontal")
ax.set_yticks(range(1, len(split_scores) + 1), [f"by {name}" for name in split_scores])
ax.set(
    xlabel="test accuracy (20 random splits)",
    title="MFCC statistics + SVM: same data, three ways to split",
)
fig

# %% [markdown]
# Compare the three rows. When the two halves of a recording may land on both sides, the
# test excerpt's twin is in the training set, and the SVM recognises the recording (its
# instruments, tempo, key and production) rather than the style: the score goes up for a
# bad reason. Between the clip and work splits, watch whether covers leak. In this corpus
# every version of a work has its own tempo, key, instruments and recording chain, and often
# another style; MFCC statistics describe timbre, not melody, so the versions of a work
# share little that these features can see. If the clip and work rows are within their
# spread of each other, this corpus does not reward that leak. A model that follows
# melodies and chords, or a dataset where covers share a performer, could well be rewarded.
# The lesson stands either way: split by the largest unit that can carry information across
# (work, artist, album), and check it with a measurement like this one.
#
# ## 10. Beyond the corpus: the same styles, other instruments
#
# The test split holds new works, but played by the corpus's own SoundFont, like every
# training clip. The course's held-out set (Part 0, notebook 2) has a group, `ood-timbres`,
# of new works in the same eight styles played by the course's own synthesiser instead: the
# grooves, bass lines, harmony and tempi of each style are there, the instrument sounds are
# not. Nothing is trained or tuned on it. A model that has learned *style* should hold up
# there; one that has learned *the sound of this SoundFont's guitars and pianos* should not.

# %%
from common.data import load_held_out

shifted = load_held_out(SIZE)["ood-timbres"]
y_shifted = np.array([target(t) for t in shifted])
mfcc_svm = support_vector_machine(mfcc.table(splits["train"]), y["train"])
rows = {
    "mfcc statistics + svm": (
        accuracy(y["test"], mfcc_svm.predict(mfcc.table(splits["test"]))),
        accuracy(y_shifted, mfcc_svm.predict(mfcc.table(shifted))),
    )
}
shifted_scores = {
    shape: clip_scores(run["model"], shifted, logmel, crop) for shape, run in trained.items()
}
for shape, run in trained.items():
    rows[f"cnn, {shape}"] = (
        accuracy(y["test"], run["scores"]["test"]),
        accuracy(y_shifted, shifted_scores[shape]),
    )
print(f"{'accuracy':24s} {'test':>6s} {'ood-timbres':>12s} {'change':>7s}")
for name, (test, held_out) in rows.items():
    print(f"{name:24s} {test:6.3f} {held_out:12.3f} {held_out - test:+7.3f}")
print(
    f"{len(shifted)} held-out clips ({len(shifted) // len(classes)} per style): one clip is "
    f"{1 / len(shifted):.3f} of accuracy; chance is {1 / len(classes):.3f}"
)

# %% [markdown]
# The last column is **domain shift**: what each model loses when only the instrument
# sounds change. Where does it go? The confusion matrix of the model chosen on validation,
# on the held-out clips, shows which styles survive a change of instruments (those told
# apart by rhythm and tempo, which the synthesiser keeps) and which were recognised by their
# sound.

# %%
fig, axes = new_figure(figsize=(6, 5))
matrix = confusion_matrix(y_shifted, shifted_scores[best].argmax(1), labels=range(len(classes)))
plot_confusion_matrix(axes[0, 0], matrix, classes)
axes[0, 0].set_title(f"{best} CNN, held out: other timbres")
fig

# %% [markdown]
# Listen to one held-out clip of each of two styles next to a test clip of the same style:
# the same kind of music, other sounds.

# %%
for style in classes[:2]:
    ours = next(t for t in splits["test"] if t.genre == style)
    theirs = next(t for t in shifted if t.genre == style)
    print(f"{style}: {ours.track_id} (test split, SoundFont), then {theirs.track_id} (held out)")
    display(player(ours.audio(duration=5.0)), player(theirs.audio(duration=5.0)))

# %% [markdown]
# ## 11. All filter shapes and augmentation, on three backends
#
# The benchmark runs `genre.py` at the workshop size on each backend (measured results from
# `results/quality-workshop.json`, with rows for the test split and for the held-out
# `ood-timbres` group; `ood-styles` is left out, its styles are not among the eight):

# %%
from IPython.display import Markdown

from common.course.bench import measured

Markdown(measured(1, "genre"))

# %% [markdown]
# ## Your turn
#
# Train the `frequency` front the way section 5 trains the other two (the same loop, with
# `shape = "frequency"`), and add its line to the table of section 10. Before you run it,
# predict: its tall filters read the shape of a spectrum, which is what the synthesiser
# changes. Will it lose more than the temporal front on `ood-timbres`, or less? Then check your
# answer against all four shapes on every backend in the table of section 11.

# %% [markdown]
# ## What to remember
#
# - A convolution turns a spectrogram into feature maps; pooling shrinks them and widens
#   what the next layer sees; the receptive field of the last layer sets the longest pattern
#   a local filter can find.
# - The shape of the first filters is a musical choice: temporal filters look at rhythm,
#   tall ones at timbre and chords. Compare them on validation, with the rest of the
#   network fixed.
# - Always train baselines in the same run. A random-weights CNN + SVM tells you what the
#   architecture gives before learning.
# - Look at the errors and listen to them; look inside the model (filters, feature maps,
#   occlusion) before trusting it.
# - Augmentation is a hypothesis: measure its effect.
# - Split by work, artist and album. A split that lets the same recording, or the same
#   artist, onto both sides inflates the score, as GTZAN's random splits famously did.
