"""CNNs on spectrograms: compact classifiers, filter shapes after Pons et al., and frame-level
taggers.

Inputs are time-first spectrograms ``(batch, n_frames, n_bins, 1)``: a kernel ``(a, b)`` spans
``a`` frames and ``b`` frequency bins. Pons, Lidy and Serra (2016) compare first-layer shapes:

* ``square`` 3x3 kernels stacked (computer-vision style): small local patterns in both axes;
* ``temporal`` ``(n, 1)`` kernels: onsets, rhythm and tempo, at every frequency alike;
* ``frequency`` ``(1, m)`` kernels: timbre and chords, spectral envelopes at one instant;
* ``musical`` several shapes side by side, concatenated: a front that sees both at once.
"""

from __future__ import annotations

import keras
from keras import layers

from common.nn.blocks import BN_MOMENTUM, conv2d_block

__all__ = [
    "FILTER_SHAPES",
    "spectrogram_cnn",
    "frame_tagger",
    "front_convolutions",
    "front_model",
    "embedding_model",
    "backbone_of",
]

FILTER_SHAPES = ("square", "temporal", "frequency", "musical")


def _front(x, shape: str, width: int, n_bins: int, regularizer=None):
    """First layer(s) of a given filter shape, each followed by normalisation and ReLU."""
    tall = (1, max(3, n_bins // 3))
    if shape == "square":
        return conv2d_block(x, width, (3, 3), name="front", regularizer=regularizer)
    if shape == "temporal":  # long in time, one bin tall: a bank of onset/rhythm detectors
        return conv2d_block(x, width, (32, 1), name="front", regularizer=regularizer)
    if shape == "frequency":  # one frame wide, a third of the spectrum tall: timbre templates
        return conv2d_block(x, width, tall, name="front", regularizer=regularizer)
    if shape == "musical":  # three shapes in parallel, concatenated along the channels
        branches = [
            conv2d_block(x, width // 2, tall, name="front_timbre", regularizer=regularizer),
            conv2d_block(x, width // 4, (32, 1), name="front_rhythm", regularizer=regularizer),
            conv2d_block(x, width // 4, (7, 7), name="front_local", regularizer=regularizer),
        ]
        return layers.Concatenate(name="front_concat")(branches)
    raise ValueError(f"Unknown filter shape {shape!r}; use one of {FILTER_SHAPES}.")


def spectrogram_cnn(
    input_shape: tuple[int | None, int, int],
    n_outputs: int,
    output_activation: str = "softmax",
    filter_shape: str = "square",
    widths: tuple[int, ...] = (16, 32, 64, 64),
    dropout: float = 0.3,
    weight_decay: float = 0.0,
    input_norm: bool = True,
    embedding_layer: str = "embedding",
    name: str = "spectrogram_cnn",
) -> keras.Model:
    """A compact 2D CNN from a spectrogram to clip-level outputs.

    ``input_shape`` is ``(n_frames, n_bins, channels)`` (``n_frames`` may be ``None``: global
    pooling makes the network work on any length). The first block has the chosen
    ``filter_shape``, the following ones are 3x3 conv blocks halving both resolutions; global
    average and max pooling over time and frequency give the clip embedding (a layer named
    ``embedding_layer``), then dropout and a dense output layer with ``output_activation``
    (``softmax`` for one class, ``sigmoid`` for tags). ``weight_decay`` adds an L2 penalty on
    every kernel; ``input_norm`` starts with batch normalisation of the input.
    """
    regularizer = keras.regularizers.L2(weight_decay) if weight_decay else None
    inputs = keras.Input(input_shape, name="spectrogram")
    x = (
        layers.BatchNormalization(momentum=BN_MOMENTUM, name="input_norm")(inputs)
        if input_norm
        else inputs
    )
    x = _front(x, filter_shape, widths[0], input_shape[1], regularizer)
    for i, width in enumerate(widths[1:]):
        x = conv2d_block(x, width, (3, 3), name=f"block{i + 2}", regularizer=regularizer)
    pooled = [
        layers.GlobalAveragePooling2D(name="mean_pool")(x),
        layers.GlobalMaxPooling2D(name="max_pool")(x),
    ]
    embedding = layers.Concatenate(name=embedding_layer)(pooled)
    x = layers.Dropout(dropout, name="dropout")(embedding) if dropout else embedding
    outputs = layers.Dense(
        n_outputs, activation=output_activation, kernel_regularizer=regularizer, name="outputs"
    )(x)
    return keras.Model(inputs, outputs, name=name)


def frame_tagger(
    input_shape: tuple[int | None, int, int],
    n_outputs: int = 1,
    widths: tuple[int, ...] = (16, 32, 64),
    context_frames: int = 9,
    dropout: float = 0.3,
    name: str = "frame_tagger",
) -> keras.Model:
    """Frame-level sigmoid outputs ``(batch, n_frames, n_outputs)`` from a spectrogram.

    Convolutions pool only along frequency, so the time resolution of the input is kept; a max
    over the remaining frequency bins leaves one feature vector per frame, and a 1D convolution
    over ``context_frames`` frames lets each decision look at its neighbourhood (about 0.2 s at
    23 ms frames).
    """
    inputs = keras.Input(input_shape, name="spectrogram")
    x = layers.BatchNormalization(momentum=BN_MOMENTUM, name="input_norm")(inputs)
    for i, width in enumerate(widths):
        x = conv2d_block(x, width, (3, 3), pool=(1, 2), name=f"block{i + 1}")
    x = layers.MaxPooling2D((1, x.shape[2]), name="max_over_frequency")(x)  # (batch, time, 1, ch)
    frames = layers.Reshape((-1, x.shape[3]), name="per_frame")(x)
    frames = layers.Dropout(dropout, name="dropout")(frames)
    frames = layers.Conv1D(64, context_frames, padding="same", activation="relu", name="context")(
        frames
    )
    outputs = layers.Conv1D(n_outputs, 1, activation="sigmoid", name="outputs")(frames)
    return keras.Model(inputs, outputs, name=name)


# ---------------------------------------------------------------------------------------------
# Named parts of a trained spectrogram CNN. Code that looks inside a model goes through these,
# so the names of its layers are a detail of this module.
# ---------------------------------------------------------------------------------------------


def front_convolutions(model: keras.Model) -> list[layers.Conv2D]:
    """The first-layer convolutions of a :func:`spectrogram_cnn`: one, or three side by side for
    the ``musical`` filter shape (timbre, rhythm, local)."""
    found = [
        layer
        for layer in model.layers
        if isinstance(layer, layers.Conv2D) and layer.name.startswith("front")
    ]
    if not found:
        raise ValueError(f"{model.name} has no first-layer convolution of a spectrogram_cnn.")
    return found


def front_model(model: keras.Model) -> keras.Model:
    """From the input of a :func:`spectrogram_cnn` to the feature maps of its first block
    (after normalisation and ReLU; the concatenated branches for ``musical``)."""
    names = {layer.name for layer in model.layers}
    last = "front_concat" if "front_concat" in names else "front_relu"
    return keras.Model(model.input, model.get_layer(last).output, name=f"{model.name}_front")


def embedding_model(
    model: keras.Model, embedding_layer: str = "embedding", name: str | None = None
) -> keras.Model:
    """From the input of a :func:`spectrogram_cnn` to its clip embedding (the pooled features
    before the output layer): the network as a feature extractor."""
    return keras.Model(
        model.input, model.get_layer(embedding_layer).output, name=name or f"{model.name}_embedding"
    )


def backbone_of(model: keras.Model) -> keras.Model:
    """The pre-trained backbone inside the model that ``train_backbone.py`` saves (log-mel of any
    length to an embedding), to build a tagger on."""
    return model.get_layer("backbone")
