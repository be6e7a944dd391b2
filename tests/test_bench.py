"""The benchmark tool: its measurements and the way it rewrites BENCHMARKS.md."""

from __future__ import annotations

from common import bench


def test_sections_are_replaced_in_place(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    bench.update_section(path, "speed", "first")
    bench.update_section(path, "quality-part0-tiny", "table")
    bench.update_section(path, "speed", "second")
    text = path.read_text()
    assert text.count("<!-- speed:begin -->") == 1 and "second" in text and "first" not in text
    assert text.index("second") < text.index("table")


def test_speed_worker_measures_both_models(backend):
    figures = bench.speed_worker(n_steps=2)
    assert figures["backend"] == backend
    for name in ("mlp", "logmel_cnn"):
        assert figures[name]["train_ms"] > 0 and figures[name]["predict_ms"] > 0
        assert figures[name]["parameters"] > 1000


def test_machine_line_names_the_libraries():
    line = bench.machine()
    assert "cores" in line and "keras 3.15.1" in line
