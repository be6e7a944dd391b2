# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # Part 3 · Notebook 2: Onsets with networks
#
# Notebook 1 built an onset detector by hand: a novelty function (SuperFlux) that says "the
# spectrum just gained energy", and a peak picker. Every choice in it, which bands to sum,
# how far back to compare, how to treat a soft bowed attack, was made by a person. Here a
# network learns the novelty function from the annotated onsets instead, and we keep the
# peak picker. We will
#
# 1. turn onset times into **frame targets**, widened to the neighbouring frames;
# 2. give the network the spectrum and its **positive difference**, the ingredient of the
#    spectral flux;
# 3. train three detectors that differ in what they may look at:
#    - a **bidirectional GRU** (offline: each answer depends on the whole clip; Eyben et al.,
#      2010, Böck et al., 2012),
#    - a **forward-only GRU** (online, causal: each answer depends on the past alone),
#    - a **CNN** that sees 11 frames around each frame (Schlüter and Böck, 2014);
# 4. choose each threshold on the **validation** split and compare on the **test** split with
#    SuperFlux and `librosa.onset.onset_detect`, computed here on the same clips;
# 5. check that the causal network really ignores the future, and listen to the detections.
#
# The script `part3_onsets_beats/scripts/onsets.py` runs the same experiment from the command
# line; its measured results close this notebook.

# %%
# The backend must be chosen before Keras is imported for the first time in a process:
# start_notebook does it ($KERAS_BACKEND, else JAX), with the corpus size ($MIR_COURSE_SIZE,
# else workshop), compact inline figures and the settings of the script named here.
from common.cli import start_notebook

notebook = start_notebook("onsets")
SIZE = notebook.size

import keras
import numpy as np
from IPython.display import display

# %% [markdown]
# ## 1. Frame targets
#
# The networks read the multi-resolution spectrogram of notebook 1 (80 mel bands, three
# window lengths, 100 frames per second) and answer once per frame with the probability that
# an onset is there. To train them, each annotated onset time $t$ becomes a target on the
# frame nearest to it, $n = \operatorname{round}(t \cdot f_r)$ with the frame rate $f_r$.
#
# A single positive frame among a hundred per second is a hard target: the annotation is
# only accurate to a frame or so, and if the network answers one frame early it is punished as
# much as if it had missed the onset entirely. **Widening** (Böck et al., 2016) also gives the
# frame on each side of an onset a target of 0.5: being one frame off now costs only a little,
# and there are three times as many frames with something to learn from.
# `common.data.targets.onset_targets` builds these targets from `track.onsets`.
# %%
from common.audio.features import ONSET_FRAME_RATE, ONSET_HOP_LENGTH
from common.audio.sonify import player
from common.data import load_corpus
from common.data.cache import FeatureCache
from common.data.targets import event_targets, onset_targets, per_track
from common.viz.figures import new_figure
from common.viz.plots import plot_activation, plot_spectrogram

corpus = load_corpus(SIZE)
splits = {s: corpus.tracks(split=s, kind="music") for s in ("train", "valid", "test")}
spectrogram = FeatureCache("onset_spectrogram")  # (n_frames, 80, 3), cached on disk
targets = per_track(onset_targets(spectrogram))  # (n_frames, 1), widened by one frame
for split, tracks in splits.items():
    print(f"{split:5s}: {len(tracks):3d} clips of {tracks[0].duration:.0f} s")

train_targets = np.concatenate([targets(t)[:, 0] for t in splits["train"]])
print(
    f"training frames: {len(train_targets)}, of which {np.mean(train_targets == 1):.1%} onset "
    f"frames and {np.mean(train_targets == 0.5):.1%} neighbours at 0.5"
)

# %%
example = next(t for t in splits["train"] if t.genre == "funk")
features = spectrogram(example)
ZOOM = (1.0, 3.0)  # seconds shown
frames = np.arange(len(features)) / ONSET_FRAME_RATE
fig, axes = new_figure(2, 1, figsize=(9, 4.2), sharex=True, height_ratios=(2, 1))
plot_spectrogram(axes[0, 0], features[..., 0], hop_length=ONSET_HOP_LENGTH, kind="plain")
for t in example.onsets:
    axes[0, 0].axvline(t, color="white", linewidth=0.8, alpha=0.8)
axes[0, 0].set_ylabel("mel band")
axes[0, 0].set_xlabel("")
axes[0, 0].set_title(f"{example.track_id}: spectrogram (shortest window) and annotated onsets")
plain = event_targets(example.onsets, len(features), ONSET_FRAME_RATE, widen=0)
axes[1, 0].bar(
    frames, targets(example)[:, 0], width=1 / ONSET_FRAME_RATE, color="C1", label="widened"
)
axes[1, 0].bar(frames, plain, width=0.4 / ONSET_FRAME_RATE, color="C0", label="one frame per onset")
axes[1, 0].set_ylabel("target")
axes[1, 0].set_xlabel("Time (s)")
axes[1, 0].set_xlim(*ZOOM)
axes[1, 0].legend(loc="upper right", fontsize=7)
fig

# %% [markdown]
# ## 2. What the recurrent networks see: the spectrum and its positive difference
#
# Notebook 1 computed the spectral flux as the half-wave rectified difference of each band from
# one frame to the next, summed over the bands. The recurrent networks start with the first
# two steps but **not** the sum: the layer `PositiveDifference` appends to each frame's 240
# values (80 bands times 3 windows) their increase since the previous frame,
#
# $$x_n = \big[\,S(n, \cdot),\; H\big(S(n, \cdot) - S(n-1, \cdot)\big)\,\big] \in
# \mathbb{R}^{480}, \qquad H(x) = \max(x, 0).$$
#
# The network can then learn its own weighting of the bands and windows, where the spectral
# flux adds them all up with equal weight. Summing the difference half of one channel over
# the bands gives back the spectral flux of that channel:

# %%
from common.models.temporal import PositiveDifference
from common.tasks.rhythm.novelty import spectral_flux

n_frames, n_bands, n_channels = features.shape
flat = features.reshape(1, n_frames, n_bands * n_channels)  # as the networks' "frames" layer
stacked = keras.ops.convert_to_numpy(PositiveDifference()(flat))[0]
increase = stacked[:, n_bands * n_channels :].reshape(n_frames, n_bands, n_channels)
print(f"one frame: {flat.shape[-1]} values in, {stacked.shape[-1]} out")
print(
    "sum over bands of the difference half, middle channel == spectral flux:",
    np.allclose(increase[..., 1].sum(axis=1), spectral_flux(features[..., 1]), atol=1e-3),
)

# %% [markdown]
# ## 3. Recurrent networks, forwards and both ways
#
# A recurrent layer reads the frames in order and carries a **state** $h_n$ from one frame to
# the next, so its answer at frame $n$ can depend on everything before it. A plain recurrent
# unit computes $h_n = \tanh(W x_n + U h_{n-1} + b)$. Training it means back-propagating
# through time: the gradient of the loss at frame $n$ with respect to the state at an
# earlier frame $m$ contains the product
#
# $$\frac{\partial h_n}{\partial h_m} = \prod_{j=m+1}^{n} \operatorname{diag}\big(1 -
# h_j^2\big)\, U,$$
#
# of $n - m$ matrices. When these shrink vectors, the product **vanishes** exponentially with
# the distance (when they grow them, it explodes), and the network cannot learn to use what
# happened a second ago. The **GRU** (Cho et al., 2014) adds gates, small sigmoid layers that
# decide per unit how much of the state to keep:
#
# $$z_n = \sigma(W_z x_n + U_z h_{n-1}), \quad r_n = \sigma(W_r x_n + U_r h_{n-1}), \quad
# \tilde h_n = \tanh\big(W x_n + U (r_n \odot h_{n-1})\big),$$
# $$h_n = z_n \odot h_{n-1} + (1 - z_n) \odot \tilde h_n.$$
#
# When the update gate $z_n$ is close to 1, $h_n \approx h_{n-1}$ and
# $\partial h_n / \partial h_{n-1} \approx I$: the gradient passes through unchanged, as along
# the cell state of an LSTM (Hochreiter and Schmidhuber, 1997; `onset_rnn(cell="lstm")`).
# An onset needs little memory, a few frames of context; the beat trackers of the next
# notebooks need seconds.
#
# `common.models.temporal.onset_rnn` stacks the positive difference, a batch normalisation,
# two GRU layers and a sigmoid per frame. With `bidirectional=True`, each layer has a second
# GRU that reads the clip **backwards**, and the two states are concatenated: the answer at
# frame $n$ then depends on the whole clip, past and future. That is fine for a recording
# (offline), impossible while the music is playing. With `bidirectional=False` the network is
# **causal** (online); the script gives it 48 units instead of 32 so the two have a comparable
# number of parameters.

# %%
from common.models.temporal import onset_cnn, onset_rnn
from common.nn.training import set_seed

NETWORKS = {  # name: (builder, peak-picking mode), as in scripts/onsets.py
    "birnn (offline)": (lambda: onset_rnn(bidirectional=True), "offline"),
    "causal rnn (online)": (lambda: onset_rnn(units=48, bidirectional=False), "online"),
    "cnn (offline)": (onset_cnn, "offline"),
}
set_seed(0)
onset_rnn(bidirectional=True).summary()

# %% [markdown]
# ## 4. A convolutional network with a short context
#
# The CNN (`onset_cnn`) reads the three-channel spectrogram like an image. Its three blocks of
# convolution, batch normalisation and ReLU pool **only along frequency** (by 3), so every
# frame keeps its own output, and a dense layer per frame gives the probability. It gets no
# positive difference: a kernel spanning several frames can compute differences itself. The
# kernels are 7, 3 and 3 frames long, so each output sees
# $1 + (7 - 1) + (3 - 1) + (3 - 1) = 11$ frames, about 110 ms around it. Since no layer
# depends on the number of frames, the network is **fully convolutional**: trained on 3 s
# crops, it runs on a whole clip in one pass, and computes the same thing as sliding an
# 11-frame excerpt along the clip, only much faster.

# %%
cnn = onset_cnn()
time_kernels = [
    layer.kernel_size[0] for layer in cnn.layers if isinstance(layer, keras.layers.Conv2D)
]
field = 1 + sum(k - 1 for k in time_kernels)
print(
    f"time kernels {time_kernels}: each output sees {field} frames "
    f"({field / ONSET_FRAME_RATE * 1000:.0f} ms)"
)
for name, (build, mode) in NETWORKS.items():
    print(f"{name:20s} {build().count_params():8,d} parameters, peak picking {mode}")

# %% [markdown]
# ## 5. Training on 3 s crops
#
# Each training batch holds random 3 s crops of 16 training clips with their frame targets
# (`CropDataset(..., frame_targets=True)` cuts inputs and targets together); the loss is the
# binary cross-entropy averaged over the frames. Early stopping watches the validation loss
# and keeps the best epoch. Every run is logged for TensorBoard under `runs/part3/`.

# %%
from common import runs_home
from common.data.samplers import CropDataset
from common.nn.training import Stopwatch, fit, run_dir

CROP = int(notebook.script.CROP_SECONDS * ONSET_FRAME_RATE)  # frames in 3 s, as in the script
epochs = notebook.epochs
train = CropDataset(
    splits["train"], spectrogram, targets, CROP, batch_size=16, frame_targets=True, seed=0
)
valid = CropDataset(
    splits["valid"],
    spectrogram,
    targets,
    CROP,
    random_crops=False,
    shuffle=False,
    frame_targets=True,
)
x, y = train[0]
print(f"one batch: inputs {x.shape}, targets {y.shape}")


def activations(model, tracks):
    """The model's activation (n_frames,) on each whole clip. Clips of the same length (all of
    them, in this corpus) go through the network together, 16 at a time."""
    result, by_length = [None] * len(tracks), {}
    for i, track in enumerate(tracks):
        by_length.setdefault(len(spectrogram(track)), []).append(i)
    for indices in by_length.values():
        batch = np.stack([spectrogram(tracks[i]) for i in indices])
        outputs = model.predict(batch, batch_size=16, verbose=0)
        for i, activation in zip(indices, outputs, strict=True):
            result[i] = activation[:, 0]
    return result


models, histories, curves = {}, {}, {}
for name, (build, _) in NETWORKS.items():
    set_seed(0)
    model = build()
    model.compile(optimizer="adam", loss="binary_crossentropy")
    tag = name.split(" (")[0].replace(" ", "_")
    with Stopwatch() as watch:
        histories[name] = fit(
            model,
            train,
            valid,
            epochs=epochs,
            log_dir=run_dir(runs_home(), part=3, example="onsets_notebook", tag=tag),
            patience=max(4, epochs // 4),
            verbose=0,
        )
    models[name] = model
    curves[name] = {s: activations(model, splits[s]) for s in ("valid", "test")}
    trained = len(histories[name].history["loss"])
    print(f"{name:20s} {trained:3d} epochs in {watch.seconds:4.0f} s")

# %%
fig, axes = new_figure(figsize=(7, 3))
ax = axes[0, 0]
for i, (name, history) in enumerate(histories.items()):
    numbers = np.arange(1, len(history.history["loss"]) + 1)
    ax.plot(numbers, history.history["loss"], color=f"C{i}", linestyle="--", linewidth=0.9)
    ax.plot(numbers, history.history["val_loss"], color=f"C{i}", label=name)
ax.set_xlabel("epoch")
ax.xaxis.get_major_locator().set_params(integer=True)
ax.set_ylabel("binary cross-entropy per frame")
ax.set_title("training (dashed) and validation (solid) loss")
ax.legend(fontsize=7)
fig

# %% [markdown]
# The loss is only a proxy, averaged over frames that are mostly easy zeros, and it knows
# nothing of peak picking. What we care about is how many onsets come out of the peak picker
# at the right time, which needs one more choice: the threshold.
#
# ## 6. Thresholds from the validation split
#
# A network's activation is a cleaner novelty function than SuperFlux (it was trained to be
# near 1 at onsets and 0 elsewhere), so the peak picker no longer needs a local mean: it keeps
# the local maxima above a threshold, at least 30 ms apart. The offline networks look 30 ms
# ahead for the maximum; the causal network uses the **online** picker, which looks at no
# future frame, so the whole detector stays causal. Each threshold is chosen on the
# validation clips, then applied unchanged to the test clips. SuperFlux is computed on the
# same clips and tuned the same way, offline and online.

# %%
from common.tasks.rhythm.novelty import superflux
from common.tasks.rhythm.peaks import choose_threshold, peak_settings, score_events

references = {s: [t.onsets for t in tracks] for s, tracks in splits.items()}
detectors = {  # name: (activations per split, kind of detector, peak-picking mode)
    name: (curves[name], "network", mode) for name, (_, mode) in NETWORKS.items()
}
flux = {s: [superflux(spectrogram(t)) for t in splits[s]] for s in ("valid", "test")}
detectors["superflux (offline)"] = (flux, "novelty", "offline")
detectors["superflux (online)"] = (flux, "novelty", "online")
thresholds = {}
for name, (activation, kind, mode) in detectors.items():
    settings = peak_settings(kind, mode)
    thresholds[name], valid_f = choose_threshold(
        references["valid"], activation["valid"], ONSET_FRAME_RATE, **settings
    )
    print(f"{name:20s} threshold {thresholds[name]:.2f} (validation F-measure {valid_f:.3f})")

# %% [markdown]
# Here is what the four detectors make of the first 5 s of one test clip: the annotations
# are the grey bars at the top, the detections the red ticks at the bottom, the dashed line
# each threshold.

# %%
from common.tasks.rhythm.peaks import pick_peaks


def detect(name, index, split="test"):
    """Onset times found by detector `name` in clip `index` of `split`."""
    activation, kind, mode = detectors[name]
    return pick_peaks(
        activation[split][index], ONSET_FRAME_RATE, thresholds[name], **peak_settings(kind, mode)
    )


index = 0
track = splits["test"][index]
shown = [*NETWORKS, "superflux (offline)"]
fig, axes = new_figure(len(shown), 1, figsize=(9, 1.7 * len(shown) + 0.4), sharex=True)
for ax, name, color in zip(axes[:, 0], shown, ("C0", "C1", "C2", "C4"), strict=True):
    plot_activation(
        ax,
        detectors[name][0]["test"][index],
        ONSET_FRAME_RATE,
        track.onsets,
        detect(name, index),
        thresholds[name],
        label=name,
        color=color,
    )
    ax.legend(loc="upper right", fontsize=7, ncol=3)
    ax.set_xlabel("")
    ax.set_xlim(0, 5)
axes[0, 0].set_title(f"{track.track_id} ({track.genre})")
axes[-1, 0].set_xlabel("Time (s)")
fig

# %% [markdown]
# The network activations are sparse and peaked: near zero between onsets, close to 1 at the
# clear ones. SuperFlux, scaled to its maximum in the clip, keeps a floor of small bumps from
# every sustained note. Look for the onsets that one detector finds and another misses, and
# for the height of the peaks at soft onsets.
#
# Look also at the pairs of annotations a few tens of milliseconds apart (two instruments not
# quite together): every detector finds one onset there, not two. A detection must be the
# maximum of the activation over $\pm 30$ ms, and a network trained with widened targets draws
# one broad peak over both. Such pairs are not rare in this corpus (the count is printed
# below the next table), and they cap the recall of every detector alike.
#
# ## 7. Test results
#
# All detectors on the same test clips with the standard 50 ms window, next to librosa's
# `onset_detect` with its `delta` chosen on the validation split.

# %%
from common.tasks.rhythm.baselines import librosa_onset_detection

results = {
    name: score_events(
        references["test"],
        activation["test"],
        ONSET_FRAME_RATE,
        thresholds[name],
        **peak_settings(kind, mode),
    )
    for name, (activation, kind, mode) in detectors.items()
}
delta, by_window = librosa_onset_detection(splits)
results["librosa onset_detect"] = by_window[0.05]
print(f"librosa onset_detect: delta {delta} (chosen on validation)\n")
print(f"{'test split, 50 ms':22s} {'F':>6s} {'P':>6s} {'R':>6s}")
for name, scores in results.items():
    print(
        f"{name:22s} {scores['f_measure']:6.3f} {scores['precision']:6.3f} {scores['recall']:6.3f}"
    )
gaps = np.concatenate([np.diff(t.onsets) for t in splits["test"]])
print(
    f"\n{np.mean(gaps < 0.05):.0%} of the intervals between consecutive test onsets are "
    "shorter than 50 ms"
)

# %% [markdown]
# Read the table in pairs. The offline networks against SuperFlux (offline): how much does
# learning the novelty function bring? The causal RNN against SuperFlux (online): the fair
# comparison for a detector that must answer while the music plays. And the causal RNN
# against the BiRNN: what does hearing the future buy? For onsets, less than one might think:
# an attack is visible in the frames where it happens, and a few frames of past are enough
# context. At the `tiny` size, with two epochs of training, the networks have barely started
# learning; the script's measured results below are for the `workshop` size.
#
# ## 8. Does the causal network really ignore the future?
#
# A causal model's output at frame $n$ must depend only on frames $0 \dots n$. We can test
# this directly: take a test clip, replace everything after frame $n_0$ (the middle) by
# something else (the same frames in reverse order), and run the three networks on both
# versions. Before $n_0$, the causal network's output must not change at all; the
# bidirectional one's changes too, because its backward GRU carries the new future back in
# time, fading with the distance. The CNN is
# in between: its outputs change only within its context, the 5 frames just before $n_0$.

# %%
original = spectrogram(track)
n0 = len(original) // 2
changed = original.copy()
changed[n0:] = original[n0:][::-1]  # a different future: the second half played backwards
SHOWN = np.arange(-100, 21)  # frames around n0 in the figure
FLOOR = 1e-9  # changes below this are drawn at this level (the log scale has no zero)

fig, axes = new_figure(len(NETWORKS), 1, figsize=(9, 5.5), sharex=True)
for ax, (name, model), color in zip(axes[:, 0], models.items(), ("C0", "C1", "C2"), strict=True):
    before = model.predict_on_batch(original[None])[0, :, 0]  # two calls of the same shape:
    after = model.predict_on_batch(changed[None])[0, :, 0]  # the same arithmetic, bit for bit
    change = np.abs(after - before)
    moved = np.flatnonzero(change > 1e-6)
    first = f"{moved[0] - n0:+d}" if len(moved) else "none"
    print(
        f"{name:20s} largest change before n0: {change[:n0].max():.1e}; first frame changed "
        f"by more than 1e-6, relative to n0: {first}"
    )
    ax.semilogy(SHOWN, np.maximum(change[n0 + SHOWN], FLOOR), color=color, label=name)
    ax.axvline(0, color="0.3", linestyle="--", linewidth=0.8)
    ax.set_ylim(FLOOR / 3, 3)
    ax.set_ylabel("|change|")
    ax.legend(loc="upper left", fontsize=7)
axes[0, 0].set_title("change of the activation when the frames from n0 on (dashed) are replaced")
axes[-1, 0].set_xlabel("frame relative to n0")
fig

# %% [markdown]
# The figure is on a logarithmic scale, with "no change at all" drawn at the bottom. The
# causal network's activation before $n_0$ is exactly the same, so it could run frame by frame
# on a live input with the online peak picker, with no latency beyond the half window of
# the STFT frame. The CNN changes exactly in the 5 frames before $n_0$, half its context:
# it needs 50 ms of the future, a latency that an online version of it would have to accept.
# The bidirectional network's answers change long before $n_0$, by less and less with the
# distance: it is an offline model.
#
# ## 9. Listening
#
# The test clip of section 6 with the onsets detected by the BiRNN, then by the causal RNN,
# as clicks over the music.

# %%
from common.audio.sonify import with_clicks

LISTEN_SECONDS = 6.0
audio = track.audio()
for name in ("birnn (offline)", "causal rnn (online)"):
    found = detect(name, index)
    print(f"{name}: {len(found)} onsets detected, {len(track.onsets)} annotated")
    display(player(with_clicks(audio, found), seconds=LISTEN_SECONDS))

# %% [markdown]
# ## 10. The measured results, on every backend
#
# The script `scripts/onsets.py` trains the three networks for the full number of epochs at
# the `workshop` size, with SuperFlux and librosa as baselines on the same test clips;
# `python -m common.course.bench quality --parts 3` runs it on JAX, TensorFlow and PyTorch and
# records the test figures in `results/quality-workshop.json`. The rows marked `(ood-styles)`
# and `(ood-timbres)` are the same trained detectors, with the same thresholds, on the course's
# held-out music (hymns and solo piano; the corpus's styles on other instruments; Part 0,
# notebook 2): how far what they learned travels beyond the corpus.

# %%
from IPython.display import Markdown

from common.course.bench import measured

Markdown(measured(3, "onsets"))

# %% [markdown]
# ## What to remember
#
# - A frame-wise detector is trained on targets made from event times; widening the targets to
#   the neighbouring frames tolerates small annotation errors and eases the class imbalance.
# - The positive difference of the spectrum is the spectral flux before the sum: the network
#   learns how to weigh it, band by band.
# - Recurrent networks carry a state through time; gates (GRU, LSTM) keep gradients alive over
#   many frames. A bidirectional RNN is offline; a forward-only one is causal and, with an
#   online peak picker, usable live.
# - A CNN with pooling along frequency only is fully convolutional in time: trained on crops,
#   it runs on whole clips, and its context is set by its kernels (11 frames here).
# - Thresholds are chosen on validation for every detector, learned or not; the test split is
#   used once, with the baselines computed in the same run.
