# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # Part 0 · Notebook 1: Audio basics
#
# Every model in this course starts from a recording: a long list of numbers. Before a
# network can tell a waltz from a reggae tune, find the beats or separate the bass, those
# numbers have to be turned into a representation that makes the musically relevant
# structure easy to see. This notebook builds those representations one step at a time and
# shows, for each one, **what it keeps and what it throws away**:
#
# 1. **Sampling**: how sound becomes numbers, and what goes wrong above the Nyquist frequency.
# 2. **The waveform** of a real clip from the course corpus.
# 3. **The short-time Fourier transform (STFT)**: frames, windows, hops, and the trade-off
#    between time and frequency resolution.
# 4. **The mel scale and log compression**: shaping the spectrogram after the ear.
# 5. **The constant-Q transform (CQT)** and the **harmonic CQT (HCQT)**: a frequency axis
#    made of musical notes.
# 6. **Chroma**: harmony with the octave folded away.
# 7. **MFCCs** and the **clip-level MFCC statistics** that Part 0's first classifier uses.
#
# All features come from `common.audio.features`, the same functions the training scripts call, so
# what you see here is exactly what the models see. Everything runs on a laptop CPU in less
# than a minute.

# %%
import os

SIZE = os.environ.get("MIR_COURSE_SIZE", "workshop")

# %%
import librosa
import matplotlib.pyplot as plt
import numpy as np
import scipy.fft
from IPython.display import display

from common.audio.features import (
    CQT_FMIN,
    chroma,
    cqt,
    frame_times,
    hcqt,
    logmel,
    mfcc,
    mfcc_statistics,
    stft_magnitude_db,
)
from common.audio.io import DEFAULT_SAMPLE_RATE, resample
from common.audio.sonify import player
from common.data import load_corpus
from common.data.synthetic.theory import key_pitch_classes, parse_key
from common.viz.figures import setup_notebook
from common.viz.plots import plot_spectrogram, plot_waveform

setup_notebook()  # compact inline figures, no progress-bar warnings
sr = DEFAULT_SAMPLE_RATE  # 22050 Hz: the sample rate of the corpus and of every feature
print(f"Corpus size: {SIZE}; sample rate: {sr} Hz")

# %% [markdown]
# ## 1. Sampling: sound as a list of numbers
#
# A microphone turns air pressure into a voltage that varies continuously in time. A
# computer can only store a finite list of numbers, so the sound card measures that voltage
# at regular instants: it **samples** it. The number of measurements per second is the
# **sample rate** $f_s$, in hertz. The course uses $f_s = 22050$ Hz everywhere: half the
# 44100 Hz of a CD, which halves the cost of every computation while keeping the range of
# frequencies where almost all musical information lives.
#
# How many samples per second are enough? The sampling theorem gives the answer: a signal
# whose frequencies all lie below $f_s / 2$ is captured *exactly* by its samples. That limit,
# $f_s/2$, is the **Nyquist frequency**. Above it, a sine produces exactly the same samples
# as some lower-frequency sine: it is **aliased**, folded back below Nyquist, and no
# processing can tell the two apart afterwards. The apparent frequency of a sampled sine of
# frequency $f$ is $f - f_s \cdot \mathrm{round}(f / f_s)$ (its sign only flips the phase).
#
# Below, a 1000 Hz sine (grey) is sampled at four rates. The red dashed line shows the
# slower sine that the samples equally describe when the rate is too low.


# %%
def apparent_frequency(frequency, rate):
    """Frequency that a sine of `frequency` Hz seems to have once sampled at `rate` Hz,
    folded into [-rate/2, rate/2] (a negative value is the same sine with its phase flipped)."""
    return frequency - rate * np.round(frequency / rate)


tone_hz = 1000.0
window_s = 0.010  # look at 10 ms
t_dense = np.linspace(0, window_s, 4000)  # stands in for continuous time
rates = [44100, 8000, 2500, 1200]

fig, axes = plt.subplots(len(rates), 1, figsize=(11, 7), sharex=True)
for ax, rate in zip(axes, rates, strict=True):
    t_samples = np.arange(int(window_s * rate) + 1) / rate
    ax.plot(
        t_dense * 1e3,
        np.sin(2 * np.pi * tone_hz * t_dense),
        color="0.7",
        lw=1,
        label=f"{tone_hz:.0f} Hz sine",
    )
    ax.plot(
        t_samples * 1e3,
        np.sin(2 * np.pi * tone_hz * t_samples),
        "o",
        ms=2 if rate > 10 * tone_hz else 4,
        color="C0",
        label=f"{len(t_samples)} samples",
    )
    alias_hz = apparent_frequency(tone_hz, rate)
    if abs(alias_hz) != tone_hz:
        ax.plot(
            t_dense * 1e3,
            np.sin(2 * np.pi * alias_hz * t_dense),
            "--",
            color="C3",
            label=f"the same samples: a {abs(alias_hz):.0f} Hz sine",
        )
    verdict = "enough" if tone_hz < rate / 2 else "too few: aliasing"
    ax.set_title(
        f"Sampled at {rate} Hz: {rate / tone_hz:.1f} samples per cycle, "
        f"Nyquist frequency {rate / 2:.0f} Hz ({verdict})"
    )
    ax.set_ylabel("Amplitude")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
axes[-1].set_xlabel("Time (ms)")
plt.show()

# %% [markdown]
# At 2500 Hz the dots hardly look like a sine to the eye, yet the theorem holds: the tone is
# still below the Nyquist frequency, and exactly one sine below that frequency passes through
# those dots. At 1200 Hz the tone is above the Nyquist frequency, and the samples describe
# a much slower sine (red) just as well as the original one: the information is lost.
#
# ### Hearing aliasing
#
# Let us ask for a 15 kHz sine at the course's sample rate, whose Nyquist frequency is
# 11025 Hz. The first player holds a genuine 15 kHz tone, sampled at 44100 Hz (many adults
# hear it as a faint whistle or not at all). The second holds the *same formula* evaluated at
# 22050 Hz. The levels are kept low and not normalised: **turn your volume down** before you
# press play.


# %%
def fade(signal, rate, seconds=0.02):
    """Short linear fade-in and fade-out, so that a test tone starts and stops without a click."""
    ramp = np.minimum(1.0, np.arange(len(signal)) / (seconds * rate))
    return signal * ramp * ramp[::-1]


def sine(frequency, rate, seconds=1.0, level=0.2):
    n = np.arange(int(seconds * rate))
    return fade(level * np.sin(2 * np.pi * frequency * n / rate), rate)


high_hz = 15000.0
folded_hz = abs(apparent_frequency(high_hz, sr))
asked = sine(high_hz, sr)
honest = sine(folded_hz, sr)

freqs = np.fft.rfftfreq(len(asked), 1 / sr)
peak_hz = freqs[np.argmax(np.abs(np.fft.rfft(asked)))]
print(f"Nyquist frequency at {sr} Hz: {sr / 2:.0f} Hz")
print(
    f"Asked for {high_hz:.0f} Hz; the spectrum of the samples peaks at {peak_hz:.0f} Hz; "
    f"the folding formula predicts {folded_hz:.0f} Hz"
)
print(
    f"Largest difference between the '{high_hz:.0f} Hz' samples and minus the "
    f"{folded_hz:.0f} Hz samples: {np.max(np.abs(asked + honest)):.1e}"
)

print(f"\nA real {high_hz:.0f} Hz tone (sampled at 44100 Hz):")
display(player(sine(high_hz, 44100, seconds=0.75), 44100, normalize=False))
print(f"The same formula sampled at {sr} Hz (what you hear is {folded_hz:.0f} Hz):")
display(player(asked, sr, normalize=False))

# %% [markdown]
# The second tone is clearly audible and much lower: the samples of a 15 kHz sine at 22050 Hz
# are, to rounding error, those of a sine at the folded frequency printed above, with its
# sign flipped. Any component above Nyquist does the same to real music: it lands at a wrong
# frequency, usually one that is not harmonically related to anything else in the piece.
#
# A sweep makes the folding vivid. The next sound glides linearly from 100 Hz to 20 kHz in
# three seconds, but it is computed at 22050 Hz: once it passes 11025 Hz its pitch turns
# around and falls, as if reflected by a mirror placed at the Nyquist frequency.

# %%
sweep_s, sweep_from, sweep_to = 3.0, 100.0, 20000.0


def linear_sweep(rate, level=0.2):
    """A sine whose frequency rises linearly from `sweep_from` to `sweep_to` Hz."""
    t = np.arange(int(sweep_s * rate)) / rate
    phase = 2 * np.pi * (sweep_from * t + (sweep_to - sweep_from) * t**2 / (2 * sweep_s))
    return fade(level * np.sin(phase), rate)


sweep = linear_sweep(sr)
t = np.linspace(0, sweep_s, 1000)
intended = sweep_from + (sweep_to - sweep_from) * t / sweep_s
turn_s = (sr / 2 - sweep_from) / (sweep_to - sweep_from) * sweep_s

fig, ax = plt.subplots(figsize=(8, 2.8))
ax.plot(t, intended / 1e3, label="frequency of the formula")
ax.plot(
    t, np.abs(apparent_frequency(intended, sr)) / 1e3, "--", label=f"frequency heard at {sr} Hz"
)
ax.axhline(sr / 2e3, color="0.5", lw=0.8)
ax.text(0.05, sr / 2e3 + 0.3, f"Nyquist frequency, {sr / 2:.0f} Hz", fontsize=8, color="0.3")
ax.set(xlabel="Time (s)", ylabel="Frequency (kHz)", title="A linear sweep folds at Nyquist")
ax.legend(loc="upper left", fontsize=8)
plt.show()
print(f"The sweep crosses Nyquist after {turn_s:.2f} s; from there on its pitch falls.")
display(player(sweep, sr, normalize=False))

# %% [markdown]
# ### Resampling without aliasing
#
# You will often load files recorded at 44100 or 48000 Hz and convert them to 22050 Hz.
# Keeping every second sample (`x[::2]`) is *not* a safe way to do it: everything between
# 11025 and 22050 Hz would fold down exactly as above. A proper resampler first removes the
# content above the new Nyquist frequency with a low-pass filter, then decimates.
# `common.audio.io.load_audio` does this for you (it calls `common.audio.io.resample`, which uses
# the high-quality *soxr* resampler). Let us check both methods on the sweep computed at
# 44100 Hz, where 20 kHz is still below Nyquist.

# %%
sweep_44k = linear_sweep(44100)
naive = sweep_44k[::2]
proper = resample(sweep_44k, 44100, sr)
inside = slice(int(0.1 * sr), int((sweep_s - 0.1) * sr))  # away from the fades
print(
    f"Every second sample of the 44.1 kHz sweep equals the sweep computed at {sr} Hz: "
    f"{np.allclose(naive[inside], sweep[inside], atol=1e-5)}"
)
after_turn = slice(int((turn_s + 0.3) * sr), int((sweep_s - 0.1) * sr))
for name, x in (("keep every second sample", naive), ("low-pass, then decimate", proper)):
    rms_db = 10 * np.log10(np.mean(x[after_turn] ** 2) + 1e-20)
    print(f"{name:>26}: level after {turn_s + 0.3:.1f} s = {rms_db:6.1f} dB")
print("\nProperly resampled sweep (it rises, then fades out where it crosses Nyquist):")
display(player(proper, sr, normalize=False))

# %% [markdown]
# The properly resampled sweep rises and then simply vanishes: the content that did not fit
# below the new Nyquist frequency is removed instead of being folded onto wrong pitches.
# We will look at both sweeps again once we have a spectrogram to see them with.
#
# ## 2. A real clip: the waveform
#
# The course corpus is a collection of synthetic but musical clips in eight styles, with
# exact labels for every task (the next notebook presents it in detail). `load_corpus`
# returns it, rendering it first if needed. Each track loads its audio as a mono `float32`
# array in $[-1, 1]$ at 22050 Hz. We take a funk clip, with a singer if there is one: drums,
# bass, chords and melody give every feature below something to show.

# %%
corpus = load_corpus(SIZE)
funk = [t for t in corpus.tracks(kind="music") if t.genre == "funk"]
track = next((t for t in funk if t.vocal), funk[0])
signal = track.audio()

rms = np.sqrt(np.mean(signal**2))
print(
    f"Track {track.track_id}: {track.genre}, {track.tempo:.0f} BPM, {track.key}, "
    f"{'with vocals' if track.vocal else 'instrumental'}"
)
print(f"shape {signal.shape}, dtype {signal.dtype}: {len(signal) / sr:.2f} s at {sr} Hz")
print(
    f"samples between {signal.min():.3f} and {signal.max():.3f}; "
    f"RMS level {20 * np.log10(rms):.1f} dBFS (decibels relative to full scale)"
)
print(f"{signal.nbytes / 1e6:.2f} MB in memory ({signal.itemsize} bytes per sample)")
player(signal, sr, seconds=5)

# %%
zoom_start, zoom_length = 1.0, 0.02  # seconds
zoom = slice(int(zoom_start * sr), int((zoom_start + zoom_length) * sr))

fig, axes = plt.subplots(2, 1, figsize=(10, 4.5))
plot_waveform(axes[0], signal, sr)
axes[0].axvspan(zoom_start, zoom_start + zoom_length, color="C3", alpha=0.4)
axes[0].set_title(f"The whole clip ({len(signal)} samples); the red band is magnified below")
t_zoom = np.arange(zoom.start, zoom.stop) / sr
axes[1].plot(t_zoom * 1e3, signal[zoom], ".-", lw=0.6, ms=3)
axes[1].set(
    xlabel="Time (ms)",
    ylabel="Amplitude",
    title=f"{zoom_length * 1e3:.0f} ms of it: {zoom.stop - zoom.start} individual samples",
)
plt.show()

# %% [markdown]
# The waveform shows *when* things are loud: drum hits are the spikes, and the zoom shows a
# dense mixture of oscillations. What it does not show is *which* frequencies are present,
# and that is what pitch, harmony and timbre are made of. Our ears analyse sound by
# frequency; our features will too.
#
# ## 3. The short-time Fourier transform
#
# The Fourier transform decomposes a signal into sines, but over the whole clip it would tell
# us that a note was played, not when. The STFT compromises: it cuts the signal into short,
# overlapping **frames**, multiplies each by a smooth **window**, and takes the Fourier
# transform of each frame. Three choices define it:
#
# * `n_fft`, the frame length in samples: it sets the frequency resolution;
# * `hop_length`, the step between the starts of consecutive frames: it sets the time step;
# * the window shape (the course uses the Hann window).
#
# With the defaults of `stft_magnitude_db` (`n_fft=2048`, `hop_length=512`):

# %%
n_fft, hop = 2048, 512
print(f"frame: {n_fft} samples = {1e3 * n_fft / sr:.1f} ms")
print(
    f"hop: {hop} samples = {1e3 * hop / sr:.1f} ms, i.e. {sr / hop:.2f} frames per second, "
    f"consecutive frames overlap by {100 * (1 - hop / n_fft):.0f}%"
)
print(
    f"frequency bins: n_fft // 2 + 1 = {n_fft // 2 + 1}, from 0 to {sr / 2:.0f} Hz, "
    f"{sr / n_fft:.2f} Hz apart"
)

# %% [markdown]
# Why a window? Cutting a frame out abruptly creates jumps at its edges, and jumps contain
# all frequencies: the energy of one sine **leaks** into every bin of the spectrum. A window
# that tapers to zero at both ends removes the jumps. The next figure takes one frame of a
# pure 1010 Hz tone (deliberately between two bin frequencies) and compares a
# rectangular cut with the Hann window, then applies the Hann window to one frame of our clip.

# %%
frame_n = np.arange(n_fft)
hann = np.hanning(n_fft + 1)[:-1]  # the periodic Hann window, as librosa uses it
test_tone = np.sin(2 * np.pi * 1010.0 * frame_n / sr)
bin_hz = np.fft.rfftfreq(n_fft, 1 / sr)


def spectrum_db(frame):
    magnitude = np.abs(np.fft.rfft(frame))
    return 20 * np.log10(magnitude / magnitude.max() + 1e-12)


far = np.argmin(np.abs(bin_hz - 1510.0))  # the bin 500 Hz above the tone
start = int(2.0 * sr)
clip_frame = signal[start : start + n_fft]

fig, axes = plt.subplots(1, 3, figsize=(12, 3.2))
for name, frame in (("rectangular", test_tone), ("Hann", test_tone * hann)):
    levels = spectrum_db(frame)
    axes[0].plot(bin_hz, levels, label=f"{name}: {levels[far]:.0f} dB at 1510 Hz")
axes[0].set(
    xlim=(0, 3000),
    ylim=(-120, 5),
    xlabel="Frequency (Hz)",
    ylabel="Level (dB re. peak)",
    title="One frame of a 1010 Hz sine",
)
axes[0].legend(fontsize=8)
frame_ms = 1e3 * frame_n / sr
axes[1].plot(frame_ms, clip_frame, lw=0.6, label="frame")
axes[1].plot(frame_ms, clip_frame * hann, lw=0.6, label="frame × Hann window")
axes[1].plot(frame_ms, hann * np.abs(clip_frame).max(), "k--", lw=0.8, label="Hann window (scaled)")
axes[1].set(
    xlabel="Time in frame (ms)",
    ylabel="Amplitude",
    title=f"The clip's frame starting at {start / sr:.1f} s",
)
axes[1].legend(fontsize=7, loc="lower right")
axes[2].plot(bin_hz, 20 * np.log10(np.abs(np.fft.rfft(clip_frame * hann)) + 1e-12), lw=0.7)
axes[2].set(
    xlim=(0, 5000),
    xlabel="Frequency (Hz)",
    ylabel="Magnitude (dB)",
    title="Its spectrum: one column of the STFT",
)
plt.show()

# %% [markdown]
# With the rectangular cut, the tone's energy still sits only a few tens of dB below the
# peak 500 Hz away; with the Hann window it falls far lower. The clip's spectrum (right)
# shows a comb of peaks: the harmonics of the notes sounding at that instant.
#
# Repeating this for every frame gives the spectrogram. Here is the course function.
#
# > **The time-first convention.** librosa returns spectrograms as `(n_bins, n_frames)`,
# > frequency first. Every feature function in `common.audio.features` returns the transpose,
# > **`(n_frames, n_bins)`, time first**, because that is the layout Keras layers expect for
# > sequences: `(batch, time steps, features)`. `common.viz.plots.plot_spectrogram` transposes
# > back so that time runs left to right. Frame `i` is centred on sample `i * hop_length`,
# > so a clip of `n` samples gives `1 + n // hop_length` frames.

# %%
stft_db = stft_magnitude_db(signal, n_fft=n_fft, hop_length=hop)
librosa_stft = librosa.stft(signal, n_fft=n_fft, hop_length=hop)
print(f"librosa.stft:       {librosa_stft.shape}  (bins, frames)")
print(f"stft_magnitude_db:  {stft_db.shape}  (frames, bins)")
print(f"1 + n_samples // hop = {1 + len(signal) // hop} frames")
reference_db = 10 * np.log10(np.maximum(np.abs(librosa_stft.T) ** 2, 1e-10))
print(
    f"Same values as 10·log10(|librosa.stft|²), transposed: "
    f"{np.allclose(stft_db, reference_db, atol=1e-3)}"
)
times = frame_times(len(stft_db), sr, hop)
print(f"frame centres: {np.round(times[:4], 4)} ... {times[-1]:.3f} s")

fig, ax = plt.subplots(figsize=(10, 3.5))
plot_spectrogram(ax, stft_db, sr, hop, kind="linear", colorbar=True)
ax.set_title(f"STFT magnitude of {track.track_id} (n_fft={n_fft}, hop={hop})")
plt.show()

# %% [markdown]
# Time runs left to right, frequency bottom to top, colour is level in dB. Vertical stripes
# are drum hits (short events contain all frequencies); horizontal lines are the harmonics of
# sustained notes. Most of the picture's interesting detail is crowded into the bottom few
# kilohertz, a first hint that a linear frequency axis is not ideal for music.
#
# ### The time/frequency trade-off
#
# A frame of `n_fft` samples lasts `n_fft / sr` seconds, and its bins are `sr / n_fft` Hz
# apart: their product is fixed at 1. Short frames locate events precisely in time but blur
# frequency; long frames separate close frequencies but smear every event over the whole
# frame. Below, the same two seconds with a short and a long window (both with a small hop
# of 128 samples, so that only the window length differs).

# %%
fine_hop = 128
windows = {"short": 256, "long": 4096}
semitone_ratio = 2 ** (1 / 12) - 1  # adjacent semitones are this fraction of f apart

print(f"{'window':>8} {'n_fft':>6} {'duration':>10} {'bin spacing':>12}   semitones resolved above")
for name, size in windows.items():
    spacing = sr / size
    print(
        f"{name:>8} {size:>6} {1e3 * size / sr:>7.1f} ms {spacing:>9.1f} Hz   "
        f"{spacing / semitone_ratio:>7.0f} Hz ({librosa.hz_to_note(spacing / semitone_ratio)})"
    )

fig, axes = plt.subplots(1, 2, figsize=(12, 3.8), sharey=True)
for ax, (name, size) in zip(axes, windows.items(), strict=True):
    spec = stft_magnitude_db(signal[: 2 * sr], n_fft=size, hop_length=fine_hop)
    plot_spectrogram(ax, spec, sr, fine_hop, kind="linear")
    ax.set_ylim(0, 4000)
    ax.set_title(
        f"{name} window: {size} samples = {1e3 * size / sr:.1f} ms, bins {sr / size:.1f} Hz apart"
    )
plt.show()

# %% [markdown]
# With the short window every drum hit is a crisp vertical line, but notes are thick blurry
# bands. With the long window the harmonics are thin lines, but each hit is smeared over
# the whole length of the window. The table says the same in numbers: to tell two adjacent semitones apart,
# their frequencies must be at least one bin apart, and with 256 samples that only happens
# above a frequency higher than most melodies. No single `n_fft` suits both the kick drum and
# the bass line: that is the motivation for the constant-Q transform in section 5.
#
# The STFT also lets us finally *see* the sweeps of section 1.

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 3.2), sharey=True)
for ax, (name, x) in zip(
    axes, (("every second sample", naive), ("resample()", proper)), strict=True
):
    plot_spectrogram(ax, stft_magnitude_db(x, n_fft=1024, hop_length=256), sr, 256, kind="linear")
    ax.set_title(f"44.1 kHz sweep to {sr} Hz: {name}")
plt.show()

# %% [markdown]
# On the left, the sweep hits the top of the spectrogram (11025 Hz) and bounces back down:
# aliasing. On the right it fades out at the top edge, as it should.
#
# ## 4. The mel scale and log compression
#
# The STFT treats every hertz alike; the ear does not. Going from 100 to 200 Hz is an
# octave, a huge musical step, while 5000 to 5100 Hz is barely a change. The **mel scale**
# models perceived pitch distance: roughly linear below 1 kHz and logarithmic above. The
# course uses the HTK formula $m = 2595 \log_{10}(1 + f / 700)$.
#
# A **mel spectrogram** sums the STFT power of each frame with a bank of triangular filters
# spaced evenly in mels: narrow at low frequencies, wide at high ones. It compresses the
# 513 bins of a 1024-sample STFT into 96 bands (the course default) while keeping detail
# where pitch perception needs it.

# %%
hz = np.linspace(0, sr / 2, 500)
mel_formula = 2595 * np.log10(1 + hz / 700)
print(
    f"The formula matches librosa.hz_to_mel(htk=True): "
    f"{np.allclose(mel_formula, librosa.hz_to_mel(hz, htk=True))}"
)
for low, high in ((100, 200), (5000, 5100)):
    gap = librosa.hz_to_mel(high, htk=True) - librosa.hz_to_mel(low, htk=True)
    print(f"{low:>5}-{high} Hz: {gap:6.1f} mel apart")

n_mels, mel_fft = 96, 1024
edges = librosa.mel_frequencies(n_mels + 2, fmin=0.0, fmax=sr / 2, htk=True)
widths = edges[2:] - edges[:-2]  # each triangle spans from its lower to its upper neighbour
print(
    f"With {n_mels} bands: the lowest triangle spans {widths[0]:.0f} Hz, "
    f"the highest {widths[-1]:.0f} Hz; {mel_fft // 2 + 1} STFT bins become {n_mels} bands"
)

small_bank = librosa.filters.mel(sr=sr, n_fft=mel_fft, n_mels=24, htk=True, norm=None)
fig, axes = plt.subplots(1, 2, figsize=(12, 3.2))
axes[0].plot(hz, mel_formula)
axes[0].set(xlabel="Frequency (Hz)", ylabel="Mel", title="The mel scale (HTK)")
axes[1].plot(np.fft.rfftfreq(mel_fft, 1 / sr), small_bank.T, lw=0.8)
axes[1].set(
    xlabel="Frequency (Hz)",
    ylabel="Filter weight",
    title="A mel filterbank (24 bands shown for legibility; the course uses 96)",
)
plt.show()

# %% [markdown]
# The second ingredient is **log compression**. The power in a spectrogram spans many orders
# of magnitude: a loud bass note can carry millions of times the power of a quiet cymbal
# overtone, yet we hear both. Loudness perception is roughly logarithmic, so features are
# expressed in decibels, $10 \log_{10}(P)$. `logmel` returns exactly that; undoing the
# logarithm gives back the linear power so that we can compare.

# %%
mel_db = logmel(signal)  # (n_frames, 96), in dB
mel_power = 10 ** (mel_db / 10)
print(f"logmel: shape {mel_db.shape} (frames, mel bands)")
median_below = mel_db.max() - np.median(mel_db)
print(
    f"Cells with at least 1% of the largest power: "
    f"{100 * np.mean(mel_power > 0.01 * mel_power.max()):.1f}%"
)
print(
    f"The median cell lies {median_below:.0f} dB below the largest, "
    f"i.e. {10 ** (median_below / 10):,.0f} times less power"
)

fig, axes = plt.subplots(1, 2, figsize=(12, 3.6), sharey=True)
mesh = plot_spectrogram(
    axes[0], mel_power, sr, 512, kind="mel", dynamic_range=float(mel_power.max())
)
fig.colorbar(mesh, ax=axes[0], label="Power (linear)")
axes[0].set_title("Mel power, linear scale")
plot_spectrogram(axes[1], mel_db, sr, 512, kind="mel", colorbar=True)
axes[1].set_title("Mel power in dB: logmel()")
plt.show()

# %% [markdown]
# On the linear scale nearly everything is black: a handful of loud cells set the colour
# range. In decibels the whole structure appears: drums, bass, chords, melody. The same holds
# for a neural network: fed linear power, its inputs would be dominated by a few huge values.
# The log-mel spectrogram is the standard input of audio networks, and most models in this
# course start from it.
#
# ## 5. The constant-Q transform
#
# Musical pitch is logarithmic in frequency: each semitone multiplies the frequency by
# $2^{1/12}$. The **constant-Q transform** gives every semitone (or a fraction of one) its own
# bin: bin $k$ sits at $f_k = f_{\min} \cdot 2^{k/b}$ with $b$ bins per octave. To resolve
# semitones everywhere, each bin uses its own window length, inversely proportional to its
# frequency: long windows for low notes, short ones for high notes. The ratio of centre
# frequency to bandwidth, $Q$, is the same for all bins, hence the name.

# %%
n_cqt, per_octave = 84, 12
cqt_hz = CQT_FMIN * 2 ** (np.arange(n_cqt) / per_octave)
lengths, _ = librosa.filters.wavelet_lengths(freqs=cqt_hz, sr=sr)
print(
    f"{n_cqt} bins, {per_octave} per octave: {librosa.hz_to_note(cqt_hz[0])} "
    f"({cqt_hz[0]:.1f} Hz) to {librosa.hz_to_note(cqt_hz[-1])} ({cqt_hz[-1]:.0f} Hz)"
)
print(f"Q = 1 / (2^(1/{per_octave}) - 1) = {1 / (2 ** (1 / per_octave) - 1):.1f}")
print(
    f"window length: {1e3 * lengths[0] / sr:.0f} ms for the lowest bin, "
    f"{1e3 * lengths[-1] / sr:.1f} ms for the highest"
)

stft_hz = np.fft.rfftfreq(n_fft, 1 / sr)
for octave in (0, 6):
    low = cqt_hz[octave * per_octave]
    count = np.sum((stft_hz >= low) & (stft_hz < 2 * low))
    print(
        f"octave {librosa.hz_to_note(low)}-{librosa.hz_to_note(2 * low)}: "
        f"{count:>3} STFT bins (n_fft={n_fft}) vs {per_octave} CQT bins"
    )

cqt_db = cqt(signal)
print(f"cqt: shape {cqt_db.shape} (frames, bins)")
first = int(4 * sr / hop)  # show the first four seconds
fig, axes = plt.subplots(1, 2, figsize=(12, 3.4))
plot_spectrogram(axes[0], stft_db[:first], sr, hop, kind="linear")
axes[0].set_ylim(0, cqt_hz[-1])
axes[0].set_title(f"STFT up to {cqt_hz[-1]:.0f} Hz: low notes squeezed at the bottom")
plot_spectrogram(axes[1], cqt_db[:first], sr, hop, kind="cqt")
axes[1].set_title("CQT: one bin per semitone, one octave every 12 bins")
plt.show()

# %% [markdown]
# In the lowest octave the STFT has only a handful of bins for twelve notes, while in the
# top octave it spends far more than it needs on the same twelve. The CQT spreads its bins
# evenly over the notes, and its axis is labelled with note names. Because transposing a piece
# shifts the whole CQT up or down without changing its shape, the CQT suits pitch,
# melody, chords and cover songs.
#
# ### The harmonic CQT
#
# A pitched note is not one frequency but a stack of **harmonics** at $f_0, 2f_0, 3f_0,
# \dots$ On a CQT they are not evenly spaced (octave, then fifth, then fourth...), which
# makes them awkward for a small convolution kernel to pick up. The **harmonic CQT** (Bittner
# et al., 2017) computes several CQTs whose lowest frequencies are $h \cdot f_{\min}$ for
# $h \in \{0.5, 1, 2, 3, 4, 5\}$ and stacks them as channels, like the colour channels of an
# image. Bin $k$ of channel $h$ then looks at frequency $h \cdot f_k$: at a note's $f_0$ bin,
# channel $h$ sees its $h$-th harmonic, so **the harmonics of one note line up across the
# channels** at the same bin.
#
# Let us check with one synthetic note: A2 (110 Hz) with ten harmonics of decreasing
# amplitude.

# %%
f0 = 110.0
note_t = np.arange(int(6.0 * sr)) / sr  # the lowest CQT octaves need a few seconds of signal
note = sum(np.sin(2 * np.pi * k * f0 * note_t) / k for k in range(1, 11))
note = fade(0.1 * note * np.exp(-0.5 * note_t), sr)
display(player(fade(note[: int(1.5 * sr)], sr), sr, normalize=False))

harmonics = (0.5, 1, 2, 3, 4, 5)
bins_per_semitone = 3
h = hcqt(note, sr, harmonics=harmonics, bins_per_semitone=bins_per_semitone)
per_octave_h = 12 * bins_per_semitone
f0_bin = int(round(per_octave_h * np.log2(f0 / CQT_FMIN)))
profile = h.mean(axis=0)  # (n_bins, n_harmonics): average over time
print(f"hcqt: shape {h.shape} (frames, bins, harmonic channels)")
print(
    f"{librosa.hz_to_note(f0)} = {f0:.0f} Hz falls in bin {f0_bin} "
    f"({per_octave_h} bins per octave from {CQT_FMIN:.1f} Hz)\n"
)
fundamental_db = profile.max()  # the loudest cell: the fundamental, in channel h = 1
print(f"{'channel h':>9} {'bin':>4}   looks at   level at that bin   local peak?")
for c, harm in enumerate(harmonics):
    looks_at = harm * CQT_FMIN * 2 ** (f0_bin / per_octave_h)
    level = profile[f0_bin, c] - fundamental_db
    peak = profile[f0_bin - 1, c] <= profile[f0_bin, c] >= profile[f0_bin + 1, c]
    print(
        f"{harm:>9} {f0_bin:>4} {looks_at:>7.0f} Hz {level:>12.1f} dB       {'yes' if peak else 'no'}"
    )

labels = [f"h = {x}" for x in harmonics]
fig, axes = plt.subplots(1, 2, figsize=(12, 3.4), gridspec_kw={"width_ratios": [2, 1]})
image = axes[0].imshow(
    profile.T - fundamental_db, aspect="auto", origin="lower", cmap="magma", vmin=-60, vmax=0
)
for y, marker in ((-0.5, "^"), (len(harmonics) - 0.5, "v")):
    axes[0].plot(f0_bin, y, marker, color="cyan", ms=9, clip_on=False)
axes[0].set_yticks(range(len(harmonics)), labels)
axes[0].set(
    xlabel=f"Bin ({bins_per_semitone} per semitone); the cyan marks show bin {f0_bin}",
    ylabel="Channel",
    title=f"HCQT of one {librosa.hz_to_note(f0)} note, averaged over time",
)
fig.colorbar(image, ax=axes[0], label="dB re. the fundamental")
axes[1].barh(range(len(harmonics)), profile[f0_bin] - fundamental_db)
axes[1].set_yticks(range(len(harmonics)), labels)
axes[1].set(xlabel="Level (dB re. the fundamental)", title=f"Bin {f0_bin} in every channel")
plt.show()

# %% [markdown]
# Each row of the image is a whole CQT, so each row shows the complete harmonic series of
# the note, shifted further left as $h$ grows. Follow the column between the cyan marks:
# in channels $h = 1$ to $5$ it holds a peak, because it looks at exactly $h \cdot f_0$, the
# first five harmonics (they get weaker as $h$ grows, as the note's harmonics do). In
# channel $h = 0.5$ the same bin looks at $f_0 / 2$, where there is nothing: a note an
# octave lower would light it up, so this channel helps a model avoid octave errors (the
# harmonics of the lower note include all those of the higher one). A convolution that
# looks *down the channels* at one bin sees all the evidence for a pitch at once.
#
# ## 6. Chroma: harmony without the octave
#
# Harmony is about pitch *classes*: a C major chord is C, E and G in any octave, on any
# instrument. A **chromagram** folds the CQT onto 12 bins, one per pitch class (C, C#, ...,
# B), and scales each frame so that its largest value is 1. First a sanity check on a
# synthetic C major triad (C4, E4, G4, each with a few harmonics):

# %%
triad_t = np.arange(int(6.0 * sr)) / sr
triad = sum(
    np.sin(2 * np.pi * k * librosa.note_to_hz(name) * triad_t) / k
    for name in ("C4", "E4", "G4")
    for k in range(1, 5)
)
triad_chroma = chroma(triad.astype(np.float32), sr).mean(axis=0)
pitch_classes = ["C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
strongest = [pitch_classes[i] for i in np.argsort(triad_chroma)[::-1][:3]]
print(
    f"chroma: shape {chroma(triad.astype(np.float32), sr).shape}; "
    f"the three strongest pitch classes of the triad: {sorted(strongest)}"
)

clip_chroma = chroma(signal, sr)
profile_12 = clip_chroma.mean(axis=0)
tonic_index = parse_key(track.key)[0]  # e.g. "F major" -> 5
in_key = np.zeros(12, bool)
in_key[list(key_pitch_classes(track.key))] = True  # F major -> F G A Bb C D E
print(
    f"Key {track.key}: mean chroma {profile_12[in_key].mean():.2f} on the 7 pitch classes of "
    f"the scale, {profile_12[~in_key].mean():.2f} on the 5 others"
)

fig, axes = plt.subplots(1, 2, figsize=(12, 3.2), gridspec_kw={"width_ratios": [3, 1]})
plot_spectrogram(axes[0], clip_chroma, sr, 512, kind="chroma", colorbar=True)
axes[0].set_title(f"Chromagram of {track.track_id}")
colors = ["C3" if i == tonic_index else "C0" if in_key[i] else "0.7" for i in range(12)]
axes[1].bar(pitch_classes, profile_12, color=colors)
axes[1].tick_params(axis="x", labelsize=7)
axes[1].set(ylabel="Mean chroma", title=f"Clip average ({track.key})")
axes[1].legend(
    handles=[plt.Rectangle((0, 0), 1, 1, color=c) for c in ("C3", "C0", "0.7")],
    labels=["tonic", "in the scale", "outside"],
    fontsize=7,
    loc="lower right",
)
plt.show()

# %% [markdown]
# The triad lights up C, E and G, even though its upper harmonics add other frequencies
# (the third harmonic of C4 is a G: harmonics mostly reinforce the chord). On the clip, the
# chromagram changes in blocks that follow the chords, and on average the pitch classes of
# the key given in the metadata are stronger than the others. The contrast is far from
# perfect: drums spread their energy over all pitch classes, and chroma is scaled frame by
# frame, so even near-silent frames reach 1. Still, chroma is the feature of choice for
# chords, keys and cover-song identification, and the next notebook overlays the chord
# annotations on it.
#
# ## 7. MFCCs: the shape of the spectrum
#
# Timbre (what makes a trumpet sound unlike a violin playing the same note) lives largely in
# the overall *shape* of the spectrum, its envelope, rather than in the exact positions of
# the harmonics. **Mel-frequency cepstral coefficients** capture that shape compactly:
#
# 1. compute a mel spectrogram (here 128 bands) and convert it to dB;
# 2. take the discrete cosine transform (DCT) of each frame along the frequency axis;
# 3. keep the first 20 coefficients.
#
# The DCT describes the frame's dB curve as a sum of cosines over the mel bands: the first
# coefficient is its mean level, the next ones its slow undulations (the envelope), and the
# discarded high ones its fast wiggles (the individual harmonics, i.e. the pitch). Let us
# rebuild `mfcc` from those steps and check that we get the same numbers.

# %%
n_mfcc = 20
mel_128 = librosa.power_to_db(
    librosa.feature.melspectrogram(y=signal, sr=sr, n_fft=2048, hop_length=512, n_mels=128)
)  # (128, n_frames): librosa's frequency-first layout
by_hand = scipy.fft.dct(mel_128, axis=0, type=2, norm="ortho")[:n_mfcc].T
coefficients = mfcc(signal, sr, n_mfcc=n_mfcc)
print(f"mfcc: shape {coefficients.shape} (frames, coefficients)")
print(
    f"Largest difference from the step-by-step version: {np.abs(by_hand - coefficients).max():.2e}"
)

frame = int(np.argmax(mel_128.mean(axis=0)))  # the loudest frame
padded = np.zeros(mel_128.shape[0])
padded[:n_mfcc] = coefficients[frame]
envelope = scipy.fft.idct(padded, type=2, norm="ortho")

fig, axes = plt.subplots(1, 2, figsize=(12, 3.4))
axes[0].plot(mel_128[:, frame], lw=0.8, label="log-mel frame (128 bands)")
axes[0].plot(envelope, lw=2, label=f"rebuilt from its first {n_mfcc} MFCCs")
axes[0].set(
    xlabel="Mel band",
    ylabel="Level (dB)",
    title=f"Frame at {frame * 512 / sr:.2f} s: MFCCs keep the envelope",
)
axes[0].legend(fontsize=8)
duration = len(signal) / sr
image = axes[1].imshow(
    coefficients[:, 1:].T,
    aspect="auto",
    origin="lower",
    cmap="magma",
    extent=(0, duration, 0.5, n_mfcc - 0.5),
)
fig.colorbar(image, ax=axes[1], label="Coefficient value")
axes[1].set(xlabel="Time (s)", ylabel="Coefficient", title="MFCCs 1 to 19 of the clip")
plt.show()

# %% [markdown]
# The 20 coefficients redraw a smooth curve through the spectrum: the envelope survives,
# the harmonic peaks do not. (The image leaves out coefficient 0, the overall level, whose
# large values would swamp the colour scale.) You can *hear* what that means: the player
# below resynthesises the beginning of the clip from its MFCCs alone
# (`librosa.feature.inverse.mfcc_to_audio` invents the missing detail and phase). Compare it
# with the original in section 2: rhythm and the colour of the instruments survive, melody
# and harmony are mostly gone.

# %%
seconds = 4
resynthesis = librosa.feature.inverse.mfcc_to_audio(
    coefficients[: int(seconds * sr / 512) + 1].T, n_mels=128, sr=sr, n_fft=2048, hop_length=512
)
player(resynthesis, sr, seconds=seconds)

# %% [markdown]
# ## 8. One vector per clip: MFCC statistics
#
# The first classifier of Part 0 (`part0_audio_basics/scripts/train_style_mlp.py`) does not
# look at frames at all. It summarises each clip with `mfcc_statistics`: the mean and the
# standard deviation over time of the 20 MFCCs, and of their **deltas** (frame-to-frame
# differences, smoothed over 9 frames), which describe how the timbre moves. That is
# $4 \times 20 = 80$ numbers per clip whatever its length, the classic hand-crafted input of
# genre classification (Tzanetakis and Cook, 2002).

# %%
stats = mfcc_statistics(signal, sr)
deltas = librosa.feature.delta(coefficients, axis=0, width=9, mode="nearest")
groups = {
    "MFCC mean": coefficients.mean(0),
    "MFCC std": coefficients.std(0),
    "delta mean": deltas.mean(0),
    "delta std": deltas.std(0),
}
print(f"mfcc_statistics: shape {stats.shape}")
print(
    f"Equal to the four groups concatenated: "
    f"{np.allclose(stats, np.concatenate(list(groups.values())), atol=1e-4)}"
)

fig, ax = plt.subplots(figsize=(10, 2.8))
for i, (name, values) in enumerate(groups.items()):
    ax.bar(np.arange(n_mfcc) + i * n_mfcc, values, color=f"C{i}", label=name)
ax.set_yscale("symlog", linthresh=1)
ax.set(
    xlabel="Index in the vector",
    ylabel="Value (symmetric log scale)",
    title=f"The {len(stats)}-number summary of {track.track_id}",
)
ax.legend(ncol=4, fontsize=8)
plt.show()

# %% [markdown]
# The delta means are close to zero (over a clip, the timbre rises about as much as it falls);
# their standard deviations are not, and the symmetric log scale lets us see both groups.
#
# Do these 80 numbers carry information about style? Let us compute them for every training
# clip (the Part 0 script does the same through `common.data.cache.FeatureCache`, which
# also stores them on disk). To look at 80-dimensional points we standardise each dimension
# and project onto the two directions of largest variance (principal component analysis).

# %%
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

train = corpus.tracks(split="train", kind="music")
table = np.stack([mfcc_statistics(t.audio(), sr) for t in train])
standardised = StandardScaler().fit_transform(table)
pca = PCA(n_components=2).fit(standardised)
points = pca.transform(standardised)
print(
    f"{table.shape[0]} training clips × {table.shape[1]} numbers; the two components "
    f"explain {100 * pca.explained_variance_ratio_.sum():.0f}% of the variance"
)

fig, ax = plt.subplots(figsize=(7, 4.5))
for i, genre in enumerate(corpus.genres):
    mask = np.array([t.genre == genre for t in train])
    ax.scatter(*points[mask].T, s=14, color=plt.cm.tab10(i), label=genre)
ax.set(
    xlabel="Principal component 1",
    ylabel="Principal component 2",
    title="MFCC statistics of the training clips, one dot per clip",
)
ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1, 0.5))
plt.show()

# %% [markdown]
# Styles form loose clouds that overlap: some are well separated, others mix. Two dimensions
# throw away most of the information, so a classifier working on all 80 will do better, but
# clearly not perfectly: averaging over time discards rhythm and harmony, which is what
# tells many of these styles apart (the corpus deliberately shares instruments across
# styles). That gap is the motivation for the networks of Part 1, which look at the whole
# log-mel spectrogram.
#
# ## What you should remember
#
# * Audio is a sequence of samples at a **sample rate** $f_s$ (22050 Hz in this course).
#   Only frequencies below the **Nyquist frequency** $f_s/2$ survive; anything above it
#   **aliases** onto a wrong frequency. Resample with a proper resampler (`load_audio` does),
#   never by dropping samples.
# * The **STFT** cuts the signal into windowed frames (`n_fft`, `hop_length`, Hann window).
#   Frame length trades time resolution (`n_fft / sr` seconds) against frequency resolution
#   (`sr / n_fft` Hz): you cannot have both.
# * Every feature in `common.audio.features` is **time first**, `(n_frames, n_bins)`, the layout Keras
#   expects; frame `i` is centred at `i * hop_length / sr` seconds (`frame_times`).
# * The **log-mel spectrogram** (mel filterbank, then dB) matches the ear's frequency and
#   loudness scales and is the usual input of audio networks.
# * The **CQT** gives every semitone its own bins, so transposition becomes a shift; the
#   **HCQT** stacks CQTs at harmonic multiples so that a note's harmonics line up across
#   channels.
# * **Chroma** folds pitch onto 12 pitch classes: harmony, independent of octave.
# * **MFCCs** describe the spectral envelope (timbre) and discard pitch; their mean and
#   standard deviation over time (with deltas) give an 80-number **clip summary** for
#   classic classifiers.
