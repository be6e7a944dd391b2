"""The benchmark tool: its measurements and the way it rewrites BENCHMARKS.md."""

from __future__ import annotations

import json

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
