"""Whole-clip prediction in batches, for clips of different lengths.

A network that answers once a frame (an onset detector, a beat tracker, a frame tagger, deep
salience) takes a whole clip, whatever its length. Calling ``model.predict`` once per clip pays
Keras' set-up cost every time and, on JAX, compiles the network again for every new length.
:func:`predict_clips` groups clips by length, pads them at the end to a common length and runs
each group in batches, then cuts each frame output back to its clip's own length.

Taught in Part 3 (notebook 02) and used by every script that predicts whole clips.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np

__all__ = ["predict_clips"]


def predict_clips(
    model: keras.Model,
    clips: Sequence[np.ndarray],
    batch_size: int = 8,
    length_multiple: int | None = None,
) -> list:
    """The model's outputs for each of ``clips`` (time first, any lengths), one entry per clip.

    Clips whose lengths round up to the same multiple of ``length_multiple`` go through the model
    together, zero-padded at the end to that length; with ``length_multiple=None`` only clips of
    exactly the same length share a batch, so nothing is padded and the outputs are those of one
    clip at a time (the embedded corpus: every clip of a preset has one length). Padding trades a
    little exactness near the end of a clip (the padded frames are inside the receptive field of
    its last frames) for far fewer distinct shapes on a real dataset.

    Each entry has the structure of the model's output (an array, or a dict by output name)
    without the batch axis; outputs with one value per input frame are cut to the clip's length,
    others (a tempo distribution for the whole clip) are kept as they are.
    """
    if length_multiple is not None and length_multiple < 1:
        raise ValueError(
            f"length_multiple must be a positive number of frames, not {length_multiple}."
        )
    lengths = [len(clip) for clip in clips]
    # An output has one value per frame when its time axis is left open in the model's graph.
    framewise = keras.tree.map_structure(
        lambda tensor: len(tensor.shape) > 1 and tensor.shape[1] is None, model.output
    )

    def padded(n: int) -> int:
        return n if length_multiple is None else -(-n // length_multiple) * length_multiple

    groups: dict[int, list[int]] = {}
    for index, n in enumerate(lengths):
        groups.setdefault(padded(n), []).append(index)
    results: list = [None] * len(clips)
    for length, members in groups.items():
        batch = np.stack(
            [
                np.pad(
                    np.asarray(clips[i], dtype=np.float32),
                    [(0, length - lengths[i])] + [(0, 0)] * (np.ndim(clips[i]) - 1),
                )
                for i in members
            ]
        )
        outputs = model.predict(batch, batch_size=batch_size, verbose=0)
        for row, i in enumerate(members):
            results[i] = keras.tree.map_structure(
                lambda values, per_frame, row=row, n=lengths[i]: np.asarray(
                    values[row][:n] if per_frame else values[row]
                ),
                outputs,
                framewise,
            )
    return results
