"""Draw every figure of the Part 3 slides with the course's own code.

    python part3_onsets_beats/slides/figures.py      # from the repository root

Writes PNG files (150 dpi) and ``facts.json`` (numbers quoted by the slides: feature settings,
parameter counts and receptive fields of the course's temporal networks, the state space of the
bar-pointer DBN, the settings of the Part 3 scripts, small measurements on the tiny corpus...)
to ``part3_onsets_beats/slides/figures/``, which is regenerated on every build
(``python -m common.course.slides --parts 3``).

Only the **tiny** corpus is used and **nothing is trained**: where a figure needs a network's
activation, it uses a novelty function or a *synthetic* activation built from the annotations,
and says so in its title. Deterministic: fixed clips, fixed seeds, PNG files without time stamps.
"""

from __future__ import annotations

import csv
import inspect
import json
import sys
from pathlib import Path

from common.cli import load_script, select_backend
from common.course.slide_figures import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    PURPLE,
    RED,
    notebook_titles,
    save_png,
    style_matplotlib,
)
from common.viz.figures import new_figure
from common.viz.plots import plot_activation

# Keras only builds models here (to count their weights); PyTorch does so without compiling.
BACKEND = select_backend("torch")

import numpy as np  # noqa: E402

from common import REPO_ROOT  # noqa: E402
from common.audio.features import (  # noqa: E402
    ONSET_FFT_SIZES,
    ONSET_FRAME_RATE,
    ONSET_HOP_LENGTH,
    onset_spectrogram,
)
from common.audio.io import DEFAULT_SAMPLE_RATE  # noqa: E402
from common.data import corpus_path, load_corpus  # noqa: E402
from common.tasks.rhythm.novelty import normalise_novelty, spectral_flux, superflux  # noqa: E402

PART = REPO_ROOT / "part3_onsets_beats"
OUT = Path(__file__).resolve().parent / "figures"
DPI = 150
SR = DEFAULT_SAMPLE_RATE
N_MELS = 80
FMIN = 27.5


def save(fig, name: str) -> None:
    save_png(fig, OUT, name, DPI)


def script(name: str):
    """A Part 3 script as a module (its constants; ``main`` is not run)."""
    return load_script(PART / "scripts" / f"{name}.py")


def first(tracks, split: str, genre: str | None = None):
    """The first track of a split (and of a style): a fixed choice, the corpus is deterministic."""
    return next(t for t in tracks if t.split == split and genre in (None, t.genre))


def defaults(function) -> dict:
    """The default values of a function's keyword arguments (settings quoted by the slides)."""
    return {
        k: v.default
        for k, v in inspect.signature(function).parameters.items()
        if v.default is not inspect.Parameter.empty
    }


# --- drawing helpers -------------------------------------------------------------------------


def band_centres() -> np.ndarray:
    """Centre frequency (Hz) of each of the 80 mel bands of ``onset_spectrogram``."""
    import librosa

    edges = librosa.mel_frequencies(N_MELS + 2, fmin=FMIN, fmax=SR / 2, htk=True)
    return edges[1:-1]


def mel_axis(ax, label: bool = True, ticks=(50, 200, 1000, 4000)) -> None:
    """Label a band-index axis in Hz."""
    centres = band_centres()
    ax.set_yticks(
        [float(np.interp(np.log(f), np.log(centres), np.arange(N_MELS))) for f in ticks],
        [f"{f // 1000}k" if f >= 1000 else str(f) for f in ticks],
    )
    if label:
        ax.set_ylabel("Hz (mel scale)")


def show(ax, image: np.ndarray, start: float = 0.0, title: str = "", cmap: str = "magma", **kw):
    """A time-first matrix ``(frames, bands)`` at 100 frames per second, from ``start`` s."""
    seconds = image.shape[0] / ONSET_FRAME_RATE
    mesh = ax.imshow(
        np.asarray(image).T,
        origin="lower",
        aspect="auto",
        cmap=cmap,
        extent=(start, start + seconds, -0.5, image.shape[1] - 0.5),
        interpolation="nearest",
        **kw,
    )
    if title:
        ax.set_title(title)
    ax.set_xlabel("Time (s)")
    return mesh


def frames(t0: float, t1: float) -> slice:
    return slice(int(round(t0 * ONSET_FRAME_RATE)), int(round(t1 * ONSET_FRAME_RATE)))


def inside(times, t0: float, t1: float) -> np.ndarray:
    times = np.asarray(times, dtype=float)
    return times[(times >= t0) & (times < t1)]


def ticks(ax, times, low: float, high: float, colour: str, lw: float = 1.2, label=None) -> None:
    """Vertical ticks from ``low`` to ``high`` (axes fraction) at each time."""
    for i, t in enumerate(np.asarray(times)):
        ax.axvline(t, ymin=low, ymax=high, color=colour, lw=lw, label=label if i == 0 else None)


# ---------------------------------------------------------------------------------------------
# Events and their annotations
# ---------------------------------------------------------------------------------------------


def events_figure(track, spectrogram: np.ndarray) -> dict:
    """A clip with its onsets, beats and downbeats: what the four tasks look for."""
    beats = track.beats
    fig, axes = new_figure(
        2, 1, figsize=(11, 3.1), sharex=True, height_ratios=(3, 1.1), gridspec_kw={"hspace": 0.02}
    )
    ax = axes[0, 0]
    show(ax, spectrogram[..., 1])
    mel_axis(ax)
    ticks(ax, track.onsets, 0.0, 0.1, "white", 1.4)
    ax.set_xlabel("")
    ax.set_title(
        f"{track.track_id}: {track.genre}, {track.tempo:.1f} BPM, {track.meter}. "
        "White ticks: the annotated onsets",
        loc="left",
    )
    ax = axes[1, 0]
    for t, p in zip(beats.times, beats.positions, strict=True):
        down = p == 1
        ax.axvline(t, ymin=0.05, ymax=0.95, color=RED if down else BLUE, lw=2.4 if down else 1.2)
        ax.text(t + 0.03, 0.5, f"{int(p)}", color=RED if down else BLUE, fontsize=9, va="center")
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.spines[["left"]].set_visible(False)
    ax.set_xlim(0, spectrogram.shape[0] / ONSET_FRAME_RATE)
    ax.set_xlabel(
        "Time (s). Blue: beats with their position in the bar; red: downbeats (position 1)"
    )
    save(fig, "events")
    path = track.annotation_paths["beats"]
    lines = [line for line in Path(path).read_text().splitlines() if line.strip()][:4]
    onset_lines = [
        line for line in Path(track.annotation_paths["onsets"]).read_text().splitlines()
    ][:3]
    return {
        "track": track.track_id,
        "genre": track.genre,
        "tempo": float(track.tempo),
        "meter": track.meter,
        "seconds": float(track.duration),
        "onsets": len(track.onsets),
        "beats": len(beats.times),
        "downbeats": len(beats.downbeats),
        "beats_file": Path(path).name,
        "beats_lines": [" ".join(line.split()) for line in lines],
        "onsets_file": Path(track.annotation_paths["onsets"]).name,
        "onsets_lines": [line.strip() for line in onset_lines],
    }


def corpus_facts(corpus) -> dict:
    """Styles (meters, tempo ranges), corpus sizes, and the workshop clips of ``tempo_stretch``."""
    from common.data import HELD_OUT
    from common.data.synthetic import PRESETS, STYLES
    from common.data.synthetic.generator import held_out_sizes
    from common.data.synthetic.score import merge_onsets
    from common.data.synthetic.song import MAX_ATTACK

    music = corpus.tracks(kind="music")
    styles = [
        {
            "name": s.name,
            "meters": sorted(s.meters),
            "tempo": [float(s.tempo[0]), float(s.tempo[1])],
        }
        for s in STYLES.values()
    ]
    presets = {}
    for name, preset in PRESETS.items():
        if preset.held_out is not None:  # the held-out set is not a corpus size
            continue
        counts = [len(STYLES) * n * preset.versions_per_work for n in preset.works_per_style]
        presets[name] = {
            "clip_seconds": preset.clip_seconds,
            "music": dict(zip(("train", "valid", "test"), counts, strict=True)),
        }
    # The clips of tempo_stretch.py in the workshop corpus, from its metadata if it is rendered
    # (the annotated tempo, after rubato, decides inside or outside).
    low, high = script("tempo_stretch").TRAINING_TEMPI
    stretch = None
    metadata = corpus_path("workshop") / "metadata.csv"
    if metadata.is_file():
        with metadata.open(newline="", encoding="utf-8") as f:
            rows = [r for r in csv.DictReader(f) if r["kind"] == "music" and r["tempo"]]
        tempi = {s: [float(r["tempo"]) for r in rows if r["split"] == s] for s in ("train", "test")}
        stretch = {
            "train_inside": sum(low <= t <= high for t in tempi["train"]),
            "train": len(tempi["train"]),
            "test_outside": sum(not low <= t <= high for t in tempi["test"]),
            "test_inside": sum(low <= t <= high for t in tempi["test"]),
        }
    meters = [t.meter for t in music]
    return {
        "styles": styles,
        "presets": presets,
        "tiny_clips": len(music),
        "tiny_three_four": meters.count("3/4"),
        "onset_density": float(np.mean([len(t.onsets) / t.duration for t in music])),
        "merge_window": float(defaults(merge_onsets)["window"]),
        "max_attack": float(MAX_ATTACK),
        "stretch_clips": stretch,  # None when the workshop corpus is not rendered
        "held_out": held_out_sizes(PRESETS[HELD_OUT["workshop"]]),
    }


# ---------------------------------------------------------------------------------------------
# The onset spectrogram and novelty functions
# ---------------------------------------------------------------------------------------------


def onset_spectrogram_figure(track, spectrogram: np.ndarray) -> dict:
    """The three channels of ``onset_spectrogram``: short windows are sharp in time, long
    windows in frequency."""
    t0, t1 = 1.0, 3.0
    fig, axes = new_figure(1, 3, figsize=(11, 2.4), sharey=True)
    for k, ax in enumerate(axes[0]):
        image = spectrogram[frames(t0, t1), :, k]
        show(ax, image, t0, f"channel {k}: {ONSET_FFT_SIZES[k]} samples ({window_ms(k):.0f} ms)")
        ticks(ax, inside(track.onsets, t0, t1), 0.0, 0.08, "white", 1.4)
    mel_axis(axes[0, 0])
    save(fig, "onset_spectrogram")
    return {
        "track": track.track_id,
        "shape": [int(s) for s in spectrogram.shape],
        "fft_sizes": list(ONSET_FFT_SIZES),
        "window_ms": [window_ms(k) for k in range(len(ONSET_FFT_SIZES))],
        "hop": ONSET_HOP_LENGTH,
        "frame_rate": ONSET_FRAME_RATE,
        "n_mels": N_MELS,
        "fmin": FMIN,
        "fmax": float(min(16000.0, SR / 2)),
        "sample_rate": SR,
    }


def window_ms(k: int) -> float:
    return 1000 * ONSET_FFT_SIZES[k] / SR


def novelty_figure(track, spectrogram, thresholds: dict) -> dict:
    """Spectral flux and SuperFlux on one clip, under its annotated onsets."""
    from common.tasks.rhythm.metrics import onset_scores
    from common.tasks.rhythm.peaks import peak_settings, pick_peaks

    settings = peak_settings("novelty", "offline")
    curves = {
        "spectral flux": normalise_novelty(spectral_flux(spectrogram[..., 1])),
        "superflux": superflux(spectrogram),
    }
    t0, t1 = 0.0, track.duration
    fig, axes = new_figure(3, 1, figsize=(11, 3.0), sharex=True, height_ratios=(1.1, 1, 1))
    show(axes[0, 0], spectrogram[frames(t0, t1), :, 1], t0)
    mel_axis(axes[0, 0], label=False, ticks=(100, 1000, 5000))
    axes[0, 0].set_ylabel("Hz")
    axes[0, 0].set_xlabel("")
    axes[0, 0].set_title(
        f"{track.track_id}, channel 1 ({window_ms(1):.0f} ms windows). Below: grey, annotated; "
        "red, detected; dashed, the threshold",
        loc="left",
    )
    facts = {"track": track.track_id, "genre": track.genre, "onsets": len(track.onsets)}
    for ax, (name, curve), colour in zip(axes[1:, 0], curves.items(), (BLUE, ORANGE), strict=True):
        found = pick_peaks(curve, ONSET_FRAME_RATE, thresholds[name], **settings)
        scores = onset_scores(track.onsets, found)
        plot_activation(
            ax,
            curve,
            ONSET_FRAME_RATE,
            track.onsets,
            found,
            thresholds[name],
            label=name,
            color=colour,
        )
        ax.set_xlabel("")
        ax.set_title(
            f"{name}: {len(found)} onsets found; F = {scores['f_measure']:.2f} "
            f"(P {scores['precision']:.2f}, R {scores['recall']:.2f})",
            loc="left",
            fontsize=10,
        )
        facts[name] = {"found": len(found), **scores}
    axes[-1, 0].set_xlabel("Time (s)")
    save(fig, "novelty")
    return facts


def tiny_novelty(music, spectrograms) -> dict:
    """Thresholds of spectral flux and SuperFlux chosen on the tiny validation split, scores on
    the tiny test split, and the tempo of SuperFlux by autocorrelation on every tiny clip."""
    from common.tasks.rhythm.metrics import mean_scores, tempo_accuracy
    from common.tasks.rhythm.peaks import choose_threshold, peak_settings, score_events
    from common.tasks.rhythm.tempo import autocorrelation_tempo

    settings = peak_settings("novelty", "offline")
    detectors = {
        "spectral flux": lambda s: normalise_novelty(spectral_flux(s[..., 1])),
        "superflux": superflux,
    }
    split = {s: [t for t in music if t.split == s] for s in ("valid", "test")}
    found = {}
    for name, detector in detectors.items():
        curves = {s: [detector(spectrograms[t.track_id]) for t in split[s]] for s in split}
        refs = {s: [t.onsets for t in split[s]] for s in split}
        threshold, valid_f = choose_threshold(
            refs["valid"], curves["valid"], ONSET_FRAME_RATE, **settings
        )
        test = score_events(refs["test"], curves["test"], ONSET_FRAME_RATE, threshold, **settings)
        found[name] = {"threshold": threshold, "valid_f": valid_f, "test": test}
    estimates = [
        (t, autocorrelation_tempo(superflux(spectrograms[t.track_id]), ONSET_FRAME_RATE)[0])
        for t in music
    ]
    accuracy = mean_scores([tempo_accuracy(t.tempo, e) for t, e in estimates])
    half = np.mean([abs(e - t.tempo / 2) <= 0.04 * t.tempo / 2 for t, e in estimates])
    found["autocorrelation"] = {**accuracy, "half": float(half), "clips": len(estimates)}
    return found


def peak_picking_figure(track, spectrogram, threshold: float) -> dict:
    """Offline and online peak picking on a SuperFlux curve, with the local mean."""
    from common.tasks.rhythm.metrics import onset_scores
    from common.tasks.rhythm.peaks import _window, peak_settings, pick_peaks

    curve = superflux(spectrogram)
    offline, online = peak_settings("novelty", "offline"), peak_settings("novelty", "online")
    found = {
        "offline": pick_peaks(curve, ONSET_FRAME_RATE, threshold, **offline),
        "online": pick_peaks(curve, ONSET_FRAME_RATE, threshold, **online),
    }
    mean = _window(curve, ONSET_FRAME_RATE, offline["pre_avg"], offline["post_avg"], np.mean, None)
    t0, t1 = 1.0, 3.5
    sl = frames(t0, t1)
    times = np.arange(sl.start, sl.stop) / ONSET_FRAME_RATE
    fig, axes = new_figure(figsize=(11, 2.7))
    ax = axes[0, 0]
    ax.plot(times, curve[sl], color=ORANGE, lw=1.2, label="SuperFlux")
    ax.plot(times, mean[sl], color=PURPLE, lw=1.0, ls=":", label="local mean (−100 to +70 ms)")
    ax.axhline(threshold, color=GREY, lw=0.8, ls="--", label=f"threshold {threshold:.2f}")
    ticks(ax, inside(track.onsets, t0, t1), 0.88, 1.0, "0.35", 1.6, "annotated")
    ticks(ax, inside(found["offline"], t0, t1), 0.0, 0.09, RED, 1.6, "offline")
    ticks(ax, inside(found["online"], t0, t1), 0.1, 0.19, BLUE, 1.6, "online")
    picked = inside(found["offline"], t0 + 0.3, t1 - 0.3)
    if len(picked):
        p = picked[0]
        ax.axvspan(p - offline["pre_max"], p + offline["post_max"], color=RED, alpha=0.12, lw=0)
        ax.annotate(
            "± 30 ms: a local maximum?",
            (p, curve[int(round(p * ONSET_FRAME_RATE))]),
            xytext=(p + 0.1, 0.72),
            fontsize=8,
            arrowprops={"arrowstyle": "->", "lw": 0.8},
        )
    ax.set_xlim(t0, t1)
    ax.set_ylim(-0.02, 1.05)
    ax.set_xlabel("Time (s)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    save(fig, "peak_picking")
    scores = {k: onset_scores(track.onsets, v) for k, v in found.items()}
    delays = []
    for t in found["online"]:
        near = found["offline"][np.abs(found["offline"] - t) <= 0.05]
        if len(near):
            delays.append(1000 * (t - near[0]))
    return {
        "track": track.track_id,
        "threshold": threshold,
        "found": {k: len(v) for k, v in found.items()},
        "scores": scores,
        "mean_shift_ms": float(np.mean(delays)) if delays else 0.0,
    }


def onset_evaluation_figure(track, spectrogram, threshold: float) -> dict:
    """Hits, false alarms and misses within the ±50 ms window, and the F-measure by window."""
    from common.tasks.rhythm.metrics import onset_scores
    from common.tasks.rhythm.peaks import peak_settings, pick_peaks

    found = pick_peaks(
        superflux(spectrogram), ONSET_FRAME_RATE, threshold, **peak_settings("novelty")
    )
    import mir_eval

    pairs = mir_eval.util.match_events(track.onsets, found, 0.05)
    hit_ref = {i for i, _ in pairs}
    hit_est = {j for _, j in pairs}
    t0, t1 = 0.0, min(4.0, track.duration)
    fig, axes = new_figure(figsize=(11, 1.7))
    ax = axes[0, 0]
    for i, t in enumerate(track.onsets):
        if not t0 <= t < t1:
            continue
        ax.axvspan(t - 0.05, t + 0.05, ymin=0.55, ymax=0.95, color="0.85", lw=0)
        ax.plot([t, t], [0.55, 0.95], color="0.3" if i in hit_ref else RED, lw=1.6)
    for j, t in enumerate(found):
        if t0 <= t < t1:
            ax.plot([t, t], [0.05, 0.45], color=GREEN if j in hit_est else RED, lw=1.6)
    ax.set_yticks([0.75, 0.25], ["annotated", "detected"])
    ax.set_ylim(0, 1)
    ax.set_xlim(t0, t1)
    ax.set_xlabel(
        "Time (s). Grey: the ±50 ms window of each annotation; green: hits; "
        "red: misses (top) and false alarms (bottom)"
    )
    ax.spines[["left"]].set_visible(False)
    save(fig, "onset_evaluation")
    return {
        "track": track.track_id,
        "by_window": {
            f"{int(1000 * w)}": onset_scores(track.onsets, found, w)["f_measure"]
            for w in (0.025, 0.05, 0.1)
        },
        "hits": len(pairs),
        "misses": len(track.onsets) - len(pairs),
        "false_alarms": len(found) - len(pairs),
    }


# ---------------------------------------------------------------------------------------------
# Targets, recurrent networks, gradients
# ---------------------------------------------------------------------------------------------


def targets_figure(track, music, spectrograms) -> dict:
    """Widened onset and beat targets, and the tempo target distribution."""
    from common.data.targets import event_targets, rhythm_of, tempo_target

    n = spectrograms[track.track_id].shape[0]
    onset = event_targets(track.onsets, n, ONSET_FRAME_RATE, widen=1)
    rhythm = rhythm_of(track)
    beat = event_targets(rhythm.beats, n, ONSET_FRAME_RATE)
    down = event_targets(rhythm.downbeats, n, ONSET_FRAME_RATE)
    fig, axes = new_figure(1, 3, figsize=(11, 2.45), width_ratios=(1.1, 1.3, 0.9))
    ax = axes[0, 0]
    t0, t1 = 1.0, 1.6
    sl = frames(t0, t1)
    x = np.arange(sl.start, sl.stop) / ONSET_FRAME_RATE
    ax.bar(x, onset[sl], width=0.8 / ONSET_FRAME_RATE, color=BLUE)
    ticks(ax, inside(track.onsets, t0, t1), 0.0, 1.0, RED, 0.9)
    ax.set_xlim(t0, t1)
    ax.set_title("onset targets, 10 ms frames")
    ax.set_xlabel("Time (s); red: annotated onsets")
    ax.set_yticks([0, 0.5, 1])
    ax = axes[0, 1]
    t0, t1 = 0.0, 3.0
    sl = frames(t0, t1)
    x = np.arange(sl.start, sl.stop) / ONSET_FRAME_RATE
    ax.plot(x, beat[sl], color=BLUE, lw=1.0, label="beats")
    ax.plot(x, -down[sl], color=RED, lw=1.0, label="downbeats (drawn downwards)")
    ax.set_xlim(t0, t1)
    ax.set_yticks([-1, -0.5, 0, 0.5, 1], ["1", "0.5", "0", "0.5", "1"])
    ax.set_title("beat and downbeat targets")
    ax.set_xlabel("Time (s)")
    ax.legend(fontsize=7, loc="lower right", frameon=False)
    ax = axes[0, 2]
    target = tempo_target(track.tempo)
    centre = int(round(track.tempo))
    bpm = np.arange(centre - 6, centre + 7)
    ax.bar(bpm, target[bpm], color=ORANGE)
    ax.axvline(track.tempo, color=GREY, lw=0.8, ls="--")
    ax.set_title(f"tempo target ({track.tempo:.1f} BPM)")
    ax.set_xlabel("Tempo class (BPM)")
    save(fig, "targets")
    positive = {"onsets": [0, 0], "beats": [0, 0]}
    for t in music:
        n = spectrograms[t.track_id].shape[0]
        positive["onsets"][0] += int(
            (event_targets(t.onsets, n, ONSET_FRAME_RATE, widen=0) > 0).sum()
        )
        positive["beats"][0] += int(
            (event_targets(t.beats.times, n, ONSET_FRAME_RATE, widen=0) > 0).sum()
        )
        positive["onsets"][1] += n
        positive["beats"][1] += n
    return {
        "track": track.track_id,
        "widen": defaults(event_targets)["widen"],
        "neighbour": defaults(event_targets)["neighbour"],
        "tempo_spread": list(defaults(tempo_target)["spread"]),
        "tempo_target_peak": float(target.max()),
        "positive_share": {k: v[0] / v[1] for k, v in positive.items()},
    }


def rnn_diagram() -> None:
    """An RNN unrolled over five frames: causal (online) and bidirectional (offline)."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    fig, axes = new_figure(1, 2, figsize=(11, 2.6))
    n = 5

    def box(ax, x, y, text, colour, w=0.62, h=0.42):
        ax.add_patch(
            FancyBboxPatch(
                (x - w / 2, y - h / 2),
                w,
                h,
                boxstyle="round,pad=0.02",
                fc=colour,
                ec="0.25",
                lw=0.8,
            )
        )
        ax.text(x, y, text, ha="center", va="center", fontsize=9)

    def arrow(ax, a, b, colour="0.3", rad=0.0):
        ax.add_patch(
            FancyArrowPatch(
                a,
                b,
                arrowstyle="-|>",
                mutation_scale=9,
                color=colour,
                lw=1.0,
                connectionstyle=f"arc3,rad={rad}",
            )
        )

    ax = axes[0, 0]
    for t in range(n):
        label = "t" if t == 2 else (f"t{t - 2:+d}")
        box(ax, t, 0, f"$x_{{{label}}}$", "#eeeeee")
        box(ax, t, 1, f"$h_{{{label}}}$", "#c6dbef")
        box(ax, t, 2, f"$y_{{{label}}}$", "#fdd0a2")
        arrow(ax, (t, 0.22), (t, 0.78))
        arrow(ax, (t, 1.22), (t, 1.78))
        if t < n - 1:
            arrow(ax, (t + 0.32, 1), (t + 0.68, 1), BLUE)
    ax.set_title("causal (online): $y_t$ depends on $x_1 \\ldots x_t$", fontsize=10)
    ax = axes[0, 1]
    for t in range(n):
        label = "t" if t == 2 else (f"t{t - 2:+d}")
        box(ax, t, 0, f"$x_{{{label}}}$", "#eeeeee")
        box(ax, t, 0.85, f"$\\overrightarrow{{h}}_{{{label}}}$", "#c6dbef", w=0.42, h=0.36)
        box(ax, t, 1.5, f"$\\overleftarrow{{h}}_{{{label}}}$", "#d9f0d3", w=0.42, h=0.36)
        box(ax, t, 2.25, f"$y_{{{label}}}$", "#fdd0a2")
        arrow(ax, (t - 0.1, 0.22), (t - 0.1, 0.67))
        arrow(ax, (t + 0.26, 0.22), (t + 0.19, 1.32), "0.55")
        arrow(ax, (t - 0.19, 1.03), (t - 0.25, 2.03), "0.55")
        arrow(ax, (t + 0.05, 1.68), (t + 0.05, 2.03))
        if t < n - 1:
            arrow(ax, (t + 0.21, 0.85), (t + 0.79, 0.85), BLUE)
            arrow(ax, (t + 0.79, 1.5), (t + 0.21, 1.5), GREEN)
    ax.set_title("bidirectional (offline): $y_t$ depends on the whole clip", fontsize=10)
    for ax in axes[0]:
        ax.set_xlim(-0.5, n - 0.5)
        ax.set_ylim(-0.35, 2.55)
        ax.set_axis_off()
    save(fig, "rnn")


def gradient_figure() -> dict:
    """How a gradient shrinks or grows on its way back through time: the norm of
    dh_T / dh_{T-k} for a plain tanh RNN and a GRU, random weights, 32 units."""
    rng = np.random.default_rng(0)
    units, n_in, steps, runs = 32, 16, 100, 8

    def orthogonal(scale):
        q, _ = np.linalg.qr(rng.normal(size=(units, units)))
        return scale * q

    def tanh_rnn(scale):
        curves = []
        for _ in range(runs):
            w, u = orthogonal(scale), rng.normal(size=(units, n_in)) / np.sqrt(n_in)
            h, jac, norms = np.zeros(units), np.eye(units), []
            for _ in range(steps):
                h = np.tanh(w @ h + u @ rng.normal(size=n_in))
                jac = ((1 - h**2)[:, None] * w) @ jac
                norms.append(np.linalg.norm(jac, 2))
            curves.append(norms)
        return np.exp(np.mean(np.log(np.maximum(curves, 1e-300)), axis=0))

    def gru(bias):
        curves = []
        sigmoid = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
        for _ in range(runs):
            uz, ur, un = (orthogonal(1.0) for _ in range(3))
            wz, wr, wn = (rng.normal(size=(units, n_in)) / np.sqrt(n_in) for _ in range(3))
            h, jac, norms = np.zeros(units), np.eye(units), []
            for _ in range(steps):
                x = rng.normal(size=n_in)
                z = sigmoid(wz @ x + uz @ h + bias)
                r = sigmoid(wr @ x + ur @ h)
                un_h = un @ h
                cand = np.tanh(wn @ x + r * un_h)
                dz = (z * (1 - z))[:, None] * uz
                dr = (r * (1 - r))[:, None] * ur
                dn = (1 - cand**2)[:, None] * (un_h[:, None] * dr + r[:, None] * un)
                step = np.diag(z) + (h - cand)[:, None] * dz + (1 - z)[:, None] * dn
                h = z * h + (1 - z) * cand
                jac = step @ jac
                norms.append(np.linalg.norm(jac, 2))
            curves.append(norms)
        return np.exp(np.mean(np.log(np.maximum(curves, 1e-300)), axis=0))

    curves = {
        "tanh_0_9": ("tanh RNN, $\\|W\\| = 0.9$", tanh_rnn(0.9), BLUE),
        "tanh_1_5": ("tanh RNN, $\\|W\\| = 1.5$", tanh_rnn(1.5), PURPLE),
        "gru_0": ("GRU, update gate free ($b_z = 0$)", gru(0.0), ORANGE),
        "gru_3": ("GRU, update gate near 1 ($b_z = 3$)", gru(3.0), GREEN),
    }
    fig, axes = new_figure(figsize=(5.4, 3.0))
    ax = axes[0, 0]
    k = np.arange(1, steps + 1)
    for label, curve, colour in curves.values():
        ax.plot(k, curve, color=colour, lw=1.6, label=label)
    ax.set_yscale("log")
    ax.set_ylim(1e-12, 10)
    ax.set_xlabel("k: frames apart (10 ms each)")
    ax.set_ylabel("$\\| \\partial h_{t+k} / \\partial h_t \\|$")
    ax.legend(fontsize=7.5, frameon=False, loc="lower left")
    save(fig, "gradients")
    at = {name: float(curve[49]) for name, (_, curve, _) in curves.items()}
    return {"units": units, "steps": steps, "runs": runs, "at_50": at}


# ---------------------------------------------------------------------------------------------
# Networks: parameters, receptive fields
# ---------------------------------------------------------------------------------------------


def networks() -> dict:
    """Parameters of the Part 3 networks, as the scripts build them."""
    from common.models.temporal import beat_tcn, onset_cnn, onset_rnn, receptive_field

    models = {
        "birnn": onset_rnn(bidirectional=True),
        "causal_rnn": onset_rnn(units=48, bidirectional=False),
        "cnn": onset_cnn(),
        "tcn": beat_tcn(),
    }
    found = {name: {"parameters": int(m.count_params())} for name, m in models.items()}
    rnn = defaults(onset_rnn)
    found["birnn"].update(units=rnn["units"], layers=rnn["n_layers"], cell=rnn["cell"])
    found["causal_rnn"].update(units=48, layers=rnn["n_layers"], cell=rnn["cell"])
    found["cnn"].update(
        widths=list(defaults(onset_cnn)["widths"]),
        context_frames=1 + 6 + 2 + 2,
        bands=[int(models["cnn"].get_layer(f"block{i}_pool").output.shape[2]) for i in (1, 2, 3)],
        dense=int(models["cnn"].get_layer("dense").units),
    )
    front = models["tcn"].get_layer("front_pool").output.shape
    tcn = defaults(beat_tcn)
    heads = {
        k: int(models["tcn"].get_layer(k).count_params()) for k in ("beats", "downbeats", "tempo")
    }
    found["tcn"].update(
        filters=tcn["filters"],
        kernel=tcn["kernel_size"],
        levels=tcn["n_levels"],
        dropout=tcn["dropout"],
        front_filters=tcn["front_filters"],
        front_bands=int(front[2]),
        heads=heads,
        receptive_field=receptive_field(tcn["kernel_size"], tcn["n_levels"]),
        receptive_seconds=receptive_field(tcn["kernel_size"], tcn["n_levels"]) / ONSET_FRAME_RATE,
        levels_table=[
            {
                "level": level,
                "dilation": 2 ** (level - 1),
                "frames": receptive_field(tcn["kernel_size"], level),
                "seconds": receptive_field(tcn["kernel_size"], level) / ONSET_FRAME_RATE,
            }
            for level in range(1, tcn["n_levels"] + 1)
        ],
    )
    return found


def receptive_field_figure(kernel: int, levels: int) -> None:
    """Dilated convolutions (kernel 3, four levels) and the growth of the receptive field."""
    from common.models.temporal import receptive_field

    fig, axes = new_figure(1, 2, figsize=(11, 2.55), width_ratios=(1.75, 1))
    ax = axes[0, 0]
    k, depth = 3, 4
    width = receptive_field(k, depth)
    n = width + 6
    centre = n // 2
    xs = np.arange(n)
    used = {depth: {centre}}
    for level in range(depth, 0, -1):
        d = 2 ** (level - 1)
        used[level - 1] = {
            x + d * (i - k // 2)
            for x in used[level]
            for i in range(k)
            if 0 <= x + d * (i - k // 2) < n
        }
    for level in range(depth + 1):
        ax.scatter(xs, np.full(n, level), s=14, color="0.8", zorder=2)
        ax.scatter(
            sorted(used[level]), np.full(len(used[level]), level), s=22, color=BLUE, zorder=3
        )
        if level:
            d = 2 ** (level - 1)
            for x in used[level]:
                for i in range(k):
                    x0 = x + d * (i - k // 2)
                    ax.plot([x0, x], [level - 1, level], color=BLUE, lw=0.8, alpha=0.8, zorder=1)
            ax.text(-1.5, level, f"dilation {d}", ha="right", va="center", fontsize=9)
    ax.text(-1.5, 0, "input frames", ha="right", va="center", fontsize=9)
    ax.set_xlim(-9, n)
    ax.set_ylim(-0.5, depth + 0.5)
    ax.set_axis_off()
    ax.set_title(
        f"kernel {k}, {depth} levels: one output sees {width} frames = 1 + ({k}−1)(2$^{depth}$−1)",
        fontsize=10,
    )
    ax = axes[0, 1]
    ls = np.arange(1, levels + 1)
    dilated = [receptive_field(kernel, level) / ONSET_FRAME_RATE for level in ls]
    plain = [(1 + (kernel - 1) * level) / ONSET_FRAME_RATE for level in ls]
    ax.plot(ls, dilated, "o-", color=BLUE, label="dilations 1, 2, 4, …")
    ax.plot(ls, plain, "s-", color=GREY, label="no dilation")
    ax.set_yscale("log")
    ax.set_xlabel(f"levels (kernel {kernel})")
    ax.set_ylabel("receptive field (s)")
    ax.set_xticks(ls)
    ax.annotate(
        f"{dilated[-1]:.1f} s",
        (levels, dilated[-1]),
        xytext=(levels - 3.5, dilated[-1] * 0.8),
        fontsize=9,
        arrowprops={"arrowstyle": "->", "lw": 0.8},
    )
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    ax.set_title("at 100 frames per second", fontsize=10)
    save(fig, "receptive_field")


def stretch_figure(track, spectrogram) -> dict:
    """Tempo-stretch augmentation on features: the same clip played slower and faster."""
    from common.data.augment import stretch_frames
    from common.data.targets import rhythm_of

    settings = script("tempo_stretch")
    rates = (settings.STRETCH[0], 1.0, settings.STRETCH[1])
    rhythm = rhythm_of(track)
    seconds = 4.0
    fig, axes = new_figure(1, 3, figsize=(11, 2.4), sharey=True)
    for ax, rate in zip(axes[0], rates, strict=True):
        stretched = stretch_frames(spectrogram, rate)
        image = stretched[: int(seconds * ONSET_FRAME_RATE), :, 1]
        show(
            ax, image, 0.0, f"rate {rate:g}: {rate * rhythm.tempo:.0f} BPM, {len(stretched)} frames"
        )
        ticks(ax, inside(rhythm.beats / rate, 0, seconds), 0.9, 1.0, "cyan", 1.6)
        ax.set_xlim(0, seconds)
    mel_axis(axes[0, 0])
    save(fig, "stretch")
    return {
        "track": track.track_id,
        "tempo": rhythm.tempo,
        "rates": list(rates),
        "frames": int(spectrogram.shape[0]),
    }


# ---------------------------------------------------------------------------------------------
# The bar-pointer DBN
# ---------------------------------------------------------------------------------------------


def synthetic_activations(rhythm, n: int, seed: int = 0):
    """A plausible but imperfect network output built from the annotations: bumps at the beats
    (some weak), a few spurious peaks between them, a weaker downbeat activation."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / ONSET_FRAME_RATE
    beat = np.full(n, 0.02) + 0.03 * rng.random(n)
    down = np.full(n, 0.01) + 0.02 * rng.random(n)

    def bump(centre, height, width=0.015):
        return height * np.exp(-0.5 * ((t - centre) / width) ** 2)

    for b in rhythm.beats:
        beat += bump(b, rng.uniform(0.15, 0.35) if rng.random() < 0.3 else rng.uniform(0.55, 0.9))
        is_down = np.any(np.isclose(b, rhythm.downbeats))
        down += bump(b, rng.uniform(0.35, 0.6) if is_down else rng.uniform(0.05, 0.2))
    period = 60.0 / rhythm.tempo
    for _ in range(max(2, len(rhythm.beats) // 4)):
        centre = rng.choice(rhythm.beats) + period * rng.choice([0.5, 0.33, 0.67])
        beat += bump(centre, rng.uniform(0.35, 0.6))
    beat = np.clip(beat, 0, 0.99)
    return beat, np.clip(np.minimum(down, 0.9 * beat), 0, 0.99)


def dbn_figures(track, n_frames: int) -> dict:
    """The state space of one meter, and a decoded path on synthetic activations."""
    from common.data.targets import rhythm_of
    from common.tasks.rhythm import dbn
    from common.tasks.rhythm.metrics import beat_scores
    from common.tasks.rhythm.peaks import peak_settings, pick_peaks

    settings = defaults(dbn.track_bars)
    min_bpm, max_bpm = settings["min_bpm"], settings["max_bpm"]
    lam_obs, lam_trans = settings["observation_lambda"], settings["transition_lambda"]
    periods = np.arange(
        int(np.floor(60 * ONSET_FRAME_RATE / max_bpm)),
        int(np.ceil(60 * ONSET_FRAME_RATE / min_bpm)) + 1,
    )
    spaces = {m: dbn._StateSpace(m, periods, lam_obs) for m in settings["beats_per_bar"]}

    # --- the state space ----------------------------------------------------------------------
    fig, axes = new_figure(figsize=(5.6, 3.1))
    ax = axes[0, 0]
    space = spaces[3]
    colours = {0: "0.82", 1: BLUE, 2: RED}
    for i, tau in enumerate(periods):
        if i % 3:
            continue
        states = np.flatnonzero(space.tempo_index == i)
        x = space.beat_index[states] + space.position_in_beat[states] / tau
        bpm = 60 * ONSET_FRAME_RATE / tau
        for kind in (0, 1, 2):
            chosen = space.kind[states] == kind
            ax.scatter(
                x[chosen],
                np.full(chosen.sum(), bpm),
                s=1.2 if kind == 0 else 2.5,
                color=colours[kind],
                marker="s",
                lw=0,
            )
    ax.set_xlabel("position in the bar (beats)")
    ax.set_ylabel("tempo (BPM)")
    ax.set_xticks([0, 1, 2, 3])
    ax.set_title(
        "3/4: every third tempo row; red: downbeat states, blue: beat states", fontsize=8.5
    )
    save(fig, "dbn_states")

    # --- decoding synthetic activations ---------------------------------------------------------
    from common.tasks.rhythm.metrics import tempo_accuracy

    rhythm = rhythm_of(track)
    # Ten random draws of the synthetic activations, to see how often each decoder gets it right.
    draws = []
    for seed in range(10):
        b, d = synthetic_activations(rhythm, n_frames, seed)
        result = dbn.track_bars(b, ONSET_FRAME_RATE, d)
        found = pick_peaks(b, ONSET_FRAME_RATE, 0.5, **peak_settings("network", events="beats"))
        draws.append(
            {
                "dbn_f": beat_scores(rhythm.beats, result.beats)["f_measure"],
                "picking_f": beat_scores(rhythm.beats, found)["f_measure"],
                "meter": result.beats_per_bar,
                **tempo_accuracy(rhythm.tempo, result.tempo),
            }
        )
    shown_seed = 1
    beat, down = synthetic_activations(rhythm, n_frames, shown_seed)
    tracked = dbn.track_bars(beat, ONSET_FRAME_RATE, down)
    plain = beat - down
    observation = np.stack([(1.0 - beat) / (lam_obs - 1), plain, down], axis=1)
    observation_log = np.log(np.maximum(observation, dbn._FLOOR))
    transition_log = dbn._transition_log(periods, lam_trans)
    paths = {}
    for meter, space in spaces.items():
        path, log_p = dbn._viterbi(space, observation_log, transition_log)
        paths[meter] = (space, path, log_p)
    space, path, _ = paths[tracked.beats_per_bar]
    position = (
        space.beat_index[path]
        + space.position_in_beat[path] / space.periods[space.tempo_index[path]]
    )
    threshold = 0.5
    picked = pick_peaks(
        beat, ONSET_FRAME_RATE, threshold, **peak_settings("network", events="beats")
    )
    t = np.arange(n_frames) / ONSET_FRAME_RATE
    fig, axes = new_figure(2, 1, figsize=(11, 3.0), sharex=True, height_ratios=(1.2, 1))
    ax = axes[0, 0]
    ax.plot(t, beat, color=BLUE, lw=1.0, label="beat activation (synthetic)")
    ax.plot(t, down, color=RED, lw=1.0, label="downbeat activation (synthetic)")
    ax.axhline(threshold, color=GREY, lw=0.7, ls="--")
    ticks(ax, rhythm.beats, 0.9, 1.0, "0.35", 1.4, "annotated beats")
    ticks(ax, picked, 0.0, 0.1, PURPLE, 1.4, f"peak picking > {threshold}")
    ax.set_ylim(-0.02, 1.1)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.05), fontsize=7.5, frameon=False)
    ax = axes[1, 0]
    ax.plot(t, position, color=ORANGE, lw=1.3, label=f"bar pointer ({tracked.beats_per_bar} beats)")
    for b in tracked.beats:
        ax.axvline(b, ymin=0, ymax=0.08, color=BLUE, lw=1.4)
    for b in tracked.downbeats:
        ax.axvline(b, ymin=0, ymax=0.16, color=RED, lw=2.2)
    ax.set_ylabel("beats into the bar")
    ax.set_xlabel("Time (s). Ticks: beats (blue) and downbeats (red) read from the Viterbi path")
    ax.set_ylim(-0.4, max(settings["beats_per_bar"]) + 0.2)
    ax.set_xlim(0, t[-1])
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7.5, frameon=False)
    save(fig, "dbn_decode")

    def ratio(tau_from, tau_to):
        row = np.exp(dbn._transition_log(periods, lam_trans))[list(periods).index(tau_from)]
        return float(row[list(periods).index(tau_to)])

    tau = int(round(60 * ONSET_FRAME_RATE / 120))
    return {
        "track": track.track_id,
        "tempo": rhythm.tempo,
        "meter": track.meter,
        "min_bpm": min_bpm,
        "max_bpm": max_bpm,
        "transition_lambda": lam_trans,
        "floor": dbn._FLOOR,
        "observation_lambda": lam_obs,
        "meters": list(settings["beats_per_bar"]),
        "periods": [int(periods[0]), int(periods[-1])],
        "n_periods": len(periods),
        "states": {str(m): int(s.n_states) for m, s in spaces.items()},
        "log_probability": {str(m): float(p[2]) for m, p in paths.items()},
        "chosen_meter": tracked.beats_per_bar,
        "tempo_estimate": tracked.tempo,
        "dbn_f": beat_scores(rhythm.beats, tracked.beats)["f_measure"],
        "dbn_downbeat_f": beat_scores(rhythm.downbeats, tracked.downbeats)["f_measure"],
        "picking_f": beat_scores(rhythm.beats, picked)["f_measure"],
        "picked": len(picked),
        "beats": len(rhythm.beats),
        "seed": shown_seed,
        "draws": len(draws),
        "draws_acc1": int(sum(d["acc1"] for d in draws)),
        "draws_acc2": int(sum(d["acc2"] for d in draws)),
        "draws_meter": sum(d["meter"] == int(track.meter[0]) for d in draws),
        "draws_dbn_f": float(np.mean([d["dbn_f"] for d in draws])),
        "draws_picking_f": float(np.mean([d["picking_f"] for d in draws])),
        "transition_example": {
            "tau": tau,
            "stay": ratio(tau, tau),
            "next": ratio(tau, tau + 1),
            "five": ratio(tau, tau + 5),
        },
    }


def autocorrelation_figure(track, spectrogram) -> dict:
    """Tempo by autocorrelation of SuperFlux: peaks at the beat period, and at its multiples."""
    from common.tasks.rhythm.tempo import autocorrelation_tempo

    bpm, tempi, strengths = autocorrelation_tempo(superflux(spectrogram), ONSET_FRAME_RATE)
    fig, axes = new_figure(figsize=(11, 2.5))
    ax = axes[0, 0]
    ax.plot(tempi, strengths / strengths.max(), color=BLUE, lw=1.3)
    for factor, label, colour in (
        (1, "annotated tempo", GREEN),
        (1 / 3, "third", ORANGE),
        (0.5, "half", ORANGE),
        (2, "double", ORANGE),
    ):
        value = track.tempo * factor
        if tempi.min() <= value <= tempi.max():
            ax.axvline(value, color=colour, lw=1.0, ls="--")
            ax.text(value, 1.04, label, color=colour, ha="center", fontsize=8)
    ax.plot([bpm], [np.interp(bpm, tempi[::-1], strengths[::-1]) / strengths.max()], "v", color=RED)
    ax.text(bpm * 1.01, 0.45, f"estimate\n{bpm:.1f} BPM", color=RED, fontsize=9)
    ax.set_xscale("log")
    ticks_bpm = [40, 60, 80, 120, 160, 250]
    ax.set_xticks(ticks_bpm, [str(b) for b in ticks_bpm])
    ax.set_xticks([], minor=True)
    ax.set_xlim(tempi.min(), tempi.max())
    ax.set_ylim(None, 1.15)
    ax.set_xlabel("Tempo (BPM) = 60 × frame rate / lag")
    ax.set_ylabel("autocorrelation")
    ax.set_title(f"{track.track_id}: autocorrelation of its SuperFlux", fontsize=10, loc="left")
    save(fig, "autocorrelation")
    return {"track": track.track_id, "tempo": float(track.tempo), "estimate": float(bpm)}


def beat_metrics_figure() -> dict:
    """Beat scores of typical mistakes against a steady 120 BPM reference."""
    from common.tasks.rhythm.metrics import beat_scores, tempo_accuracy

    reference = np.arange(0.5, 10.0, 0.5)
    rng = np.random.default_rng(1)
    cases = {
        "correct, ±20 ms jitter": reference + rng.uniform(-0.02, 0.02, len(reference)),
        "late by 100 ms": reference + 0.1,
        "double tempo": np.arange(0.5, 10.0, 0.25),
        "half tempo": reference[::2],
        "off-beat": reference + 0.25,
        "lost for 3 s, then back": np.concatenate(
            [reference[reference < 4], reference[reference >= 7] + 0.0, [4.37, 5.11, 5.83, 6.49]]
        ),
    }
    cases = {k: np.sort(v) for k, v in cases.items()}
    fig, axes = new_figure(figsize=(7.2, 2.9))
    ax = axes[0, 0]
    rows = ["reference", *cases]
    for b in reference:
        ax.axvspan(b - 0.07, b + 0.07, color="0.9", lw=0)
    for i, name in enumerate(rows):
        y = len(rows) - 1 - i
        times = reference if name == "reference" else cases[name]
        ax.scatter(
            times,
            np.full(len(times), y),
            marker="|",
            s=120,
            lw=1.8,
            color="0.2" if name == "reference" else BLUE,
        )
    ax.set_yticks(range(len(rows))[::-1], rows, fontsize=8.5)
    ax.set_xlim(0, 10)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlabel("Time (s). Grey: ±70 ms around each reference beat")
    ax.set_xlim(0, 6)
    ax.spines[["left"]].set_visible(False)
    save(fig, "beat_metrics")
    found = {}
    for name, times in cases.items():
        scores = beat_scores(reference, times)
        bpm = 60.0 / float(np.median(np.diff(times)))
        found[name] = {**scores, **tempo_accuracy(120.0, bpm), "bpm": bpm}
    return found


def notebooks() -> list[dict]:
    """The Part 3 notebooks present, with the title of each (from its first heading)."""
    return notebook_titles(PART / "notebooks")


def script_settings() -> dict:
    """Constants of the Part 3 scripts and of the detectors they use."""
    from common.data.targets import N_TEMPI
    from common.nn.training import compile_beat_tracker
    from common.tasks.rhythm.baselines import LIBROSA_DELTAS
    from common.tasks.rhythm.peaks import PEAK_PICKING, THRESHOLDS, peak_settings

    beats, stretch, onsets, novelty = (
        script(n) for n in ("beats", "tempo_stretch", "onsets", "novelty")
    )
    return {
        "epochs": {
            "onsets": onsets.EPOCHS,
            "beats": beats.EPOCHS,
            "tempo_stretch": stretch.EPOCHS,
        },
        "crop_seconds": {"onsets": onsets.CROP_SECONDS, "beats": beats.CROP_SECONDS},
        "windows_ms": [int(round(1000 * w)) for w in novelty.WINDOWS],
        "training_tempi": list(stretch.TRAINING_TEMPI),
        "stretch": list(stretch.STRETCH),
        "thresholds": [float(THRESHOLDS[0]), float(THRESHOLDS[-1]), len(THRESHOLDS)],
        "peak_picking": {
            f"{kind} {mode}": {k: int(round(1000 * v)) for k, v in s.items()}
            for (kind, mode), s in PEAK_PICKING.items()
        },
        "combine_ms": {
            e: int(round(1000 * peak_settings(events=e)["combine"])) for e in ("onsets", "beats")
        },
        "librosa_deltas": list(LIBROSA_DELTAS),
        "n_tempi": N_TEMPI,
        "beat_tracker": defaults(compile_beat_tracker),
    }


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    style_matplotlib()
    corpus = load_corpus("tiny")
    music = corpus.tracks(kind="music")
    print(f"Drawing the Part 3 figures into {OUT}")
    spectrograms = {t.track_id: onset_spectrogram(t.audio()) for t in music}
    facts: dict = {"backend": BACKEND}
    facts["corpus"] = corpus_facts(corpus)
    rock = first(music, "test", "rock")
    facts["events"] = events_figure(rock, spectrograms[rock.track_id])
    funk = first(music, "train", "funk")
    facts["spectrogram"] = onset_spectrogram_figure(funk, spectrograms[funk.track_id])
    tiny = tiny_novelty(music, spectrograms)
    facts["tiny"] = tiny
    thresholds = {k: tiny[k]["threshold"] for k in ("spectral flux", "superflux")}
    quartet = first(music, "train", "string quartet")
    facts["novelty"] = novelty_figure(quartet, spectrograms[quartet.track_id], thresholds)
    facts["peak_picking"] = peak_picking_figure(
        funk, spectrograms[funk.track_id], thresholds["superflux"]
    )
    facts["onset_evaluation"] = onset_evaluation_figure(
        quartet, spectrograms[quartet.track_id], thresholds["superflux"]
    )
    facts["targets"] = targets_figure(rock, music, spectrograms)
    rnn_diagram()
    facts["gradients"] = gradient_figure()
    facts["networks"] = networks()
    tcn = facts["networks"]["tcn"]
    receptive_field_figure(tcn["kernel"], tcn["levels"])
    house = first(music, "train", "house")
    facts["stretch"] = stretch_figure(house, spectrograms[house.track_id])
    waltz = first(music, "train", "waltz")
    facts["dbn"] = dbn_figures(waltz, spectrograms[waltz.track_id].shape[0])
    facts["autocorrelation"] = autocorrelation_figure(rock, spectrograms[rock.track_id])
    facts["beat_metrics"] = beat_metrics_figure()
    facts["scripts"] = script_settings()
    facts["notebooks"] = notebooks()
    (OUT / "facts.json").write_text(json.dumps(facts, indent=2, default=float) + "\n")
    print("  facts.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
