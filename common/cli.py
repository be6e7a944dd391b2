"""Command-line plumbing shared by every script: the backend, the data, the run folders.

A script calls :func:`parse_args` **before** importing Keras, because the backend is fixed at
the first ``import keras``::

    from common.cli import script_parser, parse_args
    args = parse_args(script_parser(__doc__, part=0, example="style_mlp"))
    import keras  # now on the backend chosen by --backend or KERAS_BACKEND
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from common import runs_home

BACKENDS = ("jax", "tensorflow", "torch")
SIZES = ("tiny", "workshop", "full")


class BackendError(RuntimeError):
    """The requested Keras backend is unknown, or Keras already runs on another one."""


def select_backend(name: str | None = None) -> str:
    """Choose the Keras backend (``jax``, ``tensorflow`` or ``torch``) before Keras is imported.

    ``None`` keeps ``$KERAS_BACKEND`` (or Keras' own default, ``tensorflow``). Returns the name.
    """
    name = name or os.environ.get("KERAS_BACKEND") or "tensorflow"
    if name not in BACKENDS:
        raise BackendError(
            f"Unknown Keras backend {name!r}. Use one of {', '.join(BACKENDS)}: "
            f"`KERAS_BACKEND=jax python ...` or `--backend jax`."
        )
    if "keras" in sys.modules:
        import keras

        if keras.backend.backend() != name:
            raise BackendError(
                f"Keras is already running on {keras.backend.backend()!r}; the backend can only "
                "be chosen before the first `import keras`. Restart Python (or the notebook "
                f"kernel) with KERAS_BACKEND={name}."
            )
    os.environ["KERAS_BACKEND"] = name
    if name == "tensorflow" and "keras" not in sys.modules:
        from common.quiet import quiet_stderr

        with quiet_stderr():  # Keras imports TensorFlow, which prints C++ start-up messages
            import keras  # noqa: F401
        from common.training import tensorflow

        tensorflow()  # probes the devices now, quietly, rather than at the first operation
    return name


def script_parser(description: str | None, part: int, example: str) -> argparse.ArgumentParser:
    """An argument parser with the options every script of the course shares."""
    parser = argparse.ArgumentParser(
        description=(description or "").strip().splitlines()[0] if description else None,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.set_defaults(part=part, example=example)
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default=None,
        help="Keras backend (default: $KERAS_BACKEND, else tensorflow)",
    )
    parser.add_argument(
        "--size",
        choices=SIZES,
        default="workshop",
        help="size of the embedded corpus, rendered on first use",
    )
    parser.add_argument(
        "--dataset",
        default="synthetic",
        help="'synthetic' (the embedded corpus) or a real dataset name",
    )
    parser.add_argument(
        "--data-home", type=Path, default=None, help="folder holding downloaded real datasets"
    )
    parser.add_argument(
        "--epochs", type=int, default=None, help="training epochs (default: per size)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument(
        "--logdir",
        type=Path,
        default=runs_home(),
        help="TensorBoard runs go under LOGDIR/part<N>/<example>/",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=None,
        help="results file to add this run's rows to (default: LOGDIR/results.json)",
    )
    return parser


def parse_args(
    parser: argparse.ArgumentParser, argv: list[str] | None = None
) -> argparse.Namespace:
    """Parse the command line and select the backend, so that ``import keras`` may follow."""
    args = parser.parse_args(argv)
    try:
        args.backend = select_backend(args.backend)
    except BackendError as exc:
        parser.error(str(exc))
    if args.results is None:
        args.results = args.logdir / "results.json"
    return args
