"""What a script or a notebook does first: the backend, the corpus size, the run folders.

A script calls :func:`parse_args` **before** importing Keras, because the backend is fixed at
the first ``import keras``::

    from common.cli import script_parser, parse_args
    args = parse_args(script_parser(__doc__, part=0, example="style_mlp"))
    import keras  # now on the backend chosen by --backend or KERAS_BACKEND

A notebook calls :func:`start_notebook` in its first cell, with the script it accompanies, so
that its settings (epochs per size, crop lengths) are the script's own::

    from common.cli import start_notebook
    notebook = start_notebook("genre")  # part1_classification/scripts/genre.py
    epochs = notebook.epochs            # genre.EPOCHS at this corpus size

Taught in Part 0 (notebook 03) and used by every script and notebook.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import NoReturn

from common import REPO_ROOT, InputError, runs_home

BACKENDS = ("jax", "tensorflow", "torch")
SIZES = ("tiny", "workshop", "full")
#: Environment variable that gives notebooks their corpus size (the tests set ``tiny``).
SIZE_VARIABLE = "MIR_COURSE_SIZE"


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
        from common.nn.tensorboard import quiet_stderr

        with quiet_stderr():  # Keras imports TensorFlow, which prints C++ start-up messages
            import keras  # noqa: F401
        from common.nn.tensorboard import tensorflow

        tensorflow()  # probes the devices now, quietly, rather than at the first operation
    return name


def positive_int(text: str) -> int:
    """An ``argparse`` type: a whole number of at least 1 (``--epochs 0`` is an error, not the
    default, and a negative count never trains nothing silently)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return value


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
    from common.data.datasets import DATASETS  # numpy and the parsers; no Keras

    parser.add_argument(
        "--dataset",
        choices=sorted(DATASETS),
        default="synthetic",
        help="'synthetic' (the embedded corpus) or a real dataset",
    )
    parser.add_argument(
        "--data-home", type=Path, default=None, help="folder holding downloaded real datasets"
    )
    parser.add_argument(
        "--epochs",
        type=positive_int,
        default=None,
        help="training epochs, at least 1 (default: per size)",
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
    if args.logdir.exists() and not args.logdir.is_dir():
        parser.error(f"--logdir {args.logdir} is a file; give a folder for the TensorBoard runs.")
    if args.results is None:
        args.results = args.logdir / "results.json"
    return args


def run(main: Callable[[], int | None]) -> NoReturn:
    """Run a script's ``main`` and exit with its status. Input the user can fix (an
    :class:`~common.InputError`: a dataset not downloaded, audio that cannot be read, a folder
    that is not a corpus) ends the script with its message, ``<script>: error: ...`` (one line,
    then the commands that fix it where there are any), and exit status 2, as a bad option
    does, instead of a traceback.

    Every script ends with ``if __name__ == "__main__": run(main)``.
    """
    try:
        status = main()
    except InputError as exc:
        name = Path(sys.argv[0]).name or "script"
        print(f"{name}: error: {exc}", file=sys.stderr)
        sys.exit(2)
    sys.exit(status)


def load_script(script: str | os.PathLike) -> ModuleType:
    """A script of the course as a module, to read its settings (its ``main`` is not run).

    ``script`` is a path, or the name of a script in a part's ``scripts/`` folder (``"genre"``
    for ``part1_classification/scripts/genre.py``).
    """
    path = Path(script)
    if path.suffix != ".py":
        found = sorted(REPO_ROOT.glob(f"part*/scripts/{script}.py"))
        if len(found) != 1:
            known = sorted(p.stem for p in REPO_ROOT.glob("part*/scripts/*.py"))
            raise ValueError(f"No single script called {script!r}; the scripts are {known}.")
        path = found[0]
    spec = importlib.util.spec_from_file_location(f"script_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Notebook:
    """What :func:`start_notebook` set up: the corpus size, the backend and the script."""

    size: str
    backend: str
    script: ModuleType | None

    @property
    def epochs(self) -> int:
        """The script's training epochs at this corpus size (its ``EPOCHS[size]``)."""
        if self.script is None or not hasattr(self.script, "EPOCHS"):
            raise AttributeError("This notebook's script has no EPOCHS: pass it to start_notebook.")
        return self.script.EPOCHS[self.size]


def start_notebook(script: str | None = None, backend: str = "jax") -> Notebook:
    """The first cell of every notebook, before Keras is imported.

    Reads the corpus size from ``$MIR_COURSE_SIZE`` (``workshop`` unless the tests ask for
    ``tiny``), selects the backend (``$KERAS_BACKEND``, else ``backend``), sets up compact inline
    figures, loads the settings of the accompanying ``script`` (see :func:`load_script`) and
    prints what it chose.
    """
    size = os.environ.get(SIZE_VARIABLE, "workshop")
    if size not in SIZES:
        raise ValueError(f"{SIZE_VARIABLE}={size!r}: use one of {', '.join(SIZES)}.")
    chosen = select_backend(os.environ.get("KERAS_BACKEND", backend))
    import keras

    from common.viz.figures import setup_notebook

    setup_notebook()
    module = load_script(script) if script is not None else None
    print("Keras", keras.__version__, "on", chosen, "| corpus size:", size)
    return Notebook(size, chosen, module)
