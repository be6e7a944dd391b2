# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # Part 1 · Notebook 6: Which notes are sounding? Multi-pitch estimation with deep salience
#
# Classification gives one answer per clip; vocal detection gave one per frame. Multi-pitch
# estimation asks for many answers per frame: **which of 72 semitones (C1 to B6) are sounding
# right now?** Several notes at once, from several instruments, with their harmonics
# overlapping. It is the first step of automatic transcription.
#
# This notebook follows Bittner et al. (2017), "Deep salience representations for F0
# estimation in polyphonic music":
#
# 1. the **harmonic CQT** (HCQT): a stack of constant-Q transforms in which the harmonics of a
#    note line up, so that small convolution kernels can see them together;
# 2. the **target**: a piano roll of the notes of the score, one row per 23 ms frame;
# 3. a non-learned baseline, **harmonic summation** (in the spirit of Klapuri, 2006), on the
#    same HCQT;
# 4. the **deep-salience CNN**, trained with binary cross-entropy, its threshold chosen on the
#    validation split;
# 5. evaluation with `mir_eval.multipitch`, pictures of the salience against the score, and
#    a listening test: the predicted notes played back as sine tones.
#
# The script `part1_classification/scripts/multipitch.py` runs the same experiment from the
# command line; its measured results close the notebook.

# %%
# The backend must be chosen before Keras is imported for the first time in a process:
# start_notebook does it ($KERAS_BACKEND, else JAX), with the corpus size ($MIR_COURSE_SIZE,
# else workshop), compact inline figures and the settings of the script named here.
from common.cli import start_notebook

notebook = start_notebook("multipitch")
SIZE = notebook.size

import numpy as np
from IPython.display import display

# %% [markdown]
# ## 1. The harmonic CQT
#
# A constant-Q transform (CQT) has one bin per semitone: bin $k$ is centred on
# $f_k = f_\mathrm{min} \cdot 2^{k/12}$, here from C1 (32.7 Hz). A note of fundamental
# frequency $f_0$ also has energy at $2f_0, 3f_0, 4f_0, \dots$: in a CQT these harmonics sit 12,
# 19, 24 and 28 semitones above the fundamental, far apart, where a small convolution kernel
# cannot see them together with the fundamental.
#
# The HCQT computes several CQTs, the $h$-th starting at $h \cdot f_\mathrm{min}$ instead of
# $f_\mathrm{min}$. Bin $k$ of channel $h$ is then at $h \cdot f_k$: **the $h$-th harmonic of a
# note whose fundamental is in bin $k$ lands in bin $k$ of channel $h$**, for every $h$. The
# harmonics become channels, like the colours of an image, and a 5x5 kernel sees all of
# them at once. We use $h \in \{0.5, 1, 2, 3, 4, 5\}$ as in the paper (0.5 looks one octave below,
# to help reject octave errors).
#
# To see the alignment, here is one tone with five harmonics (fundamental A2, 110 Hz), and
# one frame of its HCQT from `common.audio.features.hcqt`.
# %%
from common.audio.features import hcqt
from common.audio.io import DEFAULT_SAMPLE_RATE
from common.audio.sonify import player
from common.viz.figures import new_figure
from common.viz.plots import plot_learning_curves

HARMONICS = (0.5, 1, 2, 3, 4, 5)
HOP = 512
LOW = 24  # MIDI pitch of bin 0 (C1)
sr = DEFAULT_SAMPLE_RATE
t = np.arange(2 * sr) / sr  # 2 s
tone = sum(0.6**h * np.sin(2 * np.pi * 110.0 * (h + 1) * t) for h in range(5)).astype("float32")
tone_hcqt = hcqt(tone, harmonics=HARMONICS, n_octaves=6, bins_per_semitone=1, hop_length=HOP)
frame = tone_hcqt[len(tone_hcqt) // 2]  # (72 bins, 6 harmonics), in dB
fundamental_bin = 45 - LOW  # A2 is MIDI 45
print(f"HCQT of the tone: {tone_hcqt.shape} (frames, bins, harmonics)")
print(f"loudest bin of channel h=1 (the plain CQT): MIDI {LOW + frame[:, 1].argmax()} (A2 = 45)")
for h, column in zip(HARMONICS, frame.T, strict=True):
    print(
        f"channel h={h:<3}: level in the bin of A2 {column[fundamental_bin]:6.1f} dB, "
        f"median of the other bins {np.median(np.delete(column, fundamental_bin)):6.1f} dB"
    )
loud = frame > frame.max() - 30  # within 30 dB of the loudest cell
everywhere = np.flatnonzero(loud[:, 1:].all(axis=1))  # loud in every channel h = 1 ... 5
print("bins loud (top 30 dB) in all of the channels h=1 to 5: MIDI", LOW + everywhere)

# %%
fig, axes = new_figure(1, 2, figsize=(10, 3.4), gridspec_kw={"width_ratios": [1, 1.3]})
pitches = LOW + np.arange(frame.shape[0])
axes[0, 0].plot(pitches, frame[:, 1], color="C0")
for k in range(1, 6):
    axes[0, 0].axvline(45 + 12 * np.log2(k), color="C3", linestyle="--", linewidth=0.7)
axes[0, 0].set_xlabel("CQT bin (MIDI pitch)")
axes[0, 0].set_ylabel("level (dB)")
axes[0, 0].set_title("Plain CQT (h=1): five peaks, one note")
image = axes[0, 1].imshow(
    frame.T,
    origin="lower",
    aspect="auto",
    cmap="magma",
    extent=(LOW - 0.5, LOW + 71.5, -0.5, 5.5),
    vmin=frame.max() - 30,  # the top 30 dB
    vmax=frame.max(),
)
axes[0, 1].axvspan(44.5, 45.5, fill=False, edgecolor="cyan", linewidth=1.2)  # A2
axes[0, 1].set_yticks(range(len(HARMONICS)), [f"h={h}" for h in HARMONICS])
axes[0, 1].set_xlabel("bin (MIDI pitch of the candidate fundamental)")
axes[0, 1].set_title("HCQT, one frame: aligned in the bin of A2 (cyan box)")
fig.colorbar(image, ax=axes[0, 1], label="dB")
fig

# %% [markdown]
# In the plain CQT (left) the five harmonics are five peaks spread over almost three octaves
# (red lines). In the HCQT (right) the column of A2 is bright in the channels $h = 1$ to $5$, and
# dark in $h = 0.5$ (there is nothing an octave below A2). Other columns light up too (in
# channel 1, the harmonics of the tone look like the fundamentals of higher notes), but only
# the true fundamental is loud **in every channel at once**, as the last line printed above
# shows: that is the pattern a network can learn to detect.
#
# ## 2. The corpus: HCQTs and piano rolls
#
# For every clip we compute the HCQT once (a `FeatureCache`, kept on disk) and the target:
# `common.data.targets.pitch_roll` turns the pitched notes of the score (drums excluded) into a
# binary matrix of shape (frames, 72), on the same frames as the HCQT.

# %%
from common.data import by_split, load_corpus
from common.data.cache import FeatureCache
from common.data.targets import N_PITCHES, PIANO_ROLL_LOW, per_track, pitch_roll
from common.nn.training import Stopwatch

splits = by_split(load_corpus(SIZE).tracks(kind="music"))
features = FeatureCache(
    "hcqt", harmonics=HARMONICS, n_octaves=6, bins_per_semitone=1, hop_length=HOP
)
roll = per_track(lambda track: pitch_roll(track, len(features(track)), HOP))
with Stopwatch() as watch:
    for tracks in splits.values():  # compute (or read from the cache) every HCQT once
        for track in tracks:
            features(track)
hop_seconds = HOP / sr
print(f"HCQTs of {sum(map(len, splits.values()))} clips ready in {watch.seconds:.0f} s")
train_rolls = np.concatenate([roll(t) for t in splits["train"]])
notes_per_frame = train_rolls.sum(axis=1)
print(
    f"training frames: {len(train_rolls)}; notes sounding per frame: mean "
    f"{notes_per_frame.mean():.1f}, max {notes_per_frame.max():.0f}; frames with no note: "
    f"{np.mean(notes_per_frame == 0):.0%}"
)
print(
    f"positive cells of the roll (frame, pitch): {train_rolls.mean():.1%}; always answering "
    f"'no note' would be right for {1 - train_rolls.mean():.1%} of the cells"
)

# %% [markdown]
# Only a few percent of the (frame, pitch) cells are "on": a network that always answers "off"
# would be right for almost every cell, and useless. This is why we will evaluate with
# precision, recall and F-measure on the notes, and why the threshold on the network's
# probabilities matters.
#
# Here is one training clip: its HCQT channels with the score's notes drawn on top (cyan
# dots, one per sounding note and frame). Look at how the notes' rows stay bright from
# channel to channel.

# %%
track = splits["train"][0]
seconds = min(4.0, len(roll(track)) * hop_seconds)
n_show = int(seconds / hop_seconds)
extent = (0, seconds, PIANO_ROLL_LOW - 0.5, PIANO_ROLL_LOW + N_PITCHES - 0.5)
notes = np.argwhere(roll(track)[:n_show] > 0)
fig, axes = new_figure(2, 3, figsize=(12, 5.5), sharex=True, sharey=True)
for h, ax in enumerate(axes.flat):
    channel = features(track)[:n_show, :, h]
    ax.imshow(
        channel.T,
        origin="lower",
        aspect="auto",
        extent=extent,
        cmap="magma",
        vmin=channel.max() - 70,
        vmax=channel.max(),
    )
    ax.scatter(notes[:, 0] * hop_seconds, notes[:, 1] + PIANO_ROLL_LOW, s=0.5, c="cyan")
    ax.set_title(f"channel h={HARMONICS[h]}: bin k at {HARMONICS[h]} x f_k", fontsize=9)
for ax in axes[:, 0]:
    ax.set_ylabel("MIDI pitch of bin k")
for ax in axes[-1]:
    ax.set_xlabel("Time (s)")
fig.suptitle(f"{track.track_id} ({track.genre}): the six HCQT channels and the score")
fig

# %% [markdown]
# The same can be measured over all training clips: the average level in the cells where
# the score has a note, minus the average elsewhere, for each channel.

# %%
train_hcqt = np.concatenate([features(t) for t in splits["train"]])
on = train_rolls > 0
for h, harmonic in enumerate(HARMONICS):
    contrast = train_hcqt[..., h][on].mean() - train_hcqt[..., h][~on].mean()
    print(f"channel h={harmonic:<3}: notes are {contrast:5.1f} dB louder than the other cells")
del train_hcqt  # no longer needed: free the memory

# %% [markdown]
# ## 3. A baseline without learning: harmonic summation
#
# If a note's harmonics line up in its bin, a salience can be computed by hand: add the
# amplitudes of the channels $h = 1 \dots 5$ with weights that decay with the harmonic number
# ($0.6^{h-1}$; the sub-octave channel gets weight 0), normalise by the loudest value of the
# track, and keep only the bins that are local peaks along pitch. This is the baseline of the
# script, whose design (decay, normalisation, peak picking) was chosen on the validation split.

# %%
from common.tasks.pitch import harmonic_summation


def harmonic_sum(track) -> np.ndarray:
    """(frames, 72) salience: weighted sum of the harmonics' amplitudes, local peaks only."""
    return harmonic_summation(features(track), HARMONICS)


summed = {split: [harmonic_sum(t) for t in splits[split]] for split in ("valid", "test")}
print("harmonic-summation salience of the first test clip:", summed["test"][0].shape)

# %% [markdown]
# ## 4. The deep-salience network
#
# `common.models.salience.deep_salience` is fully convolutional: three small convolutions
# (5x5, 5x5, 3x3) combine the six channels of neighbouring bins and frames; a kernel 13 bins
# tall (just over an octave) relates each pitch to its octave neighbours; a 1x1 convolution
# with a sigmoid gives, in every frame and every bin, the probability that this pitch is
# sounding. There is no pooling, so the output has the shape of the input's first two axes.

# %%
from common.models.salience import deep_salience
from common.nn.training import set_seed

set_seed(0)
model = deep_salience(n_bins=N_PITCHES, n_harmonics=len(HARMONICS))
model.compile(optimizer="adam", loss="binary_crossentropy")
model.summary()

# %% [markdown]
# The loss is the **binary cross-entropy** of every (frame, pitch) cell: 72 independent yes/no
# questions per frame, since any number of notes may sound together (a softmax would force a
# single note). Training crops are 2 s (86 frames) with the same 86 frames of the roll.

# %%
from common import runs_home
from common.data.samplers import CropDataset
from common.nn.training import fit, run_dir

CROP_FRAMES = notebook.script.CROP_FRAMES  # 86 frames, 2 s, as in the script
epochs = notebook.epochs
train = CropDataset(
    splits["train"], features, roll, CROP_FRAMES, batch_size=16, frame_targets=True, seed=0
)
valid = CropDataset(
    splits["valid"],
    features,
    roll,
    CROP_FRAMES,
    random_crops=False,
    shuffle=False,
    frame_targets=True,
)
x, y = train[0]
print(f"one batch: HCQT crops {x.shape}, rolls {y.shape}")
log_dir = run_dir(runs_home(), part=1, example="multipitch_notebook")
with Stopwatch() as watch:
    history = fit(
        model,
        train,
        valid,
        epochs=epochs,
        log_dir=log_dir,
        patience=max(4, epochs // 3),
        verbose=0,
    )
print(
    f"trained {len(history.history['loss'])} epochs in {watch.seconds:.0f} s; "
    f"TensorBoard run: {log_dir.name}"
)

# %%
fig, axes = new_figure(figsize=(6, 3))
plot_learning_curves(
    axes[0, 0], history, ylabel="binary cross-entropy (per cell)", title="Deep salience"
)
fig

# %% [markdown]
# Being fully convolutional, the network reads each validation and test clip whole.

# %%
predicted = {
    split: [model.predict(features(t)[None], verbose=0)[0] for t in splits[split]]
    for split in ("valid", "test")
}
print("deep salience of the first test clip:", predicted["test"][0].shape)

# %% [markdown]
# ## 5. Thresholds, chosen on the validation split
#
# Both saliences must be turned into binary rolls. We try thresholds on the validation clips
# and keep the one with the best F-measure, for each method. `mir_eval.multipitch` compares
# lists of frequencies frame by frame and is slow to call dozens of times; on our semitone
# grid its counts are simply those of the cells where reference and estimate agree, so the
# search uses that NumPy shortcut, and we check below that both give the same score.

# %%
from common.tasks.pitch import multipitch

THRESHOLDS = np.concatenate([np.linspace(0.02, 0.3, 15), np.linspace(0.35, 0.95, 13)])


def f_measure(references, estimates) -> float:
    """Mean over tracks of the F-measure of binary rolls (what mir_eval counts, in NumPy)."""
    scores = []
    for reference, estimate in zip(references, estimates, strict=True):
        hits = np.sum((reference > 0) & estimate)
        precision = hits / max(estimate.sum(), 1)
        recall = hits / max(reference.sum(), 1)
        scores.append(0.0 if hits == 0 else 2 * precision * recall / (precision + recall))
    return float(np.mean(scores))


valid_rolls = [roll(t) for t in splits["valid"]]
methods = {"harmonic summation": summed, "deep salience cnn": predicted}
chosen, search = {}, {}
for name, salience in methods.items():
    search[name] = [f_measure(valid_rolls, [s > c for s in salience["valid"]]) for c in THRESHOLDS]
    chosen[name] = float(THRESHOLDS[int(np.argmax(search[name]))])
    check = multipitch(valid_rolls, [s > chosen[name] for s in salience["valid"]], hop_seconds)
    print(
        f"{name:19s}: threshold {chosen[name]:.2f}; validation F {max(search[name]):.4f} "
        f"(mir_eval: {check['f_measure']:.4f})"
    )

# %%
fig, axes = new_figure(figsize=(6, 3))
for name in methods:
    line = axes[0, 0].plot(THRESHOLDS, search[name], marker=".", label=name)[0]
    axes[0, 0].axvline(chosen[name], color=line.get_color(), linestyle="--", linewidth=0.8)
axes[0, 0].set_xlabel("threshold on the salience")
axes[0, 0].set_ylabel("F-measure (validation)")
axes[0, 0].set_title("Choosing each method's threshold on the validation split")
axes[0, 0].legend(fontsize=8)
fig

# %% [markdown]
# ## 6. Test results with `mir_eval.multipitch`
#
# With the thresholds fixed, both methods are scored once on the test clips, per clip then
# averaged: **precision** (the fraction of predicted notes that are in the score), **recall**
# (the fraction of the score's notes that were found), their harmonic mean **F**, and the
# **accuracy** of Poliner and Ellis (2007), hits / (hits + false alarms + misses), which
# punishes both kinds of error at once.

# %%
test_rolls = [roll(t) for t in splits["test"]]
results = {
    name: multipitch(test_rolls, [s > chosen[name] for s in salience["test"]], hop_seconds)
    for name, salience in methods.items()
}
print(f"{'test clips':19s} {'accuracy':>9s} {'precision':>10s} {'recall':>7s} {'F':>6s}")
for name, scores in results.items():
    print(
        f"{name:19s} {scores['accuracy']:9.3f} {scores['precision']:10.3f} "
        f"{scores['recall']:7.3f} {scores['f_measure']:6.3f}"
    )

# %% [markdown]
# ## 7. Looking at the saliences
#
# Numbers say how often; pictures say where. For one test clip: the HCQT channel $h = 1$, the
# harmonic-summation salience, the network's salience (both with the score as cyan dots), and
# the network's decisions at its threshold, coloured by outcome (black where the network
# rightly says "no note").

# %%
index = 0
track = splits["test"][index]
seconds = min(6.0, len(roll(track)) * hop_seconds)
n_show = int(seconds / hop_seconds)
extent = (0, seconds, PIANO_ROLL_LOW - 0.5, PIANO_ROLL_LOW + N_PITCHES - 0.5)
truth = roll(track)[:n_show] > 0
decisions = predicted["test"][index][:n_show] > chosen["deep salience cnn"]
outcome = np.zeros(truth.shape + (3,))
outcome[truth & decisions] = (0.2, 0.7, 0.2)  # hit: green
outcome[~truth & decisions] = (0.9, 0.2, 0.2)  # false alarm: red
outcome[truth & ~decisions] = (0.3, 0.4, 0.9)  # miss: blue
notes = np.argwhere(truth)
panels = (
    ("HCQT, channel h=1 (dB)", features(track)[:n_show, :, 1]),
    ("harmonic summation", summed["test"][index][:n_show]),
    ("deep salience (probability)", predicted["test"][index][:n_show]),
)
fig, axes = new_figure(1, 4, figsize=(15, 3.4), sharey=True)
for ax, (title, image) in zip(axes[0, :3], panels, strict=True):
    ax.imshow(image.T, origin="lower", aspect="auto", extent=extent, cmap="magma")
    ax.scatter(notes[:, 0] * hop_seconds, notes[:, 1] + PIANO_ROLL_LOW, s=0.5, c="cyan")
    ax.set_title(title, fontsize=9)
axes[0, 3].imshow(outcome.transpose(1, 0, 2), origin="lower", aspect="auto", extent=extent)
axes[0, 3].set_title("hits green, false alarms red, misses blue", fontsize=9)
for ax in axes[0]:
    ax.set_xlabel("Time (s)")
axes[0, 0].set_ylabel("MIDI pitch")
fig.suptitle(f"{track.track_id} ({track.genre}), test split")
fig

# %% [markdown]
# Typical errors to look for: notes found one octave too high or too low (the harmonics of a
# note look like a note an octave up), notes that end a little early or late (the score's
# offsets are sharp, a piano's decay is not), and quiet inner voices missed under loud ones.
#
# ## 8. Listening to the estimate
#
# The ear is a good judge of a transcription. We turn a binary roll back into sound: a sine
# tone at each active pitch, switched on and off with short fades. Listen to the mix, then to
# the score, then to the network's estimate (the first 5 s of each).


# %%
def sonify(binary_roll: np.ndarray, fade_ms: float = 10.0) -> np.ndarray:
    """Sine tones for the active cells of a (frames, 72) roll, one frame every HOP samples."""
    n_samples = len(binary_roll) * HOP
    t = np.arange(n_samples) / sr
    ramp = np.ones(int(sr * fade_ms / 1000)) / int(sr * fade_ms / 1000)
    out = np.zeros(n_samples)
    for k in np.flatnonzero(binary_roll.any(axis=0)):
        gate = np.repeat(binary_roll[:, k].astype(float), HOP)
        gate = np.convolve(gate, ramp, mode="same")  # soft on and off: no clicks
        out += gate * np.sin(2 * np.pi * 440.0 * 2 ** ((PIANO_ROLL_LOW + k - 69) / 12) * t)
    return (0.8 * out / max(np.abs(out).max(), 1e-9)).astype("float32")


print(f"{track.track_id}: the mix")
display(player(track.audio(), seconds=5))
print("the score, as sine tones")
display(player(sonify(roll(track)), seconds=5))
print(f"the deep-salience estimate (threshold {chosen['deep salience cnn']:.2f}), as sine tones")
display(player(sonify(predicted["test"][index] > chosen["deep salience cnn"]), seconds=5))

# %% [markdown]
# ## 9. Beyond the corpus
#
# The test split holds new works, but in the corpus's eight styles and played by its one
# SoundFont, like every training clip. The course's held-out set (Part 0, notebook 2) changes
# one of the two at a time: `ood-styles` are hymns and solo-piano pieces (styles the corpus
# never plays, on the same SoundFont), `ood-timbres` are works in the corpus's styles played
# by the course's own synthesiser. Both methods run on them unchanged, with the thresholds
# chosen above on the corpus's validation split.

# %%
from common.data import load_held_out

evaluated = {"test": splits["test"], **load_held_out(SIZE)}
print(f"{'accuracy':19s}" + "".join(f"{name:>13s}" for name in evaluated))
for name in methods:
    line = f"{name:19s}"
    for split, tracks in evaluated.items():
        if split == "test":
            salience = methods[name]["test"]
        elif name == "harmonic summation":
            salience = [harmonic_sum(t) for t in tracks]
        else:
            salience = [model.predict(features(t)[None], verbose=0)[0] for t in tracks]
        rolls = [roll(t) for t in tracks]
        scores = multipitch(rolls, [s > chosen[name] for s in salience], hop_seconds)
        line += f"{scores['accuracy']:13.3f}"
    print(line)
print("clips: " + ", ".join(f"{split} {len(tracks)}" for split, tracks in evaluated.items()))

# %% [markdown]
# Harmonic summation has no weights fitted to the corpus (only its design and its threshold
# were chosen on the validation split), so its figures move mostly with how hard the music
# is: other voicings, other spectra. The network's change from one column to the next mixes
# that difficulty with **domain shift**, what it loses because the music differs from its
# training clips. The gap between the two methods within each column is the fair comparison:
# does learning still pay off on music the network never heard?
#
# ## 10. The measured results, on every backend
#
# The script `scripts/multipitch.py` runs this example at the `workshop` size on each backend.
# Its figures, on the test split and on both held-out groups, are in
# `results/quality-workshop.json`:

# %%
from IPython.display import Markdown

from common.course.bench import measured

Markdown(measured(1, "multipitch"))

# %% [markdown]
# ## What to remember
#
# - The HCQT turns harmonics into channels: the $h$-th harmonic of the note in bin $k$ is in
#   bin $k$ of channel $h$, so small kernels see a note's whole harmonic pattern at once.
# - Multi-pitch outputs are many independent yes/no questions per frame: sigmoid outputs and
#   binary cross-entropy, not a softmax.
# - With few positive cells, plain accuracy per cell is meaningless; precision, recall, F and
#   the Poliner-Ellis accuracy of `mir_eval.multipitch` are the standard.
# - Thresholds are chosen on validation for every method, learned or not, and a hand-made
#   salience on the same input is the baseline to beat.
# - Listening to a transcription reveals errors (octaves, missing inner voices) faster than
#   any table.
