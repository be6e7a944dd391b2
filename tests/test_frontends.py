"""The in-graph log-mel front-end against librosa, on whichever backend runs the tests."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from common.audio.features import logmel
from common.audio.io import DEFAULT_SAMPLE_RATE
from common.nn.frontends import LogMelSpectrogram

#: Largest allowed difference from librosa, in dB. Keras draws its mel triangles linearly in mel,
#: librosa linearly in Hz; the filter weights differ by up to 0.004 and the log-mel by ~0.05 dB.
TOLERANCE_DB = 0.1


def test_matches_librosa_on_a_corpus_clip(tiny_corpus, backend):
    clip = tiny_corpus.tracks(kind="music")[0].audio()[: 3 * DEFAULT_SAMPLE_RATE]
    layer = LogMelSpectrogram(n_fft=1024, hop_length=512, n_mels=96)
    ours = keras.ops.convert_to_numpy(layer(clip[None]))[0, ..., 0]
    reference = logmel(clip, n_fft=1024, hop_length=512, n_mels=96)
    assert ours.shape == reference.shape == (1 + len(clip) // 512, 96)
    difference = np.abs(ours - reference)
    assert difference.max() < TOLERANCE_DB, f"{backend}: {difference.max():.3f} dB"


def test_examples_do_not_depend_on_their_batch(rng):
    quiet = 0.01 * rng.standard_normal(8192).astype("float32")
    loud = rng.standard_normal(8192).astype("float32")
    layer = LogMelSpectrogram(n_mels=32, channel_axis=False)
    alone = keras.ops.convert_to_numpy(layer(quiet[None]))[0]
    batched = keras.ops.convert_to_numpy(layer(np.stack([quiet, loud])))[0]
    np.testing.assert_allclose(alone, batched, atol=1e-4)
    assert layer.compute_output_shape((None, 8192)) == (None, 17, 32)


def test_serialises_with_its_settings(tmp_path, rng):
    inputs = keras.Input((4096,))
    outputs = LogMelSpectrogram(sample_rate=16000, n_fft=512, hop_length=256, n_mels=40, fmin=30.0)(
        inputs
    )
    model = keras.Model(inputs, outputs)
    model.save(tmp_path / "frontend.keras")
    loaded = keras.saving.load_model(tmp_path / "frontend.keras")
    layer = loaded.layers[-1]
    assert (layer.sample_rate, layer.n_fft, layer.hop_length, layer.n_mels, layer.fmin) == (
        16000,
        512,
        256,
        40,
        30.0,
    )
    x = rng.standard_normal((2, 4096)).astype("float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-5)
    with pytest.raises(ValueError, match="bogus"):
        LogMelSpectrogram(bogus=1)
