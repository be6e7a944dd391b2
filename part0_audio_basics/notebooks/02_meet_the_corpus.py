# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # Part 0 · Notebook 2: Meet the corpus
#
# Deep learning needs data, and music information retrieval needs *labelled* data: genre,
# tempo, beat times, notes, chords, isolated instruments. Real datasets with all of these
# at once are rare, large, and often cannot be redistributed. This course therefore ships
# with its own **embedded corpus**: synthetic but musical audio, rendered on your machine in
# seconds, with *exact* labels for every task of the course.
#
# How a clip is made (the code lives in `common/data/synthetic/`):
#
# 1. **A work is composed**: a melody and a chord progression, written relative to the key
#    in two four-bar phrases (A and B) arranged in a form such as AABA, in major or minor,
#    in 3/4 or 4/4.
# 2. **A version of the work is arranged** in one of eight styles. The style decides the
#    tempo range, the swing, the drum groove and fills, the bass line, the accompaniment,
#    the instruments, triads or seventh chords, and whether someone sings. Each work has
#    several versions, often in different styles, tempos and keys: these are **covers**.
# 3. **It is performed** with human timing (small deviations, swing, rubato) and
#    **rendered** instrument by instrument with a General MIDI SoundFont into four
#    **stems**: drums, bass, vocals and other.
# 4. **It is produced**: each version gets its own recording chain (a spectral tilt,
#    sometimes the band limit of an older recording, a room with its own reverberation),
#    and the stems are balanced and summed into the mix.
# 5. Every label is written from the score itself, so it is exact: beats and downbeats,
#    onsets, notes, chords, key, tempo, instruments and mood tags.
#
# The corpus also contains **speech** clips, synthesised by eSpeak NG in five languages, for
# the music/speech tasks. This notebook walks through all of it and ends by showing how real
# datasets such as GTZAN plug into the same interface.

# %%
import os

SIZE = os.environ.get("MIR_COURSE_SIZE", "workshop")

# %%
import collections
import csv
import dataclasses
import tempfile
import warnings
from pathlib import Path

import librosa
import matplotlib.pyplot as plt
import mir_eval
import numpy as np
import soundfile
from IPython.display import display
from matplotlib.patches import Patch

from common import REPO_ROOT
from common.audio.features import chroma, cqt, logmel
from common.audio.io import DEFAULT_SAMPLE_RATE
from common.audio.sonify import player
from common.data import MissingAnnotationError, Track, load_corpus
from common.data.synthetic import STYLES
from common.data.synthetic.generator import FAST_BPM, LOUD_DB, PRESETS, SLOW_BPM, SOFT_DB, moods
from common.data.synthetic.theory import (
    PITCH_CLASSES,  # C, Db, D ...: the corpus's spelling
    parse_key,
)
from common.viz.figures import setup_notebook
from common.viz.plots import overlay_beats, overlay_notes, plot_spectrogram, plot_waveform

setup_notebook()  # compact inline figures, no progress-bar warnings
sr = DEFAULT_SAMPLE_RATE
# The fields of a Track that hold labels (the others are file paths).
LABEL_FIELDS = [f.name for f in dataclasses.fields(Track) if "path" not in f.name]

# %% [markdown]
# ## 1. Loading the corpus
#
# `load_corpus(size)` returns the corpus of a given size, rendering it first if it is not on
# disk yet (it takes seconds for `tiny`, a little longer for `workshop`; afterwards it loads
# instantly). Three sizes exist: `tiny` for the tests, `workshop` for this course on a
# laptop, `full` for a GPU. A `Corpus` is a list of `Track` objects read from
# `metadata.csv`; audio and annotations stay on disk until you ask for them.

# %%
corpus = load_corpus(SIZE)
preset = PRESETS[SIZE]
music = corpus.tracks(kind="music")
speech = corpus.tracks(kind="speech")
print(
    f"{len(music)} music clips and {len(speech)} speech clips of {preset.clip_seconds:.0f} s; "
    f"{len(corpus.genres)} styles: {', '.join(corpus.genres)}"
)
print(
    f"Preset '{SIZE}': per style, {preset.works_per_style} works for train/valid/test, "
    f"{preset.versions_per_work} versions per work"
)
root = corpus.root.relative_to(REPO_ROOT) if corpus.root.is_relative_to(REPO_ROOT) else corpus.root
print(f"\nOn disk under {root}/:")
for folder in sorted(p for p in corpus.root.iterdir() if p.is_dir() and not p.name.startswith(".")):
    print(f"  {folder.name + '/':<13} {sum(1 for _ in folder.iterdir()):>5} entries")

# %% [markdown]
# Each track carries its metadata as plain attributes. Here is one, in full:

# %%
track = music[0]
for name in LABEL_FIELDS:
    print(f"{name:>12}: {getattr(track, name)!r}")
print(f"{'annotations':>12}: {sorted(track.annotation_paths)}")
print(f"{'stems':>12}: {sorted(track.stem_paths)}")

# %% [markdown]
# ## 2. What is in it: styles, splits, meters, vocals
#
# Let us count. A work's first version is in its home style; later versions may be covers in
# another style, which is why the number of clips per style is not perfectly even.


# %%
def count_table(rows, columns):
    """Print a table of counts: one row per key of `rows`, one column per name in `columns`."""
    header = f"{'':<16}" + "".join(f"{c:>8}" for c in columns)
    print(header)
    print("-" * len(header))
    for name, counts in rows.items():
        print(f"{name:<16}" + "".join(f"{counts.get(c, 0):>8}" for c in columns))


rows = {}
for genre in corpus.genres + ["all"]:
    tracks = music if genre == "all" else [t for t in music if t.genre == genre]
    counts = collections.Counter(t.split for t in tracks)
    counts.update(
        total=len(tracks),
        vocal=sum(t.vocal for t in tracks),
        **{m: sum(t.meter == m for t in tracks) for m in ("4/4", "3/4")},
    )
    rows[genre] = counts
count_table(rows, ["train", "valid", "test", "total", "vocal", "4/4", "3/4"])

# %% [markdown]
# Some patterns are by design: a waltz is always in 3/4, string quartets never sing, and
# only a few styles can play a work written in three beats to the bar. Styles also differ
# in tempo. Each style draws the tempo of a version from its own range (the grey
# bars below, read from the style definitions in `common.data.synthetic.styles`); the
# dots are the tempos measured on the clips.

# %%
fig, ax = plt.subplots(figsize=(9, 3.4))
for i, genre in enumerate(corpus.genres):
    low, high = STYLES[genre].tempo
    ax.barh(i, high - low, left=low, height=0.6, color="0.88")
    tempos = [t.tempo for t in music if t.genre == genre]
    jitter = np.random.default_rng(i).uniform(-0.2, 0.2, len(tempos))
    ax.scatter(tempos, i + jitter, s=10, color=plt.cm.tab10(i))
ax.set_yticks(range(len(corpus.genres)), corpus.genres)
ax.set(xlabel="Tempo (BPM)", title="Tempo of every clip (dots) and range of each style (bars)")
plt.show()

# %% [markdown]
# Ranges overlap a lot: tempo alone cannot tell house from funk or rock. A classifier will
# have to listen to the groove and the harmony too.
#
# ### Instrument and mood tags
#
# The `instruments` of a clip are the instrument families that actually sound in it. Their
# pools deliberately overlap between styles: pianos, guitars, organs and saxophones turn up
# almost everywhere, as in real music, so that style cannot be guessed from a single
# signature sound.

# %%
families = sorted({i for t in music for i in t.instruments})
share = np.array(
    [
        [np.mean([f in t.instruments for t in music if t.genre == g]) for f in families]
        for g in corpus.genres
    ]
)
fig, ax = plt.subplots(figsize=(11, 3.6))
image = ax.imshow(share, cmap="Blues", vmin=0, vmax=1, aspect="auto")
ax.set_xticks(range(len(families)), families, rotation=40, ha="right")
ax.set_yticks(range(len(corpus.genres)), corpus.genres)
fig.colorbar(image, ax=ax, label="Fraction of the style's clips")
ax.set_title("Which instrument families sound in which style")
plt.show()

# %% [markdown]
# The `moods` are not free-form impressions: they follow a fixed rule on the mode (from the
# key), the tempo, the loudness and the density of onsets, loosely modelled on the
# valence/arousal plane of music psychology. Here is the rule, straight from its docstring:

# %%
print(moods.__doc__)

# %% [markdown]
# Loudness and onset density are in `metadata.csv` though not on the `Track` (no real
# dataset has them). Let us read them and check that applying the rule to the metadata gives
# back every clip's mood tags exactly.

# %%
with open(corpus.root / "metadata.csv", newline="", encoding="utf-8") as handle:
    extra = {row["track_id"]: row for row in csv.DictReader(handle)}
loudness = np.array([float(extra[t.track_id]["loudness_db"]) for t in music])
density = np.array([float(extra[t.track_id]["onset_density"]) for t in music])
mode = [t.key.split()[1] for t in music]
agree = [
    tuple(moods(m, t.tempo, lo, d)) == t.moods
    for m, t, lo, d in zip(mode, music, loudness, density, strict=True)
]
print(f"The rule reproduces the mood tags of {sum(agree)} of {len(music)} clips")

mood_counts = collections.Counter(m for t in music for m in t.moods)
untagged = sum(not t.moods for t in music)
tempo = np.array([t.tempo for t in music])
valence_words = {"happy": "C1", "tense": "C3", "relaxed": "C2", "sad": "C0"}
valence = [next((m for m in t.moods if m in valence_words), None) for t in music]

fig, axes = plt.subplots(1, 2, figsize=(12, 3.6))
for word, color in [*valence_words.items(), (None, "0.7")]:
    for m, marker in (("major", "o"), ("minor", "x")):
        mask = np.array([v == word and x == m for v, x in zip(valence, mode, strict=True)])
        if mask.any():
            axes[0].scatter(
                tempo[mask],
                loudness[mask],
                s=14,
                marker=marker,
                color=color,
                label=f"{word or 'no valence word'} ({m})",
            )
for bpm in (SLOW_BPM, FAST_BPM):
    axes[0].axvline(bpm, color="k", lw=0.8, ls="--")
for level in (SOFT_DB, LOUD_DB):
    axes[0].axhline(level, color="k", lw=0.8, ls=":")
axes[0].set(
    xlabel=f"Tempo (BPM); dashed: {SLOW_BPM:.0f} and {FAST_BPM:.0f} BPM",
    ylabel=f"Loudness (dBFS); dotted: {SOFT_DB:.0f}, {LOUD_DB:.0f}",
    title="Valence words follow mode and tempo",
)
axes[0].legend(fontsize=7, loc="center left", bbox_to_anchor=(1, 0.5))
names = sorted(mood_counts, key=mood_counts.get, reverse=True)
axes[1].bar(names + ["(none)"], [mood_counts[n] for n in names] + [untagged])
axes[1].set(ylabel="Clips", title="Mood tags (a clip can have two, or none)")
plt.show()

# %% [markdown]
# ## 3. One clip per style
#
# Numbers are no substitute for listening. Here are the first seconds of one clip of each
# style. Listen for what makes each style itself: the groove of the drums, the bass line,
# the chords, the tempo.

# %%
tour_seconds = 2.5
for genre in corpus.genres:
    example = next(t for t in music if t.genre == genre)
    print(
        f"{genre}: {example.track_id}, {example.tempo:.0f} BPM, {example.meter}, {example.key}, "
        f"{', '.join(example.instruments)}"
    )
    display(player(example.audio(duration=tour_seconds), sr, seconds=tour_seconds))

# %% [markdown]
# ## 4. Beats and downbeats
#
# Every clip comes with its beat times and the position of each beat in its bar (1 on
# downbeats), in the two-column `.beats` format of real beat-tracking datasets. We pick one
# clip in 4/4 with a singer, which we will use for the rest of the notebook, and a waltz,
# whose bars have three beats. `overlay_beats` draws beats as dashed lines and downbeats as
# solid ones on a log-mel spectrogram.

# %%
showcase = next(
    (t for t in music if t.vocal and t.meter == "4/4" and t.genre in ("rock", "funk", "reggae")),
    next(t for t in music if t.vocal),
)
waltz = next(t for t in music if t.genre == "waltz")

shown = 5.0  # seconds drawn
fig, axes = plt.subplots(2, 1, figsize=(11, 5.0))
for ax, t in zip(axes, (showcase, waltz), strict=True):
    beats = t.beats
    visible = beats.times < shown
    plot_spectrogram(ax, logmel(t.audio(duration=shown)), sr, 512, kind="mel")
    overlay_beats(ax, beats.times[visible], beats.positions[visible])
    ax.set_title(
        f"{t.track_id} ({t.meter}), first {shown:.0f} s. Whole clip: {len(beats.times)} beats, "
        f"{len(beats.downbeats)} downbeats, 60 / median beat interval = "
        f"{60 / np.median(np.diff(beats.times)):.1f} BPM (metadata: {t.tempo:.1f} BPM)"
    )
plt.show()
print(f"First beats of {showcase.track_id}:")
for time, position in zip(showcase.beats.times[:6], showcase.beats.positions[:6], strict=True):
    print(f"  {time:7.3f} s  beat {position}")

# %% [markdown]
# The tempo in the metadata is the median beat rate of the whole song the clip was cut
# from, so it matches the beat intervals of the clip (exactly for steady styles, closely for
# the waltz and the string quartet, which slow down and speed up a little). The first beat
# is rarely at 0 s: clips start anywhere in a bar, as an excerpt from a real recording
# would, and a beat tracker must cope with that. In the waltz the solid lines come every
# three beats.
#
# ## 5. Notes on a CQT
#
# The `notes` annotation lists every note of every instrument, as parallel arrays (onset,
# offset, MIDI pitch, velocity, General MIDI program, stem), like the note lists of
# transcription datasets. Drum hits are in it too, with program -1; `.pitched()` removes
# them. Drawn on a CQT, where each row is a semitone, the notes of the bass and of the voice
# sit exactly on their energy.

# %%
notes = showcase.notes
pitched = notes.pitched()
print(
    f"{len(notes)} notes, {len(pitched)} of them pitched; per stem: "
    f"{dict(collections.Counter(notes.stems))}"
)

mix = showcase.audio()
fig, ax = plt.subplots(figsize=(11, 3.8))
plot_spectrogram(ax, cqt(mix[: int(shown * sr)]), sr, 512, kind="cqt")
legend = []
for stem, color in (("bass", "cyan"), ("vocals", "lime")):
    part = pitched.select(pitched.stems == stem)
    early = part.onsets < shown
    offsets = np.minimum(part.offsets[early], shown)
    overlay_notes(ax, part.onsets[early], offsets, part.pitches[early], color=color)
    low, high = librosa.midi_to_note([part.pitches.min(), part.pitches.max()])
    label = f"{stem}: {len(part)} notes in the clip, {low} to {high}"
    legend.append(Patch(fill=False, edgecolor=color, label=label))
ax.legend(handles=legend, loc="upper right", fontsize=8)
ax.set_title(f"First {shown:.0f} s of {showcase.track_id}: CQT with the bass and vocal notes")
plt.show()

# %% [markdown]
# ## 6. Stems: the parts that make the mix
#
# Each music clip comes with four stems, the same split as the MUSDB18 source-separation
# dataset: drums, bass, vocals, and everything else. Because the production chain is linear
# and applied to every stem alike, and the stems are stored as 16-bit integers, they add up
# to the mix **exactly**, sample for sample. Source separation (Part 4) learns to undo that
# sum.

# %%
stem_names = ("drums", "bass", "vocals", "other")
stems = {name: showcase.stem(name) for name in stem_names}
total = sum(stems.values())
print(f"Mix: {len(mix)} samples; largest |sum of stems - mix| = {np.max(np.abs(total - mix))}")
print(f"In 16-bit units: {np.max(np.abs(np.round(total * 32768) - np.round(mix * 32768))):.0f}")
for name, stem in stems.items():
    level = 10 * np.log10(np.mean(stem**2) + 1e-12)
    print(f"{name:>7}: RMS {level:6.1f} dBFS")

# %%
stem_seconds = 2.0
for name, stem in stems.items():
    print(name)
    display(player(stem, sr, seconds=stem_seconds))

fig, axes = plt.subplots(5, 1, figsize=(10, 5), sharex=True, sharey=True)
for ax, (name, x) in zip(axes, [("mix", mix), *stems.items()], strict=True):
    plot_waveform(ax, x, sr, color="C3" if name == "mix" else "C0")
    ax.set_ylabel(name)
    ax.set_xlabel("")
axes[-1].set_xlabel("Time (s)")
axes[0].set_title(f"{showcase.track_id}: the mix and its four stems (amplitude)")
plt.show()

# %% [markdown]
# ## 7. Chords and key
#
# Chords are given per segment in the `.chords` format of the Isophonics and Billboard
# datasets, with Harte labels: `root:quality`, such as `A:min` or `G:7`. The `mir_eval`
# library (the standard evaluation toolkit of MIR) parses them into a root and the set of
# pitch classes of the chord. The key of the clip (`"E minor"`) is in the metadata.

# %%
chords = showcase.chords
clip_chroma = chroma(mix, sr)
times = librosa.frames_to_time(np.arange(len(clip_chroma)), sr=sr, hop_length=512)
print(f"Key: {showcase.key}")
print(f"{'start':>7} {'end':>7}  {'label':<8} chord tones   strongest chroma bins    shared")
hits = []
for start, end, label in chords:
    root, bitmap, _ = mir_eval.chord.encode(label)
    tones = [PITCH_CLASSES[(root + i) % 12] for i in np.flatnonzero(bitmap)]  # root first
    inside = (times >= start) & (times < end)
    top3 = [PITCH_CLASSES[i] for i in np.argsort(clip_chroma[inside].mean(axis=0))[::-1][:3]]
    shared = len(set(tones) & set(top3))
    hits.append(shared)
    print(
        f"{start:7.2f} {end:7.2f}  {label:<8} {' '.join(tones):<13} {' '.join(top3):<24} {shared}/3"
    )
print(f"Over the clip, {sum(hits)} of the {3 * len(hits)} strongest bins are chord tones")

fig, ax = plt.subplots(figsize=(11, 3.4))
plot_spectrogram(ax, clip_chroma, sr, 512, kind="chroma", colorbar=True)
for start, end, label in chords:
    ax.axvline(start, color="white", lw=1.5)
    ax.text((start + end) / 2, 1.02, label, transform=ax.get_xaxis_transform(), ha="center")
ax.set_title(f"Chroma of {showcase.track_id} ({showcase.key}) with the annotated chords", pad=16)
plt.show()

# %% [markdown]
# Within each chord segment the brightest rows of the chromagram are mostly the notes of
# the chord: this is what a chord recogniser has to learn, despite the melody passing
# through other notes and the drums smearing energy everywhere.
#
# ## 8. Covers: one work, several versions
#
# All versions of a work share its `work_id`. They keep the melody and the chord
# progression of the work, but the style, tempo, key, instruments and recording change.
# Cover-song identification (Part 2) must recognise the work through all of that. Let us
# take a work whose two versions are in different styles.

# %%
by_work = collections.defaultdict(list)
for t in music:
    by_work[t.work_id].append(t)
cross_style = [v[:2] for v in by_work.values() if len({t.genre for t in v}) > 1]


def tonic_of(t):
    """Pitch class (0 = C) of the tonic of a track's key, e.g. 'Ab minor' -> 8."""
    return parse_key(t.key)[0]


def key_difference(a, b):
    """Semitones to transpose b up by to reach the key of a."""
    return (tonic_of(a) - tonic_of(b)) % 12


profiles = {t.track_id: chroma(t.audio(), sr).mean(axis=0) for pair in cross_style for t in pair}


def rotation_scores(a, b):
    """Correlation between a's average chroma and b's, rotated by 0 to 11 semitones."""
    pa, pb = profiles[a.track_id], profiles[b.track_id]
    return np.array([np.corrcoef(pa, np.roll(pb, s))[0, 1] for s in range(12)])


found = [int(np.argmax(rotation_scores(a, b))) == key_difference(a, b) for a, b in cross_style]
# For a clear picture, take the pair whose profiles match best once the key change is undone
# (the end of this section says how typical that is).
first, second = max(cross_style, key=lambda v: rotation_scores(*v)[key_difference(*v)])
print(f"{len(cross_style)} works have versions in two different styles. This one:")
for t in (first, second):
    print(f"  {t.track_id:<26} {t.genre:<15} {t.tempo:6.1f} BPM  {t.key:<9} split {t.split}")

# %% [markdown]
# Listen to the two back to back: two seconds of the first version, then two of the second.

# %%
a, b = first.audio(duration=2.0), second.audio(duration=2.0)
player(np.concatenate([a / np.abs(a).max(), b / np.abs(b).max()]), sr, seconds=4)

# %% [markdown]
# In a chromagram, a change of tempo stretches time and a change of key rotates the pitch
# classes: every note moves up by the same interval, and B wraps around to C. Averaging the
# chroma over the whole clip removes time (and tempo) altogether, leaving a 12-number
# profile of how much each pitch class is used. Rotating the second version's profile by
# the key difference should then bring it onto the first one. Let us measure the
# correlation between the two profiles for all twelve rotations.

# %%
shift = key_difference(first, second)
scores = rotation_scores(first, second)
print(f"Key difference: from {second.key} up to {first.key} is {shift} semitone(s)")
print(
    f"Correlation of the profiles: {scores[0]:.2f} as they are, {scores[shift]:.2f} after rotation"
)

fig = plt.figure(figsize=(12, 5.8))
top, bottom = fig.subfigures(2, 1)
axes = top.subplots(1, 2)
for ax, t in zip(axes, (first, second), strict=True):
    plot_spectrogram(ax, chroma(t.audio(), sr), sr, 512, kind="chroma")
    ax.set_title(f"{t.track_id}: {t.genre}, {t.tempo:.0f} BPM, {t.key}")
axes = bottom.subplots(1, 2)
axes[0].plot(PITCH_CLASSES, profiles[first.track_id], "o-", label=first.track_id)
axes[0].plot(PITCH_CLASSES, profiles[second.track_id], "o--", alpha=0.6, label=second.track_id)
axes[0].plot(
    PITCH_CLASSES,
    np.roll(profiles[second.track_id], shift),
    "s-",
    label=f"{second.track_id}, rotated",
)
axes[0].set(xlabel="Pitch class", ylabel="Mean chroma", title="Average chroma profiles")
axes[0].legend(fontsize=7)
axes[1].bar(range(12), scores, color=["C3" if s == shift else "C0" for s in range(12)])
axes[1].set(
    xlabel="Rotation of the second profile (semitones up)",
    ylabel="Correlation with the first",
    title=f"The best rotation, in red, is the key difference ({shift})",
    xticks=range(12),
)
plt.show()

# %% [markdown]
# Top: in seconds and in their own keys, the two chromagrams share little at first sight.
# Bottom: once rotated, the second profile follows the first. The chord annotations tell
# the same story. Written as the interval of each root above the tonic, the chords of both
# versions follow the same progression even though their names differ (styles with seventh
# chords add a seventh, a slower version gets through fewer chords in a clip of the same
# length, and the clips may start at different points of the song).

# %%
for t in (first, second):
    roots = [(mir_eval.chord.encode(label)[0] - tonic_of(t)) % 12 for _, _, label in t.chords]
    print(f"{t.track_id} ({t.key})")
    print(f"  chords:                           {' '.join(label for _, _, label in t.chords)}")
    print(f"  roots, in semitones above tonic:  {roots}")

print(
    f"\nOver all {len(cross_style)} cross-style works, the best rotation of the average chroma "
    f"equals the key difference for {sum(found)} ({100 * np.mean(found):.0f}%)."
)

# %% [markdown]
# The last number is a warning as much as a promise: a clip-level chroma average finds the
# transposition in some cases but far from all (a minor key and its relative major use the
# same notes, for instance). Cover detection needs a learned, more robust comparison, which
# is the subject of Part 2.
#
# ## 9. Speech
#
# Speech clips are tracks of kind `"speech"`: they have a `language` but no genre, no stems
# and no music annotations. Each speaker (an eSpeak NG voice with its own pitch and rate)
# appears in one split only. The sentences spoken are stored next to the annotations.

# %%
voice = speech[0]
print(f"{voice.track_id}: language {voice.language}, split {voice.split}, speaker {voice.work_id}")
print("Text:", (corpus.root / "annotations" / f"{voice.track_id}.txt").read_text().strip())
print(f"Languages: {dict(collections.Counter(t.language for t in speech))}")
print(f"genre={voice.genre!r}, stems={dict(voice.stem_paths)}, has beats: {voice.has('beats')}")
try:
    voice.beats
except MissingAnnotationError as error:
    print(f"MissingAnnotationError: {error}")

spoken = voice.audio(duration=4.0)
display(player(spoken, sr, seconds=2.0))
fig, ax = plt.subplots(figsize=(10, 2.8))
plot_spectrogram(ax, logmel(spoken), sr, 512, kind="mel", colorbar=True)
ax.set_title(f"Log-mel spectrogram of the first {len(spoken) / sr:.0f} s of {voice.track_id}")
plt.show()

# %% [markdown]
# Speech looks nothing like music on a spectrogram: no steady horizontal harmonics lasting
# a beat, but short syllables with gliding pitch, separated by pauses.
#
# ## 10. Splits by work
#
# Every track has a `split`: `train`, `valid` or `test`. The split is decided per **work**,
# not per clip: all versions of a work, and all clips of a speaker, land in the same split.
# Why does it matter? Two versions of a work share melody and harmony. If one were in
# training and the other in the test set, a model could score well by recognising the
# *song* rather than learning the *style*, and the test accuracy would overestimate how it
# does on music it has never heard. (This leak is documented in real datasets: GTZAN has
# several excerpts from the same songs and artists.) Let us verify that no work crosses
# splits.

# %%
groups = {split: corpus.tracks(split=split) for split in ("train", "valid", "test")}
works = {split: {t.work_id for t in tracks} for split, tracks in groups.items()}
for split, tracks in groups.items():
    songs = [t for t in tracks if t.kind == "music"]
    talks = [t for t in tracks if t.kind == "speech"]
    print(
        f"{split:>5}: {len(songs):>4} music clips from {len({t.work_id for t in songs}):>3} works, "
        f"{len(talks):>3} speech clips from {len({t.work_id for t in talks}):>2} speakers"
    )
for one, other in (("train", "valid"), ("train", "test"), ("valid", "test")):
    print(f"works (and speakers) in both {one} and {other}: {len(works[one] & works[other])}")

# %% [markdown]
# ## 11. Real datasets behind the same interface
#
# Everything above went through the `Track` interface, and so does every script of the
# course. Real datasets are loaded into the same `Track` objects by
# `common.data.datasets`, so a script written on the corpus runs on them unchanged
# (`--dataset gtzan --data-home ...`). Let us try with GTZAN, the classic genre dataset
# (1000 clips of 30 s in 10 genres). We do not have it here, so we build a stand-in: a few
# corpus clips written into a temporary folder with the layout of GTZAN,
# `genres/<genre>/<genre>.00000.wav`. GTZAN file names contain only lowercase letters
# before the number, so we keep the styles whose names are a single word.

# %%
from common.data.datasets import load_tracks
from common.data.datasets.base import DatasetNotFoundError
from common.data.datasets.gtzan import load_gtzan

workspace = tempfile.TemporaryDirectory(prefix="gtzan-stand-in-")
stand_in = Path(workspace.name)
one_word = [g for g in corpus.genres if g.isalpha()][:3]
original = {}  # GTZAN-style id -> corpus track
for genre in one_word:
    folder = stand_in / "genres" / genre
    folder.mkdir(parents=True)
    for number, t in enumerate([t for t in music if t.genre == genre][:10]):
        path = folder / f"{genre}.{number:05d}.wav"
        soundfile.write(path, t.audio(), sr)  # 16-bit PCM WAV, as in GTZAN
        original[path.stem] = t
print(f"Wrote {len(original)} files, for example:")
for path in sorted(stand_in.rglob("*.wav"))[:3]:
    print("  ", path.relative_to(stand_in))

# %% [markdown]
# `load_gtzan(folder)` finds the files. GTZAN has no official split; the usual remedy is a
# set of "fault-filtered" split lists that keep each artist on one side. Our folder has
# none, so the loader makes a random split, stratified by genre, and **warns** about it:

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    gtzan = load_gtzan(stand_in)
for warning in caught:
    print(f"{warning.category.__name__}: {warning.message}")
print(f"\n{len(gtzan)} tracks; splits: {dict(collections.Counter(t.split for t in gtzan))}")

# %% [markdown]
# The warning is exactly the leak of section 10: a random split puts excerpts of one artist
# (or one song) on both sides, and published accuracies on GTZAN were inflated that way for
# years. Here it would scatter the versions of a work across train and test. The fix the
# warning suggests is to provide the split lists. We can write them from the corpus's own
# split, which is by work, and the loader then uses them silently:

# %%
(stand_in / "splits").mkdir()
for split in ("train", "valid", "test"):
    lines = [f"{t.genre}/{i}.wav" for i, t in original.items() if t.split == split]
    (stand_in / "splits" / f"{split}_filtered.txt").write_text("\n".join(lines) + "\n")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    gtzan = load_gtzan(stand_in)
print(f"Warnings: {len(caught)}; splits: {dict(collections.Counter(t.split for t in gtzan))}")
print(
    f"Every split agrees with the corpus: {all(t.split == original[t.track_id].split for t in gtzan)}"
)

# %% [markdown]
# The tracks have the same fields as the corpus tracks. GTZAN only knows the genre, so the
# other labels are empty, and anything that needs them fails with a clear message rather
# than silently:

# %%
real, synthetic = gtzan[0], original[gtzan[0].track_id]
print(f"{'field':>12}  {'GTZAN loader':<28} corpus")
for name in LABEL_FIELDS:
    print(f"{name:>12}  {getattr(real, name)!r:<28} {getattr(synthetic, name)!r}")
same_audio = np.allclose(real.audio(), synthetic.audio(), atol=1 / 32768)
print(f"\nSame audio through both: {same_audio}; logmel shape {logmel(real.audio()).shape}")
try:
    real.beats
except MissingAnnotationError as error:
    print(f"MissingAnnotationError: {error}")

# %% [markdown]
# Finally, what happens when a dataset is asked for but is not on disk? The loaders never
# download anything behind your back; they stop and tell you what to run:

# %%
with tempfile.TemporaryDirectory() as empty:
    try:
        load_tracks("gtzan", data_home=empty)
    except DatasetNotFoundError as error:
        print(f"DatasetNotFoundError: {error}")
workspace.cleanup()  # remove the GTZAN stand-in

# %% [markdown]
# ## 12. Music the corpus never plays: the held-out set
#
# A model trained on this corpus has only ever heard one SoundFont, eight styles, and drums in
# almost every clip. A test split drawn from the same corpus cannot tell whether it learned
# *the beat* or *this corpus's drummer*. When the data a model meets differs from the data it
# was trained on, we speak of **domain shift**, and the honest way to measure it is a test set
# from another domain. The course renders one of its own, never used for training or for
# choosing anything, in two groups:
#
# * **`ood-styles`**: hymns (four voices in block chords, sung or played by organ, brass,
#   winds or strings, with a fermata at every phrase end) and solo piano (broken chords,
#   rubato, a ritardando into every phrase end): no drums, and freer time than any corpus style;
# * **`ood-timbres`**: new works in the corpus's eight styles, played by the course's own
#   synthesiser (`common/data/synthetic/synth.py`: wavetables and envelopes, swept-sine and
#   noise drums) instead of the SoundFont.
#
# Its labels are exact, like the corpus's: the beats are the performed beats, fermatas
# included. The scripts of Parts 0, 1 and 3 report every model on these groups beside the
# test split, with the same baselines on the same audio, wherever the task applies: a style
# classifier only on `ood-timbres`, since the new styles are not among its classes.

# %%
from common.data import load_held_out

held_out = load_held_out(SIZE)
for group, tracks in held_out.items():
    styles = collections.Counter(t.genre for t in tracks)
    print(f"{group}: {len(tracks)} clips; " + ", ".join(f"{n} {s}" for s, n in styles.items()))

hymns = [t for t in held_out["ood-styles"] if t.genre == "hymn"]
hymn = max(hymns, key=lambda t: np.diff(t.beats.times).max() / np.median(np.diff(t.beats.times)))
rock_synth = next(t for t in held_out["ood-timbres"] if t.genre == "rock")
rock_corpus = next(t for t in music if t.genre == "rock")
for t in (hymn, rock_corpus, rock_synth):
    print(f"{t.track_id}: {t.tempo:.0f} BPM, {t.meter}, {', '.join(t.instruments)}")
    display(player(t.audio(duration=6.0), sr, seconds=6.0))

# %% [markdown]
# The same style through two instrument sources, and a hymn's beats: where the beat
# intervals jump, the choir holds a fermata, and a beat tracker that expects a steady pulse
# must wait.

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 3.4))
for ax, t, title in (
    (axes[0], rock_corpus, "rock, corpus SoundFont"),
    (axes[1], rock_synth, "rock, the course's synthesiser"),
):
    plot_spectrogram(ax, logmel(t.audio(duration=4.0)), sr, 512, kind="mel")
    ax.set_title(title)
intervals = np.diff(hymn.beats.times)
axes[2].plot(hymn.beats.times[1:], intervals, marker="o")
axes[2].axhline(60 / hymn.tempo, color="grey", linestyle="--", label="60 / tempo")
axes[2].set(xlabel="time (s)", ylabel="beat interval (s)", title=f"beats of {hymn.track_id}")
axes[2].legend()
plt.tight_layout()
plt.show()
print(
    f"Longest beat of {hymn.track_id}: {intervals.max():.2f} s, "
    f"{intervals.max() / np.median(intervals):.1f} times the median"
)

# %% [markdown]
# ## Your turn
#
# 1. Listen to three seconds around the longest beat of `hymn`
#    (`player(hymn.audio(offset=..., duration=3.0))`, with the offset taken from
#    `hymn.beats.times`). Is it where a phrase ends?
# 2. Count the clips with a beat longer than 1.5 times their median beat, in `ood-styles` and
#    in the corpus's test split (`np.diff(t.beats.times)` for each clip `t`). What does the
#    difference tell you about a beat tracker trained only on the corpus?

# %% [markdown]
# ## What you should remember
#
# * The embedded corpus has **eight styles**, **works with several versions** (covers in
#   other styles, tempos and keys), **four stems** per clip that sum exactly to the mix, and
#   **speech** clips in five languages. It renders locally, and every label is exact.
# * Every dataset, synthetic or real, is a list of **`Track`** objects: metadata as
#   attributes (`genre`, `tempo`, `meter`, `key`, `tags`, `split` ...), audio with
#   `track.audio()` and `track.stem(name)`, annotations with `track.beats`, `.onsets`,
#   `.notes` and `.chords`, in the file formats of real datasets.
# * A label a dataset does not have raises **`MissingAnnotationError`**; a dataset that is
#   not on disk raises **`DatasetNotFoundError`** with the command that fetches it.
# * Splits are **by work** (and by speaker): no version of a test work is heard in
#   training. A random split of a real dataset leaks songs and artists across splits and
#   inflates results, which is why `load_gtzan` warns when it has to make one.
# * Styles overlap in tempo and instruments on purpose: telling them apart takes groove and
#   harmony, which is what the models of the coming parts learn from spectrograms.
# * A test split from the training corpus measures the corpus, not music. The **held-out
#   set** (`load_held_out`: new styles without drums, the corpus's styles on other
#   instruments) measures how far a model's skill travels: domain shift.
