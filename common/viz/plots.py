"""Plots shared by the notebooks, the slides and the TensorBoard images.

Features follow the course convention (time first), so every function here transposes before
drawing time on the horizontal axis.

Taught in Part 0 (notebook 01) and used by every notebook.
"""

from __future__ import annotations

import numpy as np

from common.audio.io import DEFAULT_SAMPLE_RATE
from common.viz.figures import new_figure

__all__ = [
    "plot_spectrogram",
    "plot_waveform",
    "overlay_beats",
    "overlay_notes",
    "plot_confusion_matrix",
    "prediction_grid",
    "plot_kernels",
    "plot_saliency",
    "plot_activation",
    "plot_learning_curves",
]


def plot_spectrogram(
    ax,
    features: np.ndarray,
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    hop_length: int = 512,
    kind: str = "mel",
    dynamic_range: float = 80.0,
    colorbar: bool = False,
    fmin: float | None = None,
    bins_per_octave: int = 12,
):
    """Draw a time-first feature matrix ``(n_frames, n_bins)`` on ``ax``.

    ``kind`` sets the frequency axis: ``"mel"`` (HTK mel bands), ``"cqt"`` (notes, from ``fmin``),
    ``"linear"`` (STFT bins, Hz), ``"chroma"`` (pitch classes) or ``"plain"`` (bin index). dB
    features are shown over their top ``dynamic_range`` dB.
    """
    import librosa.display

    image = np.asarray(features).T
    top = float(np.max(image))
    extra = {}
    if kind in ("mel", "linear", "cqt"):
        extra.update(vmin=top - dynamic_range, vmax=top)
    axis = {"mel": "mel", "cqt": "cqt_note", "linear": "linear", "chroma": "chroma", "plain": None}[
        kind
    ]
    if kind == "mel":
        extra["htk"] = True
    if kind == "cqt":
        extra.update(fmin=fmin or librosa.midi_to_hz(24), bins_per_octave=bins_per_octave)
    mesh = librosa.display.specshow(
        image,
        sr=sample_rate,
        hop_length=hop_length,
        x_axis="time",
        y_axis=axis,
        ax=ax,
        cmap="magma",
        **extra,
    )
    if colorbar:
        decibels = kind in ("mel", "linear", "cqt")
        ax.figure.colorbar(mesh, ax=ax, format="%+.0f dB" if decibels else None)
    return mesh


def plot_waveform(ax, signal: np.ndarray, sample_rate: int = DEFAULT_SAMPLE_RATE, **kwargs):
    """Draw a waveform against time in seconds."""
    t = np.arange(len(signal)) / sample_rate
    ax.plot(t, signal, linewidth=0.6, **kwargs)
    ax.set_xlim(0, t[-1] if len(t) else 1)
    ax.set_xlabel("Time (s)")
    ax.set_ylabel("Amplitude")


def overlay_beats(
    ax, beat_times: np.ndarray, beat_positions: np.ndarray | None = None, color: str = "white"
):
    """Vertical lines at beats; downbeats (position 1) drawn solid and thicker."""
    positions = np.zeros(len(beat_times), int) if beat_positions is None else beat_positions
    for t, p in zip(beat_times, positions, strict=True):
        ax.axvline(
            t,
            color=color,
            linewidth=2.0 if p == 1 else 0.8,
            linestyle="-" if p == 1 else "--",
            alpha=0.9,
        )


def overlay_notes(ax, onsets, offsets, pitches, color: str = "cyan", cqt_axis: bool = True):
    """Outline notes as boxes; on a CQT axis (Hz) each box spans its semitone."""
    import matplotlib.patches as patches

    for onset, offset, pitch in zip(onsets, offsets, pitches, strict=True):
        if cqt_axis:
            low, high = 440 * 2 ** ((pitch - 69.5) / 12), 440 * 2 ** ((pitch - 68.5) / 12)
        else:
            low, high = pitch - 0.5, pitch + 0.5
        ax.add_patch(
            patches.Rectangle(
                (onset, low), offset - onset, high - low, fill=False, edgecolor=color, linewidth=0.8
            )
        )


def plot_confusion_matrix(ax, matrix: np.ndarray, labels: list[str], normalize: bool = True):
    """A confusion matrix with true classes as rows, counts or row fractions in the cells."""
    values = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1) if normalize else matrix
    ax.imshow(values, cmap="Blues", vmin=0, vmax=1 if normalize else values.max())
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("Predicted")
    ax.set_ylabel("True")
    for i in range(len(labels)):
        for j in range(len(labels)):
            text = f"{values[i, j]:.2f}" if normalize else str(int(values[i, j]))
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=7,
                color="white" if values[i, j] > 0.6 * (values.max() or 1) else "black",
            )


def prediction_grid(
    features: list[np.ndarray],
    titles: list[str],
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    hop_length: int = 512,
    kind: str = "mel",
    columns: int = 4,
):
    """A figure of spectrograms in a grid, each titled (e.g. with its label and prediction)."""
    rows = int(np.ceil(len(features) / columns))
    fig, axes = new_figure(rows, columns, figsize=(3.2 * columns, 2.4 * rows))
    for ax in axes.flat[len(features) :]:
        ax.axis("off")
    for ax, feature, title in zip(axes.flat, features, titles, strict=False):
        plot_spectrogram(ax, feature, sample_rate, hop_length, kind)
        ax.set_title(title, fontsize=8)
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.tick_params(labelsize=6)
    return fig


def plot_kernels(kernels: np.ndarray, columns: int = 8, title: str = ""):
    """A figure of 2D convolution kernels ``(height, width, in_channels, out_channels)`` (the
    first input channel of each), time running left to right as in the spectrograms."""
    n = kernels.shape[-1]
    rows = int(np.ceil(n / columns))
    fig, axes = new_figure(rows, columns, figsize=(1.2 * columns, 1.2 * rows + 0.4))
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            kernel = kernels[:, :, 0, i].T  # frequency up, time right
            limit = float(np.abs(kernel).max()) or 1.0
            ax.imshow(kernel, origin="lower", aspect="auto", cmap="RdBu_r", vmin=-limit, vmax=limit)
    if title:
        fig.suptitle(title, fontsize=9)
    return fig


def plot_saliency(
    ax,
    spectrogram: np.ndarray,
    saliency: np.ndarray,
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    hop_length: int = 512,
):
    """A log-mel spectrogram ``(n_frames, n_bins)`` in shades, with an occlusion map (any
    coarser grid over the same area) in green on top: where the decision comes from."""
    duration = spectrogram.shape[0] * hop_length / sample_rate
    extent = (0, duration, 0, spectrogram.shape[1])  # bands on a plain axis, so both grids align
    top = float(spectrogram.max())
    ax.imshow(
        spectrogram.T,
        origin="lower",
        aspect="auto",
        cmap="magma",
        extent=extent,
        vmin=top - 80,
        vmax=top,
    )
    ax.imshow(
        np.clip(saliency, 0, None).T,
        origin="lower",
        aspect="auto",
        cmap="Greens",
        alpha=0.55,
        extent=extent,
    )
    ax.set_xlabel("Time (s)")
    ax.set_ylabel("Mel band")


def plot_activation(
    ax,
    activation: np.ndarray,
    frame_rate: float,
    reference: np.ndarray = (),
    estimate: np.ndarray = (),
    threshold: float | None = None,
    label: str = "activation",
    color: str = "C0",
):
    """An activation over time (one value a frame) under the annotated events (grey bars at the
    top) and the detected ones (red ticks at the bottom), with a dashed threshold line."""
    times = np.arange(len(activation)) / frame_rate
    ax.plot(times, activation, color=color, linewidth=0.9, label=label)
    for i, t in enumerate(np.asarray(reference)):
        ax.axvline(
            t,
            ymin=0.85,
            ymax=1.0,
            color="0.35",
            linewidth=1.2,
            label="annotated" if i == 0 else None,
        )
    for i, t in enumerate(np.asarray(estimate)):
        ax.axvline(
            t, ymin=0.0, ymax=0.12, color="C3", linewidth=1.2, label="detected" if i == 0 else None
        )
    if threshold is not None:
        ax.axhline(threshold, color="0.5", linewidth=0.6, linestyle="--")
    ax.set_xlim(0, times[-1] if len(times) else 1)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("Time (s)")


def plot_learning_curves(ax, history, metric: str = "loss", ylabel: str | None = None, title=""):
    """Training and validation curves of ``metric`` by epoch, from a ``keras.callbacks.History``
    (what ``fit`` returns) or its ``.history`` dict; epochs are numbered from 1."""
    values = getattr(history, "history", history)
    epochs = np.arange(1, len(values[metric]) + 1)
    ax.plot(epochs, values[metric], marker="o", ms=3, label="train")
    if f"val_{metric}" in values:
        ax.plot(epochs, values[f"val_{metric}"], marker="o", ms=3, label="validation")
    ax.set_xlabel("epoch")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel(ylabel or metric)
    ax.set_title(title)
    ax.legend()
    return ax
