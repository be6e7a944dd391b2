"""Draw every figure of the Part 0 slides with the course's own code.

    python part0_audio_basics/slides/figures.py      # from the repository root

Writes PNG files (150 dpi) and ``facts.json`` (numbers quoted by the slides: corpus presets,
styles, the tiny training run...) to ``part0_audio_basics/slides/figures/``, which is
regenerated on every build (``python -m common.course.slides --parts 0``). Only the **tiny** corpus is
used, so the whole script runs in seconds; it is deterministic (fixed clips, fixed seeds, PNG
files without time stamps).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from common.cli import select_backend
from common.course.slide_figures import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    PURPLE,
    RED,
    save_png,
    style_matplotlib,
)
from common.viz.figures import new_figure
from common.viz.plots import (
    overlay_beats,
    overlay_notes,
    plot_confusion_matrix,
    plot_spectrogram,
    plot_waveform,
    prediction_grid,
)

# The small training run below uses Keras: choose its backend before anything imports it.
BACKEND = select_backend("jax")

import numpy as np  # noqa: E402

from common.audio.features import CQT_FMIN, chroma, cqt, hcqt, logmel, mfcc, stft_magnitude_db  # noqa: E402
from common.audio.io import DEFAULT_SAMPLE_RATE  # noqa: E402
from common.data import by_split, load_corpus  # noqa: E402

OUT = Path(__file__).resolve().parent / "figures"
DPI = 150
SR = DEFAULT_SAMPLE_RATE
STEM_COLOURS = {"drums": GREY, "bass": BLUE, "vocals": RED, "other": GREEN}


def save(fig, name: str) -> None:
    save_png(fig, OUT, name, DPI)


def first(tracks, genre: str, split: str = "train"):
    """The first track of a style in a split (a fixed choice: the corpus is deterministic)."""
    return next(t for t in tracks if t.genre == genre and t.split == split)


# ---------------------------------------------------------------------------------------------
# Sampling and the waveform
# ---------------------------------------------------------------------------------------------


def aliasing() -> None:
    """A tone above Nyquist gives exactly the samples of a tone below it."""
    fs, low = 1000.0, 150.0
    high = fs - low
    t = np.linspace(0, 0.02, 4000)
    n = np.arange(0, int(0.02 * fs) + 1) / fs
    fig, axes = new_figure(figsize=(7, 2.5))
    ax = axes[0, 0]
    ax.plot(1e3 * t, np.cos(2 * np.pi * high * t), color=ORANGE, lw=0.9, alpha=0.8)
    ax.plot(1e3 * t, np.cos(2 * np.pi * low * t), color=BLUE, lw=1.8)
    ax.plot(1e3 * n, np.cos(2 * np.pi * low * n), "o", color="black", ms=5, zorder=3)
    ax.set_xlabel("Time (ms)")
    ax.set_ylabel("Amplitude")
    ax.set_xlim(0, 20)
    ax.legend(
        [f"{high:.0f} Hz (above Nyquist)", f"{low:.0f} Hz", f"samples at $f_s$ = {fs:.0f} Hz"],
        loc="upper center",
        bbox_to_anchor=(0.5, 1.2),
        ncol=3,
        frameon=False,
    )
    save(fig, "aliasing")


def waveform(track) -> None:
    """A whole clip, then 3 ms of it where the individual samples show."""
    signal = track.audio()
    fig, axes = new_figure(1, 2, figsize=(7, 2.4), width_ratios=(1.9, 1))
    plot_waveform(axes[0, 0], signal, SR, color=BLUE)
    axes[0, 0].set_title(f"{track.track_id}: {len(signal)} samples")
    start = int(2.0 * SR)
    part = signal[start : start + int(0.003 * SR)]
    ms = 1e3 * np.arange(len(part)) / SR
    ax = axes[0, 1]
    ax.vlines(ms, 0, part, color=BLUE, lw=0.6)
    ax.plot(ms, part, "o", color=BLUE, ms=3)
    ax.axhline(0, color="black", lw=0.5)
    ax.set_xlabel("Time from 2.0 s (ms)")
    ax.set_title(f"Zoom: 3 ms = {len(part)} samples")
    save(fig, "waveform")


# ---------------------------------------------------------------------------------------------
# The STFT
# ---------------------------------------------------------------------------------------------


def framing(track) -> None:
    """Frames, window, one windowed frame and its spectrum: one column of a spectrogram."""
    n_fft, hop = 2048, 512
    signal = track.audio()
    start = int(1.0 * SR)
    span = signal[start : start + n_fft + 3 * hop]
    t = 1e3 * np.arange(len(span)) / SR
    window = np.hanning(n_fft + 1)[:-1]  # periodic Hann, as in the STFT
    fig, axes = new_figure(1, 3, figsize=(11, 2.8), width_ratios=(1.3, 1, 1))
    ax = axes[0, 0]
    ax.plot(t, span / np.abs(span).max(), color=GREY, lw=0.5)
    for m, colour in enumerate((BLUE, ORANGE, GREEN, PURPLE)):
        ax.plot(1e3 * (m * hop + np.arange(n_fft)) / SR, window, color=colour, lw=1.6)
        ax.annotate(f"m={m}", (1e3 * (m * hop + n_fft / 2) / SR, 1.03), ha="center", color=colour)
    ax.set_ylim(-1.05, 1.25)
    ax.set_xlabel("Time (ms)")
    ax.set_title(f"Frames: N = {n_fft} ({1e3 * n_fft / SR:.0f} ms), hop H = {hop}")
    frame = span[:n_fft] * window
    ax = axes[0, 1]
    ax.plot(1e3 * np.arange(n_fft) / SR, frame, color=BLUE, lw=0.6)
    ax.set_xlabel("Time (ms)")
    ax.set_title("Frame m=0 times the window")
    spectrum = np.abs(np.fft.rfft(frame))
    freqs = np.fft.rfftfreq(n_fft, 1 / SR)
    ax = axes[0, 2]
    decibels = 20 * np.log10(np.maximum(spectrum, 1e-6))
    ax.plot(freqs, decibels, color=BLUE, lw=0.7)
    ax.set_xlim(0, 4000)
    ax.set_ylim(decibels.max() - 70, decibels.max() + 5)
    ax.set_xlabel("Frequency (Hz)")
    ax.set_ylabel("dB")
    ax.set_title(f"|DFT|: {n_fft // 2 + 1} bins, {SR / n_fft:.1f} Hz apart")
    save(fig, "framing")


def tradeoff(track) -> None:
    """The same excerpt with short, medium and long windows (same hop)."""
    signal = track.audio(duration=3.0)
    hop = 128
    fig, axes = new_figure(1, 3, figsize=(11, 3.1), sharey=True)
    for ax, n_fft in zip(axes[0], (256, 1024, 4096), strict=True):
        spec = stft_magnitude_db(signal, n_fft=n_fft, hop_length=hop)
        plot_spectrogram(ax, spec, SR, hop, kind="linear", dynamic_range=70)
        ax.set_ylim(0, 4000)
        ax.set_title(f"N = {n_fft}: {1e3 * n_fft / SR:.0f} ms, bins {SR / n_fft:.0f} Hz apart")
        if ax is not axes[0, 0]:
            ax.set_ylabel("")
    save(fig, "tradeoff")


# ---------------------------------------------------------------------------------------------
# Mel, CQT, HCQT, chroma, MFCC
# ---------------------------------------------------------------------------------------------


def mel(track) -> None:
    """The mel filterbank, then mel power on a linear scale and in decibels."""
    import librosa

    signal = track.audio(duration=4.0)
    fig, axes = new_figure(1, 3, figsize=(11, 2.8), width_ratios=(1, 1.1, 1.1))
    ax = axes[0, 0]
    bank = librosa.filters.mel(sr=SR, n_fft=1024, n_mels=16, htk=True, norm=None, fmax=SR / 2)
    freqs = np.fft.rfftfreq(1024, 1 / SR)
    for k, row in enumerate(bank):
        ax.plot(freqs, row, lw=1.0, color=BLUE if k % 2 else ORANGE)
    ax.set_xlabel("Frequency (Hz)")
    ax.set_title("16 mel filters (HTK scale)")
    ax.set_xlim(0, SR / 2)
    features = logmel(signal)
    power = 10 ** (features / 10)
    ax = axes[0, 1]
    mesh = plot_spectrogram(ax, power / power.max(), SR, 512, kind="plain")
    mesh.set_clim(0, 0.05)  # even so, only the loudest few bands and moments show
    ax.set_ylabel("Mel band")
    ax.set_title("Mel power, linear scale")
    ax = axes[0, 2]
    plot_spectrogram(ax, features, SR, 512, kind="mel", colorbar=True)
    ax.set_title("Log-mel: 10 log10(max(S, 1e-10))")
    save(fig, "mel")


def cqt_notes(track) -> None:
    """A CQT with the score's pitched notes outlined: one bin a semitone, notes sit in rows."""
    signal = track.audio()
    features = cqt(signal)
    notes = track.notes.pitched()
    fig, axes = new_figure(figsize=(11, 3.1))
    ax = axes[0, 0]
    plot_spectrogram(ax, features, SR, 512, kind="cqt", fmin=CQT_FMIN, dynamic_range=60)
    overlay_notes(ax, notes.onsets, notes.offsets, notes.pitches, color="cyan")
    ax.set_ylim(CQT_FMIN * 2 ** (12 / 12), CQT_FMIN * 2 ** (72 / 12))
    ax.set_title(f"CQT of {track.track_id} (84 bins from C1) with the score's notes")
    save(fig, "cqt")


def harmonic_tone(f0: float, seconds: float = 6.0, n_harmonics: int = 10) -> np.ndarray:
    """A steady tone with harmonics of amplitude 1/h (long enough for the lowest CQT octaves)."""
    t = np.arange(int(seconds * SR)) / SR
    tone = sum(np.sin(2 * np.pi * h * f0 * t) / h for h in range(1, n_harmonics + 1))
    return (0.5 * tone / np.abs(tone).max()).astype(np.float32)


def hcqt_alignment() -> dict:
    """One frame of a CQT and of an HCQT for a 220 Hz harmonic tone."""
    from matplotlib.patches import Rectangle

    f0 = 220.0
    harmonics = (0.5, 1, 2, 3, 4, 5)
    bins_per_octave = 36
    signal = harmonic_tone(f0)
    cube = hcqt(signal, harmonics=harmonics)  # (frames, bins, channels)
    frame = cube[cube.shape[0] // 2]  # (bins, channels)
    candidates = CQT_FMIN * 2 ** (np.arange(frame.shape[0]) / bins_per_octave)
    fig, axes = new_figure(1, 2, figsize=(11, 3.0), width_ratios=(1, 1.25))
    ax = axes[0, 0]
    ax.plot(candidates, frame[:, 1], color=BLUE, lw=1.0)
    for h in range(1, 6):
        ax.axvline(h * f0, color=ORANGE, lw=0.8, ls="--")
        ax.annotate(f"{h}f0", (h * f0, frame[:, 1].max() + 3), ha="center", fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("Frequency (Hz, log scale)")
    ax.set_ylabel("dB")
    ax.set_title("CQT frame: the harmonics of 220 Hz crowd together")
    ax = axes[0, 1]
    image = frame.T - frame.max()
    ax.imshow(
        image,
        aspect="auto",
        origin="lower",
        cmap="magma",
        vmin=-60,
        vmax=0,
        extent=(0, frame.shape[0], -0.5, len(harmonics) - 0.5),
    )
    k0 = bins_per_octave * math.log2(f0 / CQT_FMIN)
    ax.add_patch(  # the column of the true fundamental, in channels h = 1 to 5
        Rectangle((k0 - 1.5, 0.55), 4, len(harmonics) - 1.1, fill=False, ec="cyan", lw=1.2)
    )
    ticks = [k for k in range(0, frame.shape[0], bins_per_octave)]
    ax.set_xticks(ticks, [f"{CQT_FMIN * 2 ** (k / bins_per_octave):.0f}" for k in ticks])
    ax.set_yticks(range(len(harmonics)), [f"h = {h:g}" for h in harmonics])
    ax.set_xlabel("Candidate fundamental (Hz)")
    ax.set_title("HCQT frame: channel h looks at h × f; at 220 Hz all line up")
    ax.spines[["top", "right"]].set_visible(True)
    save(fig, "hcqt")
    return {"f0": f0, "harmonics": list(harmonics), "bins": int(frame.shape[0])}


def chroma_and_mfcc(track) -> None:
    """Chroma with the score's chords written above; MFCCs of the same clip."""
    signal = track.audio()
    fig, axes = new_figure(1, 2, figsize=(11, 3.0))
    ax = axes[0, 0]
    plot_spectrogram(ax, chroma(signal), SR, 512, kind="chroma")
    for start, end, label in track.chords:
        ax.axvline(start, color="white", lw=0.8)
        ax.annotate(
            label.replace(":maj", "").replace(":min", "m").replace(":", ""),
            ((start + end) / 2, 11.9),
            ha="center",
            va="bottom",
            fontsize=9,
            annotation_clip=False,
        )
    ax.set_title("Chroma (12 pitch classes) with the score's chords", pad=16)
    ax = axes[0, 1]
    coefficients = mfcc(signal)
    # Each coefficient standardised over time: otherwise the first two hide all the others.
    standard = (coefficients - coefficients.mean(0)) / (coefficients.std(0) + 1e-8)
    mesh = plot_spectrogram(ax, standard, SR, 512, kind="plain")
    mesh.set_clim(-2.5, 2.5)
    mesh.set_cmap("coolwarm")
    ax.set_yticks([0.5, 9.5, 19.5], ["0", "9", "19"])
    ax.set_ylabel("Coefficient")
    ax.set_title("MFCC: DCT of each log-mel frame (standardised)", pad=16)
    save(fig, "chroma_mfcc")


def mfcc_statistics_map(corpus) -> dict:
    """The 80 numbers of a clip, and every tiny-corpus clip projected on two principal axes."""
    from common.data.cache import FeatureCache

    tracks = corpus.tracks(kind="music")
    table = FeatureCache("mfcc_statistics").table(tracks)
    fig, axes = new_figure(1, 2, figsize=(11, 3.2), width_ratios=(1.1, 1))
    ax = axes[0, 0]
    vector = table[0]
    groups = ("mean", "std", "Δ mean", "Δ std")
    for g, (name, colour) in enumerate(zip(groups, (BLUE, ORANGE, GREEN, PURPLE), strict=True)):
        index = np.arange(20 * g, 20 * (g + 1))
        ax.bar(index, vector[index], color=colour, width=0.8, label=name)
    ax.set_yscale("symlog", linthresh=1)
    ax.set_xlabel("Feature index")
    ax.set_title(f"{tracks[0].track_id}: 80 numbers for 6 s of audio")
    ax.legend(ncol=4, loc="upper right", frameon=False)
    standard = (table - table.mean(0)) / (table.std(0) + 1e-8)
    _, _, vt = np.linalg.svd(standard, full_matrices=False)
    axes_2d = vt[:2] * np.sign(vt[:2, :1])  # fix the sign of each axis: reproducible
    points = standard @ axes_2d.T
    ax = axes[0, 1]
    markers = "osD^v<>P"
    for i, genre in enumerate(corpus.genres):
        chosen = [j for j, t in enumerate(tracks) if t.genre == genre]
        ax.scatter(*points[chosen].T, s=22, marker=markers[i], label=genre)
    ax.set_xlabel("Principal axis 1")
    ax.set_ylabel("Principal axis 2")
    ax.set_title(f"All {len(tracks)} tiny-corpus clips, standardised")
    ax.legend(ncol=1, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False, fontsize=8)
    save(fig, "mfcc_statistics")
    return {"clips": len(tracks), "features": int(table.shape[1])}


# ---------------------------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------------------------


def corpus_clip(track) -> dict:
    """Log-mel with beats and downbeats, then the four stems, which sum to the mix."""
    import matplotlib.ticker

    mix = track.audio()
    stems = {name: track.stem(name) for name in ("drums", "bass", "vocals", "other")}
    error = float(np.abs(sum(stems.values()) - mix).max())
    beats = track.beats
    fig, axes = new_figure(5, 1, figsize=(11, 4.6), sharex=True, height_ratios=(3.2, 1, 1, 1, 1))
    ax = axes[0, 0]
    plot_spectrogram(ax, logmel(mix), SR, 512, kind="mel")
    overlay_beats(ax, beats.times, beats.positions)
    ax.set_xlabel("")
    ax.set_title(
        f"{track.track_id}: {track.genre}, {track.tempo:.0f} BPM, {track.meter}, {track.key}; "
        "beats dashed, downbeats solid"
    )
    top = max(np.abs(s).max() for s in stems.values()) or 1.0
    for ax, (name, stem) in zip(axes[1:, 0], stems.items(), strict=True):
        ax.plot(np.arange(len(stem)) / SR, stem, color=STEM_COLOURS[name], lw=0.4)
        ax.set_ylim(-top, top)
        ax.set_ylabel(name, rotation=0, ha="right", va="center")
        ax.yaxis.set_major_locator(matplotlib.ticker.NullLocator())
        for t in beats.times:
            ax.axvline(t, color="black", lw=0.3, alpha=0.4)
    axes[-1, 0].set_xlabel("Time (s)")
    axes[-1, 0].set_xlim(0, len(mix) / SR)
    save(fig, "corpus_clip")
    return {
        "track": track.track_id,
        "genre": track.genre,
        "tempo": track.tempo,
        "meter": track.meter,
        "key": track.key,
        "stem_error": error,
        "instruments": list(track.instruments),
    }


def style_thumbnails(corpus) -> None:
    """The first four seconds of one training clip per style, as log-mel spectrograms."""
    music = corpus.tracks(kind="music")
    fig, axes = new_figure(1, len(corpus.genres), figsize=(11, 1.7))
    for ax, genre in zip(axes[0], corpus.genres, strict=True):
        plot_spectrogram(ax, logmel(first(music, genre).audio(duration=4.0)), kind="mel")
        ax.set_title(genre, fontsize=10)
        ax.set_axis_off()
    save(fig, "styles")


def corpus_facts(corpus) -> dict:
    """Preset sizes and style settings, read from the generator itself."""
    from common.data.synthetic import PRESETS, STYLES

    presets = {}
    for name, preset in PRESETS.items():
        if preset.held_out is not None:  # the held-out set is not a corpus size
            continue
        train, valid, test = (
            len(STYLES) * n * preset.versions_per_work for n in preset.works_per_style
        )
        presets[name] = {
            "clip_seconds": preset.clip_seconds,
            "works_per_style": list(preset.works_per_style),
            "versions_per_work": preset.versions_per_work,
            "music": preset.n_music,
            "speech": preset.n_speech,
            "music_train": train,
            "music_valid": valid,
            "music_test": test,
            "music_hours": preset.n_music * preset.clip_seconds / 3600,
        }
    styles = [
        {
            "name": s.name,
            "meters": [f"{m}/4" for m in s.meters],
            "tempo": list(s.tempo),
            "swing": s.swing,
            "sevenths": s.sevenths,
            "vocal_probability": s.vocal_probability,
        }
        for s in STYLES.values()
    ]
    return {"presets": presets, "styles": styles, "tiny_tracks": len(corpus)}


# ---------------------------------------------------------------------------------------------
# Neural-network basics
# ---------------------------------------------------------------------------------------------


def activations() -> None:
    """Four activation functions (solid) and their derivatives (dashed)."""
    z = np.linspace(-4, 4, 400)
    sigmoid = 1 / (1 + np.exp(-z))
    erf = np.vectorize(math.erf)
    phi = 0.5 * (1 + erf(z / math.sqrt(2)))
    functions = {
        "sigmoid  σ(z) = 1/(1+e^-z)": (sigmoid, sigmoid * (1 - sigmoid)),
        "tanh": (np.tanh(z), 1 - np.tanh(z) ** 2),
        "ReLU  max(0, z)": (np.maximum(z, 0), (z > 0).astype(float)),
        "GELU  z Φ(z)": (z * phi, phi + z * np.exp(-(z**2) / 2) / math.sqrt(2 * math.pi)),
    }
    fig, axes = new_figure(1, 4, figsize=(11, 2.3), sharey=True)
    for ax, (name, (value, slope)) in zip(axes[0], functions.items(), strict=True):
        ax.axhline(0, color="black", lw=0.4)
        ax.axvline(0, color="black", lw=0.4)
        ax.plot(z, value, color=BLUE, lw=2, label="value")
        ax.plot(z, slope, color=ORANGE, lw=1.5, ls="--", label="derivative")
        ax.set_title(name)
        ax.set_ylim(-1.2, 2.2)
        ax.set_xlabel("z")
    axes[0, 0].legend(loc="upper left", frameon=False)
    save(fig, "activations")


def neuron() -> None:
    """A neuron: weighted sum of inputs plus a bias, through an activation."""
    from matplotlib.patches import Circle, FancyArrowPatch

    fig, axes = new_figure(figsize=(5.6, 2.8))
    ax = axes[0, 0]
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 5)
    ax.axis("off")
    inputs = [(1.0, 4.2, "$x_1$"), (1.0, 2.5, "$x_2$"), (1.0, 0.8, "$x_3$")]
    for x, y, label in inputs:
        ax.add_patch(Circle((x, y), 0.45, fc="#e8f0fa", ec=BLUE))
        ax.text(x, y, label, ha="center", va="center", fontsize=13)
    ax.add_patch(Circle((5.2, 2.5), 0.8, fc="#fff1e0", ec=ORANGE, lw=1.5))
    ax.text(5.2, 2.5, r"$\Sigma$", ha="center", va="center", fontsize=18)
    for (x, y, _), w in zip(inputs, ("$w_1$", "$w_2$", "$w_3$"), strict=True):
        ax.add_patch(
            FancyArrowPatch((x + 0.45, y), (4.45, 2.5), arrowstyle="-|>", mutation_scale=12)
        )
        ax.text((x + 4.45) / 2 + 0.1, (y + 2.5) / 2 + 0.2, w, fontsize=12, color=BLUE)
    ax.text(5.2, 4.3, "bias $b$", ha="center", fontsize=11)
    ax.add_patch(FancyArrowPatch((5.2, 4.1), (5.2, 3.3), arrowstyle="-|>", mutation_scale=12))
    ax.add_patch(
        FancyArrowPatch((6.0, 2.5), (7.3, 2.5), arrowstyle="-|>", mutation_scale=12, lw=1.2)
    )
    ax.text(6.65, 2.75, "$z$", ha="center", fontsize=12)
    ax.add_patch(Circle((7.9, 2.5), 0.6, fc="#e9f6e9", ec=GREEN, lw=1.5))
    ax.text(7.9, 2.5, r"$\varphi$", ha="center", va="center", fontsize=16)
    ax.add_patch(FancyArrowPatch((8.5, 2.5), (9.7, 2.5), arrowstyle="-|>", mutation_scale=12))
    ax.text(9.4, 2.8, "$a$", ha="center", fontsize=13)
    save(fig, "neuron")


def backprop() -> dict:
    """Forward values and backward gradients on a one-neuron graph with a cross-entropy loss."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    x, w, b, y = 1.5, 0.8, -0.2, 1.0
    z = w * x + b
    p = 1 / (1 + math.exp(-z))
    loss = -(y * math.log(p) + (1 - y) * math.log(1 - p))
    dz = p - y  # dL/dz for a sigmoid followed by a cross-entropy
    values = {
        "x": x,
        "w": w,
        "b": b,
        "y": y,
        "u": w * x,
        "z": z,
        "p": p,
        "loss": loss,
        "dL_dp": -y / p + (1 - y) / (1 - p),
        "dp_dz": p * (1 - p),
        "dL_dz": dz,
        "dL_dw": dz * x,
        "dL_db": dz,
        "dL_dx": dz * w,
    }
    fig, axes = new_figure(figsize=(11, 2.7))
    ax = axes[0, 0]
    ax.set_xlim(0, 14.6)
    ax.set_ylim(0, 3.85)
    ax.axis("off")

    def node(cx, cy, text, colour, width=1.0):
        ax.add_patch(
            FancyBboxPatch(
                (cx - width / 2, cy - 0.36),
                width,
                0.72,
                boxstyle="round,pad=0.05",
                fc=colour,
                ec="black",
                lw=0.8,
            )
        )
        ax.text(cx, cy, text, ha="center", va="center", fontsize=12)

    def edge(a, b_, forward="", backward=""):
        ax.add_patch(FancyArrowPatch(a, b_, arrowstyle="-|>", mutation_scale=12, lw=1.0))
        mx, my = (a[0] + b_[0]) / 2, (a[1] + b_[1]) / 2
        ax.text(mx, my + 0.14, forward, ha="center", va="bottom", fontsize=10.5)
        ax.text(mx, my - 0.14, backward, ha="center", va="top", fontsize=10.5, color=RED)

    leaf, operation = "#e8f0fa", "#f4f4f4"
    node(1.0, 3.4, f"x = {x:g}", leaf, 1.5)
    ax.text(1.0, 2.88, f"∂L/∂x = {values['dL_dx']:.3f}", ha="center", va="top", color=RED)
    node(1.0, 1.6, f"w = {w:g}", leaf, 1.5)
    ax.text(1.0, 1.08, f"∂L/∂w = {values['dL_dw']:.3f}", ha="center", va="top", color=RED)
    node(4.4, 2.5, r"$\times$", operation)
    node(4.4, 0.55, f"b = {b:g}", leaf, 1.5)
    ax.text(5.3, 0.55, f"∂L/∂b = {dz:.3f}", ha="left", va="center", color=RED)
    node(7.6, 2.5, "$+$", operation)
    node(10.6, 2.5, r"$\sigma$", operation)
    node(13.6, 2.5, "$L$", "#fff1e0")
    edge((1.8, 3.3), (3.85, 2.62))
    edge((1.8, 1.7), (3.85, 2.38))
    edge((4.95, 2.5), (7.05, 2.5), f"u = wx = {values['u']:.2f}", f"∂L/∂u = {dz:.3f}")
    edge((4.6, 0.95), (7.2, 2.1))
    edge((8.15, 2.5), (10.05, 2.5), f"z = u + b = {z:.2f}", f"∂L/∂z = {dz:.3f}")
    edge((11.15, 2.5), (13.05, 2.5), f"p = σ(z) = {p:.3f}", f"∂L/∂p = {values['dL_dp']:.3f}")
    ax.text(13.6, 1.95, f"L = −log p\n= {loss:.3f}", ha="center", va="top", fontsize=10.5)
    ax.text(
        14.5,
        0.1,
        "black: forward pass (values, left to right)   red: backward pass (gradients, right to left)",
        fontsize=10,
        color=GREY,
        ha="right",
    )
    save(fig, "backprop")
    return values


def optimizers() -> dict:
    """Full-batch gradient descent, mini-batch SGD and Adam on a two-weight least-squares fit."""
    rng = np.random.default_rng(0)
    n, batch = 256, 16
    inputs = rng.normal(size=(n, 2)) * np.array([1.0, 0.15])  # badly scaled features
    truth = np.array([1.0, 2.0])
    targets = inputs @ truth + 0.1 * rng.normal(size=n)

    def loss(weights):
        return 0.5 * np.mean((inputs @ weights - targets) ** 2)

    def gradient(weights, rows):
        error = inputs[rows] @ weights - targets[rows]
        return inputs[rows].T @ error / len(rows)

    start, steps = np.array([-1.5, -1.0]), 120
    rate = 1.6  # (close to the stability limit 2 / largest curvature)
    paths = {}
    weights = start.copy()
    path = [weights.copy()]
    for _ in range(steps):
        weights = weights - rate * gradient(weights, np.arange(n))
        path.append(weights.copy())
    paths[f"gradient descent (all {n} points, η = {rate:g})"] = np.array(path)
    weights = start.copy()
    path = [weights.copy()]
    order = rng.permutation(n)
    for step in range(steps):
        if (step * batch) % n == 0:
            order = rng.permutation(n)
        rows = order[(step * batch) % n : (step * batch) % n + batch]
        weights = weights - rate * gradient(weights, rows)
        path.append(weights.copy())
    paths[f"mini-batch SGD (B = {batch}, η = {rate:g})"] = np.array(path)
    weights, m, v = start.copy(), np.zeros(2), np.zeros(2)
    path = [weights.copy()]
    beta1, beta2, eta, eps = 0.9, 0.999, 0.1, 1e-7
    for step in range(1, steps + 1):
        rows = rng.choice(n, batch, replace=False)
        g = gradient(weights, rows)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat, v_hat = m / (1 - beta1**step), v / (1 - beta2**step)
        weights = weights - eta * m_hat / (np.sqrt(v_hat) + eps)
        path.append(weights.copy())
    paths[f"Adam (B = {batch}, η = {eta:g})"] = np.array(path)

    fig, axes = new_figure(1, 2, figsize=(8.5, 3.1), width_ratios=(1.1, 1))
    ax = axes[0, 0]
    w1, w2 = np.meshgrid(np.linspace(-2, 2.5, 200), np.linspace(-1.5, 3.5, 200))
    grid = np.stack([w1.ravel(), w2.ravel()], 1)
    surface = 0.5 * np.mean((grid @ inputs.T - targets) ** 2, axis=1).reshape(w1.shape)
    ax.contour(w1, w2, surface, levels=np.geomspace(0.01, 3, 12), colors="#bbbbbb", linewidths=0.7)
    colours = (GREY, BLUE, ORANGE)
    for (name, path), colour in zip(paths.items(), colours, strict=True):
        ax.plot(*path.T, "-", color=colour, lw=1.3, label=name, marker=".", ms=3)
    ax.plot(*truth, "*", color=RED, ms=12)
    ax.plot(*start, "o", color="black", ms=5)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.set_title(f"Loss contours, {steps} steps from the black dot")
    ax = axes[0, 1]
    for (name, path), colour in zip(paths.items(), colours, strict=True):
        ax.plot([loss(p) for p in path], color=colour, lw=1.5, label=name)
    ax.set_yscale("log")
    ax.set_xlabel("Step")
    ax.set_ylabel("Loss on all points")
    ax.legend(frameon=False)
    save(fig, "optimizers")
    return {"steps": steps, "batch": batch, "points": n}


# ---------------------------------------------------------------------------------------------
# A small Keras run: what TensorBoard shows
# ---------------------------------------------------------------------------------------------


def tiny_training(corpus) -> dict:
    """Train the Part 0 network on the tiny corpus; plot curves, predictions and confusions."""
    import keras
    from sklearn.metrics import confusion_matrix

    from common.data.cache import FeatureCache
    from common.data.samplers import split_tables
    from common.data.targets import class_targets
    from common.models.classifiers import mlp_classifier
    from common.nn.training import compile_classifier, set_seed
    from common.tasks.classification import logistic_regression

    set_seed(0)
    splits = by_split(corpus.tracks(kind="music"))
    classes = sorted({t.genre for t in splits["train"]})
    x, y = split_tables(splits, FeatureCache("mfcc_statistics"), class_targets(classes))
    model = mlp_classifier(len(classes), x["train"])  # the Part 0 network
    compile_classifier(model, 1e-3)
    epochs = 60
    history = model.fit(
        x["train"],
        y["train"],
        validation_data=(x["valid"], y["valid"]),
        epochs=epochs,
        batch_size=32,
        verbose=0,
        shuffle=True,
    ).history
    probabilities = np.asarray(model.predict(x["test"], verbose=0))
    accuracy = float(np.mean(probabilities.argmax(1) == y["test"]))
    baseline = logistic_regression(x["train"], y["train"])

    fig, axes = new_figure(1, 2, figsize=(9, 2.8))
    panels = (("loss", "Cross-entropy"), ("accuracy", "Accuracy"))
    for ax, (key, label) in zip(axes[0], panels, strict=True):
        epoch = np.arange(1, len(history[key]) + 1)
        ax.plot(epoch, history[key], color=BLUE, label="train (with dropout)")
        ax.plot(epoch, history[f"val_{key}"], color=ORANGE, label="valid")
        ax.set_xlabel("Epoch")
        ax.set_title(label)
    axes[0, 0].legend(frameon=False)
    save(fig, "curves")

    # One validation clip per class, as the training script logs them; four fit on a slide:
    # the first two classified right and the first two wrong (or whatever there is).
    shown = np.unique(y["valid"], return_index=True)[1]
    guesses = np.asarray(model.predict(x["valid"][shown], verbose=0)).argmax(1)
    right = [i for i, g in zip(shown, guesses, strict=True) if g == y["valid"][i]]
    wrong = [i for i, g in zip(shown, guesses, strict=True) if g != y["valid"][i]]
    shown = (right[:2] + wrong[:2] + right[2:] + wrong[2:])[:4]
    valid_probabilities = np.asarray(model.predict(x["valid"][shown], verbose=0))
    titles = []
    for i, row in zip(shown, valid_probabilities, strict=True):
        guess = int(row.argmax())
        mark = "ok" if guess == y["valid"][i] else "WRONG"
        titles.append(
            f"true: {classes[y['valid'][i]]}\npred: {classes[guess]} ({row[guess]:.2f}) {mark}"
        )
    spectrograms = [logmel(splits["valid"][i].audio()) for i in shown]
    fig = prediction_grid(spectrograms, titles, columns=4)
    fig.set_size_inches(11, 2.3)
    for ax in fig.axes:
        ax.title.set_fontsize(10)
    save(fig, "predictions")

    fig, axes = new_figure(figsize=(3.8, 3.3))
    matrix = confusion_matrix(y["test"], probabilities.argmax(1), labels=range(len(classes)))
    plot_confusion_matrix(axes[0, 0], matrix, classes)
    save(fig, "confusion")
    return {
        "backend": keras.backend.backend(),
        "epochs": epochs,
        "clips": {s: int(len(v)) for s, v in y.items()},
        "classes": classes,
        "parameters": int(model.count_params()),
        "trainable_parameters": int(sum(int(np.prod(w.shape)) for w in model.trainable_weights)),
        "test_accuracy": accuracy,
        "baseline_test_accuracy": float(baseline.score(x["test"], y["test"])),
    }


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    style_matplotlib()
    corpus = load_corpus("tiny")
    music = corpus.tracks(kind="music")
    facts: dict = {"sample_rate": SR}
    print(f"Drawing the Part 0 figures into {OUT}")
    rock, funk = first(music, "rock"), first(music, "funk")
    quartet = first(music, "string quartet")
    aliasing()
    waveform(funk)
    framing(funk)
    tradeoff(funk)
    mel(funk)
    cqt_notes(quartet)
    facts["hcqt"] = hcqt_alignment()
    chroma_and_mfcc(rock)
    facts["mfcc_statistics"] = mfcc_statistics_map(corpus)
    facts["clip"] = corpus_clip(next(t for t in music if t.split == "train" and t.vocal))
    facts["corpus"] = corpus_facts(corpus)
    style_thumbnails(corpus)
    activations()
    neuron()
    facts["backprop"] = backprop()
    facts["optimizers"] = optimizers()
    facts["tiny_training"] = tiny_training(corpus)
    (OUT / "facts.json").write_text(json.dumps(facts, indent=2) + "\n")
    print("  facts.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
