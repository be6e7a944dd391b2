"""Run the workshop: every part's scripts in order, then one table of results.

    python -m common.course.workshop [--parts 0 1 2 3 4] [--size tiny|workshop|full] [--logdir runs]

Each script trains its models, writes TensorBoard runs under ``<logdir>/part<N>/<example>/`` and
adds its result rows to ``<logdir>/results.json``. A part that is not built yet is reported as
such. The exit status is non-zero if any script failed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from common import REPO_ROOT, runs_home
from common.cli import BACKENDS, SIZES, BackendError, select_backend
from common.results import format_table, load_results, save_results


@dataclass(frozen=True)
class Script:
    path: str  # relative to the part's folder
    arguments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Part:
    folder: str
    title: str
    scripts: tuple[Script, ...] = field(default_factory=tuple)


#: The workshop, in teaching order. A part with no scripts is not built yet.
PARTS = {
    0: Part(
        "part0_audio_basics",
        "Audio basics and Keras 3 basics",
        (Script("scripts/train_style_mlp.py", ("--check-backends",)),),
    ),
    1: Part(
        "part1_classification",
        "Classification and tagging with CNNs",
        tuple(
            Script(f"scripts/{name}.py")
            for name in ("music_speech", "genre", "tagging", "vocal", "frontends", "multipitch")
        ),
    ),
    2: Part("part2_similarity", "Similarity and representation learning"),
    3: Part(
        "part3_onsets_beats",
        "Onsets, beats, downbeats and tempo",
        tuple(
            Script(f"scripts/{name}.py") for name in ("novelty", "onsets", "beats", "tempo_stretch")
        ),
    ),
    4: Part("part4_separation_generation", "Source separation and generation"),
}


def run_script(
    part: int,
    script: Script,
    size: str,
    backend: str,
    logdir: Path,
    results: Path,
    seed: int = 0,
) -> tuple[bool, float]:
    """Run one script in a child process (its own backend session); stream its output."""
    command = [
        sys.executable,
        str(REPO_ROOT / PARTS[part].folder / script.path),
        "--size",
        size,
        "--backend",
        backend,
        "--logdir",
        str(logdir),
        "--results",
        str(results),
        "--seed",
        str(seed),
        *script.arguments,
    ]
    print(f"\n--- part {part}: {script.path} ---", flush=True)
    start = time.perf_counter()
    finished = subprocess.run(command, cwd=REPO_ROOT)
    return finished.returncode == 0, time.perf_counter() - start


def run_parts(parts: list[int], size: str, backend: str, logdir: Path, seed: int = 0):
    """Run the scripts of ``parts`` on ``backend``, each with ``--seed seed``.

    Returns ``(rows, seconds_per_part, failures)``: the result rows of this run only, the wall
    time of each part that has scripts, and the scripts that failed. Each script's rows are
    added to ``<logdir>/results.json`` as soon as it finishes, so that an interruption (Ctrl-C)
    or a failure later on loses none of them; on Ctrl-C this returns what finished, with
    ``"interrupted"`` among the failures.
    """
    from common.data import ensure_corpus

    if any(PARTS[p].scripts for p in parts):
        start = time.perf_counter()
        path = ensure_corpus(size)
        print(f"Corpus ready in {time.perf_counter() - start:.0f} s: {path}", flush=True)
    rows, failures, timings = [], [], {}
    with tempfile.TemporaryDirectory() as scratch:
        for number in parts:
            part = PARTS[number]
            if not part.scripts:
                print(f"\nPart {number} ({part.title}): not built yet; see {part.folder}/README.md")
                continue
            timings[number] = 0.0
            for index, script in enumerate(part.scripts):
                this_script = Path(scratch) / f"part{number}-{index}.json"
                try:
                    ok, seconds = run_script(
                        number, script, size, backend, logdir, this_script, seed
                    )
                except KeyboardInterrupt:
                    print(f"\nInterrupted during part {number}: {script.path}.", file=sys.stderr)
                    return rows, timings, [*failures, "interrupted"]
                timings[number] += seconds
                if not ok:
                    failures.append(f"part {number}: {script.path}")
                finished = load_results(this_script)
                if finished:
                    save_results(logdir / "results.json", finished)
                    rows += finished
    return rows, timings, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m common.course.workshop", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--parts", type=int, nargs="+", default=sorted(PARTS), choices=sorted(PARTS)
    )
    parser.add_argument("--size", choices=SIZES, default="workshop")
    parser.add_argument("--logdir", type=Path, default=runs_home())
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default=None,
        help="Keras backend (default: $KERAS_BACKEND, else tensorflow)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed of every script")
    args = parser.parse_args(argv)
    try:
        backend = select_backend(args.backend)
    except BackendError as exc:
        parser.error(str(exc))

    print(
        f"Workshop: parts {' '.join(map(str, args.parts))}, {args.size} corpus, {backend} backend"
    )
    rows, timings, failures = run_parts(args.parts, args.size, backend, args.logdir, args.seed)
    print("\n=== Results (test split unless named; every metric is higher-is-better) ===")
    print(format_table(rows))
    for number, seconds in timings.items():
        print(f"Part {number} took {seconds / 60:.1f} min on {backend}.")
    print(
        f"\nAll rows: {args.logdir / 'results.json'}.  Curves, spectrograms and audio: "
        f"tensorboard --logdir {args.logdir}"
    )
    if "interrupted" in failures:
        print("Interrupted: the rows above are saved; run the remaining parts with --parts.")
        return 130
    if failures:
        print("FAILED: " + "; ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
