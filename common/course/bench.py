"""Benchmarks: measured speed and quality figures, written to ``results/`` and ``BENCHMARKS.md``.

    python -m common.course.bench speed   [--backends jax tensorflow torch] [--update BENCHMARKS.md]
    python -m common.course.bench quality --parts 0 [--size workshop] [--update BENCHMARKS.md]

``speed`` times the training and prediction steps of every model builder of the course (each
example of :data:`common.models.registry.EXAMPLES`) on each backend, each backend in its own
process, and the corpus renderer in times real time.
``quality`` runs the workshop scripts of the given parts on each backend; every model and the
baseline it is compared with come from the same run, on the test split. Figures are never typed
in: ``--update`` rewrites the marked sections of ``BENCHMARKS.md`` from what was just measured.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

from common import REPO_ROOT
from common.cli import BACKENDS, SIZES, positive_int
from common.fileio import read_json, write_json, write_text

RESULTS = REPO_ROOT / "results"


# ---------------------------------------------------------------------------------------------
# The machine
# ---------------------------------------------------------------------------------------------


def machine() -> str:
    """One line describing this computer and the library versions."""
    cpu = platform.processor() or platform.machine()
    try:
        text = Path("/proc/cpuinfo").read_text()
        cpu = re.search(r"model name\s*:\s*(.+)", text).group(1).strip()
    except (OSError, AttributeError):
        pass
    memory = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kib / 2**20:.0f} GiB RAM"
    except (OSError, AttributeError):
        pass
    from importlib.metadata import version

    libraries = ", ".join(
        f"{name} {version(name)}" for name in ("keras", "jax", "tensorflow", "torch")
    )
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}, no GPU in use; {platform.system()}, "
        f"Python {platform.python_version()}; {libraries}"
    )


def update_section(path: Path, name: str, body: str) -> None:
    """Replace the text between ``<!-- name:begin -->`` and ``<!-- name:end -->`` in ``path``
    (appending the section if it is not there yet)."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    text = path.read_text() if path.is_file() else "# Benchmarks\n"
    block = f"{begin}\n{body.strip()}\n{end}"
    if begin in text and end in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    write_text(path, text)


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Speed
# ---------------------------------------------------------------------------------------------


def _time_steps(step, n_steps: int) -> tuple[float, float]:
    """``(first call seconds, median milliseconds of the next n_steps calls)``."""
    start = time.perf_counter()
    step()
    first = time.perf_counter() - start
    for _ in range(3):
        step()
    times = []
    for _ in range(n_steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return first, 1000 * float(np.median(times))


def speed_worker(n_steps: int, names: list[str] | None = None) -> dict:
    """Measure on the current backend (runs in a child process with ``KERAS_BACKEND`` set).

    Every example of :data:`common.models.registry.EXAMPLES` (or those in ``names``): its
    training step (Adam, mean squared error on random targets, the same for every model, so
    the times compare the networks) and its prediction step, on one batch.
    """
    import keras

    from common.models.registry import EXAMPLES, example_batch
    from common.nn.training import set_seed

    figures = {"backend": keras.backend.backend()}
    for name in names or list(EXAMPLES):
        example = EXAMPLES[name]
        set_seed(0)
        model = example.build()
        x, y = example_batch(model, example, np.random.default_rng(0))
        model.compile(optimizer="adam", loss="mse")
        first, train_ms = _time_steps(lambda m=model, x=x, y=y: m.train_on_batch(x, y), n_steps)
        _, predict_ms = _time_steps(lambda m=model, x=x: m.predict_on_batch(x), n_steps)
        figures[name] = {
            "batch": len(x),
            "input": list(example.input_shape),
            "first_step_s": first,
            "train_ms": train_ms,
            "predict_ms": predict_ms,
            "parameters": model.count_params(),
        }
        keras.backend.clear_session()
    return figures


def _milliseconds(value: float) -> str:
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def render_speed() -> dict:
    """Corpus render speed on this machine, in times real time."""
    from concurrent.futures import ProcessPoolExecutor

    from common.data.synthetic.generator import (
        PRESETS,
        MusicJob,
        SpeechJob,
        _context,
        plan,
        render_corpus,
        render_job,
    )

    jobs = plan(PRESETS["workshop"], seed=0)
    music = [j for j in jobs if isinstance(j, MusicJob)][:24]
    speech = [j for j in jobs if isinstance(j, SpeechJob)][:8]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        render_job(music[0], out / "warm-up", 22050)
        start = time.perf_counter()
        for job in music:
            render_job(job, out / "music", 22050)
        music_x = sum(j.spec.duration for j in music) / (time.perf_counter() - start)
        start = time.perf_counter()
        with ProcessPoolExecutor(1, mp_context=_context(), max_tasks_per_child=1) as pool:
            for future in [pool.submit(render_job, j, out / "speech", 22050) for j in speech]:
                future.result()
        speech_x = sum(j.spec.duration for j in speech) / (time.perf_counter() - start)
        start = time.perf_counter()
        render_corpus("workshop", out / "corpus", workers=os.cpu_count(), progress=False)
        corpus_s = time.perf_counter() - start
    preset = PRESETS["workshop"]
    audio_s = (preset.n_music + preset.n_speech) * preset.clip_seconds
    return {
        "music_x_realtime_1_core": music_x,
        "speech_x_realtime_1_core": speech_x,
        "workshop_corpus_seconds": corpus_s,
        "workshop_corpus_x_realtime": audio_s / corpus_s,
        "workers": os.cpu_count(),
    }


def speed(
    backends: list[str], n_steps: int, update: Path | None, models: list[str] | None = None
) -> int:
    figures = {}
    for backend in backends:
        print(f"timing {backend} ...", flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json") as handle:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "common.course.bench",
                    "_speed_worker",
                    "--steps",
                    str(n_steps),
                    "--json",
                    handle.name,
                    *(["--models", *models] if models else []),
                ],
                env={**os.environ, "KERAS_BACKEND": backend},
                check=True,
                stdout=subprocess.DEVNULL,
            )
            figures[backend] = json.loads(Path(handle.name).read_text())
    print("timing the corpus renderer ...", flush=True)
    rendering = render_speed()
    record = {
        "date": date.today().isoformat(),
        "machine": machine(),
        "steps": n_steps,
        "backends": figures,
        "rendering": rendering,
    }
    write_json(RESULTS / "speed.json", record)

    names = [n for n in figures[backends[0]] if n != "backend"]
    rows = []
    for name in names:
        first = figures[backends[0]][name]
        row = [f"`{name}`", "x".join(map(str, first["input"])), str(first["batch"])]
        row.append(f"{first['parameters']:,}")
        for key in ("train_ms", "predict_ms"):
            row += [_milliseconds(figures[b][name][key]) for b in backends]
        row.append(" / ".join(f"{figures[b][name]['first_step_s']:.1f}" for b in backends))
        rows.append(row)
    table = markdown_table(
        ["model", "input", "batch", "parameters"]
        + [f"train ms, {b}" for b in backends]
        + [f"predict ms, {b}" for b in backends]
        + [f"first step s ({' / '.join(backends)})"],
        rows,
    )
    render_text = (
        f"Corpus rendering: music {rendering['music_x_realtime_1_core']:.0f}x real time on one core "
        f"(stems, production and annotations included), speech "
        f"{rendering['speech_x_realtime_1_core']:.0f}x (one fresh process per clip); the whole "
        f"workshop preset in {rendering['workshop_corpus_seconds']:.0f} s with "
        f"{rendering['workers']} workers ({rendering['workshop_corpus_x_realtime']:.0f}x real time)."
    )
    body = (
        f"Command: `python -m common.course.bench speed --steps {n_steps}`, {record['date']}.  \n"
        f"Machine: {record['machine']}.  \nMedian of {n_steps} steps after 3 warm-up steps.\n\n"
        f"{table}\n\n{render_text}"
    )
    print(body)
    if update:
        update_section(update, "speed", body)
        print(f"updated {update}")
    return 0


# ---------------------------------------------------------------------------------------------
# Quality
# ---------------------------------------------------------------------------------------------


def _backbone_note(part: int) -> str:
    """For Part 1: the shipped backbone's own figures, from the file its training script wrote."""
    path = REPO_ROOT / "part1_classification" / "backbone" / "backbone.json"
    if part != 1 or not path.is_file():
        return ""
    info = read_json(path)
    test, trained = info["test"], info["trained"]
    return (
        f"\n\nThe backbone used by `tagging` was pre-trained by `{trained['command']}` "
        f"({trained['date']}, {trained['seconds'] / 60:.0f} min on {trained['machine'].split(';')[0]}): "
        f"{info['parameters']:,} parameters, {info['file_mb']} MB, {info['training_clips']} training "
        f"clips of the {info['source']}. On that corpus's test split ({test['clips']} clips): style "
        f"accuracy {test['style_accuracy']:.3f}, instrument ROC-AUC (macro) "
        f"{test['instrument_roc_auc_macro']:.3f}."
    )


def _cell(row: dict) -> str:
    """``0.912`` for one seed; ``0.912 (0.905-0.918)``, the mean and the range, for several."""
    if len(row.get("seeds", [0])) < 2:
        return f"{row['value']:.3f}"
    return f"{row['value']:.3f} ({row['low']:.3f}-{row['high']:.3f})"


def backends_agree(rows: list[dict]) -> str:
    """Whether the backends' results differ by more than their seed spread: ``within spread``
    when every backend's mean lies inside every other backend's range of seeds, ``differ``
    otherwise, and ``""`` when fewer than two backends have two seeds or more."""
    spread = [r for r in rows if len(r.get("seeds", [0])) >= 2]
    if len(spread) < 2:
        return ""
    inside = all(a["low"] - 1e-9 <= b["value"] <= a["high"] + 1e-9 for a in spread for b in spread)
    return "within spread" if inside else "differ"


#: The order of evaluation sets in tables: the test split, its variants, then held-out music.
SPLIT_ORDER = ("test", "test-nodrums", "ood-styles", "ood-timbres")


def split_rank(split: str) -> tuple[int, str]:
    return (SPLIT_ORDER.index(split) if split in SPLIT_ORDER else len(SPLIT_ORDER), split)


def results_table(rows: list[dict], with_example: bool = True) -> str:
    """A Markdown table of result rows (summaries over seeds, see
    :func:`common.results.summarise`): one line per (example, model, metric), one column per
    backend, models before baselines. With several seeds a cell is the mean and the range, and a
    last column says whether the backends differ by more than their seed spread."""
    keys = sorted(
        {(r["example"], r["model"], r["role"], r["metric"], r["split"]) for r in rows},
        key=lambda k: (k[0], k[3], k[2] != "model", k[1], split_rank(k[4])),
    )
    present = [b for b in BACKENDS if any(r["backend"] == b for r in rows)]
    found = {
        (r["example"], r["model"], r["role"], r["metric"], r["split"], r["backend"]): r
        for r in rows
    }
    seeded = any(len(r.get("seeds", [0])) >= 2 for r in rows)
    lines = []
    for key in keys:
        example, model, role, metric, split = key
        cells = [_cell(found[(*key, b)]) if (*key, b) in found else "" for b in present]
        agree = [backends_agree([found[(*key, b)] for b in present if (*key, b) in found])]
        lines.append(
            [example] * with_example + [model, role, f"{metric} ({split})", *cells] + agree * seeded
        )
    header = (
        ["example"] * with_example + ["model", "role", "metric", *present] + ["backends"] * seeded
    )
    return markdown_table(header, lines)


def measured(part: int, example: str, size: str = "workshop") -> str:
    """The benchmark's figures for one example, as Markdown (for the notebooks): what
    ``python -m common.course.bench quality`` measured on every backend, with its date and machine."""
    path = RESULTS / f"quality-{size}.json"
    record = read_json(path) if path.is_file() else {"rows": [], "runs": {}}
    rows = [
        r for r in record["rows"] if (r["part"], r["example"], r["size"]) == (part, example, size)
    ]
    if not rows:
        return (
            f"No measured `{size}` results for `{example}` in `results/{path.name}` yet: "
            f"`python -m common.course.bench quality --parts {part} --size {size}` measures them."
        )
    run = record["runs"].get(str(part), {})
    return (
        f"Measured by `python -m common.course.bench quality --parts {part} --size {size}` on "
        f"{run.get('date', '?')} ({run.get('machine', '?')}):\n\n"
        + results_table(rows, with_example=False)
    )


def course_modules(roots: list[Path]) -> list[Path]:
    """``roots`` and every file of the course's library (``common``) they import, directly or
    through each other: every ``import`` statement counts, at any depth (the scripts import
    inside functions), with the packages above each module (whose ``__init__`` runs too)."""
    seen: set[Path] = set()
    todo = list(roots)
    while todo:
        path = todo.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if parts[0] != "common":
                    continue
                for depth in range(1, len(parts) + 1):  # common, common.data, common.data.cache
                    target = REPO_ROOT.joinpath(*parts[:depth])
                    todo += [target / "__init__.py", target.with_suffix(".py")]
    return sorted(seen)


def code_fingerprint(part: int, size: str) -> str:
    """What a part's figures depend on, as a short digest: the part's scripts, the files of
    the course's library they import (:func:`course_modules`), the files shipped with the part
    (the Part 1 backbone), the corpus size and the corpus generator's version.
    ``quality(resume=True)`` reuses a seed's rows only when this is unchanged."""
    from common.course.workshop import PARTS
    from common.data.synthetic import GENERATOR_VERSION

    folder = REPO_ROOT / PARTS[part].folder
    scripts = [folder / script.path for script in PARTS[part].scripts]
    files = course_modules(scripts)
    files += [p for p in (folder / "backbone").rglob("*") if p.is_file() and p.suffix != ".pyc"]
    digest = hashlib.sha256(f"{GENERATOR_VERSION} {size}".encode())
    for path in sorted(set(files)):
        digest.update(str(path.relative_to(REPO_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def quality(
    parts: list[int],
    size: str,
    backends: list[str],
    update: Path | None,
    seeds: int = 1,
    resume: bool = False,
) -> int:
    """Run ``parts`` on every backend with seeds ``0 .. seeds-1`` and store their rows in
    ``results/quality-<size>.json``: every seed's row under ``"seed_rows"``, and under
    ``"rows"`` one summary per measurement (the mean over the seeds, with its range), which the
    slides, the notebooks and ``BENCHMARKS.md`` read.

    Each finished (part, backend, seed) is saved at once, with the :func:`code_fingerprint` it
    ran under. With ``resume``, one that finished without failure under the same fingerprint
    is not run again: a long measurement can be stopped and taken up later, and never mixes
    figures of different code."""
    from common.course.workshop import PARTS, run_parts
    from common.results import as_dicts, summarise

    path = RESULTS / f"quality-{size}.json"
    record = read_json(path) if path.is_file() else {"rows": [], "timings": {}, "runs": {}}
    record.setdefault("seed_rows", [])
    finished = record.setdefault("seed_runs", [])
    status = 0
    fresh: list[dict] = []  # this invocation's rows replace every earlier row of these parts
    used: dict[int, list[dict]] = {}  # the (backend, seed) runs behind each part's figures
    built = [n for n in parts if PARTS[n].scripts]
    codes = {n: code_fingerprint(n, size) for n in built}
    # Seed by seed, so that a measurement stopped early has its first seeds on every backend.
    for seed in range(seeds):
        for backend in backends:
            for number in built:
                key = {"part": number, "size": size, "backend": backend, "seed": seed}

                def same(entry: dict, key=key) -> bool:
                    return all(entry.get(k, 0) == v for k, v in key.items())

                done = next((r for r in finished if same(r)), None)
                if resume and done and done["code"] == codes[number] and done["complete"]:
                    rows = [r for r in record["seed_rows"] if same(r)]
                    print(f"Part {number}, {backend}, seed {seed}: measured {done['date']}, kept.")
                else:
                    with tempfile.TemporaryDirectory() as logdir:
                        results, timings, failures = run_parts(
                            [number], size, backend, Path(logdir), seed
                        )
                    if failures:
                        print(f"FAILED (seed {seed}): " + "; ".join(failures), file=sys.stderr)
                        status = 1
                    rows = as_dicts(results)
                    done = {
                        **key,
                        "code": codes[number],
                        "complete": not failures,
                        "seconds": timings.get(number, 0.0),
                        "date": date.today().isoformat(),
                        "machine": machine(),
                    }
                    finished[:] = [r for r in finished if not same(r)] + [done]
                    record["seed_rows"] = [r for r in record["seed_rows"] if not same(r)] + rows
                    write_json(path, record)  # saved as it goes: an interruption loses no seed
                fresh.extend(rows)
                used.setdefault(number, []).append(done)
    for number, runs in used.items():
        for backend in backends:
            seconds = [r["seconds"] for r in runs if r["backend"] == backend]
            record["timings"].setdefault(str(number), {})[backend] = sum(seconds) / len(seconds)
        dates = sorted({r["date"] for r in runs})
        record["runs"][str(number)] = {
            "date": dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}",
            "machine": runs[-1]["machine"],
            "seeds": seeds,
        }

    def kept(rows: list[dict]) -> list[dict]:
        return [r for r in rows if not (r["part"] in parts and r["size"] == size)]

    record["seed_rows"] = kept(record["seed_rows"]) + fresh
    record["seed_runs"] = [
        r for r in finished if not (r["part"] in parts and r["size"] == size)
    ] + [r for runs in used.values() for r in runs]
    record["rows"] = kept(record["rows"]) + summarise(fresh)
    write_json(path, record)

    for number in parts:
        if not PARTS[number].scripts:
            continue
        rows = [r for r in record["rows"] if r["part"] == number and r["size"] == size]
        present = [b for b in BACKENDS if any(r["backend"] == b for r in rows)]
        table = results_table(rows)
        timing = record["timings"].get(str(number), {})
        minutes = ", ".join(f"{b} {timing[b] / 60:.1f} min" for b in present if b in timing)
        run = record["runs"].get(str(number), {})
        n_seeds = run.get("seeds", 1)
        seeds_option = f" --seeds {n_seeds}" if n_seeds > 1 else ""
        spread = (
            f"Each cell is the mean over seeds 0 to {n_seeds - 1} (the `--seed` of every script) "
            "and, in brackets, the lowest and highest seed; the last column says whether the "
            "backends differ by more than that spread (`within spread`: every backend's mean lies "
            "inside every other backend's range).\n\n"
            if n_seeds > 1
            else "One seed (0) per backend: differences between backends may be seed noise.\n\n"
        )
        body = (
            f"Command: `python -m common.course.bench quality --parts {number} --size {size}"
            f"{seeds_option}`, {run.get('date', '')}.  \nMachine: {run.get('machine', '')}.  \n"
            f"Wall time of the part per seed (all its scripts, on the rendered corpus; feature "
            f"caches already on disk are reused): {minutes}.\n\n"
            f"{spread}{table}{_backbone_note(number)}"
        )
        print(f"\nPart {number}, {size}:\n{body}")
        if update:
            update_section(update, f"quality-part{number}-{size}", body)
    if update:
        print(f"updated {update}")
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m common.course.bench", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    speed_parser = commands.add_parser("speed", help="step times per backend, corpus render speed")
    speed_parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    speed_parser.add_argument("--steps", type=int, default=30)
    speed_parser.add_argument("--update", type=Path, default=None, help="Markdown file to update")
    speed_parser.add_argument(
        "--models", nargs="+", default=None, help="names in common.models.registry.EXAMPLES"
    )
    quality_parser = commands.add_parser("quality", help="test-split metrics of the parts' scripts")
    quality_parser.add_argument("--parts", type=int, nargs="+", required=True)
    quality_parser.add_argument("--size", choices=SIZES, default="workshop")
    quality_parser.add_argument(
        "--backends",
        nargs="+",
        choices=BACKENDS,
        default=list(BACKENDS),
        help="backends to run; all earlier rows of the parts are replaced",
    )
    quality_parser.add_argument("--update", type=Path, default=None, help="Markdown file to update")
    quality_parser.add_argument(
        "--seeds",
        type=positive_int,
        default=1,
        help="run every script with seeds 0 .. N-1 and report the mean and the range",
    )
    quality_parser.add_argument(
        "--resume",
        action="store_true",
        help="keep each part, backend and seed already measured without failure by the same "
        "code (see code_fingerprint); run the others",
    )
    worker = commands.add_parser("_speed_worker")
    worker.add_argument("--steps", type=int, default=30)
    worker.add_argument("--json", type=Path, required=True)
    worker.add_argument("--models", nargs="+", default=None)
    args = parser.parse_args(argv)

    if args.command == "_speed_worker":
        write_json(args.json, speed_worker(args.steps, args.models))
        return 0
    if args.command == "speed":
        return speed(args.backends, args.steps, args.update, args.models)
    return quality(args.parts, args.size, args.backends, args.update, args.seeds, args.resume)


if __name__ == "__main__":
    sys.exit(main())
