"""The benchmark tool: its measurements and the way it rewrites BENCHMARKS.md."""

from __future__ import annotations

import json

import pytest

from common.course import bench


def test_sections_are_replaced_in_place(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    bench.update_section(path, "speed", "first")
    bench.update_section(path, "quality-part0-tiny", "table")
    bench.update_section(path, "speed", "second")
    text = path.read_text()
    assert text.count("<!-- speed:begin -->") == 1 and "second" in text and "first" not in text
    assert text.index("second") < text.index("table")


def test_speed_worker_times_registry_examples(backend):
    figures = bench.speed_worker(n_steps=2, names=["mlp_classifier", "beat_tcn"])
    assert figures["backend"] == backend
    for name in ("mlp_classifier", "beat_tcn"):
        assert figures[name]["train_ms"] > 0 and figures[name]["predict_ms"] > 0
        assert figures[name]["parameters"] > 1000
    assert figures["beat_tcn"]["input"] == [800, 80, 3]


def test_machine_line_names_the_libraries():
    line = bench.machine()
    assert "cores" in line and "keras 3.15.1" in line


def test_results_tables_for_the_page_and_the_notebooks(tmp_path, monkeypatch):
    def row(backend, model, value, role="model"):
        return {
            "part": 1,
            "example": "genre",
            "model": model,
            "role": role,
            "metric": "accuracy",
            "value": value,
            "split": "test",
            "backend": backend,
            "size": "workshop",
            "seconds": 1.0,
        }

    rows = [
        row("torch", "cnn", 0.9),
        row("jax", "svm", 0.8, role="baseline"),
        row("jax", "cnn", 0.95),
    ]
    table = bench.results_table(rows).splitlines()
    assert table[0] == "| example | model | role | metric | jax | torch |"
    assert table[2] == "| genre | cnn | model | accuracy (test) | 0.950 | 0.900 |"
    assert table[3] == "| genre | svm | baseline | accuracy (test) | 0.800 |  |"  # not run there

    monkeypatch.setattr(bench, "RESULTS", tmp_path)
    assert "No measured `workshop` results for `genre`" in bench.measured(1, "genre")
    record = {"rows": rows, "timings": {}, "runs": {"1": {"date": "2026-01-01", "machine": "m"}}}
    (tmp_path / "quality-workshop.json").write_text(json.dumps(record))
    text = bench.measured(1, "genre")
    assert (
        "on 2026-01-01 (m)" in text and "| cnn | model | accuracy (test) | 0.950 | 0.900 |" in text
    )


def test_seeds_are_summarised_with_their_spread(tmp_path, monkeypatch):
    """``bench quality --seeds 3`` keeps every seed's row and reports the mean and the range,
    and says whether the backends differ by more than their seed spread."""
    from common.course import workshop
    from common.results import Result, load_results, summarise

    # What each script would have measured: the CNN's accuracy moves with the seed; on torch
    # it is far off; the SVM is the same for every seed.
    accuracy = {"jax": (0.90, 0.92, 0.94), "tensorflow": (0.91, 0.93, 0.92), "torch": (0.5,) * 3}

    def fake_run_parts(parts, size, backend, logdir, seed=0):
        rows = [
            Result(
                1,
                "genre",
                "cnn",
                "model",
                "accuracy",
                accuracy[backend][seed],
                backend=backend,
                size=size,
                seconds=10.0 + seed,
                seed=seed,
            ),
            Result(
                1,
                "genre",
                "svm",
                "baseline",
                "accuracy",
                0.8,
                backend=backend,
                size=size,
                seconds=1.0,
                seed=seed,
            ),
        ]
        return rows, {1: 60.0 * (seed + 1)}, []

    monkeypatch.setattr(workshop, "run_parts", fake_run_parts)
    monkeypatch.setattr(bench, "RESULTS", tmp_path)
    page = tmp_path / "BENCHMARKS.md"
    page.write_text("<!-- quality-part1-workshop:begin -->\n<!-- quality-part1-workshop:end -->\n")
    assert bench.quality([1], "workshop", ["jax", "tensorflow"], page, seeds=3) == 0

    record = json.loads((tmp_path / "quality-workshop.json").read_text())
    assert len(record["seed_rows"]) == 2 * 2 * 3  # two rows, two backends, three seeds
    cnn = {r["backend"]: r for r in record["rows"] if r["model"] == "cnn"}
    assert cnn["jax"]["value"] == pytest.approx(0.92) and cnn["jax"]["seeds"] == [0, 1, 2]
    assert (cnn["jax"]["low"], cnn["jax"]["high"]) == (0.90, 0.94)
    assert cnn["jax"]["seconds"] == pytest.approx(11.0)
    assert record["timings"]["1"]["jax"] == pytest.approx(120.0)  # the mean wall time per seed
    assert record["runs"]["1"]["seeds"] == 3
    text = page.read_text()
    assert "--seeds 3" in text and "mean over seeds 0 to 2" in text
    assert (
        "| genre | cnn | model | accuracy (test) | 0.920 (0.900-0.940) | 0.920 (0.910-0.930) "
        "| within spread |"
    ) in text
    assert "| genre | svm | baseline | accuracy (test) | 0.800 (0.800-0.800) |" in text
    # The summaries still read as result rows (the notebooks and slides use their means).
    assert {r.model for r in load_results(tmp_path / "quality-workshop.json")} == {"cnn", "svm"}

    # A backend far outside the others' spread is reported as different.
    assert bench.quality([1], "workshop", ["jax", "torch"], None, seeds=3) == 0
    record = json.loads((tmp_path / "quality-workshop.json").read_text())
    rows = [r for r in record["rows"] if r["model"] == "cnn"]
    assert bench.backends_agree(rows) == "differ"
    assert len(record["seed_rows"]) == 12  # the second run replaced the first one's rows
    assert bench.backends_agree(summarise([rows[0]])) == ""  # one seed: no statement


def test_an_interrupted_measurement_resumes_and_never_mixes_code(tmp_path, monkeypatch):
    """``bench quality --resume`` keeps each (part, backend, seed) measured without failure by
    the same code, runs the others, and runs everything again once the code has changed."""
    from common.course import workshop
    from common.results import Result

    calls = []
    failing = {("torch", 1)}

    def fake_run_parts(parts, size, backend, logdir, seed=0):
        calls.append((backend, seed))
        row = Result(
            1,
            "genre",
            "cnn",
            "model",
            "accuracy",
            0.9 + seed / 100,
            "test",
            backend,
            size,
            1.0,
            seed,
        )
        failures = ["part 1: scripts/genre.py"] if (backend, seed) in failing else []
        return [row], {1: 60.0}, failures

    monkeypatch.setattr(workshop, "run_parts", fake_run_parts)
    monkeypatch.setattr(bench, "RESULTS", tmp_path)
    monkeypatch.setattr(bench, "code_fingerprint", lambda part, size: "code-a")
    assert bench.quality([1], "workshop", ["jax", "torch"], None, seeds=2) == 1
    assert len(calls) == 4

    calls.clear()
    failing.clear()
    assert bench.quality([1], "workshop", ["jax", "torch"], None, seeds=2, resume=True) == 0
    assert calls == [("torch", 1)]  # only the run that failed
    record = json.loads((tmp_path / "quality-workshop.json").read_text())
    assert len(record["seed_rows"]) == 4 and all(r["complete"] for r in record["seed_runs"])
    torch = next(r for r in record["rows"] if r["backend"] == "torch")
    assert torch["seeds"] == [0, 1] and torch["value"] == pytest.approx(0.905)

    calls.clear()
    assert bench.quality([1], "workshop", ["jax", "torch"], None, seeds=3, resume=True) == 0
    assert calls == [("jax", 2), ("torch", 2)]  # a third seed: only the new runs

    calls.clear()
    monkeypatch.setattr(bench, "code_fingerprint", lambda part, size: "code-b")
    assert bench.quality([1], "workshop", ["jax"], None, seeds=1, resume=True) == 0
    assert calls == [("jax", 0)]  # the code changed: nothing is kept
    record = json.loads((tmp_path / "quality-workshop.json").read_text())
    assert {r["backend"] for r in record["rows"]} == {"jax"}  # and the part's rows are replaced


def test_the_code_fingerprint_follows_what_the_scripts_import():
    from common import REPO_ROOT

    here = bench.code_fingerprint(1, "workshop")
    assert here == bench.code_fingerprint(1, "workshop")
    assert here != bench.code_fingerprint(1, "tiny") != bench.code_fingerprint(3, "tiny")
    # Part 1's figures depend on the modules its scripts import, even inside functions, and on
    # the packages above them; not on Part 3's rhythm code.
    scripts = REPO_ROOT / "part1_classification" / "scripts"
    files = {
        str(p.relative_to(REPO_ROOT))
        for p in bench.course_modules([scripts / "multipitch.py", scripts / "genre.py"])
    }
    assert {
        "common/__init__.py",
        "common/data/__init__.py",
        "common/data/cache.py",
        "common/experiment.py",
        "common/models/salience.py",
        "common/data/synthetic/generator.py",  # the corpus is rendered on first use
    } <= files
    assert "common/tasks/rhythm/dbn.py" not in files
