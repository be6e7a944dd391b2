# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # Part 1 · Notebook 5: From the waveform to log-mel: four front-ends
#
# Every network so far read a log-mel spectrogram computed beforehand: a fixed, hand-designed
# first layer. Could the network learn a better one from the raw samples? This notebook puts
# four **front-ends** side by side on one task (the style of a 2.7 s excerpt, eight classes),
# each model hearing the same raw waveform:
#
# | front-end | first layer | learned in it |
# |---|---|---|
# | `waveform` | 3-sample convolutions, nine blocks deep (Lee et al., 2017) | everything |
# | `logmel` | STFT, mel filterbank, decibels: the classic | nothing |
# | `sincnet` | band-pass filters, two numbers each (Ravanelli and Bengio, 2018) | band edges |
# | `stft` | a Fourier basis as convolution kernels, then a mel-like projection | basis and projection |
#
# The last three feed the same 2D CNN, so they differ only in how sound becomes an image.
# We will look at what each first layer computes, train two of them here, and weigh accuracy
# against cost (parameters and training time), next to an MFCC + SVM baseline. The script
# `part1_classification/scripts/frontends.py` trains all four on every backend; its measured
# results complete the picture at the end.

# %%
# The backend must be chosen before Keras is imported for the first time in a process:
# start_notebook does it ($KERAS_BACKEND, else JAX), with the corpus size ($MIR_COURSE_SIZE,
# else workshop), compact inline figures and the settings of the script named here.
from common.cli import start_notebook

notebook = start_notebook("frontends")
SIZE = notebook.size

import keras
import numpy as np

# %% [markdown]
# ## 1. The task and the data
#
# Each model receives a crop of $3^{10} = 59049$ samples (2.7 s at 22050 Hz), the length that
# the sample-level CNN covers exactly, and predicts one of the styles. A whole clip is judged
# by averaging the predictions of its crops. The waveforms are cached once per clip.
# %%
from common.audio.io import DEFAULT_SAMPLE_RATE
from common.data import by_split, load_corpus
from common.data.cache import FeatureCache
from common.data.targets import class_targets
from common.viz.figures import new_figure
from common.viz.plots import plot_spectrogram

CROP_SAMPLES = notebook.script.CROP_SAMPLES  # 3**10 = 59049 samples, as in the script
sr = DEFAULT_SAMPLE_RATE
splits = by_split(load_corpus(SIZE).tracks(kind="music"))
classes = sorted({t.genre for t in splits["train"]})
target = class_targets(classes)
y = {split: np.array([target(t) for t in tracks]) for split, tracks in splits.items()}
waveform = FeatureCache("waveform")
print(f"{len(classes)} styles: {', '.join(classes)}")
print(", ".join(f"{split} {len(tracks)} clips" for split, tracks in splits.items()))
print(f"crop: {CROP_SAMPLES} samples = {CROP_SAMPLES / sr:.2f} s")

# %% [markdown]
# ## 2. The baseline
#
# MFCC statistics (80 numbers per clip) and an SVM: no learning of features at all, and a
# strong opponent on timbre-driven tasks such as this one.

# %%
from common.tasks.classification import accuracy, support_vector_machine

statistics = FeatureCache("mfcc_statistics")
svm = support_vector_machine(statistics.table(splits["train"]), y["train"])
baseline_accuracy = accuracy(y["test"], svm.predict(statistics.table(splits["test"])))
print(f"MFCC statistics + SVM: test accuracy {baseline_accuracy:.3f}")

# %% [markdown]
# ## 3. Four models, one input
#
# `common.models.waveform.frontend_classifier(frontend, n_samples, n_classes)` builds each
# model. All take `(batch, 59049)` samples. For the three spectrogram front-ends the first
# layer is called `frontend` and is followed by the same compact 2D CNN; the sample-level CNN
# is a stack of 1D blocks whose first convolution is called `stem`. Here are their sizes.

# %%
from common.models.waveform import FRONTENDS, frontend_classifier, frontend_of
from common.nn.training import set_seed

models = {}
for name in FRONTENDS:
    set_seed(0)
    models[name] = frontend_classifier(name, CROP_SAMPLES, len(classes))
print(f"{'front-end':10s} {'parameters':>11s} {'of which in the first layer':>28s}")
for name, model in models.items():
    layer = frontend_of(model)
    print(f"{name:10s} {model.count_params():11,d} {layer.count_params():28,d}")

# %% [markdown]
# The trainable STFT stands out: its Fourier basis alone is a convolution with 1026 kernels of
# 1024 samples (a cosine and a sine for each of the 513 frequency bins), about a million
# weights. The SincNet-style layer has two numbers per band (128 for 64 bands), and the
# log-mel layer none.
#
# ## 4. What the first layers compute
#
# ### Log-mel, inside the model
#
# `common.nn.frontends.LogMelSpectrogram` computes the log-mel spectrogram in the model graph,
# with exactly the settings of `common.audio.features.logmel` (the function behind the feature caches).
# Computing features inside the model makes a saved model self-contained: it takes audio. Let
# us pass the first 2.7 s of a training clip through the three spectrogram front-ends, as
# initialised, and compare with the NumPy features.

# %%
from common.audio.features import logmel

clip = splits["train"][0]
excerpt = waveform(clip)[:CROP_SAMPLES]
images = {
    name: keras.ops.convert_to_numpy(frontend_of(models[name])(excerpt[None]))[0, ..., 0]
    for name in ("logmel", "sincnet", "stft")
}
reference = logmel(excerpt, n_mels=64)
print(f"common.audio.features.logmel: {reference.shape} (frames, bands)")
for name, image in images.items():
    difference = image - reference
    offset = np.median(difference, axis=0)  # one constant per band
    print(
        f"{name:8s} front-end: {image.shape}; difference to the NumPy log-mel: median "
        f"{np.median(np.abs(difference)):5.2f} dB, or {np.median(np.abs(difference - offset)):5.2f}"
        " dB once a constant per band is removed"
    )

# %%
fig, axes = new_figure(1, 3, figsize=(12, 3), sharey=True)
for ax, (name, image) in zip(axes[0], images.items(), strict=True):
    plot_spectrogram(ax, image, kind="plain")
    ax.set_title(f"{name} front-end, at initialisation")
    ax.set_xlabel("Time (s)")
    ax.set_ylabel("band (low to high)")
fig.suptitle(f"{clip.track_id} ({clip.genre}): what the 2D CNN receives")
fig

# %% [markdown]
# At initialisation the three images look alike. The trainable STFT starts from a
# Hann-windowed Fourier basis followed by the mel filterbank itself, so it computes log-mel
# exactly. The SincNet-style layer starts from bands spaced on the mel scale, with flat tops
# instead of triangles and a gain divided by the band's width; its image differs from
# log-mel mostly by a constant level per band (the two medians above). The learnable
# front-ends therefore start *where log-mel is*, and only training can move them away.
#
# ### The SincNet-style filterbank
#
# SincNet (Ravanelli and Bengio, 2018) learns band-pass filters described by two numbers each,
# a low cut-off and a bandwidth. In time, a band-pass filter is a difference of two sinc
# functions; in frequency, a rectangle. The course's layer applies the rectangles (with soft
# edges, 20 Hz wide, so that gradients reach the cut-offs) to the power spectrum of each
# frame, at the cost of a mel filterbank. Here are its 64 bands at initialisation.

# %%
sinc = frontend_of(models["sincnet"])


def edges(layer):
    """(low, high) cut-offs of every band, in Hz, as the layer uses them."""
    return tuple(keras.ops.convert_to_numpy(e) for e in layer.band_edges())


def rectangles(low, high, hz, softness=20.0):
    """The soft rectangles of the layer, at the frequencies ``hz``: (frequencies, bands)."""
    rise = 1 / (1 + np.exp(-(hz[:, None] - low) / softness))
    fall = 1 / (1 + np.exp(-(high - hz[:, None]) / softness))
    return rise * fall


initial_low, initial_high = edges(sinc)
hz = np.linspace(0, sr / 2, 4000)
fig, axes = new_figure(figsize=(9, 3))
axes[0, 0].plot(hz, rectangles(initial_low, initial_high, hz)[:, ::2], linewidth=0.8)
axes[0, 0].set_xscale("symlog", linthresh=500)
axes[0, 0].set_xlabel("frequency (Hz)")
axes[0, 0].set_ylabel("gain")
axes[0, 0].set_title("SincNet-style bands at initialisation (every second band)")
fig

# %%
widths = initial_high - initial_low
print(
    f"{len(widths)} bands from {initial_low[0]:.0f} Hz to {initial_high[-1]:.0f} Hz; widths "
    f"from {widths.min():.0f} Hz (lowest band) to {widths.max():.0f} Hz (highest band)"
)

# %% [markdown]
# ### The trainable STFT
#
# An STFT is a convolution: frame $t$, bin $k$ is the inner product of the windowed signal with
# a cosine and a sine of frequency $k \cdot f_s / N$. `common.nn.frontends.TrainableSTFT` stores
# these $2 \times 513$ kernels as weights, initialised to the Hann-windowed DFT basis, and
# lets training change them. We rebuild the basis from its definition with NumPy and compare,
# then look at three of the kernels and at the frequency response of each.

# %%
stft = frontend_of(models["stft"])
basis = keras.ops.convert_to_numpy(stft.basis)[:, 0, :]  # (1024 samples, 1026 kernels)
n_fft = stft.n_fft
n = np.arange(n_fft)
hann = 0.5 - 0.5 * np.cos(2 * np.pi * n / n_fft)
bins = np.arange(n_fft // 2 + 1)
dft = np.concatenate(
    [
        hann[:, None] * np.cos(2 * np.pi * np.outer(n, bins) / n_fft),
        -hann[:, None] * np.sin(2 * np.pi * np.outer(n, bins) / n_fft),
    ],
    axis=1,
)
print(
    f"kernels: {basis.shape}; largest difference to the DFT basis: {np.abs(basis - dft).max():.1e}"
)

fig, axes = new_figure(1, 2, figsize=(11, 3))
shown_bins = (4, 16, 64)
for k in shown_bins:
    axes[0, 0].plot(
        n / sr * 1000, basis[:, k], linewidth=0.8, label=f"bin {k} ({k * sr / n_fft:.0f} Hz)"
    )
    response = np.abs(np.fft.rfft(basis[:, k], 8 * n_fft))
    frequencies = np.fft.rfftfreq(8 * n_fft, 1 / sr)
    axes[0, 1].plot(frequencies, 20 * np.log10(response / response.max() + 1e-6), linewidth=0.8)
axes[0, 0].set_xlabel("time (ms)")
axes[0, 0].set_ylabel("kernel value")
axes[0, 0].set_title("three cosine kernels: Hann-windowed")
axes[0, 0].legend(fontsize=7)
axes[0, 1].set_xlim(0, 2000)
axes[0, 1].set_ylim(-80, 3)
axes[0, 1].set_xlabel("frequency (Hz)")
axes[0, 1].set_ylabel("gain (dB)")
axes[0, 1].set_title("their frequency responses: narrow band-pass filters")
fig

# %% [markdown]
# ### The sample-level CNN
#
# Lee et al. (2017) go to the other extreme: the first layer has 16 filters of just **3
# samples**, applied with a stride of 3, and each of the nine blocks that follow convolves 3
# neighbours and pools by 3. A 3-tap filter has at most two zeros: its frequency response can
# only be a broad tilt or a single dip across the whole 0 to 11 kHz range. Frequency
# selectivity has to come from depth, as the field of view of the units grows block by block.

# %%
stem = keras.ops.convert_to_numpy(frontend_of(models["waveform"]).kernel)[:, 0, :]  # (3, 16)
responses = np.abs(np.fft.rfft(stem, 512, axis=0))
frequencies = np.fft.rfftfreq(512, 1 / sr)
fig, axes = new_figure(figsize=(7, 3))
axes[0, 0].plot(frequencies, 20 * np.log10(responses[:, :6] + 1e-6), linewidth=0.9)
axes[0, 0].set_xlabel("frequency (Hz)")
axes[0, 0].set_ylabel("gain (dB)")
axes[0, 0].set_title("six of the 16 first-layer filters (3 samples each, at initialisation)")
fig

# %%
field, step = 3, 3  # the stem: 3 samples, stride 3
print(f"{'after':8s} {'sees (samples)':>15s} {'(ms)':>8s}")
print(f"{'stem':8s} {field:15d} {field / sr * 1000:8.1f}")
for block in range(1, 10):
    field += 2 * step  # a 3-tap convolution at the current resolution
    field += 2 * step  # max-pooling over 3 positions
    step *= 3
    print(f"{'block ' + str(block):8s} {field:15d} {field / sr * 1000:8.1f}")


# %% [markdown]
# It takes four blocks before a unit hears as much audio as a single 46 ms frame of the
# spectrogram front-ends (1024 samples), and the last blocks see more than the whole crop
# (the convolutions pad its ends). Everything a spectrogram hands over for free, a frequency
# analysis every 23 ms, the sample-level CNN must discover from the data, which is why it
# needs more training: in the script, a higher learning rate and half as many epochs again.
#
# ## 5. Training two front-ends
#
# Training all four at the workshop size takes longer than this session allows, so we train
# two here, the fixed log-mel and the learnable SincNet-style filterbank, with the settings
# of the script (learning rate, epochs, early stopping on the validation loss). Each model
# sees the same random crops. After training we measure the **cost** as the script does: the
# time of one training step on a batch of 32 crops, after a warm-up step so that compilation
# is not counted, divided by the batch size.

# %%
import time

from common import runs_home
from common.data.samplers import CropDataset
from common.experiment import clip_scores
from common.nn.training import compile_classifier, fit, run_dir

SETTINGS = notebook.script.SETTINGS  # learning rate and epochs (a multiple of EPOCHS) per front-end
TRAINED = ("logmel", "sincnet")
valid = CropDataset(
    splits["valid"], waveform, target, CROP_SAMPLES, random_crops=False, shuffle=False
)
histories, measured = {}, {}
for name in TRAINED:
    rate, stretch = SETTINGS[name]
    n_epochs = max(1, round(notebook.epochs * stretch))
    model = compile_classifier(models[name], rate)
    train = CropDataset(splits["train"], waveform, target, CROP_SAMPLES, batch_size=32, seed=0)
    histories[name] = fit(
        model,
        train,
        valid,
        epochs=n_epochs,
        log_dir=run_dir(runs_home(), part=1, example="frontends_notebook", tag=name),
        patience=max(8, n_epochs // 3),
        verbose=0,
    ).history
    scores = clip_scores(model, splits["test"], waveform, CROP_SAMPLES, channel_axis=False)
    x, labels = train[0]  # one batch; one fit step on it reuses the compiled training step
    model.fit(x, labels, batch_size=len(x), epochs=1, verbose=0)  # warm-up
    start = time.perf_counter()
    for _ in range(3):
        model.fit(x, labels, batch_size=len(x), epochs=1, verbose=0)
    seconds_per_example = (time.perf_counter() - start) / (3 * len(x))
    measured[name] = {
        "accuracy": accuracy(y["test"], scores),
        "parameters": model.count_params(),
        "ms per example": 1000 * seconds_per_example,
    }
    print(
        f"{name:8s}: {len(histories[name]['loss'])} epochs, test accuracy "
        f"{measured[name]['accuracy']:.3f}, {measured[name]['ms per example']:.1f} ms per "
        "training example"
    )

# %%
fig, axes = new_figure(1, 2, figsize=(10, 3))
for name, history in histories.items():
    epoch_numbers = np.arange(1, len(history["loss"]) + 1)
    axes[0, 0].plot(epoch_numbers, history["val_loss"], marker=".", label=name)
    axes[0, 1].plot(epoch_numbers, history["val_accuracy"], marker=".", label=name)
axes[0, 0].set_ylabel("validation loss (cross-entropy)")
axes[0, 1].set_ylabel("validation accuracy (centre crops)")
for ax in axes[0]:
    ax.set_xlabel("epoch")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend()
fig.suptitle("Two front-ends, the same CNN behind them")
fig

# %% [markdown]
# ## 6. What did the SincNet layer learn?
#
# The band edges are weights like any other: let us compare them with their initial values.

# %%
trained_low, trained_high = edges(frontend_of(models["sincnet"]))
moved = np.maximum(np.abs(trained_low - initial_low), np.abs(trained_high - initial_high))
relative = moved / widths
steps = int(keras.ops.convert_to_numpy(models["sincnet"].optimizer.iterations))
rate = SETTINGS["sincnet"][0]
print(f"optimizer steps: {steps} (training, then the 4 steps of the timing); learning rate {rate}")
print(f"largest move of a band edge: {moved.max():.1f} Hz; median: {np.median(moved):.1f} Hz")
print(
    f"as a fraction of the band's own width: largest {relative.max():.3f}, "
    f"median {np.median(relative):.3f}"
)
print(
    f"about the most Adam allows: learning rate x steps = {rate * steps:.3f} band widths per "
    "weight (the high edge moves with both of its band's weights: up to twice that)"
)

fig, axes = new_figure(figsize=(7, 2.8))
axes[0, 0].bar(np.arange(len(relative)), relative, color="C1")
axes[0, 0].set_xlabel("band (low to high)")
axes[0, 0].set_ylabel("largest edge move\n(fraction of band width)")
axes[0, 0].set_title("How far training moved each band's cut-offs")
fig

# %% [markdown]
# Adam changes each weight by *about the learning rate* per step, whatever the size of its
# gradient, so the **units of a parameter decide how fast an optimiser can move it**. SincNet
# stores its cut-offs in hertz; with a learning rate of 1e-3 and a few hundred steps, an edge
# could then move by a fraction of a hertz, nothing next to bands tens or hundreds of hertz
# wide, and the layer would stay a fixed filterbank. The course's layer stores each edge on
# the mel scale, in units of the initial band width (`common/nn/frontends.py`), so the same step
# moves every edge by the same fraction of its band, low or high. Compare the moves above
# with the Adam limit printed with them: the edges follow their gradients. How far they go
# in the end depends on the number of steps (a larger corpus, more epochs) and on what the
# task rewards.
#
# ## 7. Accuracy against cost
#
# A front-end is a trade-off. The table gathers, for every model trained here, the test
# accuracy, the number of parameters and the measured time per training example, with the
# parameters of all four models (they do not need training to be counted).

# %%
print(f"{'front-end':22s} {'test accuracy':>13s} {'parameters':>11s} {'ms/example':>11s}")
for name, model in models.items():
    if name in measured:
        m = measured[name]
        print(
            f"{name:22s} {m['accuracy']:13.3f} {m['parameters']:11,d} {m['ms per example']:11.1f}"
        )
    else:
        print(f"{name:22s} {'(not trained)':>13s} {model.count_params():11,d}")
print(f"{'MFCC statistics + SVM':22s} {baseline_accuracy:13.3f}")

# %% [markdown]
# The benchmark runs the script, which trains all four front-ends, on each backend. Its
# figures (test accuracy, and training examples per second, measured the same way) are in
# `results/quality-workshop.json`. The plot puts the models trained here (filled) next to the
# benchmark's runs on this notebook's backend (hollow), when they are available. The
# benchmark ran at the `workshop` size; its times, like yours, depend on the machine and on
# what else it was doing.

# %%
from common import REPO_ROOT
from common.fileio import read_json

BENCHMARK = REPO_ROOT / "results" / "quality-workshop.json"


def benchmark_rows(example, size="workshop"):
    """The benchmark rows of one Part 1 example (an empty list if none were measured yet)."""
    rows = read_json(BENCHMARK).get("rows", []) if BENCHMARK.is_file() else []
    return [r for r in rows if r["part"] == 1 and r["example"] == example and r["size"] == size]


backend = keras.backend.backend()
rows = [r for r in benchmark_rows("frontends") if r["backend"] == backend]
benchmark = {}
for name in FRONTENDS:
    mine = [r for r in rows if r["model"] == f"{name} front-end + cnn"]
    values = {r["metric"]: r["value"] for r in mine}
    if "accuracy" in values and "training examples per second" in values:
        benchmark[name] = (1000 / values["training examples per second"], values["accuracy"])
        print(
            f"benchmark, {name:8s}: accuracy {values['accuracy']:.3f}, "
            f"{1000 / values['training examples per second']:5.1f} ms per training example, "
            f"trained and scored in {mine[0]['seconds']:.0f} s"
        )

fig, axes = new_figure(figsize=(6, 3.8))
ax = axes[0, 0]
for i, name in enumerate(FRONTENDS):
    color = f"C{i}"
    if name in measured:
        m = measured[name]
        ax.scatter(m["ms per example"], m["accuracy"], color=color, s=40, label=f"{name}, here")
    if name in benchmark:
        ax.scatter(
            *benchmark[name],
            facecolors="none",
            edgecolors=color,
            s=60,
            label=f"{name}, benchmark (workshop)",
        )
ax.axhline(baseline_accuracy, color="0.5", linestyle="--", linewidth=0.8, label="MFCC + SVM")
ax.set_xlabel("training time per example (ms)")
ax.set_ylabel("test accuracy")
ax.set_title(f"Front-ends on {backend}: accuracy against cost")
ax.legend(fontsize=7, loc="lower right")
if not benchmark:
    print("No benchmark rows for the front-ends on this backend yet: only this notebook's runs.")
fig

# %% [markdown]
# ## 8. The measured results, on every backend
#
# All the front-end rows of the benchmark, one column per backend (accuracy on the test
# split, and training throughput in examples per second: higher is better for both). The
# `ood-timbres` rows are the accuracy on the course's held-out works in the same eight
# styles, played by another synthesiser (Part 1, notebook 2, section 10): does a front-end
# that learns its filters from the corpus's samples lose more there than the fixed log-mel?


# %%
from IPython.display import Markdown

from common.course.bench import measured

Markdown(measured(1, "frontends"))

# %% [markdown]
# ## Your turn
#
# Score the two front-ends trained in section 5, `models["logmel"]` and `models["sincnet"]`,
# on the held-out works in the same styles played by another synthesiser:
# `load_held_out(SIZE)["ood-timbres"]` (from `common.data`), with
# `clip_scores(model, tracks, waveform, CROP_SAMPLES, channel_axis=False)`, `target` and
# `accuracy`. Which front-end loses more when the instruments change, and is the difference
# larger than one clip (1/24 of accuracy)? The measured table has the four front-ends on every
# backend: is your answer the same there?

# %% [markdown]
# ## What to remember
#
# - A front-end is the first layer of the model: fixed (log-mel), parametric (SincNet-style
#   band edges), a free linear transform (trainable STFT) or nothing at all (sample-level CNN).
# - Learnable front-ends initialised at a classic transform start from its accuracy; whether
#   they move away from it depends on the data, and on how their parameters are scaled for
#   the optimiser (a cut-off in hertz barely moves; in units of its band, it learns).
# - Learning from raw samples costs the most data and training: frequency analysis must be
#   discovered layer by layer.
# - Compare front-ends on the same task, the same body and the same crops, and weigh
#   accuracy against parameters and measured time, never accuracy alone.
