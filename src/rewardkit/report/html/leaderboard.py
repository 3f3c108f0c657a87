"""An HTML leaderboard of several evaluation runs, sorted by accuracy.

One row per run: accuracy with its CI (also drawn as bars with whiskers), the other metrics,
and the accuracy of every subset that all runs share.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from rewardkit.report.atomic import write_text
from rewardkit.report.html.page import document, table
from rewardkit.report.html.run_data import estimate
from rewardkit.report.html.svg import fmt, interval_bars

__all__ = ["render_leaderboard", "write_leaderboard"]


@dataclass(frozen=True)
class _Entry:
    name: str
    spec: str
    results: dict[str, Any]

    @property
    def accuracy(self) -> float:
        v = ((self.results.get("metrics") or {}).get("accuracy") or {}).get("value")
        return float(v) if v is not None and math.isfinite(float(v)) else -math.inf


def _entries(run_dirs: Sequence[Path]) -> list[_Entry]:
    out = []
    for d in run_dirs:
        results = json.loads((Path(d) / "results.json").read_text(encoding="utf-8"))
        spec = str((results.get("model") or {}).get("spec", Path(d).name))
        out.append(_Entry(Path(d).name, spec, results))
    return sorted(out, key=lambda e: (-e.accuracy, e.spec, e.name))


def _shared_subsets(entries: Sequence[_Entry]) -> list[str]:
    if not entries:
        return []
    first = [str(s) for s in entries[0].results.get("by_subset") or {}]
    rest = [set(map(str, e.results.get("by_subset") or {})) for e in entries[1:]]
    return [s for s in first if all(s in r for r in rest)]


def _metric_names(entries: Sequence[_Entry]) -> list[str]:
    names: list[str] = []
    for e in entries:
        for name in e.results.get("metrics") or {}:
            if name != "accuracy" and name not in names:
                names.append(str(name))
    return names


def _label(e: _Entry) -> str:
    return e.spec if e.spec == e.name else f"{e.spec} ({e.name})"


def render_leaderboard(run_dirs: Sequence[Path], title: str = "rewardkit leaderboard") -> str:
    """Render several runs as one HTML leaderboard, best accuracy first.

    Args:
        run_dirs: Run directories, each with a ``results.json``.
        title: Page title.

    Returns:
        The HTML document. Ties in accuracy are ordered by model spec, then directory name.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> for name, acc in (("a", 0.6), ("b", 0.8)):
        ...     (d / name).mkdir()
        ...     _ = (d / name / "results.json").write_text(json.dumps({"model": {"spec": name},
        ...         "metrics": {"accuracy": {"value": acc, "ci": [acc, acc], "n": 1}}}))
        >>> html = render_leaderboard([d / "a", d / "b"])
        >>> html.index("<td>b</td>") < html.index("<td>a</td>")
        True
    """
    entries = _entries(run_dirs)
    subsets = _shared_subsets(entries)
    metrics = _metric_names(entries)
    header = ["rank", "model", "run", "items", "accuracy", "CI", *metrics]
    header += [f"acc: {s}" for s in subsets]
    rows: list[list[str]] = []
    for rank, e in enumerate(entries, start=1):
        res_metrics = e.results.get("metrics") or {}
        acc = estimate("accuracy", res_metrics.get("accuracy"))
        row = [
            str(rank),
            escape(e.spec),
            escape(e.name),
            escape(str(e.results.get("n_items", ""))),
            fmt(acc.value),
            f"[{fmt(acc.low)}, {fmt(acc.high)}]",
        ]
        row += [fmt(estimate(m, res_metrics.get(m)).value) for m in metrics]
        by_subset = e.results.get("by_subset") or {}
        row += [fmt(estimate(s, (by_subset.get(s) or {}).get("accuracy")).value) for s in subsets]
        rows.append(row)
    numeric = [True, False, False] + [True] * (len(header) - 3)
    bars = interval_bars(
        [estimate(_label(e), (e.results.get("metrics") or {}).get("accuracy")) for e in entries],
        title="accuracy with confidence intervals",
    )
    note = (
        f'<p class="note">Subsets shared by all runs: {escape(", ".join(subsets))}.</p>'
        if subsets
        else '<p class="note">The runs share no subset.</p>'
    )
    body = "\n".join(
        [
            f'<p class="note">{len(entries)} runs, sorted by accuracy.</p>',
            "<h2>Accuracy</h2>",
            bars,
            "<h2>Runs</h2>",
            table(header, rows, numeric=numeric, table_id="leaderboard"),
            note,
        ]
    )
    return document(title, body)


def write_leaderboard(
    run_dirs: Sequence[Path], out: Path, title: str = "rewardkit leaderboard"
) -> Path:
    """Write the leaderboard of ``run_dirs`` to ``out`` atomically.

    Args:
        run_dirs: Run directories, each with a ``results.json``.
        out: The HTML file to write.
        title: Page title.

    Returns:
        ``out``.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "results.json").write_text('{"metrics": {}}')
        >>> write_leaderboard([d], d / "board.html").name
        'board.html'
    """
    write_text(Path(out), render_leaderboard(run_dirs, title=title))
    return Path(out)
