"""Result files and the shared command line."""

from __future__ import annotations

import json
import os

import pytest

from common import cli
from common.results import Result, format_table, load_results, save_results


def row(**changes):
    base = dict(
        part=0,
        example="style_mlp",
        model="mlp",
        role="model",
        metric="accuracy",
        value=0.9,
        split="test",
        backend="jax",
        size="tiny",
        seconds=3.0,
    )
    return Result(**{**base, **changes})


def test_rows_merge_and_replace(tmp_path):
    path = tmp_path / "results.json"
    save_results(path, [row(), row(model="logreg", role="baseline", value=0.8)])
    save_results(path, [row(value=0.95), row(backend="torch", value=0.93)])
    rows = load_results(path)
    assert len(rows) == 3
    assert {(r.model, r.backend): r.value for r in rows}[("mlp", "jax")] == 0.95
    assert isinstance(json.loads(path.read_text()), list)
    table = format_table(rows)
    assert table.splitlines()[0].split()[:3] == ["part", "example", "model"]
    assert table.index("mlp") < table.index("logreg")
    assert format_table([]) == "(no results)"
    # A benchmark file keeps the same rows under "rows", next to its timings.
    bench = tmp_path / "quality-tiny.json"
    bench.write_text(json.dumps({"rows": json.loads(path.read_text()), "timings": {}}))
    assert load_results(bench) == rows


def test_roles_are_checked():
    with pytest.raises(ValueError, match="role"):
        row(role="winner")


def test_backend_selection_errors(monkeypatch, backend):
    with pytest.raises(cli.BackendError, match="Unknown Keras backend 'pytorch'"):
        cli.select_backend("pytorch")
    other = next(b for b in cli.BACKENDS if b != backend)
    with pytest.raises(cli.BackendError, match="already running"):
        cli.select_backend(other)
    assert cli.select_backend(backend) == backend


def test_script_parser_defaults(tmp_path, backend, capsys):
    parser = cli.script_parser("Train something.\nMore text.", part=0, example="demo")
    args = cli.parse_args(parser, ["--size", "tiny", "--logdir", str(tmp_path)])
    assert (args.part, args.example, args.size, args.backend) == (0, "demo", "tiny", backend)
    assert args.results == tmp_path / "results.json"
    with pytest.raises(SystemExit):
        cli.parse_args(parser, ["--size", "huge"])
    assert "invalid choice: 'huge'" in capsys.readouterr().err


def test_rows_carry_the_seed_and_each_seed_is_its_own_measurement(tmp_path):
    from common.experiment import Experiment

    parser = cli.script_parser("Train something.", part=0, example="demo")
    for seed in ("0", "1"):
        args = cli.parse_args(parser, ["--logdir", str(tmp_path), "--seed", seed])
        experiment = Experiment(args)
        experiment.record("mlp", "model", "accuracy", 0.5 + int(seed) / 10)
        experiment.finish()
    rows = load_results(tmp_path / "results.json")
    assert sorted((r.seed, r.value) for r in rows) == [(0, 0.5), (1, 0.6)]


@pytest.mark.parametrize("epochs", ["0", "-3", "two"])
def test_a_bad_epoch_count_is_refused_not_replaced(tmp_path, epochs, capsys):
    """``--epochs 0`` once trained the default and ``--epochs -3`` trained nothing, exited 0
    and overwrote the real row: both are now usage errors (exit status 2, one line)."""
    parser = cli.script_parser("Train something.", part=0, example="demo")
    with pytest.raises(SystemExit) as stop:
        cli.parse_args(parser, ["--logdir", str(tmp_path), "--epochs", epochs])
    assert stop.value.code == 2
    assert "--epochs" in capsys.readouterr().err
    assert cli.parse_args(parser, ["--logdir", str(tmp_path), "--epochs", "1"]).epochs == 1


def test_a_logdir_that_is_a_file_is_refused(tmp_path, capsys):
    parser = cli.script_parser("Train something.", part=0, example="demo")
    afile = tmp_path / "notes.txt"
    afile.write_text("mine")
    with pytest.raises(SystemExit) as stop:
        cli.parse_args(parser, ["--logdir", str(afile)])
    assert stop.value.code == 2 and "is a file" in capsys.readouterr().err
    assert afile.read_text() == "mine"


def test_an_unknown_dataset_is_refused(tmp_path, capsys):
    parser = cli.script_parser("Train something.", part=0, example="demo")
    with pytest.raises(SystemExit) as stop:
        cli.parse_args(parser, ["--logdir", str(tmp_path), "--dataset", "nosuch"])
    error = capsys.readouterr().err
    assert stop.value.code == 2 and "invalid choice: 'nosuch'" in error and "gtzan" in error


def test_input_errors_end_a_script_with_their_message_and_status_2(monkeypatch, capsys):
    from common.audio.io import AudioError
    from common.data.datasets.base import DatasetNotFoundError

    monkeypatch.setattr("sys.argv", ["genre.py"])

    def missing():
        raise DatasetNotFoundError("GTZAN was not found under /x. Fetch it with:\n  fetch gtzan")

    with pytest.raises(SystemExit) as stop:
        cli.run(missing)
    assert stop.value.code == 2
    assert capsys.readouterr().err == (
        "genre.py: error: GTZAN was not found under /x. Fetch it with:\n  fetch gtzan\n"
    )
    with pytest.raises(SystemExit) as stop:
        cli.run(lambda: (_ for _ in ()).throw(AudioError("not audio")))
    assert stop.value.code == 2 and "error: not audio" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:  # a script's own status passes through
        cli.run(lambda: 0)
    assert stop.value.code == 0
    with pytest.raises(ZeroDivisionError):  # a bug is not an input error: its traceback stays
        cli.run(lambda: 1 / 0)


def run_script(script, *options):
    import subprocess
    import sys

    from common import REPO_ROOT

    command = [sys.executable, script, *map(str, options)]
    return subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)


def test_a_missing_dataset_stops_a_script_cleanly(tmp_path):
    """The real script, on a dataset that is not downloaded: its message and the command that
    fetches it, exit status 2, no traceback and no run folder left behind."""
    logdir = tmp_path / "runs"
    done = run_script(
        "part1_classification/scripts/genre.py",
        *("--dataset", "gtzan", "--data-home", tmp_path, "--logdir", logdir),
    )
    assert done.returncode == 2, done.stderr
    assert (
        f"genre.py: error: GTZAN was not found under {tmp_path}" in done.stderr
    )  # TF may log first
    assert "mirdata.initialize('gtzan_genre'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not logdir.exists()


def test_a_dataset_without_the_labels_stops_a_script_cleanly(tmp_path):
    """GTZAN without its rhythm annotations has no beats: the beat script says so and how to
    add them, with exit status 2."""
    import numpy as np
    import soundfile

    for genre in ("blues", "reggae"):
        (tmp_path / "genres" / genre).mkdir(parents=True)
        for i in range(5):
            path = tmp_path / "genres" / genre / f"{genre}.{i:05d}.wav"
            soundfile.write(path, np.zeros(22050, dtype=np.float32), 22050)
    logdir = tmp_path / "runs"
    done = run_script(
        "part3_onsets_beats/scripts/beats.py",
        *("--dataset", "gtzan", "--data-home", tmp_path, "--logdir", logdir),
    )
    assert done.returncode == 2, done.stderr
    assert "beats.py: error: This example needs 'beats' labels" in done.stderr
    assert "Traceback" not in done.stderr and not logdir.exists()


def test_notebooks_read_their_settings_from_the_script(monkeypatch):
    from common.cli import load_script, start_notebook

    genre = load_script("genre")
    assert genre.EPOCHS["workshop"] > genre.EPOCHS["tiny"] and genre.CROP_SECONDS == 3.0
    monkeypatch.setenv("MIR_COURSE_SIZE", "tiny")
    notebook = start_notebook("genre", backend=os.environ.get("KERAS_BACKEND", "jax"))
    assert notebook.size == "tiny" and notebook.epochs == genre.EPOCHS["tiny"]
    with pytest.raises(ValueError, match="No single script"):
        load_script("no_such_script")
    monkeypatch.setenv("MIR_COURSE_SIZE", "huge")
    with pytest.raises(ValueError, match="tiny, workshop, full"):
        start_notebook()
