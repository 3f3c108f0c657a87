"""An HTML leaderboard of several evaluation runs, sorted by accuracy, and the page of a
benchmark suite (``rewardkit eval --benchmark ...``).

Leaderboard: one row per run: accuracy with its CI (also drawn as bars with whiskers), the other
metrics, and the accuracy of every subset that all runs share. Suite page: every benchmark's
official score (overall formulas and sections) with its CI, the robustness gaps, the accuracy
re-weighted to equal domains, and the suite's warnings.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from rewardkit.report.html.page import document, table
from rewardkit.report.html.run_doc import estimate
from rewardkit.report.html.svg import fmt, interval_bars
from rewardkit.runs.atomic import write_text

__all__ = ["SUITE_FILE", "render_leaderboard", "render_suite_report", "write_leaderboard"]

SUITE_FILE = "suite.json"


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


def _estimate_rows(label: str, block: dict[str, Any]) -> list[list[str]]:
    rows = []
    for name, est in block.items():
        iv = estimate(str(name), est)
        ci = f"[{fmt(iv.low)}, {fmt(iv.high)}]"
        rows.append([escape(label), escape(str(name)), fmt(iv.value), ci, str(iv.n)])
    return rows


def _run_facts(suite_dir: Path, name: str) -> list[str]:
    """What the benchmark's own run directory says about its data (when it is there)."""
    path = suite_dir / name / "results.json"
    if not path.is_file():
        return [escape(name), "", "", "", ""]
    res = json.loads(path.read_text(encoding="utf-8"))
    data = res.get("data") or {}
    return [
        escape(name),
        escape(str(data.get("file", ""))),
        escape(str(res.get("n_items", ""))),
        escape(str(data.get("n_skipped", ""))),
        escape(str(res.get("n_ties_excluded", ""))),
    ]


def render_suite_report(suite_dir: Path) -> str:
    """Render the page of a benchmark suite directory (``suite.json`` and one eval run
    directory per benchmark).

    Args:
        suite_dir: The ``--out`` folder of ``rewardkit eval --benchmark A --benchmark B ...``.

    Returns:
        The HTML document.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> est = {"value": 0.7, "ci": [0.6, 0.8], "n": 50}
        >>> _ = (d / SUITE_FILE).write_text(json.dumps({"model": "m<1>", "benchmarks": {
        ...     "b": {"n_items": 50, "overall": {"mean": est}, "sections": {"s": est}}}}))
        >>> html = render_suite_report(d)
        >>> "m&lt;1&gt;" in html and "0.7000" in html
        True
    """
    suite_dir = Path(suite_dir)
    suite = json.loads((suite_dir / SUITE_FILE).read_text(encoding="utf-8"))
    model = str(suite.get("model", ""))
    benchmarks: dict[str, Any] = suite.get("benchmarks") or {}
    overall = [
        estimate(f"{name} ({formula})", est)
        for name, score in benchmarks.items()
        for formula, est in (score.get("overall") or {}).items()
    ]
    score_rows: list[list[str]] = []
    for name, score in benchmarks.items():
        score_rows += _estimate_rows(
            name, {f"overall ({k})": v for k, v in (score.get("overall") or {}).items()}
        )
        score_rows += _estimate_rows(name, score.get("sections") or {})
    numeric = [False, False, True, True, True]
    header = ["benchmark", "score", "value", "CI", "n"]
    body = [
        f'<dl class="meta"><dt>model</dt><dd>{escape(model)}</dd>'
        f"<dt>benchmarks</dt><dd>{len(benchmarks)}</dd></dl>",
        "<h2>Overall score by benchmark</h2>",
        interval_bars(overall, title="overall score by benchmark"),
        "<h2>Scores</h2>",
        table(header, score_rows, numeric=numeric, table_id="scores"),
    ]
    for key, title in (
        ("robustness_gap", "Robustness gap (in-domain minus held-out accuracy)"),
        ("reweighted_accuracy", "Accuracy re-weighted to equal domains"),
    ):
        block = suite.get(key) or {}
        if block:
            rows = [r[1:] for r in _estimate_rows("", block)]
            head = ["benchmark", "value", "CI", "n"]
            body += [f"<h2>{escape(title)}</h2>", table(head, rows, numeric=numeric[1:])]
    body += [
        "<h2>Runs</h2>",
        table(
            ["benchmark run", "data file", "items", "rows skipped", "ties excluded"],
            [_run_facts(suite_dir, name) for name in benchmarks],
            numeric=[False, False, True, True, True],
        ),
        '<p class="note">Each benchmark has its own eval run directory inside the suite '
        "directory; <code>rewardkit report SUITE/BENCHMARK</code> renders its page.</p>",
    ]
    body += [f'<p class="note">warning: {escape(str(w))}</p>' for w in suite.get("warnings") or []]
    return document(f"rewardkit suite: {model}", "\n".join(body))
