# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # Part 3 · Notebook 3: Beats, downbeats and meter with a temporal convolutional network
#
# Onsets are where *something* starts. Beats are where a listener taps a foot: a regular
# pulse, present even where no note starts, and absent on many notes that do. Finding them
# needs context, seconds of it, to see the regularity; and finding the **downbeats**, the
# first beat of each bar, needs even more: the pattern that repeats every bar.
#
# This notebook follows Böck, Davies and Knees (2019), "Multi-task learning of tempo and beat":
#
# 1. what beats, downbeats, meter and tempo are, and how datasets write them down;
# 2. **dilated convolutions**: how a small network sees 40 seconds of music;
# 3. one **multi-task TCN** with three heads (beats, downbeats, tempo) and three losses;
# 4. from activations to beat times, two ways: **peak picking** with a threshold chosen on the
#    validation split, and a **dynamic Bayesian network** (DBN) over the position in the bar,
#    which also chooses the meter;
# 5. evaluation with `mir_eval` (F-measure, CMLt, AMLt, downbeat F-measure) against
#    `librosa.beat.beat_track`, and a listening test: the tracked beats as clicks.
#
# The script `part3_onsets_beats/scripts/beats.py` runs the same experiment from the command
# line; its measured results close the notebook. Notebook 4 reads the tempo from the same
# network.

# %%
# The backend must be chosen before Keras is imported for the first time in a process:
# start_notebook does it ($KERAS_BACKEND, else JAX), with the corpus size ($MIR_COURSE_SIZE,
# else workshop), compact inline figures and the settings of the script named here.
from common.cli import start_notebook

notebook = start_notebook("beats")
SIZE = notebook.size

from collections import Counter
from pathlib import Path

import numpy as np
from IPython.display import display

from common.audio.sonify import player

# %% [markdown]
# ## 1. Beats, downbeats, meter and tempo
#
# - A **beat** is one tick of the regular pulse of the music: what you tap along to.
# - Beats are grouped into **bars**; the first beat of a bar is the **downbeat**, usually the
#   strongest (the "ONE" of "ONE two three four").
# - The **meter** says how many beats make a bar: three in 3/4 (a waltz: ONE two three), four
#   in 4/4 (most pop, rock, funk and house).
# - The **tempo** is the rate of the beats, in beats per minute (BPM): a beat period of
#   $\Delta$ seconds is a tempo of $60 / \Delta$ BPM.
#
# Beat datasets (Ballroom, GTZAN-Rhythm, Hainsworth, the collections of Böck et al.) write one
# beat per line: its **time** in seconds and its **position** in the bar, 1 on downbeats. The
# meter follows from the largest position, the tempo from the median interval between beats.
# Real annotations are tapped by people and then corrected, accurate to a few tens of
# milliseconds; those of the course corpus come from the scores the clips were rendered from,
# so they are exact.
# %%
from common.data import load_corpus
from common.data.targets import rhythm_of
from common.viz.figures import new_figure
from common.viz.plots import overlay_beats, plot_activation, plot_learning_curves, plot_spectrogram

corpus = load_corpus(SIZE)
splits = {s: corpus.tracks(split=s, kind="music") for s in ("train", "valid", "test")}
rhythm = {s: [rhythm_of(t) for t in tracks] for s, tracks in splits.items()}
for split, tracks in splits.items():
    tempi = [r.tempo for r in rhythm[split]]
    meters = Counter(t.meter for t in tracks)
    print(
        f"{split:5s}: {len(tracks):3d} clips of {tracks[0].duration:.0f} s, "
        f"tempi {min(tempi):.0f}-{max(tempi):.0f} BPM, "
        + ", ".join(f"{n} in {m}" for m, n in sorted(meters.items()))
    )
example = splits["train"][0]
lines = Path(example.annotation_paths["beats"]).read_text().splitlines()
print(f"\nThe first lines of {Path(example.annotation_paths['beats']).name} (time, position):")
print("\n".join(lines[:6]))
print(
    f"-> {len(example.beats.times)} beats, {len(example.downbeats)} downbeats, "
    f"meter {example.meter}, tempo {example.tempo:.1f} BPM ({example.genre})"
)

# %% [markdown]
# Let us look at one clip in 3/4 and one in 4/4. The network of this notebook reads the
# `onset_spectrogram` of `common.audio.features`: 80 mel bands at 100 frames per second, computed with
# three window lengths (stacked as channels, like the colours of an image). Below, the middle
# window (46 ms), with the annotated beats on top: **thick solid lines are downbeats**, dashed
# lines the other beats.

# %%
from common.audio.features import ONSET_FRAME_RATE, ONSET_HOP_LENGTH
from common.data.cache import FeatureCache

spectrogram = FeatureCache("onset_spectrogram")  # (frames, 80 mel bands, 3 window lengths)


def pick(meter, genres):
    """The first training clip in ``meter``, of one of ``genres`` if there is one."""
    candidates = [t for t in splits["train"] if t.meter == meter]
    return next((t for t in candidates if t.genre in genres), candidates[0])


shown = {"3/4": pick("3/4", ("waltz",)), "4/4": pick("4/4", ("rock", "funk"))}
fig, axes = new_figure(2, 1, figsize=(9, 5), sharex=True)
for ax, (meter, track) in zip(axes[:, 0], shown.items(), strict=True):
    plot_spectrogram(ax, spectrogram(track)[..., 1], hop_length=ONSET_HOP_LENGTH, kind="plain")
    overlay_beats(ax, track.beats.times, track.beats.positions)
    ax.set_ylabel("mel band")
    ax.set_xlabel("")
    ax.set_title(f"{track.track_id} ({track.genre}): {meter}, {track.tempo:.0f} BPM")
axes[-1, 0].set_xlabel("Time (s)")
fig

# %% [markdown]
# Listen with the annotation as clicks: a low click (1 kHz) on every beat, a high one (2 kHz)
# on every downbeat. Count along: ONE two three, ONE two three... against ONE two three four.

# %%
from common.audio.sonify import with_clicks

LISTEN_SECONDS = 6.0  # the players hold the first seconds of each clip
for meter, track in shown.items():
    print(f"{meter}: {track.track_id} with its annotated beats and downbeats")
    display(
        player(
            with_clicks(track.audio(), track.beats.times, track.downbeats), seconds=LISTEN_SECONDS
        )
    )

# %% [markdown]
# ## 2. Seeing seconds of music: dilated convolutions
#
# A beat is a beat because of its neighbours: to place one, a model must see several beat
# periods (a beat period is 0.3 to 1 s), and to tell a downbeat from the other beats, several
# bars. With 100 frames per second that is hundreds of frames of context. A recurrent network
# can carry it; a **temporal convolutional network** (TCN) gets it by **dilation**.
#
# A 1D convolution of kernel size $k$ and dilation $d$ computes at frame $t$
#
# $$y_t = \sum_{i=0}^{k-1} w_i \, x_{t + d\,(i - (k-1)/2)},$$
#
# that is, it looks at $k$ frames spaced $d$ apart. Stacking levels with dilations
# $1, 2, 4, \dots, 2^{L-1}$ doubles the context at every level: after $L$ levels an output
# sees
#
# $$R = 1 + (k - 1) \sum_{l=0}^{L-1} 2^l = 1 + (k-1)\,(2^L - 1) \text{ frames},$$
#
# whereas without dilation it would see only $1 + (k-1)\,L$ frames. The weights do not grow
# with the dilation: every level has the same $k$ taps.

# %%
from common.models.temporal import beat_tcn, receptive_field

KERNEL, LEVELS = 5, 10  # as in beat_tcn()
print(f"{'levels':>6s} {'dilated':>16s} {'not dilated':>16s}")
for levels in (1, 2, 4, 6, 8, LEVELS):
    dilated, plain = receptive_field(KERNEL, levels), 1 + (KERNEL - 1) * levels
    print(
        f"{levels:6d} {dilated:6d} frames {dilated / ONSET_FRAME_RATE:5.1f} s "
        f"{plain:6d} frames {plain / ONSET_FRAME_RATE:5.2f} s"
    )

# %% [markdown]
# Ten levels of kernel 5 see about 40 s: much more than our clips. Every output frame can use
# the whole clip, so the network can learn what repeats every beat and every bar.
#
# ## 3. One network, three tasks
#
# `common.models.temporal.beat_tcn` builds the multi-task TCN:
#
# - a small **front end**: batch normalisation, one 3x3 convolution over time and frequency
#   (8 maps, pooled by 4 along frequency only, so time keeps its resolution), and a dense layer
#   that turns each frame into 20 features;
# - **ten TCN levels** (dilations 1 to 512): a dilated convolution, ELU, spatial dropout, a 1x1
#   convolution, and a residual connection; each level also hands its output to a **skip**
#   connection;
# - three **heads**: a sigmoid per frame for the **beats** and one for the **downbeats**, read
#   from the last level; and a softmax over 300 integer tempi (0 to 299 BPM) for the **tempo**,
#   read from the sum of the skip outputs averaged over time (one answer per clip).
#
# No layer depends on the number of frames: the network reads clips of any length.

# %%
from common.nn.training import compile_beat_tracker, set_seed

set_seed(0)
model = compile_beat_tracker(beat_tcn())
groups = Counter()
for layer in model.layers:
    name = layer.name.split("_")[0]
    groups["tcn levels (10)" if name.startswith("tcn") else name] += layer.count_params()
print(f"{model.count_params():,} parameters:")
for name, count in groups.items():
    if count:
        print(f"  {name:16s} {count:6,d}")
outputs = model.predict(spectrogram(example)[None], verbose=0)
print(f"one clip in: {spectrogram(example)[None].shape}; out:")
for name, value in outputs.items():
    print(f"  {name:9s} {value.shape}")

# %% [markdown]
# **Targets and losses.** The annotation becomes three targets on the frames of the
# spectrogram (`common.data.targets`):
#
# - beats: 1 on the frame nearest each beat, and 0.5 on its two neighbours (annotations are
#   accurate to a frame or two, and a lone positive among a hundred negatives teaches little);
# - downbeats: the same for the downbeats only;
# - tempo: a distribution over the 300 tempo classes, peaked at the annotated tempo with a
#   little mass on the neighbouring BPM.
#
# `compile_beat_tracker` sums the three losses, binary cross-entropy per frame for the two
# event heads and categorical cross-entropy for the tempo:
#
# $$\mathcal{L} = \mathrm{BCE}(y^\mathrm{beat}, \hat y^\mathrm{beat})
# + \mathrm{BCE}(y^\mathrm{down}, \hat y^\mathrm{down})
# + 0.5\,\mathrm{CE}(y^\mathrm{tempo}, \hat y^\mathrm{tempo}).$$
#
# The three tasks share everything but their last layers, so what helps one (where are the
# beats?) helps the others (how far apart are they? which one starts the bar?).
#
# Training reads random 8 s crops (`common.data.samplers.BeatCrops`), with the three targets cut
# to the same frames. A fraction of the crops (`DRUMLESS`, 0.3, chosen on validation) comes from
# the clip *without its drums*: the corpus has stems, so the same music can be heard without a
# drummer, and the network must find the beat in the harmony and the bass as well. Without it,
# the TCN learns the corpus's drummer: on the validation clips without drums its beat F fell from
# 0.95 to 0.76, with it only to 0.88 (JAX, seed 0, workshop size). Here is one crop of a training batch and its targets.

# %%
from common.data.samplers import BeatCrops

CROP = int(notebook.script.CROP_SECONDS * ONSET_FRAME_RATE)  # 8 s crops, as in the script
without_drums = FeatureCache("onset_spectrogram", stems={"drums": 0.0})
crops = {
    "train": BeatCrops(
        splits["train"],
        spectrogram,
        CROP,
        batch_size=8,
        seed=0,
        remixes=[without_drums],
        remix_probability=notebook.script.DRUMLESS,
    ),
    "valid": BeatCrops(
        splits["valid"], spectrogram, CROP, batch_size=8, random_crops=False, shuffle=False
    ),
}
x, y = crops["train"][0]
print(f"one batch: x {x.shape}; " + ", ".join(f"{k} {v.shape}" for k, v in y.items()))
fig, axes = new_figure(3, 1, figsize=(9, 5.5))
plot_spectrogram(axes[0, 0], x[0, :, :, 1], hop_length=ONSET_HOP_LENGTH, kind="plain")
axes[0, 0].set_title("a training crop (8 s; zero padding where the clip is shorter)")
axes[0, 0].set_ylabel("mel band")
frames = np.arange(CROP) / ONSET_FRAME_RATE
axes[1, 0].plot(frames, y["beats"][0, :, 0], label="beat target")
axes[1, 0].plot(frames, y["downbeats"][0, :, 0], label="downbeat target", color="C2")
axes[1, 0].set_xlim(0, frames[-1])
axes[1, 0].set_xlabel("Time (s)")
axes[1, 0].legend(loc="upper right", fontsize=7)
bpm = int(np.argmax(y["tempo"][0]))
around = np.arange(bpm - 8, bpm + 9)
axes[2, 0].bar(around, y["tempo"][0][around], width=0.8)
axes[2, 0].set_xlabel("tempo class (BPM)")
axes[2, 0].set_title("tempo target (300 classes; the neighbourhood of the annotated tempo)")
fig

# %% [markdown]
# ## 4. Training
#
# The validation crops (the middle 8 s of each validation clip) give the loss that early
# stopping watches; the best epoch is kept. The number of epochs is the script's; every epoch
# visits each training clip once, through one random crop.

# %%
from common import runs_home
from common.nn.training import Stopwatch, fit, run_dir

epochs = notebook.epochs
log_dir = run_dir(runs_home(), part=3, example="beats", tag="notebook")
with Stopwatch() as training:
    history = fit(
        model,
        crops["train"],
        crops["valid"],
        epochs=epochs,
        log_dir=log_dir,
        patience=max(5, epochs // 4),
        verbose=0,
    )
print(
    f"trained {len(history.history['loss'])} epochs in {training.seconds:.0f} s; "
    f"TensorBoard run: {log_dir.name}"
)

# %%
fig, axes = new_figure(1, 2, figsize=(10, 3))
epoch_numbers = np.arange(1, len(history.history["loss"]) + 1)
plot_learning_curves(axes[0, 0], history, title="total loss")
for head, color in (("beats", "C0"), ("downbeats", "C2"), ("tempo", "C1")):
    axes[0, 1].plot(epoch_numbers, history.history[f"val_{head}_loss"], color=color, label=head)
axes[0, 1].set_title("validation loss of each head")
axes[0, 1].set_yscale("log")
axes[0, 1].legend()
for ax in axes[0]:
    ax.set_xlabel("epoch")
    ax.xaxis.get_major_locator().set_params(integer=True)
fig

# %% [markdown]
# The tempo loss is by far the largest (a cross-entropy over 300 classes, one answer per crop,
# against binary cross-entropies averaged over frames that are mostly easy negatives), and it
# falls the slowest: the tempo head is the slowest of the three to learn. Notebook 4 reads it.
#
# ## 5. Activations: what the network says, frame by frame
#
# Trained on 8 s crops, the network now reads every validation and test clip **whole**. Below
# is one test clip: the beat activation under the annotated beats (grey ticks at the top), and
# the downbeat activation under the annotated downbeats.

# %%
test_clips = splits["test"]


def activations(tracks):
    """Beat and downbeat activations (one value a frame) of whole clips."""
    outputs = [model.predict(spectrogram(t)[None], verbose=0) for t in tracks]
    return [o["beats"][0, :, 0] for o in outputs], [o["downbeats"][0, :, 0] for o in outputs]


beats, downbeats = {}, {}
for split in ("valid", "test"):
    beats[split], downbeats[split] = activations(splits[split])
index = 0  # the first test clip
fig, axes = new_figure(2, 1, figsize=(9, 4), sharex=True)
truth = rhythm["test"][index]
plot_activation(axes[0, 0], beats["test"][index], ONSET_FRAME_RATE, truth.beats, label="beat")
plot_activation(
    axes[1, 0],
    downbeats["test"][index],
    ONSET_FRAME_RATE,
    truth.downbeats,
    label="downbeat",
    color="C2",
)
track = test_clips[index]
axes[0, 0].set_title(f"{track.track_id} ({track.genre}, {track.meter}, {track.tempo:.0f} BPM)")
axes[0, 0].legend(loc="upper right", fontsize=7)
axes[1, 0].legend(loc="upper right", fontsize=7)
fig

# %% [markdown]
# The beat activation should peak on the beats; peaks between them (on eighth notes, or on
# strong off-beat chords) are the network's doubts. Downbeats are a harder task: they are
# three or four times rarer, and what marks them (a change of harmony, the pattern of a whole
# bar) is subtler than what marks a beat. Expect the downbeat activation to be lower, and to
# separate the first beat of the bar from the others less clearly, than the beat activation
# separates beats from the rest.
#
# ## 6. From activations to beats (1): peak picking
#
# The simplest decoder keeps every local maximum of the activation (over ±30 ms) that exceeds
# a threshold, and merges peaks closer than 0.2 s (no music has beats that close). The
# threshold is a hyper-parameter, so it is chosen on the **validation** clips, by the mean beat
# F-measure, and then applied unchanged to the test clips.

# %%
from common.tasks.rhythm.peaks import THRESHOLDS, choose_threshold, peak_settings, score_events

settings = peak_settings("network", "offline", events="beats")
print("peak picking:", settings)
valid_refs = [r.beats for r in rhythm["valid"]]
curve = [
    score_events(valid_refs, beats["valid"], ONSET_FRAME_RATE, c, "beats", **settings)["f_measure"]
    for c in THRESHOLDS
]
threshold, valid_f = choose_threshold(
    valid_refs, beats["valid"], ONSET_FRAME_RATE, "beats", **settings
)
print(f"threshold {threshold:.2f} (validation F-measure {valid_f:.3f})")
fig, axes = new_figure(figsize=(6, 2.8))
axes[0, 0].plot(THRESHOLDS, curve, marker=".")
axes[0, 0].axvline(threshold, color="0.4", linestyle="--", linewidth=0.8)
axes[0, 0].set_xlabel("threshold on the beat activation")
axes[0, 0].set_ylabel("beat F-measure (validation)")
axes[0, 0].set_title("Choosing the peak-picking threshold on the validation split")
fig

# %% [markdown]
# Peak picking decides each frame on its own. It does not know that beats come at a steady
# rate: where the activation is weak it misses a beat, and where a strong off-beat note makes
# the activation rise it adds one. Both break the regularity that any listener would hear
# at once.
#
# ## 7. From activations to beats (2): a dynamic Bayesian network over the bar
#
# The **bar-pointer model** (Whiteley et al., 2006; in the efficient form of Krebs et al.,
# 2015, used by Böck et al., 2016) puts that musical knowledge into a hidden Markov model and
# decides for the whole clip at once (`common.tasks.rhythm.dbn.track_bars`).
#
# **States.** A pointer moves through the bar. For a meter of $M$ beats per bar and a beat
# period of $\tau$ frames, the bar has $M\tau$ positions, and the state is the pair (position,
# period). Every integer period between 215 BPM and 55 BPM has its own positions, and each
# meter (3/4, 4/4) its own set of states.
#
# **Transitions.** The pointer advances one position per frame. Only at the end of a beat may
# the period change, from $\tau$ to $\tau'$, with probability
#
# $$P(\tau' \mid \tau) \propto \exp\!\left(-\lambda \left| \frac{\tau'}{\tau} - 1 \right|\right),
# \qquad \lambda = 100:$$
#
# tempo changes are rare and small. The pointer never jumps within a bar: after the last
# position of beat $M$ comes the first position of beat 1.
#
# **Observations.** The first $1/16$ of each beat are *beat states*. The network's activations
# $b_t$ (beat) and $d_t$ (downbeat) are the likelihoods of frame $t$ given the state:
#
# $$P(\text{frame } t \mid s) = \begin{cases} d_t & s \text{ at the start of beat 1 (a downbeat)}\\
# b_t - d_t & s \text{ at the start of beats } 2, \dots, M \\
# \dfrac{1 - b_t}{15} & \text{elsewhere in the bar.} \end{cases}$$
#
# The **Viterbi algorithm** finds the most likely path of states through the clip. Beats are
# read where the path crosses beat states, downbeats where it crosses those of beat 1. Since the
# meters share no state, the best path also names the **meter**, and its periods give a tempo.
# Nothing in the DBN is learned: the network supplies the evidence, the model the knowledge
# that beats are regular and bars have a fixed number of them.
#
# Here is the state space at these settings: each dot a state (only every eighth tempo is
# drawn), and the transition probabilities out of one period.

# %%
MIN_BPM, MAX_BPM, LAMBDA, OBSERVATION_LAMBDA = 55, 215, 100, 16  # track_bars' defaults
periods = np.arange(
    int(np.floor(60 * ONSET_FRAME_RATE / MAX_BPM)),
    int(np.ceil(60 * ONSET_FRAME_RATE / MIN_BPM)) + 1,
)
for meter in (3, 4):
    print(
        f"{meter} beats per bar: {len(periods)} periods ({periods[0]} to {periods[-1]} frames), "
        f"{meter * periods.sum():,} states"
    )
fig, axes = new_figure(1, 2, figsize=(10, 3.2), gridspec_kw={"width_ratios": [2.2, 1]})
ax = axes[0, 0]
for tau in periods[::8]:
    position = np.arange(3 * tau) / tau  # in beats, for a 3/4 bar
    in_beat = np.arange(3 * tau) % tau
    is_beat = in_beat * OBSERVATION_LAMBDA < tau
    bpm = np.full(len(position), 60 * ONSET_FRAME_RATE / tau)
    ax.scatter(position[~is_beat], bpm[~is_beat], s=1, color="0.7")
    first = is_beat & (position < 1)
    ax.scatter(position[is_beat & ~first], bpm[is_beat & ~first], s=6, color="C0")
    ax.scatter(position[first], bpm[first], s=6, color="C2")
ax.scatter([], [], s=10, color="C2", label="downbeat states ($d_t$)")
ax.scatter([], [], s=10, color="C0", label="beat states ($b_t - d_t$)")
ax.scatter([], [], s=10, color="0.7", label="no beat ($(1 - b_t)/15$)")
ax.set_xlabel("position in a 3/4 bar (beats)")
ax.set_ylabel("tempo (BPM)")
ax.set_title("bar-pointer states (every 8th period)")
ax.set_ylim(45, 270)
ax.legend(fontsize=7, loc="upper center", ncol=3)
tau = int(round(60 * ONSET_FRAME_RATE / 120))  # the period of 120 BPM
ratio = periods / tau
weights = np.exp(-LAMBDA * np.abs(ratio - 1))
axes[0, 1].bar(60 * ONSET_FRAME_RATE / periods, weights / weights.sum(), width=1.5)
axes[0, 1].set_xlim(95, 150)
axes[0, 1].set_xlabel("next tempo (BPM)")
axes[0, 1].set_title(f"P(next period | {tau} frames)")
fig

# %% [markdown]
# The DBN runs on the activations of every test clip, with both meters in competition.

# %%
from common.tasks.rhythm.dbn import track_bars
from common.tasks.rhythm.metrics import beat_scores

with Stopwatch() as watch:
    tracked = [
        track_bars(b, ONSET_FRAME_RATE, d)
        for b, d in zip(beats["test"], downbeats["test"], strict=True)
    ]
print(f"DBN: {len(tracked)} test clips decoded in {watch.seconds:.1f} s (3/4 and 4/4 each)")


def bar_pointer(result, n_frames):
    """The position in the bar (in beats, from 0 to the meter) of every frame, rebuilt from the
    decoded beats and downbeats; NaN before the first beat and after the last."""
    beat_times, meter = result.beats, result.beats_per_bar
    is_down = np.isin(np.round(beat_times, 4), np.round(result.downbeats, 4))
    first = int(np.argmax(is_down)) if is_down.any() else 0
    number = (np.arange(len(beat_times)) - first) % meter  # 0 on downbeats
    t = np.arange(n_frames) / ONSET_FRAME_RATE
    pointer = np.full(n_frames, np.nan)
    for i in range(len(beat_times) - 1):
        inside = (t >= beat_times[i]) & (t < beat_times[i + 1])
        pointer[inside] = number[i] + (t[inside] - beat_times[i]) / (
            beat_times[i + 1] - beat_times[i]
        )
    return pointer


result = tracked[index]
fig, axes = new_figure(2, 1, figsize=(9, 4.2), sharex=True)
plot_activation(
    axes[0, 0], beats["test"][index], ONSET_FRAME_RATE, truth.beats, result.beats, label="beat"
)
axes[0, 0].plot(
    np.arange(len(downbeats["test"][index])) / ONSET_FRAME_RATE,
    downbeats["test"][index],
    color="C2",
    linewidth=0.8,
    label="downbeat",
)
axes[0, 0].legend(loc="upper right", fontsize=7, ncol=4)
axes[0, 0].set_title(
    f"{track.track_id}: DBN beats (red) under the annotation (grey); "
    f"meter {result.beats_per_bar} (truth {truth.beats_per_bar}), "
    f"tempo {result.tempo:.0f} BPM (truth {truth.tempo:.0f})"
)
pointer = bar_pointer(result, len(beats["test"][index]))
times = np.arange(len(pointer)) / ONSET_FRAME_RATE
axes[1, 0].plot(times, pointer, color="C3")
for downbeat in truth.downbeats:
    axes[1, 0].axvline(downbeat, color="0.6", linewidth=0.8)
axes[1, 0].set_ylim(0, result.beats_per_bar)
axes[1, 0].set_yticks(range(result.beats_per_bar + 1))
axes[1, 0].grid(axis="y", linewidth=0.5)
axes[1, 0].set_ylabel("position in the bar (beats)")
downbeat_f = beat_scores(truth.downbeats, result.downbeats)["f_measure"]
axes[1, 0].set_title(
    f"the decoded bar pointer (annotated downbeats in grey); downbeat F = {downbeat_f:.2f}"
)
axes[1, 0].set_xlabel("Time (s)")
fig

# %% [markdown]
# The pointer climbs steadily through the bar and falls back to 0 at each decoded downbeat.
# If the DBN found the bars, the falls line up with the grey lines. If they come a beat or two
# away, the beats are right but the bar is counted from the wrong beat: the downbeat
# activation did not tell the first beat of the bar clearly enough from the others.
#
# ## 8. Where the DBN helps
#
# Both decoders read the same activations. Per test clip, we compare the beat F-measure of
# peak picking (threshold from validation) with that of the DBN, and look at the clip where
# the DBN gains most. A beat is a hit when it lies within 70 ms of an annotated beat.

# %%
from common.tasks.rhythm.metrics import mean_scores
from common.tasks.rhythm.peaks import pick_peaks

picked = [pick_peaks(b, ONSET_FRAME_RATE, threshold, **settings) for b in beats["test"]]
f_picked = np.array(
    [beat_scores(r.beats, p)["f_measure"] for r, p in zip(rhythm["test"], picked, strict=True)]
)
f_dbn = np.array(
    [
        beat_scores(r.beats, t.beats)["f_measure"]
        for r, t in zip(rhythm["test"], tracked, strict=True)
    ]
)
gain = f_dbn - f_picked
print(
    f"test clips where the DBN is better: {np.sum(gain > 0.01)}, worse: {np.sum(gain < -0.01)}, "
    f"about the same: {np.sum(np.abs(gain) <= 0.01)}"
)


def matched(reference, estimate, window=0.07):
    """For each time of ``estimate``: is there a time of ``reference`` within ``window``?"""
    reference = np.asarray(reference)
    return np.array([np.any(np.abs(reference - e) <= window) for e in estimate], dtype=bool)


fixed = int(np.argmax(gain))
r, act = rhythm["test"][fixed], beats["test"][fixed]
extra = picked[fixed][~matched(r.beats, picked[fixed])]
missed = r.beats[~matched(picked[fixed], r.beats)]
fig, axes = new_figure(2, 1, figsize=(9, 4.4), sharex=True)
plot_activation(axes[0, 0], act, ONSET_FRAME_RATE, r.beats, picked[fixed], threshold, label="beat")
axes[0, 0].plot(extra, np.full(len(extra), 0.5), "x", color="C3", markersize=8, label="extra")
axes[0, 0].plot(missed, np.full(len(missed), 0.93), "o", mfc="none", color="k", label="missed")
axes[0, 0].set_title(
    f"{test_clips[fixed].track_id} ({test_clips[fixed].genre}): peak picking, "
    f"F = {f_picked[fixed]:.2f}"
)
axes[0, 0].legend(loc="upper right", fontsize=7, ncol=5)
plot_activation(axes[1, 0], act, ONSET_FRAME_RATE, r.beats, tracked[fixed].beats, label="beat")
axes[1, 0].set_title(f"the DBN on the same activation, F = {f_dbn[fixed]:.2f}")
fig

# %% [markdown]
# Where the activation has a gap, the DBN still places a beat, because the pointer must cross
# a beat state about one period after the previous beat; where a spurious peak comes between
# two beats, the DBN ignores it, because no steady path goes through it. Listen to both
# (first the peak-picked beats, then the DBN's):

# %%
audio = test_clips[fixed].audio()
display(player(with_clicks(audio, picked[fixed]), seconds=LISTEN_SECONDS))
display(
    player(
        with_clicks(audio, tracked[fixed].beats, tracked[fixed].downbeats), seconds=LISTEN_SECONDS
    )
)

# %% [markdown]
# ## 9. Scoring beat trackers: F-measure, CMLt and AMLt
#
# `mir_eval.beat` gives the standard measures (`common.tasks.rhythm.metrics.beat_scores`):
#
# - **F-measure**: an estimated beat is a hit if it lies within **±70 ms** of an annotated
#   beat (each annotation matches at most one estimate); $F = 2PR/(P+R)$ from precision and
#   recall. It ignores continuity: a tracker that stumbles every few beats loses only those.
# - **CMLt** (correct metrical level, total): a beat counts as correct only if it lies within
#   **±17.5 % of the beat period** of an annotated beat *and* the previous beat was also
#   correct, with an interval that matches the annotated one (again within 17.5 %). CMLt is
#   the share of beats correct in this sense. (CMLc, which `mir_eval` also gives, keeps only the
#   longest continuous stretch.)
# - **AMLt** (allowed metrical levels): the same, but the estimate may also be at **double or
#   half** the annotated tempo, or on the **off-beat**, the levels at which listeners
#   disagree when they tap along.
#
# The downbeat F-measure is the F-measure of the downbeats. Because our clips are short, the
# usual convention of ignoring the first 5 s of every track is not applied.
#
# To see what each measure forgives, here are some made-up trackers of one test clip:

# %%
reference = rhythm["test"][index].beats
period = float(np.median(np.diff(reference)))
halves = reference[:-1] + period / 2
made_up = {
    "the annotation itself": reference,
    "30 ms late": reference + 0.03,
    "100 ms late": reference + 0.1,
    "on the off-beat": halves,
    "double tempo": np.sort(np.concatenate([reference, halves])),
    "half tempo": reference[::2],
    "one beat in four missing": np.delete(reference, np.arange(2, len(reference), 4)),
}
print(
    f"{test_clips[index].track_id}, {60 / period:.0f} BPM: tolerance of the F-measure 70 ms, "
    f"of CMLt and AMLt {0.175 * period * 1000:.0f} ms (17.5 % of the period)"
)
print(f"{'':26s} {'F':>6s} {'CMLt':>6s} {'AMLt':>6s}")
for name, estimate in made_up.items():
    s = beat_scores(reference, estimate)
    print(f"{name:26s} {s['f_measure']:6.2f} {s['cmlt']:6.2f} {s['amlt']:6.2f}")

# %% [markdown]
# Only a tracker at the right tempo and phase scores on all three. The off-beat tracker
# scores nothing on F-measure and CMLt; at double or half tempo, half of the estimated (or of
# the annotated) beats still match, so the F-measure keeps part of its value, but CMLt falls to
# nothing; all three count fully for AMLt. A tracker that drops one beat in four keeps most of
# its F-measure but loses much of its continuity: every gap restarts the count.
#
# ## 10. Results on the test split, against librosa
#
# The baseline is `librosa.beat.beat_track` (Ellis, 2007) on the same test clips: an onset
# strength envelope, one global tempo from its autocorrelation, then dynamic programming that
# places beats on strong onsets at that tempo. It is never trained.

# %%
from common.audio.io import DEFAULT_SAMPLE_RATE
from common.tasks.rhythm.baselines import librosa_beats

librosa_out = [librosa_beats(t.audio(), DEFAULT_SAMPLE_RATE)[1] for t in test_clips]
estimates = {
    "tcn + peak picking": picked,
    "tcn + dbn": [t.beats for t in tracked],
    "librosa beat_track": librosa_out,
}
results = {
    name: mean_scores(
        [beat_scores(r.beats, e) for r, e in zip(rhythm["test"], values, strict=True)]
    )
    for name, values in estimates.items()
}
print(f"{len(test_clips)} test clips        {'F':>6s} {'CMLt':>6s} {'AMLt':>6s}")
for name, s in results.items():
    print(f"{name:22s} {s['f_measure']:6.3f} {s['cmlt']:6.3f} {s['amlt']:6.3f}")
downbeat_f = np.mean(
    [
        beat_scores(r.downbeats, t.downbeats)["f_measure"]
        for r, t in zip(rhythm["test"], tracked, strict=True)
    ]
)
print(f"downbeat F-measure of the DBN: {downbeat_f:.3f}")

# %% [markdown]
# Not every style is equally easy. The beat F-measure of the DBN by genre, on the test split
# (few clips per genre, so read the differences with care):

# %%
by_genre = {}
for track, value in zip(test_clips, f_dbn, strict=True):
    by_genre.setdefault(track.genre, []).append(value)
for genre, values in sorted(by_genre.items(), key=lambda item: -np.mean(item[1])):
    print(f"{genre:15s} {len(values):2d} clips  beat F {np.mean(values):.3f}")

# %% [markdown]
# ## 11. Which meter? The DBN against the truth
#
# Each test clip was decoded twice, as 3/4 and as 4/4, and the more likely path won. How
# often does that choice match the annotated meter?

# %%
pairs = Counter(
    (r.beats_per_bar, t.beats_per_bar) for r, t in zip(rhythm["test"], tracked, strict=True)
)
print("annotated \\ chosen by the DBN:   3/4   4/4")
for true_meter in (3, 4):
    print(f"{true_meter}/4 {'':27s} {pairs[(true_meter, 3)]:5d} {pairs[(true_meter, 4)]:5d}")
agree = sum(n for (a, b), n in pairs.items() if a == b)
print(f"meter accuracy: {agree / len(tracked):.3f} ({agree} of {len(tracked)} clips)")
print(
    f"always answering 4/4 would get {np.mean([r.beats_per_bar == 4 for r in rhythm['test']]):.3f}"
)

# %% [markdown]
# Most clips are in 4/4, so the meter accuracy must be read against the constant answer
# printed last. The DBN chooses the meter from the downbeat activation: where that activation
# hardly differs from one beat to the next, both meters explain the clip almost equally well,
# and the choice is close to a coin toss. A 3/4 clip decoded as 4/4 (or the reverse) also has
# wrong downbeats after the first bar: meter and downbeats are one decision, and improving one
# means improving the downbeat activation.
#
# ## 12. Listen
#
# The last check is the ear. Here is a test clip in 3/4, if there is one, and a test clip in
# 4/4, each with the beats and downbeats tracked by the TCN and the DBN. The printed line says
# which meter the DBN chose: where it is wrong, the high clicks do not come back on the ONE of
# every bar, even if every low click is on a beat.

# %%
for meter in (3, 4):
    i = next((i for i, r in enumerate(rhythm["test"]) if r.beats_per_bar == meter), None)
    if i is None:
        continue
    clip, result = test_clips[i], tracked[i]
    print(
        f"{clip.track_id} ({clip.genre}, {clip.meter}): tracked as {result.beats_per_bar} beats "
        f"per bar at {result.tempo:.0f} BPM, beat F {f_dbn[i]:.2f}"
    )
    display(
        player(with_clicks(clip.audio(), result.beats, result.downbeats), seconds=LISTEN_SECONDS)
    )

# %% [markdown]
# ## 13. Beyond the corpus: music it never played
#
# Everything above was measured on the corpus's test split: new works, but the same eight
# styles, the same SoundFont, drums in almost every clip. Does the tracker find *the beat*,
# or *this corpus's drummer*? The held-out set (Part 0, notebook 2) answers: hymns and solo
# piano (no drums, fermatas, ritardandi: styles the corpus never plays), and the corpus's
# styles played by the course's own synthesiser. The network, the DBN and librosa run on it
# unchanged; nothing is tuned on it.

# %%
from common.data import load_held_out

held_out = load_held_out(SIZE)
print(f"{'':14s} {'clips':>5s} {'TCN + DBN':>10s} {'librosa':>8s}   (beat F-measure)")
for name, tracks in {"test split": test_clips, **held_out}.items():
    truth = rhythm["test"] if name == "test split" else [rhythm_of(t) for t in tracks]
    found, found_downbeats = activations(tracks)
    ours = [track_bars(b, ONSET_FRAME_RATE, d) for b, d in zip(found, found_downbeats, strict=True)]
    theirs = [librosa_beats(t.audio(), DEFAULT_SAMPLE_RATE)[1] for t in tracks]
    pairs = list(zip(truth, ours, theirs, strict=True))
    f_ours = np.mean([beat_scores(r.beats, e.beats)["f_measure"] for r, e, _ in pairs])
    f_theirs = np.mean([beat_scores(r.beats, e)["f_measure"] for r, _, e in pairs])
    print(f"{name:14s} {len(tracks):5d} {f_ours:10.3f} {f_theirs:8.3f}")

# %% [markdown]
# The gap between the first line and the others is **domain shift**: what a model loses when
# the music differs from what it was trained on. librosa has no training data to be shifted
# from, so its figures move only with how hard the music is. The network was trained with 30 %
# of its crops heard without drums (section 3). In one run of the script without that
# augmentation (`beats.py --drumless 0`, JAX, seed 0) the TCN + DBN reached beat F 0.598 on the
# new styles, against 0.722 with it, and 0.930 against 0.883 on the other timbres: the
# drumless crops help where there are no drums and cost a little where there are. The measured
# table below has the same rows (`ood-styles`, `ood-timbres`) for every backend.
#
# ## 14. The measured results, on every backend
#
# The script `scripts/beats.py` runs this example at the `workshop` size on each backend;
# `python -m common.course.bench quality --parts 3` measures it, and writes the test figures to
# `results/quality-workshop.json`. The threshold of peak picking is chosen on the validation
# split there too, and librosa runs on the same test clips.

# %%
from IPython.display import Markdown

from common.course.bench import measured

Markdown(measured(3, "beats"))

# %% [markdown]
# The same run reads the tempo three ways from the network; notebook 4 explains them.

# %%
Markdown(measured(3, "tempo"))

# %% [markdown]
# ## What to remember
#
# - Beats need context: dilated convolutions give a TCN tens of seconds of it with a few
#   thousand weights per level.
# - One network can learn beats, downbeats and tempo together; its three losses are summed.
# - Peak picking decides frame by frame, with a threshold chosen on the validation split; a
#   DBN over the position in the bar decides for the whole clip, filling gaps and ignoring
#   stray peaks, and chooses the meter.
# - F-measure counts hits within 70 ms; CMLt asks for continuity at the annotated tempo; AMLt
#   also accepts double, half tempo and the off-beat. Report all three, next to a baseline run
#   on the same clips.
