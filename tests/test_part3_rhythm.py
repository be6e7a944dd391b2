"""Part 3 building blocks: novelty functions, peak picking, targets, tempo, the DBN, metrics,
data pipelines and the onset/beat networks."""

from __future__ import annotations

import keras
import mir_eval
import numpy as np
import pytest

from common.audio.features import ONSET_FRAME_RATE, onset_spectrogram
from common.audio.sonify import with_clicks
from common.data.augment import stretch_frames
from common.data.samplers import BeatCrops
from common.data.targets import N_TEMPI, event_targets, onset_targets, rhythm_of, tempo_target
from common.models.temporal import PositiveDifference, beat_tcn, onset_cnn, onset_rnn
from common.tasks.rhythm.dbn import track_bars
from common.tasks.rhythm.metrics import beat_scores, onset_scores, tempo_accuracy
from common.tasks.rhythm.novelty import spectral_flux, superflux
from common.tasks.rhythm.peaks import choose_threshold, peak_settings, pick_peaks, score_events
from common.tasks.rhythm.tempo import autocorrelation_tempo, tempo_from_distribution

FPS = 100.0


def pulses(times, n_frames, fps=FPS, height=1.0, noise=0.0, seed=0):
    """An activation with a peak at each time (seconds), plus uniform noise."""
    rng = np.random.default_rng(seed)
    return height * event_targets(times, n_frames, fps, widen=1) + noise * rng.random(n_frames)


# --- novelty ---------------------------------------------------------------------------------


def test_onset_spectrogram_shape_and_alignment():
    sr = 22050
    signal = np.zeros(sr * 2, np.float32)
    t = np.arange(sr // 2) / sr  # a plucked note at 1.0 s: sudden attack, smooth decay
    signal[sr : sr + sr // 2] = np.sin(2 * np.pi * 440 * t) * np.exp(-t / 0.1)
    features = onset_spectrogram(signal, sr)
    assert features.shape == (1 + len(signal) // 220, 80, 3)
    assert np.all(features >= 0)
    flux = superflux(features)
    assert abs(np.argmax(flux) / ONSET_FRAME_RATE - 1.0) < 0.03  # the flux peaks at the attack


def test_spectral_flux_matches_librosa_onset_strength(rng):
    import librosa

    spectrogram = rng.random((200, 40)).astype(np.float32)
    for lag, max_bins in ((1, 1), (2, 3)):
        ours = spectral_flux(spectrogram, lag=lag, max_bins=max_bins)
        theirs = librosa.onset.onset_strength(
            S=spectrogram.T,
            lag=lag,
            max_size=max_bins,
            detrend=False,
            center=False,
            aggregate=np.sum,
        )
        np.testing.assert_allclose(ours[lag:], theirs[lag:], rtol=1e-5, atol=1e-5)


# --- events ----------------------------------------------------------------------------------


def test_event_targets_widen_and_tempo_target_is_a_distribution():
    target = event_targets([0.1, 0.5], 100, FPS, widen=1, neighbour=0.5)
    assert target[10] == 1 and target[9] == target[11] == 0.5 and target[50] == 1
    assert target.sum() == 2 * 1 + 4 * 0.5
    assert event_targets([-1.0, 5.0], 100, FPS).sum() == 0  # outside the clip: ignored
    distribution = tempo_target(120.4)
    assert distribution.shape == (N_TEMPI,) and np.isclose(distribution.sum(), 1)
    assert np.argmax(distribution) == 120
    assert tempo_from_distribution(distribution) == pytest.approx(120.0)
    with pytest.raises(ValueError, match="outside"):
        tempo_target(350.0)


def test_peak_picking_offline_online_and_combine():
    times = np.array([0.2, 0.5, 0.52, 0.9])
    activation = pulses(times, 120)
    assert np.allclose(pick_peaks(activation, FPS, 0.5, combine=0.0), times)
    assert np.allclose(pick_peaks(activation, FPS, 0.5, combine=0.05), [0.2, 0.5, 0.9])
    assert len(pick_peaks(activation, FPS, 1.0)) == 0  # above every peak
    # Online: a decision at frame n ignores every later frame.
    online = peak_settings("network", "online")
    decided = pick_peaks(activation[:51], FPS, 0.5, **online)
    changed = activation.copy()
    changed[51:] = 0.0
    assert np.allclose(pick_peaks(changed, FPS, 0.5, **online)[: len(decided)], decided)


def test_autocorrelation_tempo_and_octave_errors():
    beats = np.arange(0.1, 10, 0.5)  # 120 BPM
    bpm, tempi, strengths = autocorrelation_tempo(pulses(beats, 1000), FPS)
    assert bpm == pytest.approx(120.0, abs=1.0)
    assert len(tempi) == len(strengths)
    assert tempo_accuracy(120, bpm) == {"acc1": 1.0, "acc2": 1.0}
    assert tempo_accuracy(120, 60.5) == {"acc1": 0.0, "acc2": 1.0}  # an octave error
    assert tempo_accuracy(120, 90) == {"acc1": 0.0, "acc2": 0.0}


def test_stretch_frames_moves_events():
    activation = pulses([1.0, 2.0], 300)
    faster = stretch_frames(activation, 1.25)
    assert len(faster) == 240
    assert np.allclose(pick_peaks(faster, FPS, 0.5), [0.8, 1.6], atol=0.011)
    assert stretch_frames(np.ones((10, 4, 3)), 0.5).shape == (20, 4, 3)


# --- the DBN ---------------------------------------------------------------------------------


@pytest.mark.parametrize("meter, bpm", [(3, 150.0), (4, 96.0), (4, 180.0)])
def test_bar_tracking_finds_beats_downbeats_and_meter(meter, bpm):
    beats = np.arange(0.3, 10, 60 / bpm)
    downbeats = beats[::meter]
    beat_activation = pulses(beats, 1000, height=0.8, noise=0.1)
    downbeat_activation = pulses(downbeats, 1000, height=0.7, noise=0.1, seed=1)
    tracked = track_bars(beat_activation, FPS, downbeat_activation)
    assert tracked.beats_per_bar == meter
    assert tracked.tempo == pytest.approx(bpm, rel=0.03)
    assert mir_eval.beat.f_measure(beats, tracked.beats) > 0.95
    assert mir_eval.beat.f_measure(downbeats, tracked.downbeats) > 0.95


def test_dbn_bridges_a_missing_beat_that_peak_picking_misses():
    beats = np.arange(0.5, 10, 0.5)
    activation = pulses(beats, 1000, height=0.9)
    activation[int(round(5.0 * FPS)) - 1 : int(round(5.0 * FPS)) + 2] = 0.2  # a weak beat
    picked = pick_peaks(activation, FPS, 0.5, combine=0.2)
    tracked = track_bars(activation, FPS, beats_per_bar=(1,))
    assert len(picked) == len(beats) - 1
    assert mir_eval.beat.f_measure(beats, tracked.beats) == 1.0
    with pytest.raises(ValueError, match="beats_per_bar"):
        track_bars(activation, FPS)


# --- metrics and threshold choice --------------------------------------------------------------


def test_scores_match_mir_eval(rng):
    reference = np.sort(rng.uniform(0, 10, 30))
    estimate = np.sort(reference + rng.normal(0, 0.03, 30))[:25]
    f, p, r = mir_eval.onset.f_measure(reference, estimate)
    assert onset_scores(reference, estimate) == pytest.approx(
        {"f_measure": f, "precision": p, "recall": r}
    )
    beats = np.arange(0.5, 10, 0.5)
    assert beat_scores(beats, beats)["f_measure"] == 1.0
    assert beat_scores(beats, beats[::2])["amlt"] == 1.0  # half tempo: AMLt forgives it
    assert beat_scores(beats, beats[::2])["cmlt"] == 0.0
    assert beat_scores(beats, np.array([]))["f_measure"] == 0.0


def test_threshold_is_chosen_on_the_given_split():
    references = [np.arange(0.5, 5, 0.5)] * 3
    activations = [pulses(r, 500, height=0.6, noise=0.45, seed=i) for i, r in enumerate(references)]
    threshold, best = choose_threshold(references, activations, FPS, **peak_settings())
    assert 0.4 <= threshold <= 0.6
    low = score_events(references, activations, FPS, 0.05, **peak_settings())["f_measure"]
    assert best > low


# --- data ------------------------------------------------------------------------------------


def test_beat_crops_line_up_with_the_annotations(tiny_corpus):
    from common.data.cache import FeatureCache

    tracks = tiny_corpus.tracks("train", "music")[:4]
    features = FeatureCache("onset_spectrogram")
    crops = BeatCrops(tracks, features, crop=300, batch_size=2, random_crops=False, shuffle=False)
    x, y = crops[0]
    assert x.shape == (2, 300, 80, 3)
    assert y["beats"].shape == y["downbeats"].shape == (2, 300, 1)
    assert y["tempo"].shape == (2, N_TEMPI) and np.allclose(y["tempo"].sum(1), 1)
    rhythm = rhythm_of(tracks[0])
    start = (len(features(tracks[0])) - 300) // 2
    expected = event_targets(rhythm.beats - start / ONSET_FRAME_RATE, 300, ONSET_FRAME_RATE)
    np.testing.assert_array_equal(y["beats"][0, :, 0], expected)
    assert np.argmax(y["tempo"][0]) == round(rhythm.tempo)
    # Stretched crops: the tempo target moves with the stretch.
    stretched = BeatCrops(
        tracks, features, crop=300, batch_size=4, stretch=(1.5, 1.5), stretch_probability=1.0
    )
    _, y = stretched[0]
    tempi = sorted(np.argmax(y["tempo"], axis=1))
    assert tempi == sorted(round(rhythm_of(t).tempo * 1.5) for t in tracks)
    targets = onset_targets(features)(tracks[0])
    assert targets.shape == (len(features(tracks[0])), 1) and targets.max() == 1


def test_remixed_views_keep_the_beats_and_drop_the_drums(tiny_corpus, tmp_path):
    """A remix of the stems is the mix when every gain is 1 and the clip without drums when the
    drums' gain is 0; the beat crops take it as another view of the same track, same targets."""
    from common.data.cache import FeatureCache
    from common.data.tracks import MissingAnnotationError

    track = tiny_corpus.tracks("train", "music")[0]
    np.testing.assert_allclose(track.remix({}), track.audio(), atol=1e-5)
    others = sum(track.stem(s) for s in ("bass", "vocals", "other"))
    np.testing.assert_allclose(track.remix({"drums": 0.0}), others, atol=1e-6)
    assert np.abs(track.stem("drums")).max() > 0.01, "this clip should have drums"
    with pytest.raises(MissingAnnotationError, match="no stem"):
        track.remix({"choir": 0.0})

    plain = FeatureCache("onset_spectrogram", cache_dir=tmp_path)
    drumless = FeatureCache("onset_spectrogram", cache_dir=tmp_path, stems={"drums": 0.0})
    assert drumless.folder != plain.folder
    assert plain.folder.name == FeatureCache("onset_spectrogram").folder.name  # unchanged name
    assert not np.allclose(drumless(track), plain(track))

    tracks = tiny_corpus.tracks("train", "music")[:4]
    kwargs = dict(crop=300, batch_size=4, random_crops=False, shuffle=False)
    reference = BeatCrops(tracks, plain, **kwargs)
    never = BeatCrops(tracks, plain, remixes=[drumless], remix_probability=0.0, **kwargs)
    always = BeatCrops(tracks, plain, remixes=[drumless], remix_probability=1.0, **kwargs)
    (x, y), (x_never, _), (x_always, y_always) = reference[0], never[0], always[0]
    np.testing.assert_array_equal(x_never, x)
    start = (len(plain(tracks[0])) - 300) // 2
    np.testing.assert_array_equal(x_always[0], drumless(tracks[0])[start : start + 300])
    for name in ("beats", "downbeats", "tempo"):
        np.testing.assert_array_equal(y_always[name], y[name])
    with pytest.raises(ValueError, match="remixes"):
        BeatCrops(tracks, plain, remix_probability=0.5, **kwargs)


def test_rhythm_of_a_track(tiny_corpus):
    for track in tiny_corpus.tracks("test", "music"):
        rhythm = rhythm_of(track)
        assert rhythm.beats_per_bar == int(track.meter[0])
        assert 60 / np.median(np.diff(rhythm.beats)) == pytest.approx(track.tempo, rel=0.05)
        assert set(rhythm.downbeats) <= set(rhythm.beats)


def test_clicks_mixed_onto_audio():
    signal = np.zeros(22050, np.float32)
    mixed = with_clicks(signal, [0.25, 0.5, 0.75], [0.25])
    assert mixed.shape == signal.shape and np.abs(mixed).max() == pytest.approx(0.9)
    assert np.abs(mixed[5512:5600]).max() > 0.1 and np.abs(mixed[:5000]).max() == 0


# --- models ----------------------------------------------------------------------------------


def test_positive_difference_layer():
    x = np.array([[[1.0, 2.0], [3.0, 1.0], [2.0, 4.0]]], np.float32)
    y = keras.ops.convert_to_numpy(PositiveDifference()(x))
    np.testing.assert_allclose(y[0, :, 2:], [[0, 0], [2, 0], [0, 3]])
    np.testing.assert_allclose(y[0, :, :2], x[0])


def test_models_answer_once_a_frame_on_any_length():
    for model in (
        onset_rnn(n_bins=16),
        onset_rnn(n_bins=16, bidirectional=False),
        onset_cnn(n_bins=27),
    ):
        for n_frames in (50, 73):
            bins = model.input_shape[2]
            out = model.predict(np.zeros((2, n_frames, bins, 3), np.float32), verbose=0)
            assert out.shape == (2, n_frames, 1)
    tcn = beat_tcn(n_bins=27, filters=8, n_levels=4)
    out = tcn.predict(np.zeros((1, 64, 27, 3), np.float32), verbose=0)
    assert out["beats"].shape == out["downbeats"].shape == (1, 64, 1)
    assert out["tempo"].shape == (1, N_TEMPI)
    assert np.allclose(out["tempo"].sum(), 1, atol=1e-5)


def test_causal_rnn_ignores_the_future(rng):
    model = onset_rnn(n_bins=16, units=8, bidirectional=False)
    x = rng.random((1, 40, 16, 3)).astype(np.float32)
    changed = x.copy()
    changed[:, 30:] = 0.0
    a, b = (model.predict(v, verbose=0)[0, :, 0] for v in (x, changed))
    np.testing.assert_allclose(a[:30], b[:30], atol=1e-6)
    bidirectional = onset_rnn(n_bins=16, units=8)
    a, b = (bidirectional.predict(v, verbose=0)[0, :, 0] for v in (x, changed))
    assert np.abs(a[:30] - b[:30]).max() > 1e-4


def test_onset_cnn_overfits_one_batch(rng):
    keras.utils.set_random_seed(0)
    x = rng.random((4, 100, 27, 3)).astype(np.float32)
    y = np.stack([event_targets(rng.uniform(0, 1, 8), 100, FPS) for _ in range(4)])[..., None]
    model = onset_cnn(n_bins=27)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy")
    first = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=150, verbose=0)
    assert model.evaluate(x, y, verbose=0) < 0.3 * first


@pytest.mark.slow
@pytest.mark.first_backend
def test_beat_script_trains_without_drums_and_scores_the_drumless_test(tmp_path, tiny_corpus):
    """``beats.py --drumless P --no-drums-test``: the augmented model's rows keep their own name,
    and the test clips are scored twice, with and without their drums, next to librosa, and so
    are both groups of the held-out set."""
    import subprocess
    import sys

    from common import REPO_ROOT
    from common.results import load_results

    command = [sys.executable, "part3_onsets_beats/scripts/beats.py", "--size", "tiny"]
    options = ["--epochs", "1", "--drumless", "0.5", "--no-drums-test", "--logdir", tmp_path]
    done = subprocess.run(
        [*command, *map(str, options), "--backend", keras.backend.backend()],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = load_results(tmp_path / "results.json")
    found = {(r.model, r.metric, r.split) for r in rows}
    for split in ("test", "test-nodrums", "ood-styles", "ood-timbres"):
        assert ("tcn + dbn (drumless 0.5)", "f-measure", split) in found
        assert ("librosa beat_track", "f-measure", split) in found
        assert ("tcn tempo head (drumless 0.5)", "acc1", split) in found
    assert not any(r.model == "tcn + dbn" for r in rows)
    bad = subprocess.run([*command, "--drumless", "1.5"], cwd=REPO_ROOT, capture_output=True)
    assert bad.returncode == 2 and b"not between 0 and 1" in bad.stderr


@pytest.mark.slow
@pytest.mark.first_backend
def test_beat_script_on_a_dataset_without_stems(tmp_path):
    """Ballroom has no stems: the drumless crops are left out (and said so), and asking for the
    drumless test is a clear error before anything is trained."""
    import subprocess
    import sys

    from test_datasets import make_ballroom

    from common import REPO_ROOT
    from common.results import load_results

    root = make_ballroom(tmp_path)
    for wav in (root / "BallroomData").rglob("*.wav"):  # annotate the excerpts left without
        beats = root / "BallroomAnnotations-master" / f"{wav.stem}.beats"
        if not beats.exists():
            beats.write_text("".join(f"{0.5 * b:.3f} {b % 4 + 1}\n" for b in range(2)))
    command = [sys.executable, "part3_onsets_beats/scripts/beats.py", "--dataset", "ballroom"]
    options = ["--data-home", tmp_path, "--logdir", tmp_path / "runs", "--epochs", "1"]
    refused = subprocess.run(
        [*command, *map(str, options), "--no-drums-test"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2, refused.stderr[-2000:]
    assert "--no-drums-test needs the drum stem" in refused.stderr
    assert not (tmp_path / "runs").exists()
    done = subprocess.run(
        [*command, *map(str, options)], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "ballroom has no stems: training on the mixes only" in done.stdout
    rows = load_results(tmp_path / "runs" / "results.json")
    assert {r.split for r in rows} == {"test"}  # no held-out rows on a real dataset
    assert any(r.model == "tcn + dbn (drumless 0)" for r in rows)
