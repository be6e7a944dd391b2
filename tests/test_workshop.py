"""The workshop runner and the Part 0 script, end to end on the tiny corpus."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from common import REPO_ROOT
from common.results import load_results


def tags(folder):
    accumulator = EventAccumulator(
        str(folder), size_guidance={"images": 0, "audio": 0, "tensors": 0}
    )
    accumulator.Reload()
    return accumulator.Tags()


@pytest.fixture(scope="module")
def workshop_run(tmp_path_factory, tiny_corpus, backend):
    logdir = tmp_path_factory.mktemp("runs")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "common.course.workshop",
            "--parts",
            "0",
            "1",
            "2",
            "3",
            "--size",
            "tiny",
            "--logdir",
            str(logdir),
            "--backend",
            backend,
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=2400,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return logdir, done.stdout


@pytest.mark.slow
def test_part0_rows(workshop_run, backend):
    logdir, output = workshop_run
    everything = [r for r in load_results(logdir / "results.json") if r.part == 0]
    # Both models are scored on the held-out works in the corpus's styles too.
    held_out = {(r.model, r.role) for r in everything if r.split == "ood-timbres"}
    assert held_out == {("mlp", "model"), ("logistic regression", "baseline")}
    assert {r.split for r in everything} == {"test", "ood-timbres"}
    rows = [r for r in everything if r.split == "test"]
    by_model = {(r.model, r.backend): r for r in rows}
    assert {r.role for r in rows} == {"model", "baseline"}
    assert all(r.size == "tiny" for r in everything)
    assert all(0.0 <= r.value <= 1.0 and r.metric == "accuracy" for r in rows)
    network, baseline = by_model[("mlp", backend)], by_model[("logistic regression", backend)]
    assert network.value > 1 / 8 + 0.1, "the network should beat chance (8 styles)"
    assert baseline.value > 1 / 8 + 0.1
    # The saved file, evaluated on each other backend, gives the same accuracy.
    others = [r for r in rows if r.model == f"mlp saved on {backend}"]
    assert {r.backend for r in others} == {"jax", "tensorflow", "torch"} - {backend}
    assert all(r.value == network.value for r in others)
    assert "Part 2 (Similarity and representation learning): not built yet" in output
    assert "logistic regression" in output and "tensorboard --logdir" in output


@pytest.mark.slow
def test_part1_rows(workshop_run, backend):
    logdir, _ = workshop_run
    rows = [r for r in load_results(logdir / "results.json") if r.part == 1]
    examples = {"music_speech", "genre", "tagging", "vocal", "frontends", "multipitch"}
    assert {r.example for r in rows} == examples
    for example in examples:  # every model stands next to a baseline from the same run
        roles = {r.role for r in rows if r.example == example}
        assert roles == {"model", "baseline"}, example
    # Every model and baseline is scored on the test split and on the held-out groups it can
    # answer for: not the held-out styles for a style classifier, nor the unsung ood-tiny hymn
    # and piano piece for vocal detection; music_speech has no held-out speech.
    everywhere = {"test", "ood-styles", "ood-timbres"}
    expected = {
        "music_speech": {"test"},
        "genre": {"test", "ood-timbres"},
        "frontends": {"test", "ood-timbres"},
        "vocal": {"test", "ood-timbres"},
        "tagging": everywhere,
        "multipitch": everywhere,
    }
    for example, model in {(r.example, r.model) for r in rows}:
        if example == "frontends" and model != "mfcc statistics + svm":
            splits = {r.split for r in rows if r.model == model and r.metric == "accuracy"}
        else:
            splits = {r.split for r in rows if (r.example, r.model) == (example, model)}
        assert splits == expected[example], (example, model, splits)
    for r in rows:
        assert r.backend == backend and r.size == "tiny"
        if r.metric == "training examples per second":
            assert r.value > 0
        else:
            assert 0.0 <= r.value <= 1.0, r
    models = {(r.example, r.model) for r in rows}
    for shape in ("square", "temporal", "frequency", "musical"):
        assert ("genre", f"cnn, {shape}") in models
    for frontend in ("waveform", "logmel", "sincnet", "stft"):
        assert ("frontends", f"{frontend} front-end + cnn") in models
    assert {m for e, m in models if e == "tagging"} >= {
        "cnn from scratch",
        "frozen backbone + logistic regression",
        "fine-tuned backbone",
    }


@pytest.mark.slow
def test_part1_tensorboard(workshop_run):
    logdir, _ = workshop_run
    runs = sorted((logdir / "part1" / "music_speech").iterdir())
    assert len(runs) == 4
    for run in runs:  # each run's settings and scores, for TensorBoard's HParams tab
        names = set(tags(run / "hparams")["tensors"])
        assert {"_hparams_/session_start_info", "test_balanced_accuracy", "best_val_loss"} <= names
    genre_images = set()
    for run in (logdir / "part1" / "genre").iterdir():
        if (run / "images").is_dir():
            genre_images |= set(tags(run / "images")["tensors"])
    assert {"test confusion matrix", "occlusion saliency"} <= genre_images
    assert any(name.startswith("first-layer filters") for name in genre_images)


@pytest.mark.slow
def test_part3_rows(workshop_run, backend):
    logdir, output = workshop_run
    rows = [r for r in load_results(logdir / "results.json") if r.part == 3]
    examples = {"novelty", "onsets", "beats", "tempo", "tempo_stretch"}
    assert {r.example for r in rows} == examples
    for example in examples:  # every model stands next to a librosa baseline from the same run
        assert {r.role for r in rows if r.example == example} == {"model", "baseline"}, example
    assert all(r.backend == backend and 0 <= r.value <= 1 for r in rows)
    # Novelty, onsets and beats are scored on the test split and on the two held-out groups, with
    # the baselines on the same audio (tempo_stretch has its own test: tempi outside training).
    splits = {(r.example, r.model, r.split) for r in rows}
    for split in ("test", "ood-styles", "ood-timbres"):
        for example, model in (
            ("novelty", "superflux"),
            ("novelty", "librosa onset_detect"),
            ("onsets", "birnn (offline)"),
            ("onsets", "librosa onset_detect"),
            ("beats", "tcn + dbn"),
            ("beats", "librosa beat_track"),
        ):
            assert (example, model, split) in splits, (example, model, split)
    assert {r.split for r in rows if r.example == "tempo_stretch"} == {"test"}
    metrics = {(r.example, r.model, r.metric) for r in rows}
    for network in ("birnn (offline)", "causal rnn (online)", "cnn (offline)"):
        assert ("onsets", network, "f-measure") in metrics
    assert ("onsets", "librosa onset_detect", "f-measure") in metrics
    assert ("novelty", "superflux", "f-measure (25 ms)") in metrics
    for metric in ("f-measure", "cmlt", "amlt", "downbeat f-measure", "meter accuracy"):
        assert ("beats", "tcn + dbn", metric) in metrics
    assert ("beats", "librosa beat_track", "f-measure") in metrics
    for model in ("tcn tempo head", "tcn beats + autocorrelation", "tcn + dbn"):
        assert ("tempo", model, "acc2") in metrics
    assert ("tempo", "librosa feature.tempo", "acc1") in metrics
    assert (
        "tempo_stretch",
        "tcn + tempo stretch",
        "tempo acc1 (outside training tempi)",
    ) in metrics
    assert "Part 3 took" in output
    # What a learner looks at and listens to in TensorBoard.
    (run,) = (logdir / "part3" / "beats").iterdir()
    assert "beat and downbeat activations (test clips)" in tags(run / "images")["tensors"]
    assert len(tags(run / "audio")["tensors"]) == 3
    assert "epoch_tempo_loss" in tags(run / "validation")["tensors"]


@pytest.mark.slow
def test_tensorboard_logs_and_saved_model(workshop_run, backend):
    logdir, _ = workshop_run
    (run,) = (logdir / "part0" / "style_mlp").iterdir()
    assert run.name.startswith(f"{backend}-")
    assert {"epoch_loss", "epoch_accuracy"} <= set(tags(run / "train")["tensors"])
    assert "epoch_loss" in tags(run / "validation")["tensors"]
    assert len(tags(run / "images")["tensors"]) >= 2  # predictions grid, confusion matrix
    assert len(tags(run / "audio")["tensors"]) >= 2  # one clip per style
    assert "results" in tags(run / "notes")["tensors"]
    from common.models import load_model

    model = load_model(run / "style_mlp.keras")
    assert model.predict(np.zeros((2, 80), "float32"), verbose=0).shape == (2, 8)


def test_unknown_backend_and_size_are_refused():
    for arguments, message in (
        (["--backend", "pytorch"], "invalid choice: 'pytorch'"),
        (["--size", "huge"], "invalid choice: 'huge'"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "common.course.workshop", *arguments],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 2 and message in done.stderr
    script = REPO_ROOT / "part0_audio_basics" / "scripts" / "train_style_mlp.py"
    done = subprocess.run(
        [sys.executable, str(script), "--dataset", "gtzan", "--data-home", "/nonexistent"],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0 and "mirdata.initialize" in done.stderr


def test_finished_scripts_keep_their_rows_through_ctrl_c_and_a_corrupt_file(
    tmp_path, monkeypatch, capsys
):
    """Each script's rows reach ``<logdir>/results.json`` as soon as it ends: Ctrl-C in the
    next script loses none of them, and a damaged results file is set aside, not fatal."""
    import common.data
    from common.course import workshop
    from common.results import Result, save_results

    (tmp_path / "results.json").write_text('[{"part": 0, "exam')  # cut off mid-write
    calls = []

    def fake_run_script(part, script, size, backend, logdir, results, seed):
        calls.append(script.path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        row = Result(
            part, "demo", script.path, "model", "accuracy", 0.5, backend=backend, seed=seed
        )
        save_results(results, [row])
        return True, 1.0

    monkeypatch.setattr(common.data, "ensure_corpus", lambda size: tmp_path)
    monkeypatch.setattr(workshop, "run_script", fake_run_script)
    rows, _, failures = workshop.run_parts([1], "tiny", "jax", tmp_path, seed=2)
    assert failures == ["interrupted"] and len(calls) == 2
    assert [r.model for r in load_results(tmp_path / "results.json")] == ["scripts/music_speech.py"]
    assert [(r.model, r.seed) for r in rows] == [("scripts/music_speech.py", 2)]
    aside = list(tmp_path.glob("results.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_text() == '[{"part": 0, "exam'
    assert "renamed to results.json.corrupt-" in capsys.readouterr().err
