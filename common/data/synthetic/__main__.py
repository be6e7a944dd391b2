"""Render the embedded corpus: ``python -m common.data.synthetic --preset tiny --out DIR``."""

from __future__ import annotations

import argparse
import sys
import time

from common.data.synthetic.generator import PRESETS, CorpusMismatchError, render_corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m common.data.synthetic",
        description="Render the synthetic corpus (music with stems and labels, and speech).",
    )
    parser.add_argument(
        "--preset", choices=sorted(PRESETS), default="tiny", help="corpus size (default: tiny)"
    )
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=0, help="seed of the plan (default: 0)")
    parser.add_argument(
        "--workers", type=int, default=None, help="processes to render with (default: all cores)"
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help="check every file of a finished corpus and render again what is missing or empty",
    )
    args = parser.parse_args(argv)

    preset = PRESETS[args.preset]
    print(
        f"{preset.name}: {preset.n_music} music clips and {preset.n_speech} speech clips of "
        f"{preset.clip_seconds:g} s into {args.out}"
    )
    start = time.perf_counter()
    try:
        out = render_corpus(
            preset, args.out, seed=args.seed, workers=args.workers, verify=args.verify
        )
    except CorpusMismatchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            f"Interrupted after {time.perf_counter() - start:.1f} s. The clips rendered so far "
            "are kept: run the same command again to render the rest.",
            file=sys.stderr,
        )
        return 130
    print(f"Done in {time.perf_counter() - start:.1f} s: {out}/metadata.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
