"""The training wrapper: a monitor's direction is stated, and the best epoch is the one kept."""

import keras
import numpy as np
import pytest

from common.models.salience import deep_salience
from common.nn.training import fit, monitor_mode, set_seed


def test_a_monitor_that_is_not_a_loss_states_its_direction():
    assert monitor_mode("val_loss") == "min" and monitor_mode("val_beats_loss") == "min"
    assert monitor_mode("val_map", "max") == "max"
    with pytest.raises(ValueError, match="mode='max'"):
        monitor_mode("val_sdr")
    with pytest.raises(ValueError, match="'min' or 'max'"):
        monitor_mode("val_map", "up")


def test_fit_keeps_the_best_epoch_of_a_score(tmp_path):
    set_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(
        optimizer=keras.optimizers.SGD(0.5),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    with pytest.raises(ValueError, match="mode="):
        fit(model, (x, y), (x, y), epochs=1, log_dir=tmp_path, monitor="val_accuracy", verbose=0)
    history = fit(
        model,
        (x, y),
        (x[:16], y[:16]),
        epochs=5,
        log_dir=tmp_path,
        monitor="val_accuracy",
        mode="max",
        verbose=0,
    )
    best = keras.saving.load_model(tmp_path / "best.keras")
    accuracy = np.mean(best.predict(x[:16], verbose=0).argmax(1) == y[:16])
    assert accuracy == pytest.approx(max(history.history["val_accuracy"]))


def test_deep_salience_refuses_widths_without_kernel_sizes():
    with pytest.raises(ValueError, match="one kernel size per width"):
        deep_salience(widths=(16, 16, 16, 16))


def test_whole_clips_in_batches_match_one_clip_at_a_time():
    from common.models.temporal import beat_tcn
    from common.nn.predict import predict_clips

    set_seed(0)
    model = beat_tcn(n_levels=3, filters=8)
    rng = np.random.default_rng(0)
    clips = [rng.random((n, 80, 3)).astype("float32") for n in (120, 120, 97, 121)]
    outputs = predict_clips(model, clips, batch_size=2)
    for clip, output in zip(clips, outputs, strict=True):
        one = model.predict(clip[None], verbose=0)
        assert output["beats"].shape == (len(clip), 1) and output["tempo"].shape == (300,)
        for name in one:
            np.testing.assert_allclose(output[name], one[name][0], atol=1e-5)
    padded = predict_clips(model, clips, length_multiple=64)  # all four padded to 128 frames
    assert [len(o["downbeats"]) for o in padded] == [120, 120, 97, 121]
    with pytest.raises(ValueError, match="positive"):
        predict_clips(model, clips, length_multiple=0)
