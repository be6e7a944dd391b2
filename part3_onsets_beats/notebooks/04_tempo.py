# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # Part 3 · Notebook 4: How fast is it? Tempo from a network, from periodicity, and by augmentation
#
# Notebook 3 placed every beat. Often a single number is enough: the **tempo**, in beats per
# minute, to sort a DJ's crate, to pick running music, or to set a metronome for practice.
# Tempo is a *global* property of a clip, the period of its pulse, and it can be read in
# several ways from the same trained network. In this notebook we
#
# 1. see tempo as a periodicity, and why its estimates go wrong by a factor of two or three
#    (**octave errors**);
# 2. train the multi-task TCN of notebook 3 once, and read three tempo estimates from it: its
#    **tempo head**, the **autocorrelation** of its beat activation, and the **DBN**'s path;
# 3. compare them with `librosa.feature.tempo` using **Acc1** and **Acc2**;
# 4. teach the network tempi it never heard, by **tempo-stretch augmentation**.
#
# The scripts `part3_onsets_beats/scripts/beats.py` (example `tempo`) and
# `part3_onsets_beats/scripts/tempo_stretch.py` run the same experiments from the command
# line; their measured results close the notebook.

# %%
# The backend must be chosen before Keras is imported for the first time in a process:
# start_notebook does it ($KERAS_BACKEND, else JAX), with the corpus size ($MIR_COURSE_SIZE,
# else workshop), compact inline figures and the settings of the script named here.
from common.cli import start_notebook

notebook = start_notebook("beats")
SIZE = notebook.size

import numpy as np
from IPython.display import display

from common.audio.sonify import player
from common.viz.figures import new_figure
from common.viz.plots import overlay_beats, plot_spectrogram

# The two networks of the tempo-stretch experiment (section 7) get a smaller budget than the
# script gives them, to keep the notebook to a few minutes.
STRETCH_EPOCHS = {"tiny": 1, "workshop": 25, "full": 40}

# %% [markdown]
# ## 1. Tempo is a periodicity
#
# A beat period of $\Delta$ seconds is a tempo of $60/\Delta$ BPM; at the 100 frames per second
# of our features, a tempo of $T$ BPM repeats every $\tau = 60 \cdot 100 / T$ frames (50
# frames at 120 BPM). Whatever marks the beats (a kick drum, a bass note, a chord change)
# repeats with that period, and a periodicity is what every tempo estimator looks for.
#
# But music is periodic at several **metrical levels** at once: the beat, its subdivisions
# (eighth notes, at twice the tempo), the half bar, the bar (a third of the tempo in 3/4).
# Which level is "the" tempo is a convention of the annotation, and listeners asked to tap
# along disagree, often by a factor of two. An estimate off by exactly such a factor is an
# **octave error**. Two accuracies are therefore reported (Gouyon et al., 2006):
#
# - **Acc1**: the estimate is within **4 %** of the annotated tempo;
# - **Acc2**: it is within 4 % of the annotated tempo times $1, 2, 3, \tfrac12$ or
#   $\tfrac13$: octave errors (and the factor-3 errors of ternary meters) are forgiven.
#
# The corpus's tempi cover a wide range, on purpose:

# %%
from common.data import load_corpus
from common.data.targets import rhythm_of

corpus = load_corpus(SIZE)
splits = {s: corpus.tracks(split=s, kind="music") for s in ("train", "valid", "test")}
rhythm = {s: [rhythm_of(t) for t in tracks] for s, tracks in splits.items()}
fig, axes = new_figure(figsize=(7, 2.8))
bins = np.arange(60, 215, 10)
for split in ("train", "test"):
    axes[0, 0].hist([r.tempo for r in rhythm[split]], bins=bins, alpha=0.6, label=split)
axes[0, 0].set_xlabel("annotated tempo (BPM)")
axes[0, 0].set_ylabel("clips")
axes[0, 0].set_title("Tempi of the corpus")
axes[0, 0].legend()
for split, values in rhythm.items():
    tempi = [r.tempo for r in values]
    print(f"{split:5s}: {len(tempi):3d} clips, {min(tempi):.0f} to {max(tempi):.0f} BPM")
fig

# %% [markdown]
# ## 2. One network, trained once
#
# We train the multi-task TCN of notebook 3 (`beat_tcn`, beats, downbeats and a tempo
# distribution over 0 to 299 BPM, on random 8 s crops), with its three summed losses.
# Notebook 3 explains the model and the training data; here we only need its outputs. It is
# trained for as many epochs as in `scripts/beats.py`.

# %%
from common import runs_home
from common.audio.features import ONSET_FRAME_RATE, ONSET_HOP_LENGTH
from common.data.cache import FeatureCache
from common.data.samplers import BeatCrops
from common.models.temporal import beat_tcn
from common.nn.training import Stopwatch, compile_beat_tracker, fit, run_dir, set_seed

CROP = int(notebook.script.CROP_SECONDS * ONSET_FRAME_RATE)  # 8 s crops, as in the scripts
spectrogram = FeatureCache("onset_spectrogram")


def train_tcn(train_tracks, valid_tracks, epochs, stretch=None, tag="all"):
    """A multi-task TCN trained on crops of ``train_tracks`` (optionally tempo-stretched), with
    early stopping on ``valid_tracks``."""
    set_seed(0)
    model = compile_beat_tracker(beat_tcn())
    data = BeatCrops(train_tracks, spectrogram, CROP, batch_size=8, stretch=stretch, seed=0)
    held_out = BeatCrops(valid_tracks, spectrogram, CROP, random_crops=False, shuffle=False)
    log_dir = run_dir(runs_home(), part=3, example="tempo", tag=f"notebook-{tag}")
    with Stopwatch() as watch:
        history = fit(
            model,
            data,
            held_out,
            epochs=epochs,
            log_dir=log_dir,
            patience=max(5, epochs // 4),
            verbose=0,
        )
    print(
        f"{tag}: {len(train_tracks)} training clips, {len(history.history['loss'])} epochs "
        f"in {watch.seconds:.0f} s; TensorBoard run: {log_dir.name}"
    )
    return model, history


def outputs(model, tracks):
    """Per clip: the beat and downbeat activations (one value a frame) and the tempo
    distribution (one value per BPM, 0 to 299)."""
    answers = [model.predict(spectrogram(t)[None], verbose=0) for t in tracks]
    return (
        [a["beats"][0, :, 0] for a in answers],
        [a["downbeats"][0, :, 0] for a in answers],
        [a["tempo"][0] for a in answers],
    )


model, _ = train_tcn(splits["train"], splits["valid"], notebook.epochs)
test_clips, truth = splits["test"], rhythm["test"]
beats, downbeats, tempo_heads = outputs(model, test_clips)

# %% [markdown]
# ## 3. Three readings of the tempo
#
# ### The tempo head
#
# The tempo head is a classifier: a softmax over 300 integer tempi, fed with the network's
# features averaged over the whole clip. Its estimate is the most probable class, refined by
# the probability-weighted mean of it and its two neighbours
# (`common.tasks.rhythm.tempo.tempo_from_distribution`). Below, its output for one test clip; the
# annotated tempo is the solid line, its double and half the dashed ones.

# %%
from common.tasks.rhythm.tempo import autocorrelation_tempo, tempo_from_distribution

index = 0  # the first test clip
track, reference = test_clips[index], truth[index].tempo
head_bpm = tempo_from_distribution(tempo_heads[index])


def mark_tempo(ax, bpm, meter):
    """The annotated tempo (solid), its double and half (dashed), and, in 3/4, its triple and
    third (dotted)."""
    ax.axvline(bpm, color="k", linewidth=1.2, label="annotated")
    for factor in (2, 0.5):
        ax.axvline(bpm * factor, color="k", linewidth=0.8, linestyle="--")
    if meter == "3/4":
        for factor in (3, 1 / 3):
            ax.axvline(bpm * factor, color="k", linewidth=0.8, linestyle=":")


fig, axes = new_figure(figsize=(8, 2.8))
axes[0, 0].plot(np.arange(len(tempo_heads[index])), tempo_heads[index], color="C1")
mark_tempo(axes[0, 0], reference, track.meter)
axes[0, 0].set_xlim(30, 299)
axes[0, 0].set_xlabel("tempo (BPM)")
axes[0, 0].set_ylabel("probability")
axes[0, 0].set_title(
    f"{track.track_id} ({track.genre}, {track.meter}): tempo head says {head_bpm:.1f} BPM, "
    f"annotation {reference:.1f} BPM"
)
fig

# %% [markdown]
# ### The autocorrelation of the beat activation
#
# If the beat activation $a_t$ has a peak on every beat, it resembles itself shifted by one
# beat period. The **autocorrelation**
#
# $$r(\ell) = \frac{1}{N - \ell} \sum_{t=0}^{N-\ell-1} (a_t - \bar a)(a_{t+\ell} - \bar a)$$
#
# is high at the lag $\ell$ of the beat period, and the tempo is $60 \cdot 100 / \ell$ BPM
# (`common.tasks.rhythm.tempo.autocorrelation_tempo`, between 40 and 250 BPM, with a parabola through the
# best lag and its neighbours for a fraction of a frame). But a pulse that repeats every beat
# also repeats every **two** beats (and, in 3/4, every bar of three): the autocorrelation has
# peaks there too, and if one of them wins, the estimate is off by an octave.
#
# The grey curve is the log-normal prior that `librosa.feature.tempo` multiplies its
# autocorrelation with (centred on 120 BPM, one octave wide): a way to prefer the level that
# listeners tap most often, and a source of errors for music far from 120 BPM.

# %%
acf_bpm, acf_tempi, strengths = autocorrelation_tempo(beats[index], ONSET_FRAME_RATE)
fig, axes = new_figure(figsize=(8, 2.8))
ax = axes[0, 0]
ax.plot(acf_tempi, strengths, color="C0", label="autocorrelation of the beat activation")
mark_tempo(ax, reference, track.meter)
ax.set_xscale("log")
ax.set_xticks([40, 60, 80, 120, 160, 250], ["40", "60", "80", "120", "160", "250"])
ax.minorticks_off()
ax.set_xlabel("tempo (BPM), log scale")
ax.set_ylabel("autocorrelation")
prior_axis = ax.twinx()
prior_axis.plot(
    acf_tempi, np.exp(-0.5 * np.log2(acf_tempi / 120.0) ** 2), color="0.6", linewidth=0.8
)
prior_axis.set_ylim(0, 1.05)
prior_axis.set_ylabel("librosa's prior", color="0.5")
ax.set_title(f"autocorrelation says {acf_bpm:.1f} BPM (annotation {reference:.1f} BPM)")
ax.legend(loc="upper left", fontsize=7)
fig

# %% [markdown]
# ### The DBN's path
#
# The bar-pointer DBN of notebook 3 decodes a beat period for every frame; the median period
# along its best path is a tempo too. Its periods are whole numbers of frames, so its tempi
# are quantised: at 100 frames per second the neighbouring periods are a few percent apart at
# fast tempi, close to the 4 % tolerance of Acc1.

# %%
from common.tasks.rhythm.dbn import track_bars

with Stopwatch() as watch:
    tracked = [track_bars(b, ONSET_FRAME_RATE, d) for b, d in zip(beats, downbeats, strict=True)]
print(f"DBN on {len(tracked)} test clips in {watch.seconds:.1f} s")
print(f"{track.track_id}: the DBN's path says {tracked[index].tempo:.1f} BPM")
for bpm in (60, 120, 200):
    period = 60 * ONSET_FRAME_RATE / bpm
    step = np.ceil(period) / np.floor(period) - 1  # the ratio of the two nearest tempi
    print(f"near {bpm} BPM: periods of {period:.1f} frames, one frame more or less is {step:.1%}")

# %% [markdown]
# ## 4. The baseline: librosa
#
# `librosa.feature.tempo` (`common.tasks.rhythm.baselines.librosa_tempo`) computes an onset strength
# envelope from the audio, its autocorrelation over windows of about 8 s (a tempogram),
# averages it over the clip, multiplies it by the log-normal prior drawn above, and returns the
# tempo of the highest peak. Nothing is trained; the prior encodes what tempi are common.

# %%
from common.audio.io import DEFAULT_SAMPLE_RATE
from common.tasks.rhythm.baselines import librosa_tempo

with Stopwatch() as watch:
    librosa_tempi = [librosa_tempo(t.audio(), DEFAULT_SAMPLE_RATE) for t in test_clips]
print(f"librosa.feature.tempo on {len(test_clips)} test clips in {watch.seconds:.1f} s")

# %% [markdown]
# ## 5. Acc1 and Acc2 on the test split
#
# Four estimates of every test clip's tempo, scored against the annotation.

# %%
from common.tasks.rhythm.metrics import mean_scores, tempo_accuracy

estimates = {
    "tcn tempo head": [tempo_from_distribution(p) for p in tempo_heads],
    "tcn beats + autocorrelation": [autocorrelation_tempo(b, ONSET_FRAME_RATE)[0] for b in beats],
    "tcn + dbn": [t.tempo for t in tracked],
    "librosa feature.tempo": librosa_tempi,
}
true_tempi = np.array([r.tempo for r in truth])
FACTORS = {"right": 1.0, "double": 2.0, "half": 0.5, "triple": 3.0, "third": 1 / 3}


def kind_of_error(reference, estimate):
    """Which factor (within 4 %) relates the estimate to the reference, or 'other'."""
    for name, factor in FACTORS.items():
        if abs(estimate - factor * reference) <= 0.04 * factor * reference:
            return name
    return "other"


print(
    f"{len(test_clips)} test clips{'':17s} {'Acc1':>5s} {'Acc2':>5s}   "
    + " ".join(f"{k:>6s}" for k in (*FACTORS, "other"))
)
for name, values in estimates.items():
    scores = mean_scores([tempo_accuracy(r, e) for r, e in zip(true_tempi, values, strict=True)])
    kinds = [kind_of_error(r, e) for r, e in zip(true_tempi, values, strict=True)]
    print(
        f"{name:28s} {scores['acc1']:5.3f} {scores['acc2']:5.3f}   "
        + " ".join(f"{kinds.count(k):6d}" for k in (*FACTORS, "other"))
    )

# %% [markdown]
# The columns on the right count the clips by kind of answer: at the annotated tempo, at
# double, half, triple or a third of it, or elsewhere. Acc2 is Acc1 plus the octave (and
# factor-3) errors. The scatter makes them visible: every dot is a test clip, and the lines
# are $y = x$ (right), $y = 2x$ and $y = x/2$ (octave errors) and $y = 3x$, $y = x/3$ (dotted).
# Triangles are clips in 3/4.

# %%
meters = np.array([t.meter for t in test_clips])
fig, axes = new_figure(1, len(estimates), figsize=(3 * len(estimates), 3.2), sharey=True)
diagonal = np.array([40.0, 320.0])
for ax, (name, values) in zip(axes[0], estimates.items(), strict=True):
    for factor, style in ((1, "-"), (2, "--"), (0.5, "--"), (3, ":"), (1 / 3, ":")):
        ax.plot(diagonal, factor * diagonal, color="0.5", linestyle=style, linewidth=0.8)
    values = np.asarray(values)
    for meter, marker in (("4/4", "o"), ("3/4", "^")):
        keep = meters == meter
        ax.scatter(true_tempi[keep], values[keep], s=16, marker=marker, label=meter)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(55, 230)
    ax.set_ylim(30, 320)
    ticks = [60, 90, 120, 180]
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.set_yticks([40, 60, 120, 240], ["40", "60", "120", "240"])
    ax.minorticks_off()
    ax.set_xlabel("annotated tempo (BPM)")
    ax.set_title(name, fontsize=8)
axes[0, 0].set_ylabel("estimated tempo (BPM)")
axes[0, 0].legend(fontsize=7, loc="upper left")
fig

# %% [markdown]
# Dots on the dashed lines are octave errors, and each estimator has its own kind of mistake:
#
# - the **autocorrelation** can only pick among the periodicities of the activation, and a
#   pulse that repeats every beat repeats every two beats too (and every half beat, where the
#   activation also peaks on eighth notes): its errors are octave errors, so its Acc2 is far
#   above its Acc1;
# - **librosa**'s prior pulls the answer towards 120 BPM: slow clips tend to come out at
#   double tempo and fast ones at half;
# - the **DBN** inherits the regularity of the beat activation and its prior on smooth tempo;
# - the **tempo head** learned from the annotations which metrical level to name; but it is a
#   classifier over 300 classes, which needs examples of every tempo, and it is the head that
#   learns most slowly (notebook 3 shows its validation loss): a short training, or a tempo
#   the training set hardly has, hurts it most. Section 7 puts that to the test.
#
# ## 6. Tempo-stretch augmentation
#
# A network can only name tempi it has learned. If the training set has no clip at 200 BPM,
# the tempo class 200 never receives a target, and the beat activations never see beats that
# close together. **Tempo-stretch augmentation** (Böck et al., 2019) creates such clips: play a
# training crop $r$ times faster and every beat at $t$ seconds moves to $t/r$, while the tempo
# becomes $r$ times the tempo.
#
# On the spectrogram this is a resampling along time: `common.data.augment.stretch_frames`
# interpolates frames linearly, which approximates computing the spectrogram with a hop $r$
# times larger. It is cheap: no audio is processed again. Here is one training clip at three
# rates, with its beats moved.

# %%
from common.data.augment import stretch_frames

original = next(t for t in splits["train"] if 110 <= rhythm_of(t).tempo <= 130)
features, r0 = spectrogram(original), rhythm_of(original)
rates = (0.7, 1.0, 1.4)
fig, axes = new_figure(len(rates), 1, figsize=(9, 1.9 * len(rates)), sharex=True)
for ax, rate in zip(axes[:, 0], rates, strict=True):
    stretched = stretch_frames(features, rate)
    plot_spectrogram(ax, stretched[..., 1], hop_length=ONSET_HOP_LENGTH, kind="plain")
    positions = original.beats.positions
    overlay_beats(ax, r0.beats / rate, positions)
    ax.set_ylabel("mel band")
    ax.set_xlabel("")
    ax.set_title(
        f"rate {rate}: {len(stretched)} frames, tempo {r0.tempo * rate:.0f} BPM", fontsize=8
    )
axes[-1, 0].set_xlabel("Time (s)")
fig

# %% [markdown]
# The same stretch on the audio itself (`librosa.effects.time_stretch`, a phase vocoder that
# keeps the pitch), with the moved beats as clicks: the slow and the fast version of the clip
# are music as plausible as the original, at another tempo.

# %%
import librosa

from common.audio.sonify import with_clicks

LISTEN_SECONDS = 6.0  # the players hold the first seconds of each clip
signal = original.audio()
for rate in (0.7, 1.4):
    faster = librosa.effects.time_stretch(signal, rate=rate)
    print(f"rate {rate}: {r0.tempo * rate:.0f} BPM")
    display(
        player(with_clicks(faster, r0.beats / rate, r0.downbeats / rate), seconds=LISTEN_SECONDS)
    )

# %% [markdown]
# `BeatCrops(..., stretch=(0.6, 1.6))` does this to every training crop, with a rate drawn
# log-uniformly between 0.6 and 1.6 (as likely to slow down by a factor as to speed up by it),
# and moves the three targets with the features: beats, downbeats and tempo class.

# %%
from common.cli import load_script

STRETCH = load_script("tempo_stretch").STRETCH  # (0.6, 1.6), as in the script
stretched_crops = BeatCrops(
    splits["train"][:8], spectrogram, CROP, stretch=STRETCH, shuffle=False, seed=0
)
x, y = stretched_crops[0]
print("clip                 annotated  target tempo  rate")
for i, track in enumerate(stretched_crops.tracks[: len(x)]):
    target = int(np.argmax(y["tempo"][i]))
    tempo = stretched_crops.rhythms[i].tempo
    print(f"{track.track_id:20s} {tempo:7.0f}  {target:10d}    {target / tempo:.2f}")
fastest = int(
    np.argmax(
        [np.argmax(p) / r.tempo for p, r in zip(y["tempo"], stretched_crops.rhythms, strict=False)]
    )
)
fig, axes = new_figure(figsize=(9, 2.4))
plot_spectrogram(axes[0, 0], x[fastest, :, :, 1], hop_length=ONSET_HOP_LENGTH, kind="plain")
target_times = np.flatnonzero(y["beats"][fastest, :, 0] == 1) / ONSET_FRAME_RATE
target_downbeats = np.flatnonzero(y["downbeats"][fastest, :, 0] == 1) / ONSET_FRAME_RATE
overlay_beats(axes[0, 0], target_times, np.isin(target_times, target_downbeats).astype(int))
axes[0, 0].set_ylabel("mel band")
axes[0, 0].set_title(
    f"the most accelerated crop of the batch with its beat targets (zero padding where the "
    f"stretched clip is shorter than {CROP / ONSET_FRAME_RATE:.0f} s)",
    fontsize=8,
)
fig

# %% [markdown]
# ## 7. The experiment: tempi never heard
#
# To test the idea, `scripts/tempo_stretch.py` trains two copies of the TCN on the training
# clips **between 90 and 140 BPM only** (and validates on the validation clips in that range):
# one on the crops as they are, one with tempo stretch. Both are then tested on the test clips
# **outside** 90-140 BPM, tempi that neither saw as such, and, for reference, on those inside.
# We do the same here with a smaller training budget (`STRETCH_EPOCHS`), and score the beats
# (after the DBN) and the tempo head; librosa, which is never trained, gives the reference on
# the same clips.

# %%
from common.tasks.rhythm.baselines import librosa_beats
from common.tasks.rhythm.metrics import beat_scores

LOW, HIGH = 90.0, 140.0  # the training tempi of the experiment


def inside(track):
    return LOW <= rhythm_of(track).tempo <= HIGH


subset = {s: [t for t in splits[s] if inside(t)] for s in ("train", "valid")}
groups = {
    "outside": [i for i, t in enumerate(test_clips) if not inside(t)],
    "inside": [i for i, t in enumerate(test_clips) if inside(t)],
}
print(
    f"training on {len(subset['train'])} of {len(splits['train'])} clips "
    f"({LOW:.0f}-{HIGH:.0f} BPM); test: {len(groups['outside'])} clips outside, "
    f"{len(groups['inside'])} inside"
)
print(
    f"with stretch, the training crops cover {LOW * STRETCH[0]:.0f} to {HIGH * STRETCH[1]:.0f} BPM"
)
librosa_beat_times = [librosa_beats(t.audio(), DEFAULT_SAMPLE_RATE)[1] for t in test_clips]


def summary(indices, beat_times, tempi):
    """Mean beat F-measure and tempo accuracies over the test clips of ``indices``."""
    f = np.mean([beat_scores(truth[i].beats, beat_times[i])["f_measure"] for i in indices])
    accuracy = mean_scores([tempo_accuracy(truth[i].tempo, tempi[i]) for i in indices])
    return f, accuracy["acc1"], accuracy["acc2"]


# For each method: beat times, its tempo estimate as the scripts score it, and a second tempo.
rows = {"librosa beat_track + feature.tempo": (librosa_beat_times, librosa_tempi, None)}
head_tempi, histories = {}, {}
for name, stretch in (("tcn", None), ("tcn + tempo stretch", STRETCH)):
    narrow, histories[name] = train_tcn(
        subset["train"],
        subset["valid"],
        STRETCH_EPOCHS[SIZE],
        stretch,
        tag=name.replace(" + ", "_").replace(" ", "_"),
    )
    b, d, p = outputs(narrow, test_clips)
    head_tempi[name] = [tempo_from_distribution(q) for q in p]
    paths = [track_bars(bb, ONSET_FRAME_RATE, dd) for bb, dd in zip(b, d, strict=True)]
    rows[name] = ([t.beats for t in paths], head_tempi[name], [t.tempo for t in paths])
print(f"\n{'':36s} {'beats':>7s} {'tempo head':>11s} {'DBN tempo':>11s}")
print(f"{'':36s} {'F':>7s} {'Acc1':>5s} {'Acc2':>5s} {'Acc1':>5s} {'Acc2':>5s}")
for group, indices in groups.items():
    if not indices:
        continue
    print(f"test clips {group} {LOW:.0f}-{HIGH:.0f} BPM")
    for name, (beat_times, tempi, dbn_tempi) in rows.items():
        f, acc1, acc2 = summary(indices, beat_times, tempi)
        text = f"  {name:34s} {f:7.3f} {acc1:5.3f} {acc2:5.3f}"
        if dbn_tempi is not None:
            text += " {1:5.3f} {2:5.3f}".format(*summary(indices, beat_times, dbn_tempi))
        print(text)

# %% [markdown]
# (For librosa, the "tempo head" columns are `librosa.feature.tempo`.) The scripts score the
# tempo head; the DBN's tempo is shown too, because it comes from the beat activation, not from
# the tempo head.
#
# Where the tempo head of each model puts the test clips: the shaded band is the range of
# training tempi. A network trained without stretch has no reason to name a tempo it never
# saw, and tends to answer from the band it knows; with stretch, its training crops covered
# the range printed above.

# %%
fig, axes = new_figure(1, 2, figsize=(8, 3.4), sharey=True)
for ax, (name, tempi) in zip(axes[0], head_tempi.items(), strict=True):
    ax.axhspan(LOW, HIGH, color="C2", alpha=0.15, label="training tempi")
    ax.axvspan(LOW, HIGH, color="C2", alpha=0.15)
    for factor, style in ((1, "-"), (2, "--"), (0.5, "--")):
        ax.plot(diagonal, factor * diagonal, color="0.5", linestyle=style, linewidth=0.8)
    ax.scatter(true_tempi, tempi, s=16, color="C0")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(55, 230)
    ax.set_ylim(40, 300)
    ax.set_xticks([60, 90, 140, 200], ["60", "90", "140", "200"])
    ax.set_yticks([60, 90, 140, 200], ["60", "90", "140", "200"])
    ax.minorticks_off()
    ax.set_xlabel("annotated tempo (BPM)")
    ax.set_title(f"{name}: tempo head", fontsize=8)
axes[0, 0].set_ylabel("estimated tempo (BPM)")
axes[0, 0].legend(fontsize=7, loc="upper left")
fig

# %% [markdown]
# Augmentation changes training, too. Here are the validation losses of each head, epoch by
# epoch, for both models (the validation clips, 90-140 BPM, are not stretched).

# %%
fig, axes = new_figure(1, 3, figsize=(10, 2.8))
for ax, head in zip(axes[0], ("beats", "downbeats", "tempo"), strict=True):
    for name, history in histories.items():
        values = history.history[f"val_{head}_loss"]
        ax.plot(np.arange(1, len(values) + 1), values, marker=".", label=name)
    ax.set_title(f"validation loss: {head}", fontsize=8)
    ax.set_xlabel("epoch")
    ax.xaxis.get_major_locator().set_params(integer=True)
axes[0, 0].legend(fontsize=7)
fig

# %% [markdown]
# Read the table, the scatter and the curves together. Stretch and the two kinds of output
# respond differently:
#
# - the **beat activation** only has to mark where beats are, a local pattern that looks much
#   the same at any tempo; stretched crops teach it beats closer together and further apart
#   than the narrow training set has, and the DBN (whose tempo range is its own, 55 to 215
#   BPM) turns it into beats and a tempo;
# - the **tempo head** must map a whole crop to one of 300 classes. With stretch, every clip
#   comes with a different target at every epoch, spread over a range several times wider, and
#   the head learns slowly: on a small budget it may answer much the same tempo for every
#   clip, inside the training range or not. Early stopping watches the sum of the three
#   validation losses, in which the tempo head's is by far the largest term.
#
# With the small budget of a notebook and the few test clips outside the range, the numbers
# above also move from run to run. The script trains both models for longer, on every
# backend; its measured results follow. Making the tempo head profit from stretch as the beats
# do (more epochs, a validation set that is stretched too, a loss weight or learning rate of
# its own) is a good exercise.
#
# ## 8. The measured results, on every backend
#
# `python -m common.course.bench quality --parts 3` runs `scripts/beats.py` and
# `scripts/tempo_stretch.py` at the `workshop` size on each backend and writes their test
# figures to `results/quality-workshop.json`. First the tempo estimates of the multi-task TCN
# against librosa:

# %%
from IPython.display import Markdown

from common.course.bench import measured

Markdown(measured(3, "tempo"))

# %% [markdown]
# Then the tempo-stretch experiment (beat F-measure after the DBN, Acc1 and Acc2 of the tempo
# head), inside and outside the training tempi:

# %%
Markdown(measured(3, "tempo_stretch"))

# %% [markdown]
# ## What to remember
#
# - Tempo is the period of the pulse; music is periodic at several metrical levels, so tempo
#   estimates err by factors of two and three. Report Acc1 and Acc2 side by side.
# - One trained network gives several estimates: a tempo classifier head, the autocorrelation
#   of the beat activation, and the DBN's decoded periods.
# - librosa's prior around 120 BPM works for typical tempi and pulls the others towards it.
# - A network cannot name tempi it never saw; tempo-stretch augmentation moves the features
#   and the targets together and widens the tempi it learns from.
