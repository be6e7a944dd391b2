"""Result rows: every figure the course reports, with where and how it was measured.

A row is ``{part, example, model, role, metric, value, split, backend, size, seconds}``; every
metric is higher-is-better; ``role`` tells a course model from the baseline it is compared with
(or an oracle, an upper bound). Scripts add their rows to a shared ``results.json``; the
workshop runner and the benchmark tables read it back.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from common import InputError
from common.fileio import file_lock, read_json, write_json

ROLES = ("model", "baseline", "oracle")
#: What :func:`summarise` adds to a row: the lowest and highest value over the seeds, and which.
SPREAD_FIELDS = ("low", "high", "seeds")


@dataclass(frozen=True)
class Result:
    part: int
    example: str
    model: str
    role: str
    metric: str
    value: float
    split: str = "test"
    backend: str = ""
    size: str = ""
    seconds: float = 0.0
    seed: int = 0  # the script's --seed: runs with other seeds are other measurements

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, not {self.role!r}")

    @property
    def key(self) -> tuple:
        """Rows with the same key describe the same measurement; a new one replaces the old."""
        return (
            self.part,
            self.example,
            self.model,
            self.metric,
            self.split,
            self.backend,
            self.size,
            self.seed,
        )


def as_dicts(rows: list[Result]) -> list[dict]:
    """Rows as plain dictionaries (for JSON)."""
    return [asdict(r) for r in rows]


class ResultsFileError(InputError, ValueError):
    """A results file that cannot be read: not JSON, or not rows of results."""


def load_results(path: str | os.PathLike) -> list[Result]:
    """Rows of a results file: a run's ``results.json`` (a list of rows) or a benchmark's
    ``results/quality-<size>.json`` (rows under ``"rows"``). An empty list if it does not exist;
    :class:`ResultsFileError`, naming the file, if it cannot be read."""
    path = Path(path)
    if not path.is_file():
        return []
    try:
        data = read_json(path)
        rows = data["rows"] if isinstance(data, dict) else data
        # A benchmark's rows are summaries over seeds: they carry their spread as extra fields.
        return [Result(**{k: v for k, v in row.items() if k not in SPREAD_FIELDS}) for row in rows]
    except (ValueError, TypeError, KeyError) as exc:  # JSONDecodeError is a ValueError
        raise ResultsFileError(f"{path} is not a readable results file ({exc}).") from exc


def set_aside(path: Path) -> Path:
    """Rename a damaged file to ``<name>.corrupt-<time>`` beside it, so that nothing is lost."""
    aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
    os.replace(path, aside)
    return aside


def save_results(path: str | os.PathLike, rows: list[Result]) -> Path:
    """Add ``rows`` to the results file at ``path`` (atomically, safe against concurrent
    writers), replacing earlier rows of the same measurement. A damaged file at ``path`` is set
    aside (see :func:`set_aside`, with a message) rather than lose the new rows."""
    path = Path(path)
    with file_lock(path.with_name(path.name + ".lock")):
        try:
            earlier = load_results(path)
        except ResultsFileError as exc:
            aside = set_aside(path)
            print(
                f"warning: {exc} It was renamed to {aside.name}; starting a new one.",
                file=sys.stderr,
            )
            earlier = []
        merged = {r.key: r for r in earlier}
        merged.update({r.key: r for r in rows})
        write_json(path, as_dicts(list(merged.values())))
    return path


def summarise(rows: list[dict]) -> list[dict]:
    """One row per measurement over its seeds: ``value`` and ``seconds`` are the means over
    the seeds, ``low`` and ``high`` the lowest and highest value, ``seeds`` the seeds, in order.

    ``rows`` are result rows as dictionaries (each with its ``seed``; a row without one is
    seed 0). The order of first appearance is kept.
    """
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        row = {"seed": 0, **row}
        key = tuple(
            row[k]
            for k in ("part", "example", "model", "role", "metric", "split", "backend", "size")
        )
        groups.setdefault(key, []).append(row)
    summaries = []
    for group in groups.values():
        group.sort(key=lambda r: r["seed"])
        values = [float(r["value"]) for r in group]
        summary = {k: v for k, v in group[0].items() if k not in SPREAD_FIELDS}
        summary.update(
            value=sum(values) / len(values),
            seconds=sum(float(r["seconds"]) for r in group) / len(group),
            seed=group[0]["seed"],
            low=min(values),
            high=max(values),
            seeds=[r["seed"] for r in group],
        )
        summaries.append(summary)
    return summaries


def format_table(rows: list[Result]) -> str:
    """A plain-text table of ``rows``, grouped by example, model rows before baselines."""
    if not rows:
        return "(no results)"
    order = {role: i for i, role in enumerate(ROLES)}
    rows = sorted(rows, key=lambda r: (r.part, r.example, r.metric, order[r.role], -r.value))
    header = (
        "part",
        "example",
        "model",
        "role",
        "metric",
        "value",
        "split",
        "backend",
        "size",
        "seconds",
    )
    cells = [header] + [
        (
            str(r.part),
            r.example,
            r.model,
            r.role,
            r.metric,
            f"{r.value:.3f}",
            r.split,
            r.backend,
            r.size,
            f"{r.seconds:.0f}",
        )
        for r in rows
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(len(header))).rstrip() for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
