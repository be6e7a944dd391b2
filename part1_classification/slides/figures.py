"""Draw every figure of the Part 1 slides with the course's own code.

    python part1_classification/slides/figures.py      # from the repository root

Writes PNG files (150 dpi) and ``facts.json`` (numbers quoted by the slides: receptive fields
and parameter counts of the course's CNNs, the settings of the Part 1 scripts, small
measurements on the tiny corpus...) to ``part1_classification/slides/figures/``, which is
regenerated on every build (``python -m common.course.slides --parts 1``).

Only the **tiny** corpus is used and nothing is trained except scikit-learn baselines and a
NumPy logistic regression, so the script runs in well under a minute. The pre-trained backbone
that ships with the course (``part1_classification/backbone/``) provides the learned filters,
feature maps, outputs and saliency maps. Deterministic: fixed clips, fixed seeds, PNG files
without time stamps.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from common.cli import load_script, select_backend
from common.course.slide_figures import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    RED,
    notebook_titles,
    save_png,
    style_matplotlib,
)
from common.viz.figures import new_figure
from common.viz.plots import plot_kernels, plot_saliency

# Keras only runs small forward passes here; PyTorch starts them without compiling anything.
BACKEND = select_backend("torch")

import numpy as np  # noqa: E402

from common import REPO_ROOT  # noqa: E402
from common.audio.features import frame_times, logmel  # noqa: E402
from common.audio.io import DEFAULT_SAMPLE_RATE  # noqa: E402
from common.data import by_split, load_corpus  # noqa: E402
from common.data.cache import FeatureCache  # noqa: E402
from common.tasks.pitch import harmonic_summation  # noqa: E402

PART = REPO_ROOT / "part1_classification"
OUT = Path(__file__).resolve().parent / "figures"
DPI = 150
SR = DEFAULT_SAMPLE_RATE
HOP = 512
N_FFT = 1024
N_MELS = 64
CROP = int(3.0 * SR / HOP) + 1  # the 3-second crops of the Part 1 scripts: 130 frames


def save(fig, name: str) -> None:
    save_png(fig, OUT, name, DPI)


def script(name: str):
    """A Part 1 script as a module (its constants; ``main`` is not run)."""
    return load_script(PART / "scripts" / f"{name}.py")


def first(tracks, split: str, genre: str | None = None):
    """The first track of a split (and of a style): a fixed choice, the corpus is deterministic."""
    return next(t for t in tracks if t.split == split and genre in (None, t.genre))


# --- drawing helpers -------------------------------------------------------------------------


def mel_frequencies() -> np.ndarray:
    """Edges and centres of the 64 HTK mel bands: band ``i`` spans ``f[i]`` to ``f[i + 2]``."""
    import librosa

    return librosa.mel_frequencies(N_MELS + 2, fmin=0.0, fmax=SR / 2, htk=True)


def band_of(hz: float) -> float:
    """Position of a frequency on the axis of band indices (band centres at 0, 1, ...)."""
    import librosa

    top = librosa.hz_to_mel(SR / 2, htk=True)
    return float(librosa.hz_to_mel(hz, htk=True) / (top / (N_MELS + 1)) - 1)


def mel_axis(ax, label: bool = True) -> None:
    """Label a band-index axis in Hz."""
    ticks = [100, 500, 1000, 2000, 5000, 10000]
    ax.set_yticks([band_of(f) for f in ticks], ["100", "500", "1k", "2k", "5k", "10k"])
    if label:
        ax.set_ylabel("Hz (mel scale)")


def show(ax, image: np.ndarray, title: str = "", cmap: str = "magma", **kwargs):
    """A time-first matrix ``(frames, bands)``: time in seconds across, bands up."""
    seconds = image.shape[0] * HOP / SR
    mesh = ax.imshow(
        np.asarray(image).T,
        origin="lower",
        aspect="auto",
        cmap=cmap,
        extent=(0, seconds, -0.5, image.shape[1] - 0.5),
        interpolation="nearest",
        **kwargs,
    )
    if title:
        ax.set_title(title)
    ax.set_xlabel("Time (s)")
    return mesh


def decibels(image: np.ndarray, dynamic_range: float = 80.0) -> dict:
    top = float(np.max(image))
    return {"vmin": top - dynamic_range, "vmax": top}


# ---------------------------------------------------------------------------------------------
# Convolution, feature maps, pooling
# ---------------------------------------------------------------------------------------------


def convolution(spectrogram: np.ndarray) -> dict:
    """Two hand-made 3x3 kernels applied with ``keras.ops.conv``: an onset and a ridge detector."""
    import keras

    x = (spectrogram - spectrogram.mean()) / spectrogram.std()
    kernels = {
        "onset kernel": np.array([[-1, -1, -1], [0, 0, 0], [1, 1, 1]]) / 3,
        "partial kernel": np.array([[-1, 2, -1]] * 3) / 3,
    }
    fig, axes = new_figure(1, 3, figsize=(11, 2.45))
    show(axes[0, 0], spectrogram, "input: log-mel, 64 bands", **decibels(spectrogram))
    mel_axis(axes[0, 0])
    for ax, (name, kernel) in zip(axes[0, 1:], kernels.items(), strict=True):
        out = keras.ops.conv(
            x[None, :, :, None].astype("float32"),
            kernel[:, :, None, None].astype("float32"),
            padding="same",
        )
        feature = np.maximum(keras.ops.convert_to_numpy(out)[0, :, :, 0], 0)  # ReLU
        show(ax, feature, f"ReLU of the {name}'s output", cmap="viridis", vmin=0)
        mel_axis(ax, label=False)
        inset = ax.inset_axes((0.80, 0.62, 0.18, 0.35))
        inset.imshow(kernel.T, origin="lower", cmap="RdBu_r", vmin=-1, vmax=1)
        for i in range(3):
            for j in range(3):
                inset.text(i, j, f"{kernel[i, j] * 3:+.0f}", ha="center", va="center", fontsize=7)
        inset.set_axis_off()
    save(fig, "convolution")
    return {"kernels": list(kernels)}


def feature_maps(backbone, spectrogram: np.ndarray) -> dict:
    """Six of the 32 first-layer feature maps of the pre-trained backbone."""
    from common.models.spectrogram import front_model

    probe = front_model(backbone)
    maps = np.asarray(probe.predict(spectrogram[None, :, :, None], verbose=0))[0]
    order = np.argsort(-maps.std(axis=(0, 1)), kind="stable")[:6]
    fig, axes = new_figure(1, 6, figsize=(11, 1.95), sharex=True, sharey=True)
    for ax, channel in zip(axes.flat, sorted(order), strict=True):
        show(ax, maps[:, :, channel], f"channel {channel}", cmap="viridis", vmin=0)
    mel_axis(axes[0, 0], label=False)
    save(fig, "feature_maps")
    return {"channels": int(maps.shape[-1]), "shown": len(order), "shape": list(maps.shape)}


def invariance(backbone, spectrograms: list[np.ndarray]) -> dict:
    """How much each stage's output changes when the input crop starts a few frames later."""
    import keras

    names = ["front_pool", "block2_pool", "block3_pool", "block4_pool", "embedding"]
    probe = keras.Model(backbone.input, [backbone.get_layer(n).output for n in names])
    shifts = [1, 2, 4, 8, 16, 32]
    batch = np.stack([s[k : k + CROP] for s in spectrograms for k in [0, *shifts]])[..., None]
    outputs = [np.asarray(o) for o in probe.predict(batch, verbose=0, batch_size=len(batch))]
    per_clip = len(shifts) + 1

    def change(array):
        array = array.reshape(len(spectrograms), per_clip, -1)
        base = array[:, :1]
        return (np.linalg.norm(array[:, 1:] - base, axis=-1) / np.linalg.norm(base, axis=-1)).mean(
            0
        )

    curves = {"input (log-mel)": change(batch)}
    labels = ["block 1", "block 2", "block 3", "block 4", "embedding (global pooling)"]
    curves.update({label: change(o) for label, o in zip(labels, outputs, strict=True)})
    fig, axes = new_figure(figsize=(5.6, 3.1))
    ax = axes[0, 0]
    colours = [GREY, "#9ecae1", "#6baed6", "#3182bd", "#08519c", ORANGE]
    for (label, curve), colour in zip(curves.items(), colours, strict=True):
        ax.plot(shifts, curve, "o-", color=colour, label=label, lw=2 if "embed" in label else 1.3)
    ax.set_xscale("log", base=2)
    ax.set_xticks(shifts, [f"{s}\n{1000 * s * HOP / SR:.0f} ms" for s in shifts])
    ax.set_xlabel("Shift of the crop (frames)")
    ax.set_ylabel("Relative change of the output")
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    save(fig, "invariance")
    return {
        "clips": len(spectrograms),
        "shifts": shifts,
        "change": {k: [round(float(v), 3) for v in c] for k, c in curves.items()},
    }


# ---------------------------------------------------------------------------------------------
# The course's CNN: receptive fields, filter shapes, parameters
# ---------------------------------------------------------------------------------------------


def receptive_fields(model) -> list[dict]:
    """Receptive field (frames, bands) and stride after each block of a ``spectrogram_cnn``."""
    from keras import layers

    blocks = ["front"] + [f"block{i}" for i in range(2, 10)]
    rows = []
    size, jump = np.array([1, 1]), np.array([1, 1])
    for block in blocks:
        convs = [
            layer
            for layer in model.layers
            if isinstance(layer, layers.Conv2D)
            and (layer.name == f"{block}_conv" or re.fullmatch(rf"{block}_[a-z]+_conv", layer.name))
        ]
        if not convs:
            break
        # Parallel branches (the "musical" front): the union of what they see.
        kernel = np.max([layer.kernel_size for layer in convs], axis=0)
        size = size + (kernel - 1) * jump
        conv_size = size.copy()
        pool = model.get_layer(convs[0].name.replace("_conv", "_pool"))
        size = size + (np.array(pool.pool_size) - 1) * jump
        jump = jump * np.array(pool.strides)
        rows.append(
            {
                "block": block,
                "kernel": [int(k) for k in kernel],
                "conv_frames": int(conv_size[0]),
                "conv_bands": int(conv_size[1]),
                "frames": int(size[0]),
                "bands": int(size[1]),
                "stride_frames": int(jump[0]),
                "stride_bands": int(jump[1]),
            }
        )
    return rows


def describe_field(row: dict, edges: np.ndarray) -> dict:
    """A receptive field in seconds and Hz: at the bottom and at the top of the mel axis."""
    frames, bands = row["frames"], min(row["bands"], N_MELS)
    seconds = ((frames - 1) * HOP + N_FFT) / SR
    return {
        **row,
        "ms": 1000 * seconds,
        "low_hz": [float(edges[0]), float(edges[bands + 1])],
        "high_hz": [float(edges[N_MELS - bands]), float(edges[N_MELS + 1])],
    }


def receptive_field_figure(spectrogram: np.ndarray, fields: list[dict]) -> None:
    from matplotlib import patheffects
    from matplotlib.patches import Rectangle

    fig, axes = new_figure(figsize=(11, 2.75))
    ax = axes[0, 0]
    show(ax, spectrogram, **decibels(spectrogram))
    mel_axis(ax)
    frame = HOP / SR
    colours = ["#ffffff", "#c6dbef", "#6baed6", "#2171b5"]
    for k, (row, colour) in enumerate(zip(fields, colours, strict=False)):
        w, h = row["frames"] * frame, min(row["bands"], N_MELS)
        for x0, y0 in ((0.1, -0.5), (2.95 - w, N_MELS - 0.5 - h)):
            ax.add_patch(Rectangle((x0, y0), w, h, fill=False, ec=colour, lw=2))
        label = ax.text(
            0.1 + w,
            h - 0.2,
            f"{k + 1}",
            color="white",
            fontsize=10,
            fontweight="bold",
            ha="right",
            va="bottom",
        )
        label.set_path_effects([patheffects.withStroke(linewidth=2.5, foreground="black")])
    ax.set_xlim(0, spectrogram.shape[0] * frame)
    ax.set_title(
        "What one unit sees after blocks 1 to 4 of the course's CNN, at the bottom and the top"
    )
    save(fig, "receptive_field")


def filter_shapes(spectrogram: np.ndarray) -> dict:
    """The four first-layer shapes of ``genre.py`` drawn to scale on a log-mel crop."""
    from matplotlib.patches import Rectangle

    from common.models.spectrogram import FILTER_SHAPES, front_convolutions, spectrogram_cnn

    tall = max(3, N_MELS // 3)
    shapes = {
        "square": [((3, 3), "#00e5ff")],
        "temporal": [((32, 1), "#00e5ff")],
        "frequency": [((1, tall), "#00e5ff")],
        "musical": [((1, tall), "#00e5ff"), ((32, 1), "#7CFC00"), ((7, 7), "#ffd700")],
    }
    places = [(10, 6), (55, 30), (95, 44)]
    fig, axes = new_figure(1, 4, figsize=(11, 2.15), sharey=True)
    frame = HOP / SR
    facts = {}
    for ax, name in zip(axes[0], FILTER_SHAPES, strict=True):
        show(ax, spectrogram, name, **decibels(spectrogram))
        for k, ((frames, bands), colour) in enumerate(shapes[name]):
            for t, b in places if len(shapes[name]) == 1 else [places[k]]:
                ax.add_patch(
                    Rectangle(
                        (t * frame, b - 0.5), frames * frame, bands, fill=False, ec=colour, lw=1.6
                    )
                )
        model = spectrogram_cnn((CROP, N_MELS, 1), 8, filter_shape=name)
        front = front_convolutions(model)
        facts[name] = {
            "kernels": [list(layer.kernel_size) for layer in front],
            "filters": [int(layer.filters) for layer in front],
            "front_parameters": int(sum(layer.count_params() for layer in front)),
            "parameters": int(model.count_params()),
        }
    mel_axis(axes[0, 0])
    save(fig, "filter_shapes")
    return facts


def course_cnn() -> dict:
    """The genre CNN: layer shapes, parameters and receptive fields."""
    from common.models.spectrogram import spectrogram_cnn

    model = spectrogram_cnn((CROP, N_MELS, 1), 8, name="genre_cnn")
    shapes = []
    for name in ["front_pool", "block2_pool", "block3_pool", "block4_pool", "embedding"]:
        shape = model.get_layer(name).output.shape
        shapes.append({"layer": name, "shape": [int(s) for s in shape[1:]]})
    edges = mel_frequencies()
    fields = [describe_field(row, edges) for row in receptive_fields(model)]
    return {
        "input": [CROP, N_MELS, 1],
        "crop_seconds": 3.0,
        "parameters": int(model.count_params()),
        "shapes": shapes,
        "fields": fields,
    }


# ---------------------------------------------------------------------------------------------
# Front-ends
# ---------------------------------------------------------------------------------------------


def frontends(track, settings) -> dict:
    """What each front-end starts from: the samples, a fixed log-mel, learnable band edges,
    a learnable Fourier basis. Parameters of each classifier of ``frontends.py``."""
    import keras

    from common.models.waveform import FRONTENDS, frontend_classifier, frontend_of
    from common.nn.frontends import LogMelSpectrogram, SincFilterbank, TrainableSTFT

    n = settings.CROP_SAMPLES
    signal = track.audio()[:n].astype("float32")
    fig, axes = new_figure(1, 4, figsize=(11, 2.2), width_ratios=(1, 1, 1, 1))
    ax = axes[0, 0]
    t = np.arange(n) / SR
    ax.plot(t, signal, color=BLUE, lw=0.3)
    ax.set_xlim(0, t[-1])
    ax.set_xlabel("Time (s)")
    ax.set_title(f"waveform: {n} samples")
    ax = axes[0, 1]
    layer = LogMelSpectrogram(sample_rate=SR, n_mels=N_MELS)
    image = keras.ops.convert_to_numpy(layer(signal[None]))[0, :, :, 0]
    show(ax, image, "log-mel layer (fixed)", **decibels(image))
    mel_axis(ax, label=False)
    ax = axes[0, 2]
    sinc = SincFilterbank(N_MELS, SR)
    sinc.build((None, n))
    low, high = (keras.ops.convert_to_numpy(v) for v in sinc.band_edges())
    f = np.linspace(0, SR / 2, 2000)
    for k in range(0, N_MELS, 3):
        response = (
            1
            / (1 + np.exp(-(f - low[k]) / sinc.edge_hz))
            / (1 + np.exp(-(high[k] - f) / sinc.edge_hz))
        )
        ax.plot(f / 1000, response, lw=0.9, color=ORANGE if k % 2 else BLUE)
    ax.set_xlabel("Frequency (kHz)")
    ax.set_title("SincNet-style bands (every 3rd)")
    ax.set_xlim(0, 6)
    ax = axes[0, 3]
    stft = TrainableSTFT(N_MELS, SR)
    stft.build((None, n))
    basis = keras.ops.convert_to_numpy(stft.basis)[:, 0, :]
    ms = 1000 * np.arange(basis.shape[0]) / SR
    for k, colour in ((2, BLUE), (8, ORANGE)):
        ax.plot(ms, basis[:, k], lw=1.0, color=colour, label=f"bin {k}: {k * SR / N_FFT:.0f} Hz")
    ax.set_xlabel("Time (ms)")
    ax.set_ylim(-1.1, 1.6)
    ax.set_title("trainable STFT: a learned basis")
    ax.legend(frameon=False, fontsize=7, loc="upper center", ncol=2)
    save(fig, "frontends")

    facts = {"crop_samples": n, "crop_seconds": n / SR, "settings": {}}
    for name in FRONTENDS:
        model = frontend_classifier(name, n, 8)
        front = 0 if name == "waveform" else int(frontend_of(model).count_params())
        rate, stretch = settings.SETTINGS[name]
        facts["settings"][name] = {
            "parameters": int(model.count_params()),
            "front_parameters": front,
            "learning_rate": rate,
            "epochs_factor": stretch,
        }
    facts["sample_cnn_blocks"] = 9
    return facts


# ---------------------------------------------------------------------------------------------
# Outputs and metrics
# ---------------------------------------------------------------------------------------------


def outputs(pretrained, track, crop: np.ndarray, info: dict) -> dict:
    """The backbone's two heads on one clip: a softmax over styles, a sigmoid per instrument."""
    result = pretrained.predict(crop[None, :, :, None], verbose=0)
    style = np.asarray(result["style"])[0]
    instruments = np.asarray(result["instruments"])[0]
    styles, names = info["styles"], info["instruments"]
    fig, axes = new_figure(1, 2, figsize=(11, 2.5), width_ratios=(1, 2))
    ax = axes[0, 0]
    colours = [RED if s == track.genre else BLUE for s in styles]
    ax.bar(range(len(styles)), style, color=colours)
    ax.set_xticks(range(len(styles)), styles, rotation=40, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title(f"softmax over styles: sum = {style.sum():.2f}")
    ax = axes[0, 1]
    present = set(track.instruments)
    colours = [RED if n in present else BLUE for n in names]
    ax.bar(range(len(names)), instruments, color=colours)
    ax.axhline(0.5, color=GREY, lw=0.8, ls="--")
    ax.set_xticks(range(len(names)), names, rotation=40, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title(f"one sigmoid per instrument: sum = {instruments.sum():.2f} (red: in the score)")
    save(fig, "outputs")
    return {
        "track": track.track_id,
        "genre": track.genre,
        "style_sum": float(style.sum()),
        "instrument_sum": float(instruments.sum()),
        "predicted_style": styles[int(style.argmax())],
        "instruments_present": len(present & set(names)),
    }


def auc_curves() -> dict:
    """ROC and precision-recall curves of the same scorer at two tag frequencies (simulated)."""
    from sklearn import metrics

    rng = np.random.default_rng(0)
    fig, axes = new_figure(1, 2, figsize=(8.6, 3.0))
    facts = {}
    for prevalence, colour in ((0.5, BLUE), (0.05, ORANGE)):
        n = 4000
        labels = (rng.random(n) < prevalence).astype(int)
        scores = rng.normal(size=n) + 1.5 * labels
        fpr, tpr, _ = metrics.roc_curve(labels, scores)
        precision, recall, _ = metrics.precision_recall_curve(labels, scores)
        roc = metrics.roc_auc_score(labels, scores)
        pr = metrics.average_precision_score(labels, scores)
        label = f"tag on {100 * prevalence:.0f}% of clips"
        axes[0, 0].plot(fpr, tpr, color=colour, label=f"{label}: ROC-AUC {roc:.2f}")
        axes[0, 1].plot(recall, precision, color=colour, label=f"{label}: PR-AUC {pr:.2f}")
        axes[0, 1].axhline(labels.mean(), color=colour, lw=0.8, ls="--")
        facts[str(prevalence)] = {"roc_auc": float(roc), "pr_auc": float(pr)}
    axes[0, 0].plot([0, 1], [0, 1], color=GREY, lw=0.8, ls="--")
    axes[0, 0].set_xlabel("False positive rate")
    axes[0, 0].set_ylabel("True positive rate")
    axes[0, 0].set_title("ROC: chance is the diagonal (0.5)")
    axes[0, 1].set_xlabel("Recall")
    axes[0, 1].set_ylabel("Precision")
    axes[0, 1].set_title("Precision-recall: chance = tag frequency")
    for ax in axes[0]:
        ax.legend(
            frameon=False, fontsize=8, loc="lower left" if ax is axes[0, 1] else "lower right"
        )
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
    save(fig, "auc")
    return facts


def class_balance(corpus) -> dict:
    """Music and speech clips per split: what 'always music' scores, with and without balance."""
    from common.tasks.classification import accuracy, balanced_accuracy

    test = [t for t in corpus.tracks() if t.split == "test"]
    truth = np.array([t.kind == "speech" for t in test], dtype=int)
    always_music = np.zeros_like(truth)
    return {
        "test_music": int((truth == 0).sum()),
        "test_speech": int(truth.sum()),
        "always_music_accuracy": accuracy(truth, always_music),
        "always_music_balanced": balanced_accuracy(truth, always_music),
    }


# ---------------------------------------------------------------------------------------------
# Training dynamics
# ---------------------------------------------------------------------------------------------


def training_dynamics(corpus, cache: FeatureCache, music_speech) -> dict:
    """What the network is fed (log-mel statistics of the tiny corpus), and the learning-rate
    schedule of the regularised run of ``music_speech.py``."""
    every = np.concatenate([cache(t) for t in corpus.tracks()])
    mean, std = every.mean(0), every.std(0)
    rates = {r[1]: r[2] for r in music_speech.RUNS}
    fig, axes = new_figure(1, 2, figsize=(9.5, 2.4), width_ratios=(1.3, 1))
    ax = axes[0, 0]
    bands = np.arange(N_MELS)
    ax.fill_between(bands, mean - std, mean + std, color=BLUE, alpha=0.25, lw=0, label="± 1 std")
    ax.plot(bands, mean, color=BLUE, label="mean")
    ax.axhline(every.mean(), color=ORANGE, lw=1, ls="--", label="mean of all values")
    ax.set_xlabel("Mel band")
    ax.set_ylabel("dB")
    ax.set_title("Raw log-mel input, tiny corpus")
    ax.legend(frameon=False, fontsize=8, loc="lower left", ncol=3)
    ax = axes[0, 1]
    epochs = music_speech.EPOCHS["workshop"]
    workshop = presets()["workshop"]
    clips = workshop["music"]["train"] + workshop["speech"]["train"]
    per_epoch = int(np.ceil(clips / 32))
    steps = np.arange(epochs * per_epoch + 1)
    cosine = rates["adam"] * 0.5 * (1 + np.cos(np.pi * steps / steps[-1]))
    ax.plot(steps / per_epoch, cosine * 1000, color=GREEN, lw=2, label="cosine decay")
    ax.axhline(rates["adam"] * 1000, color=GREY, lw=1, ls="--", label="constant")
    ax.set_xlabel("Epoch")
    ax.set_ylabel("η (× 10⁻³)")
    ax.set_title(f"Learning rate over {epochs} epochs ({per_epoch} steps each)")
    ax.legend(frameon=False, fontsize=8)
    save(fig, "training")
    return {
        "input_mean": float(every.mean()),
        "input_std": float(every.std()),
        "band_mean_range": [float(mean.min()), float(mean.max())],
        "runs": [
            {
                "name": r[0],
                "optimizer": r[1],
                "learning_rate": r[2],
                "input_norm": r[3],
                "dropout": r[4],
                "weight_decay": r[5],
                "cures": r[6],
            }
            for r in music_speech.RUNS
        ],
        "steps_per_epoch": per_epoch,
    }


# ---------------------------------------------------------------------------------------------
# Augmentation
# ---------------------------------------------------------------------------------------------


def augmentation(track, partner) -> dict:
    """SpecAugment and mixup (common.augment), and three audio-domain transformations."""
    import librosa

    from common.data.augment import mixup, spec_augment

    seconds = 3.0
    n = int(seconds * SR)
    audio = track.audio(duration=seconds * 1.25)  # long enough for the stretched version
    other = partner.audio(duration=seconds)

    def features(signal):
        signal = np.pad(signal[:n], (0, max(0, n - len(signal))))
        return logmel(signal.astype("float32"), n_mels=N_MELS)

    rng = np.random.default_rng(0)
    original = features(audio)
    masked = spec_augment(original[None], rng)[0]
    labels = np.eye(2, dtype="float32")
    mixed, mixed_labels = mixup(np.stack([original, features(other)]), labels, rng)
    lam = float(mixed_labels[0, 0])
    shifted = features(librosa.effects.pitch_shift(audio, sr=SR, n_steps=3))
    stretched = features(librosa.effects.time_stretch(audio, rate=1.25))
    clip = audio[:n]
    noise = np.random.default_rng(1).normal(size=n).astype("float32")
    snr = 10.0
    noise *= np.sqrt(np.mean(clip**2) / np.mean(noise**2) / 10 ** (snr / 10))
    noisy = features(clip + noise)
    panels = {
        f"original: {track.genre}": original,
        "SpecAugment: 2 time + 2 frequency masks": masked,
        f"mixup: {lam:.2f} {track.genre} + {1 - lam:.2f} {partner.genre}": mixed[0],
        "pitch shift: +3 semitones": shifted,
        "time stretch: 1.25× faster": stretched,
        f"white noise at {snr:.0f} dB SNR": noisy,
    }
    top = original.max()
    fig, axes = new_figure(2, 3, figsize=(11, 4.4), sharex=True, sharey=True)
    for ax, (title, image) in zip(axes.flat, panels.items(), strict=True):
        show(ax, image, title, vmin=top - 80, vmax=top)
    for ax in axes[0]:
        ax.set_xlabel("")
    for ax in axes[:, 0]:
        mel_axis(ax, label=False)
    save(fig, "augment")
    return {"mixup_lambda": lam, "snr_db": snr, "pitch_steps": 3, "stretch": 1.25}


# ---------------------------------------------------------------------------------------------
# Decisions over time: vocal activity
# ---------------------------------------------------------------------------------------------


def vocal_activity_figures(corpus, cache: FeatureCache, pretrained, info: dict) -> dict:
    """Two frame-level detectors on the tiny corpus: frame MFCCs (with 4 neighbours on each
    side) + logistic regression, the baseline of ``vocal.py``; and the backbone's clip-level
    "voice" tag slid along the clip in 1-second windows. Their curves, and clip pooling."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from common.data.targets import vocal_activity
    from common.tasks.classification import balanced_accuracy, frame_f1

    splits = by_split(corpus.tracks(kind="music"))
    mfcc = FeatureCache("mfcc", n_mfcc=20, hop_length=HOP)

    def activity(track):
        return vocal_activity(track, len(cache(track)))[:, 0]

    def with_neighbours(track):
        m = mfcc(track)
        padded = np.pad(m, ((4, 4), (0, 0)), mode="edge")
        return np.concatenate([padded[i : i + len(m)] for i in range(9)], axis=1)

    x = np.concatenate([with_neighbours(t)[::2] for t in splits["train"]])
    y = np.concatenate([activity(t)[: len(mfcc(t))][::2] for t in splits["train"]])
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(x, y)
    test = splits["test"]
    frames = [len(cache(t)) for t in test]
    baseline = [
        np.resize(model.predict_proba(with_neighbours(t))[:, 1], n)
        for t, n in zip(test, frames, strict=True)
    ]

    # The backbone's "voice" output on 1-second windows every 8 frames, interpolated per frame.
    window, hop = int(1.0 * SR / HOP), 8
    voice = info["instruments"].index("voice")
    pieces, owner, centre = [], [], []
    for i, track in enumerate(test):
        spectrogram = cache(track)
        for start in range(0, len(spectrogram) - window + 1, hop):
            pieces.append(spectrogram[start : start + window])
            owner.append(i)
            centre.append(start + window // 2)
    tags = pretrained.predict(np.stack(pieces)[..., None], verbose=0, batch_size=256)
    tag = np.asarray(tags["instruments"])[:, voice]
    owner, centre = np.array(owner), np.array(centre)
    slid = [
        np.interp(np.arange(n), centre[owner == i], tag[owner == i]) for i, n in enumerate(frames)
    ]
    truth = [activity(t) for t in test]
    reference = np.concatenate(truth)

    index = next(i for i, t in enumerate(test) if t.vocal)
    track = test[index]
    fig, axes = new_figure(2, 1, figsize=(11, 3.4), sharex=True, height_ratios=(1.3, 1))
    spectrogram = cache(track)
    show(axes[0, 0], spectrogram, **decibels(spectrogram))
    mel_axis(axes[0, 0])
    axes[0, 0].set_xlabel("")
    axes[0, 0].set_title(f"{track.track_id} ({track.genre}), test split")
    times = frame_times(frames[index], SR, HOP)
    ax = axes[1, 0]
    ax.fill_between(
        times, truth[index], step="mid", color=BLUE, alpha=0.25, lw=0, label="sung (score)"
    )
    ax.plot(times, baseline[index], color=ORANGE, lw=1, label="frame MFCCs + logistic regression")
    ax.plot(times, slid[index], color=RED, lw=1.6, label="backbone's voice tag, 1 s windows")
    ax.axhline(0.5, color=GREY, lw=0.6, ls="--")
    ax.set_ylim(-0.05, 1.05)
    ax.set_ylabel("P(voice)")
    ax.set_xlabel("Time (s)")
    ax.legend(frameon=False, fontsize=8, loc="upper left", ncol=3, bbox_to_anchor=(0.0, 1.35))
    save(fig, "vocal")

    sung = np.array([bool(t.vocal) for t in test])
    pooled = {"mean": np.array([c.mean() for c in slid]), "max": np.array([c.max() for c in slid])}
    fig, axes = new_figure(figsize=(4.6, 2.9))
    ax = axes[0, 0]
    for k, values in enumerate(pooled.values()):
        jitter = np.linspace(-0.15, 0.15, len(values))
        for flag, colour, label in ((True, RED, "sung clip"), (False, BLUE, "instrumental")):
            chosen = sung == flag
            ax.scatter(
                k + jitter[chosen],
                values[chosen],
                color=colour,
                s=22,
                label=label if k == 0 else None,
                marker="o" if flag else "s",
            )
    ax.axhline(0.5, color=GREY, lw=0.8, ls="--")
    ax.set_xticks([0, 1], ["mean over frames", "max over frames"])
    ax.set_xlim(-0.5, 1.5)
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("clip score")
    ax.legend(frameon=False, fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))
    save(fig, "clip_pooling")
    decisions = {name: (values > 0.5).astype(int) for name, values in pooled.items()}
    return {
        "track": track.track_id,
        "test_clips": len(test),
        "test_vocal": int(sung.sum()),
        "window_frames": window,
        "window_hop": hop,
        "frame_f1": {
            "baseline": frame_f1(reference, np.concatenate(baseline)),
            "backbone": frame_f1(reference, np.concatenate(slid)),
        },
        "pooled_balanced_accuracy": {
            name: balanced_accuracy(sung.astype(int), d) for name, d in decisions.items()
        },
        "false_alarms": {name: int(((d == 1) & ~sung).sum()) for name, d in decisions.items()},
        "misses": {name: int(((d == 0) & sung).sum()) for name, d in decisions.items()},
    }


# ---------------------------------------------------------------------------------------------
# Multi-pitch: HCQT, pitch roll, harmonic summation
# ---------------------------------------------------------------------------------------------


def multipitch_figures(corpus, settings) -> dict:
    """The HCQT of ``multipitch.py``, the score's pitch roll and the harmonic-summation baseline
    (threshold chosen on a validation clip, scored on a test clip with mir_eval)."""
    from common.data.targets import N_PITCHES, PIANO_ROLL_LOW, pitch_roll
    from common.tasks.pitch import multipitch

    harmonics = settings.HARMONICS
    hcqt = FeatureCache(
        "hcqt", harmonics=harmonics, n_octaves=6, bins_per_semitone=1, hop_length=settings.HOP
    )
    music = corpus.tracks(kind="music")
    track = first(music, "test", "string quartet")
    reference = first(music, "valid", "string quartet")

    def harmonic_sum(t):
        return harmonic_summation(hcqt(t), tuple(harmonics))

    hop_seconds = settings.HOP / SR

    def roll(t):
        return pitch_roll(t, len(hcqt(t)), settings.HOP)

    candidates = np.linspace(0.02, 0.6, 30)
    salience_ref = harmonic_sum(reference)
    scores = [
        multipitch([roll(reference)], [salience_ref > c], hop_seconds)["f_measure"]
        for c in candidates
    ]
    threshold = float(candidates[int(np.argmax(scores))])
    salience = harmonic_sum(track)
    estimate = salience > threshold
    result = multipitch([roll(track)], [estimate], hop_seconds)

    cube = hcqt(track)
    seconds = 4.0
    frames = int(seconds / hop_seconds)
    extent = (0, frames * hop_seconds, PIANO_ROLL_LOW - 0.5, PIANO_ROLL_LOW + N_PITCHES - 0.5)
    truth = roll(track)[:frames]
    notes = np.argwhere(truth > 0)
    fig, axes = new_figure(1, len(harmonics), figsize=(11, 2.5), sharey=True)
    top = cube[:frames].max()
    for ax, (k, h) in zip(axes[0], enumerate(harmonics), strict=True):
        ax.imshow(
            cube[:frames, :, k].T,
            origin="lower",
            aspect="auto",
            extent=extent,
            cmap="magma",
            vmin=top - 70,
            vmax=top,
        )
        ax.set_title(f"h = {h:g}: from {h * 32.7:.0f} Hz")
        ax.set_xlabel("Time (s)")
        if h == 1:
            ax.scatter(
                notes[:, 0] * hop_seconds, notes[:, 1] + PIANO_ROLL_LOW, s=0.6, c="cyan", marker="s"
            )
    axes[0, 0].set_ylabel("MIDI pitch of the bin")
    save(fig, "hcqt_channels")

    fig, axes = new_figure(1, 3, figsize=(11, 2.8), sharey=True)
    panels = (
        ("pitch roll of the score (target)", truth, "Greys"),
        ("harmonic summation salience (square root)", np.sqrt(salience[:frames]), "magma"),
    )
    for ax, (title, image, cmap) in zip(axes[0], panels, strict=False):
        ax.imshow(
            image.T,
            origin="lower",
            aspect="auto",
            extent=extent,
            cmap=cmap,
            vmin=0,
            interpolation="nearest",
        )
        ax.set_title(title)
        ax.set_xlabel("Time (s)")
    ax = axes[0, 2]
    decided = estimate[:frames]
    colours = np.ones(truth.shape + (3,))
    colours[(truth > 0) & decided] = (0.17, 0.63, 0.17)  # hit
    colours[(truth == 0) & decided] = (0.84, 0.15, 0.16)  # false alarm
    colours[(truth > 0) & ~decided] = (0.65, 0.65, 0.65)  # miss
    ax.imshow(
        colours.transpose(1, 0, 2),
        origin="lower",
        aspect="auto",
        extent=extent,
        interpolation="nearest",
    )
    ax.set_title(f"threshold {threshold:.2f}: hit, false alarm, miss")
    ax.set_xlabel("Time (s)")
    axes[0, 0].set_ylabel("MIDI pitch")
    for ax in axes[0]:
        ax.set_ylim(PIANO_ROLL_LOW + 12 - 0.5, PIANO_ROLL_LOW + 60 - 0.5)
    save(fig, "salience")
    return {
        "track": track.track_id,
        "threshold_track": reference.track_id,
        "threshold": threshold,
        "harmonics": list(harmonics),
        "bins": int(cube.shape[1]),
        "hcqt_shape": [int(s) for s in cube.shape],
        "scores": result,
        "pitches": int(N_PITCHES),
        "lowest": int(PIANO_ROLL_LOW),
    }


# ---------------------------------------------------------------------------------------------
# Looking inside, transfer
# ---------------------------------------------------------------------------------------------


def inside(backbone, pretrained, corpus, cache: FeatureCache, info: dict) -> dict:
    """First-layer kernels of the backbone, and occlusion maps of its style decision."""
    import keras

    from common.experiment import crops_of
    from common.models.spectrogram import front_convolutions
    from common.nn.interpret import conv_kernels, occlusion_map

    kernels = conv_kernels(front_convolutions(backbone)[0])
    fig = plot_kernels(kernels, columns=8)
    fig.set_size_inches(4.6, 2.5)
    save(fig, "kernels")

    style = keras.Model(pretrained.input, pretrained.get_layer("style").output)
    styles = info["styles"]
    chosen = []
    for genre in ("funk", "waltz"):
        chosen.append(first(corpus.tracks(kind="music"), "test", genre))
    fig, axes = new_figure(1, len(chosen), figsize=(6.4, 2.5), sharey=True)
    facts = []
    for ax, track in zip(axes[0], chosen, strict=True):
        crop = crops_of(cache(track), CROP)[0]
        target = styles.index(track.genre)
        saliency = occlusion_map(style, crop[..., None], target, patch=(13, 8))
        probability = float(np.asarray(style.predict(crop[None, ..., None], verbose=0))[0, target])
        plot_saliency(ax, crop, saliency)
        ax.set_title(f"{track.genre}: P = {probability:.2f}", fontsize=10)
        facts.append({"track": track.track_id, "genre": track.genre, "probability": probability})
        if ax is not axes[0, 0]:
            ax.set_ylabel("")
    save(fig, "saliency")
    return {
        "kernel_shape": [int(s) for s in kernels.shape],
        "patch": [13, 8],
        "patch_ms": 1000 * 13 * HOP / SR,
        "clips": facts,
    }


def embeddings(backbone, corpus, cache: FeatureCache) -> dict:
    """Backbone embeddings and MFCC statistics of every tiny-corpus clip, on two principal axes."""
    from common.experiment import crops_of

    music = corpus.tracks(kind="music")
    pieces = [crops_of(cache(t), CROP) for t in music]
    batch = np.concatenate(pieces)[..., None]
    flat = np.asarray(backbone.predict(batch, verbose=0, batch_size=64))
    owner = np.repeat(np.arange(len(music)), [len(p) for p in pieces])
    embedded = np.stack([flat[owner == i].mean(0) for i in range(len(music))])
    statistics = FeatureCache("mfcc_statistics").table(music)

    def project(table):
        standard = (table - table.mean(0)) / (table.std(0) + 1e-8)
        _, _, vt = np.linalg.svd(standard, full_matrices=False)
        axes_2d = vt[:2] * np.sign(vt[:2, :1] + 1e-12)
        return standard @ axes_2d.T

    fig, axes = new_figure(1, 2, figsize=(9.6, 2.5))
    markers = "osD^v<>P"
    for ax, (title, table) in zip(
        axes[0],
        (
            (f"MFCC statistics ({statistics.shape[1]} numbers)", statistics),
            (f"backbone embedding ({embedded.shape[1]} numbers)", embedded),
        ),
        strict=True,
    ):
        points = project(table)
        for i, genre in enumerate(corpus.genres):
            chosen = [j for j, t in enumerate(music) if t.genre == genre]
            ax.scatter(*points[chosen].T, s=20, marker=markers[i], label=genre)
        ax.set_title(title)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("principal axis 1")
        ax.set_ylabel("principal axis 2")
    axes[0, 1].legend(frameon=False, fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))
    save(fig, "embedding")
    return {"clips": len(music), "dimensions": int(embedded.shape[1])}


# ---------------------------------------------------------------------------------------------
# Splits
# ---------------------------------------------------------------------------------------------


def splits_figure(corpus) -> dict:
    """Versions of each work: all in one split (the corpus) or scattered (a random split)."""
    from matplotlib.colors import ListedColormap

    music = corpus.tracks(kind="music")
    works = sorted({t.work_id for t in music})
    versions = sorted({t.version for t in music})
    code = {"train": 0, "valid": 1, "test": 2}
    actual = np.full((len(versions), len(works)), np.nan)
    for t in music:
        actual[versions.index(t.version), works.index(t.work_id)] = code[t.split]
    rng = np.random.default_rng(0)

    def random_split():
        labels = np.array(sorted(t.split for t in music))
        return rng.permutation(labels)

    def straddling(assignment):
        table = {}
        for t, split in zip(music, assignment, strict=True):
            table.setdefault(t.work_id, set()).add(split)
        return sum(1 for s in table.values() if "train" in s and ("test" in s or "valid" in s))

    shuffled = random_split()
    random = np.full_like(actual, np.nan)
    for t, split in zip(music, shuffled, strict=True):
        random[versions.index(t.version), works.index(t.work_id)] = code[split]
    trials = [straddling(random_split()) for _ in range(500)]
    cmap = ListedColormap([BLUE, ORANGE, RED])
    fig, axes = new_figure(2, 1, figsize=(11, 1.9), sharex=True)
    for ax, (title, table) in zip(
        axes[:, 0],
        (("split by work (the corpus)", actual), ("random split by clip", random)),
        strict=True,
    ):
        ax.imshow(table, cmap=cmap, vmin=0, vmax=2, aspect="auto", interpolation="nearest")
        ax.set_yticks(range(len(versions)), [f"v{v}" for v in versions])
        ax.set_title(title, fontsize=10, loc="left")
        for k in range(len(works) + 1):
            ax.axvline(k - 0.5, color="white", lw=1)
        ax.spines[["top", "right", "left", "bottom"]].set_visible(False)
    axes[1, 0].set_xticks([])
    axes[1, 0].set_xlabel(
        f"the {len(works)} works of the tiny corpus (blue: train, orange: valid, red: test)"
    )
    save(fig, "splits")
    return {
        "works": len(works),
        "versions": len(versions),
        "clips": len(music),
        "straddling_shown": straddling(shuffled),
        "straddling_mean": float(np.mean(trials)),
        "trials": len(trials),
    }


# ---------------------------------------------------------------------------------------------
# Corpus presets, notebooks
# ---------------------------------------------------------------------------------------------


def presets() -> dict:
    from common.data.synthetic import PRESETS, STYLES

    found = {}
    for name, preset in PRESETS.items():
        if preset.held_out is not None:  # the held-out set is not a corpus size
            continue
        music = [len(STYLES) * n * preset.versions_per_work for n in preset.works_per_style]
        speech = [n * preset.clips_per_speaker for n in preset.speakers]
        found[name] = {
            "clip_seconds": preset.clip_seconds,
            "music": dict(zip(("train", "valid", "test"), music, strict=True)),
            "speech": dict(zip(("train", "valid", "test"), speech, strict=True)),
        }
    return found


def notebooks() -> list[dict]:
    """The Part 1 notebooks present, with the title of each (from its first heading)."""
    return notebook_titles(PART / "notebooks")


def main() -> int:
    from common.data import HELD_OUT
    from common.data.synthetic import PRESETS
    from common.data.synthetic.generator import held_out_sizes
    from common.models import load_model
    from common.models.spectrogram import backbone_of

    OUT.mkdir(parents=True, exist_ok=True)
    style_matplotlib()
    corpus = load_corpus("tiny")
    music = corpus.tracks(kind="music")
    cache = FeatureCache("logmel", n_mels=N_MELS)
    info = json.loads((PART / "backbone" / "backbone.json").read_text())
    facts: dict = {"sample_rate": SR, "hop": HOP, "n_fft": N_FFT, "n_mels": N_MELS, "crop": CROP}
    print(f"Drawing the Part 1 figures into {OUT}")
    rock = first(music, "train", "rock")
    funk = first(music, "train", "funk")
    spectrogram = cache(rock)[:CROP]
    facts["convolution"] = convolution(spectrogram)
    cnn = course_cnn()
    facts["cnn"] = cnn
    receptive_field_figure(cache(funk)[:CROP], cnn["fields"])
    facts["filter_shapes"] = filter_shapes(cache(funk)[:CROP])
    facts["frontends"] = frontends(funk, script("frontends"))

    pretrained = load_model(PART / "backbone" / "backbone.keras", compile=False)
    backbone = backbone_of(pretrained)
    facts["feature_maps"] = feature_maps(backbone, spectrogram)
    facts["invariance"] = invariance(
        backbone, [cache(first(music, "test", g)) for g in corpus.genres]
    )
    test_clip = first(music, "test", "rock")
    facts["outputs"] = outputs(pretrained, test_clip, cache(test_clip)[:CROP], info)
    facts["auc"] = auc_curves()
    facts["balance"] = class_balance(corpus)
    music_speech = script("music_speech")
    facts["training"] = training_dynamics(corpus, cache, music_speech)
    facts["augment"] = augmentation(funk, first(music, "train", "waltz"))
    facts["vocal"] = vocal_activity_figures(corpus, cache, pretrained, info)
    facts["multipitch"] = multipitch_figures(corpus, script("multipitch"))
    facts["inside"] = inside(backbone, pretrained, corpus, cache, info)
    facts["embedding"] = embeddings(backbone, corpus, cache)
    facts["splits"] = splits_figure(corpus)
    facts["presets"] = presets()
    facts["held_out"] = held_out_sizes(PRESETS[HELD_OUT["workshop"]])
    genre = script("genre")
    facts["epochs"] = {
        name: script(name).EPOCHS
        for name in ("music_speech", "genre", "tagging", "vocal", "frontends", "multipitch")
    }
    facts["genre_shapes"] = list(genre.SHAPES)
    facts["notebooks"] = notebooks()
    facts["backend"] = BACKEND
    (OUT / "facts.json").write_text(json.dumps(facts, indent=2) + "\n")
    print("  facts.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
