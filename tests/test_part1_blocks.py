"""Part 1's building blocks: models, learnable front-ends, augmentation, targets, metrics,
saliency. Run on whichever backend runs the tests."""

from __future__ import annotations

import keras
import librosa
import mir_eval
import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from common.audio.features import frame_times, logmel
from common.audio.io import DEFAULT_SAMPLE_RATE
from common.data.augment import Augment, mixup, spec_augment
from common.data.targets import N_PITCHES, PIANO_ROLL_LOW, pitch_roll, vocal_activity
from common.experiment import clip_scores, crops_of
from common.models.salience import deep_salience
from common.models.spectrogram import FILTER_SHAPES, frame_tagger, spectrogram_cnn
from common.models.waveform import sample_cnn
from common.nn.frontends import SincFilterbank, TrainableSTFT
from common.nn.interpret import occlusion_map
from common.nn.training import set_seed
from common.tasks.classification import macro_pr_auc, macro_roc_auc
from common.tasks.pitch import multipitch

SR = DEFAULT_SAMPLE_RATE


def numpy(x):
    return keras.ops.convert_to_numpy(x)


@pytest.mark.parametrize("shape", FILTER_SHAPES)
def test_filter_shapes_build_and_take_any_length(shape):
    model = spectrogram_cnn((None, 64, 1), 5, filter_shape=shape, weight_decay=1e-4)
    for frames in (130, 87):
        outputs = numpy(model(np.zeros((2, frames, 64, 1), "float32")))
        assert outputs.shape == (2, 5)
        np.testing.assert_allclose(outputs.sum(1), 1.0, rtol=1e-5)
    assert len(model.losses) >= 4, "weight decay must put a penalty on every convolution"
    with pytest.raises(ValueError, match="Unknown filter shape"):
        spectrogram_cnn((None, 64, 1), 5, filter_shape="round")


def test_a_cnn_can_learn_one_batch_by_heart():
    set_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 64, 32, 1)).astype("float32")
    y = np.arange(8) % 4
    model = spectrogram_cnn((64, 32, 1), 4, dropout=0.0)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy")
    first = float(model.evaluate(x, y, verbose=0))
    model.fit(x, y, epochs=60, batch_size=8, verbose=0)
    assert float(model.evaluate(x, y, verbose=0)) < 0.1 * first
    assert np.array_equal(model.predict(x, verbose=0).argmax(1), y)


def test_frame_level_models_keep_time():
    assert numpy(frame_tagger((None, 64, 1), 1)(np.zeros((2, 77, 64, 1), "float32"))).shape == (
        2,
        77,
        1,
    )
    salience = numpy(deep_salience()(np.zeros((1, 40, N_PITCHES, 6), "float32")))
    assert salience.shape == (1, 40, N_PITCHES) and salience.min() >= 0 and salience.max() <= 1
    assert numpy(sample_cnn(3**10, 3)(np.zeros((2, 3**10), "float32"))).shape == (2, 3)


def tone_and_noise(seconds=2.0, freq=440.0):
    t = np.arange(int(seconds * SR)) / SR
    rng = np.random.default_rng(0)
    return (0.3 * np.sin(2 * np.pi * freq * t) + 0.01 * rng.standard_normal(len(t))).astype(
        "float32"
    )


def test_trainable_stft_starts_as_the_log_mel_of_librosa():
    signal = tone_and_noise()
    ours = numpy(TrainableSTFT(64)(signal[None]))[0, ..., 0]
    reference = logmel(signal, n_mels=64)
    assert ours.shape == reference.shape
    assert np.abs(ours - reference).max() < 1e-2  # the same Hann window, padding and filters


def test_sinc_filterbank_bands_follow_the_mel_scale_and_learn():
    layer = SincFilterbank(32, min_hz=30.0)
    signal = tone_and_noise(freq=1000.0)
    bands = numpy(layer(signal[None]))[0, ..., 0]
    low, high = (numpy(v) for v in layer.band_edges())
    assert bands.shape == (1 + len(signal) // 512, 32)
    assert np.all(np.diff(low) > 0) and np.all(high > low) and low[0] == pytest.approx(30.0)
    loudest = int(bands.mean(0).argmax())
    assert low[loudest] - 50 <= 1000 <= high[loudest] + 50  # the tone lands in its band
    # The band edges learn at a useful speed: twenty Adam steps at the usual learning rate move
    # them by a visible fraction of their bands (stored in Hz, they would move by millihertz).
    inputs = keras.Input((len(signal),))
    model = keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(SincFilterbank(8)(inputs)))
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    before = np.stack([numpy(v) for v in model.layers[1].band_edges()])
    model.fit(np.repeat(signal[None], 20, 0), np.zeros((20, 1)), batch_size=1, verbose=0)
    after = np.stack([numpy(v) for v in model.layers[1].band_edges()])
    moved = np.abs(after - before).max(axis=0) / (before[1] - before[0])
    assert moved.max() > 0.01


def test_spec_augment_and_mixup():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 50, 20, 1)).astype("float32")
    masked = spec_augment(x, rng, time_masks=1, time_width=10, freq_masks=1, freq_width=5)
    assert masked.shape == x.shape and not np.array_equal(masked, x)
    assert np.array_equal(
        x, np.random.default_rng(0).standard_normal((4, 50, 20, 1)).astype("float32")
    )
    labels = np.eye(3, dtype="float32")[[0, 1, 2, 0]]
    mixed_x, mixed_y = mixup(x, labels, rng)
    np.testing.assert_allclose(mixed_y.sum(1), 1.0, rtol=1e-6)
    assert mixed_x.shape == x.shape
    _, one_hot = Augment(spec=False, use_mixup=True, n_classes=3)(x, np.array([0, 1, 2, 0]), rng)
    assert one_hot.shape == (4, 3)


def test_frame_targets_from_the_corpus(tiny_corpus):
    music = tiny_corpus.tracks(kind="music")
    track = next(t for t in music if t.vocal)
    n_frames = 1 + int(track.duration * SR) // 512
    roll = pitch_roll(track, n_frames)
    notes = track.notes.pitched()
    note = next(
        i
        for i in range(len(notes))
        if notes.offsets[i] - notes.onsets[i] > 0.3
        and PIANO_ROLL_LOW <= notes.pitches[i] < PIANO_ROLL_LOW + N_PITCHES
    )
    middle = int((notes.onsets[note] + notes.offsets[note]) / 2 * SR / 512)
    assert roll[middle, notes.pitches[note] - PIANO_ROLL_LOW] == 1
    assert roll.shape == (n_frames, N_PITCHES) and 0 < roll.mean() < 0.2
    assert vocal_activity(track, n_frames).sum() > 0
    instrumental = next(t for t in music if not t.vocal and "voice" not in t.instruments)
    assert vocal_activity(instrumental, n_frames).sum() == 0


def test_metrics_agree_with_the_reference_libraries():
    rng = np.random.default_rng(0)
    truth = (rng.random((40, 3)) < 0.4).astype(float)
    scores = truth + rng.random((40, 3))
    expected = np.mean([roc_auc_score(truth[:, k], scores[:, k]) for k in range(3)])
    assert macro_roc_auc(truth, scores) == pytest.approx(expected)
    assert 0 < macro_pr_auc(truth, scores) <= 1
    reference = np.zeros((20, N_PITCHES))
    reference[:, [20, 24, 27]] = 1
    perfect = multipitch([reference], [reference], 0.02)
    assert perfect["accuracy"] == 1.0 and perfect["f_measure"] == 1.0
    half = reference.copy()
    half[:, 27] = 0
    times = np.arange(20) * 0.02
    hz = [
        np.array([440 * 2 ** ((k + PIANO_ROLL_LOW - 69) / 12) for k in np.flatnonzero(r[0])])
        for r in (reference, half)
    ]
    expected = mir_eval.multipitch.evaluate(times, [hz[0]] * 20, times, [hz[1]] * 20)["Accuracy"]
    assert multipitch([reference], [half], 0.02)["accuracy"] == pytest.approx(expected)


def test_occlusion_finds_the_region_a_model_looks_at():
    # A toy "model" that answers with the mean of one corner of its input: frames 0-15, bins 8-15.
    inputs = keras.Input((32, 32, 1))
    corner = keras.layers.Cropping2D(((0, 16), (8, 16)))(inputs)
    model = keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(corner))
    spectrogram = np.zeros((32, 32, 1), "float32")
    spectrogram[:16, 8:16] = 1.0
    saliency = occlusion_map(model, spectrogram, target=0, patch=(16, 8))
    assert saliency.shape == (2, 4)
    assert np.unravel_index(saliency.argmax(), saliency.shape) == (0, 1)
    assert np.count_nonzero(saliency > 1e-6) == 1


def test_whole_clips_from_crops():
    array = np.arange(10)[:, None].astype("float32")
    crops = crops_of(array, 4)
    assert crops.shape == (3, 4, 1) and crops[-1, -1, 0] == 9  # the last crop ends with the clip
    assert crops_of(array[:3], 4).shape == (1, 4, 1)

    class Echo:  # a "model" whose outputs are the mean of each crop
        def predict(self, x, batch_size=None, verbose=0):
            return x.mean(axis=(1, 2))[:, None].repeat(2, axis=1)

    tracks = [object()]
    mean = clip_scores(Echo(), tracks, lambda _: array, 4, channel_axis=False)
    largest = clip_scores(Echo(), tracks, lambda _: array, 4, channel_axis=False, reduce="max")
    assert (
        mean.shape == (1, 2) and largest[0, 0] == pytest.approx(7.5) and mean[0, 0] < largest[0, 0]
    )
    with pytest.raises(ValueError, match="reduce"):
        clip_scores(Echo(), tracks, lambda _: array, 4, reduce="median")


def test_librosa_parity_of_the_frame_grid():
    # Frames of every feature and target are centred on i * hop / sr, as librosa's are.
    np.testing.assert_allclose(
        frame_times(5, SR, 512), librosa.frames_to_time(np.arange(5), sr=SR, hop_length=512)
    )


def test_harmonic_summation_finds_the_fundamental():
    from common.tasks.pitch import harmonic_summation

    harmonics = (0.5, 1, 2, 3, 4, 5)
    f0_bin = 30  # a note with partials n * f0, amplitude 1/n; semitone bins f_k = f_0 * 2^(k/12)
    partials = {12 * np.log2(n) + f0_bin: 1.0 / n for n in range(1, 9)}
    hcqt = np.full((4, 72, len(harmonics)), -80.0)
    for c, h in enumerate(harmonics):
        for k in range(72):
            position = k + 12 * np.log2(h)  # channel c, bin k, looks at h * f_k
            near = [a for p, a in partials.items() if abs(p - position) < 0.25]
            if near:
                hcqt[:, k, c] = 20 * np.log10(near[0])
    salience = harmonic_summation(hcqt, harmonics)
    assert salience.shape == (4, 72) and salience.min() >= 0 and salience.max() <= 1
    assert np.all(salience.argmax(axis=1) == f0_bin)  # not its octave (bin 42) nor a subharmonic
    with pytest.raises(ValueError, match="HCQT of shape"):
        harmonic_summation(hcqt[..., :5], harmonics)


def test_best_threshold_is_chosen_on_the_scores_it_is_given():
    from common.tasks.classification import balanced_accuracy, best_threshold, frame_f1

    y = np.array([0, 0, 0, 0, 1, 1])
    scores = np.array([0.05, 0.1, 0.2, 0.3, 0.35, 0.9])  # every positive above 0.3
    threshold, value = best_threshold(y, scores)
    assert 0.3 <= threshold < 0.35 and value == 1.0
    assert balanced_accuracy(y, (scores > 0.5).astype(int)) == 0.75  # the default would miss one
    # Ties go to the candidate closest to 0.5: here every threshold in [0.3, 0.9) separates.
    y, scores = np.array([0, 1]), np.array([0.1, 0.95])
    assert best_threshold(y, scores, metric=frame_f1) == (0.5, 1.0)


def test_named_parts_of_the_models():
    """Code that looks inside a model uses these accessors, not layer names."""
    from common.models.spectrogram import (
        FILTER_SHAPES,
        embedding_model,
        front_convolutions,
        front_model,
        spectrogram_cnn,
    )
    from common.models.waveform import FRONTENDS, frontend_classifier, frontend_of

    for shape in FILTER_SHAPES:
        model = spectrogram_cnn((130, 64, 1), 8, filter_shape=shape, widths=(16, 32))
        fronts = front_convolutions(model)
        assert len(fronts) == (3 if shape == "musical" else 1)
        assert sum(f.filters for f in fronts) == 16
        assert front_model(model).output.shape[-1] == 16
        assert embedding_model(model).output.shape == (None, 2 * 32)  # mean and max pooling
    for frontend in FRONTENDS:
        layer = frontend_of(frontend_classifier(frontend, 3**8, 4, n_bands=16))
        assert isinstance(layer, keras.layers.Conv1D) == (frontend == "waveform")
