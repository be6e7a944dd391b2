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
