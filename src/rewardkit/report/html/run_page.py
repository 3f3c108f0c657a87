"""The HTML report of one evaluation run: header, metrics, group bars, calibration, scores, items.

The page is one self-contained file (inline CSS, SVG and a few lines of search script) drawn
from a computed :class:`~rewardkit.report.html.run_doc.RunDocument` (see
:func:`rewardkit.jobs.run_page.load_run_document`) and is deterministic: the same document gives
the same bytes; the only times shown are the ones copied from ``manifest.json``.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from rewardkit.report.html.page import SEARCH_SCRIPT, document, table
from rewardkit.report.html.run_doc import ItemRow, Reliability, RunDocument, estimate
from rewardkit.report.html.svg import fmt, histograms, interval_bars, reliability_diagram
from rewardkit.runs.atomic import write_text

__all__ = ["MAX_ITEM_ROWS", "render_run_page", "write_run_page"]

MAX_ITEM_ROWS = 5000


def _meta(run: RunDocument) -> str:
    res, man = run.results, run.manifest
    model = res.get("model") or {}
    data = res.get("data") or {}
    cfg = res.get("config") or {}
    entries: list[tuple[str, Any]] = [
        ("model", model.get("spec")),
        ("fingerprint", model.get("fingerprint")),
        ("data file", data.get("file")),
        ("layout", data.get("layout")),
        ("items", res.get("n_items")),
        ("pairs", res.get("n_pairs")),
        ("rows skipped", data.get("n_skipped")),
        ("ties excluded", res.get("n_ties_excluded")),
        ("seed", cfg.get("seed")),
        ("bootstrap resamples", cfg.get("n_resamples")),
        ("confidence", cfg.get("confidence")),
        ("CI method", cfg.get("ci_method")),
        ("rewardkit", (man.get("versions") or {}).get("rewardkit")),
        ("git commit", man.get("git_commit")),
        ("started", man.get("started_at")),
        ("ended", man.get("ended_at")),
    ]
    dl = "".join(
        f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in entries if v is not None
    )
    return f'<dl class="meta">{dl}</dl>'


_CALIBRATION_METRICS = ("ece", "brier", "log_loss")


def _probabilities(results: dict[str, Any]) -> tuple[bool, str]:
    """Whether the run's scores give probabilities (ECE, Brier, log-loss apply), and the
    sentence results.json gives about it (older runs have none: sigmoid is assumed)."""
    block = results.get("calibration_metrics")
    if not isinstance(block, dict):
        return True, ""
    return block.get("probabilities") is not None, str(block.get("note") or "")


def _metrics(results: dict[str, Any]) -> str:
    conf = (results.get("config") or {}).get("confidence", 0.95)
    metrics = results.get("metrics") or {}
    rows = []
    for name, est in metrics.items():
        iv = estimate(str(name), est)
        rows.append(
            [escape(str(name)), fmt(iv.value), f"[{fmt(iv.low)}, {fmt(iv.high)}]", str(iv.n)]
        )
    applies, note = _probabilities(results)
    if not applies and "accuracy" in metrics:
        na = '<span class="note">n/a</span>'
        rows += [[name, na, "", ""] for name in _CALIBRATION_METRICS if name not in metrics]
    header = ["metric", "value", f"{float(conf):.0%} CI", "n"]
    caption = f'<p class="note">{escape(note)}</p>' if note else ""
    return table(header, rows, numeric=[False, True, True, True]) + caption


def _groups(results: dict[str, Any]) -> str:
    parts: list[str] = []
    for key, label in (("by_subset", "subset"), ("by_domain", "domain")):
        groups = results.get(key) or {}
        if not groups:
            continue
        rows = [estimate(str(name), g.get("accuracy")) for name, g in groups.items()]
        parts.append(
            f"<h3>accuracy by {label}</h3>" + interval_bars(rows, title=f"accuracy by {label}")
        )
    return "".join(parts) or '<p class="note">The data has no subsets or domains.</p>'


def _scores(values: Sequence[float]) -> str:
    return ", ".join(fmt(v) for v in values)


def _outcome(x: float | None, tie: bool = False) -> str:
    if tie:
        return '<span class="note">labelled tie (excluded)</span>'
    if x is None:
        return '<span class="note">n/a</span>'
    if x == 1.0:
        return '<span class="ok">correct</span>'
    if x == 0.0:
        return '<span class="bad">wrong</span>'
    return f'<span class="tie">partial {fmt(x, 2)}</span>'


def _items_table(items: Sequence[ItemRow], max_rows: int) -> str:
    shown = items[:max_rows]
    rows = []
    for it in shown:
        rows.append(
            [
                escape(it.item_id),
                escape(it.subset),
                escape(it.domain),
                escape(it.prompt),
                escape(it.chosen_text),
                escape(it.rejected_text),
                _scores(it.chosen),
                _scores(it.rejected),
                _outcome(it.outcome, it.tie),
            ]
        )
    header = [
        "item_id",
        "subset",
        "domain",
        "prompt",
        "chosen",
        "rejected",
        "chosen score(s)",
        "rejected score(s)",
        "outcome",
    ]
    note = ""
    if len(items) > len(shown):
        note = (
            f'<p class="note">Showing the first {len(shown)} of {len(items)} items '
            "(see scores.parquet for all).</p>"
        )
    search = (
        '<input id="item-search" class="search" type="search" '
        'placeholder="filter rows (id, subset, domain, outcome)">'
    )
    return (
        search
        + note
        + table(header, rows, numeric=[False] * 6 + [True] * 2 + [False], table_id="items")
    )


def _raw_diagram(rel: Reliability | None, n_bins: int, res: dict[str, Any]) -> list[str]:
    """The reliability diagram of ``sigmoid(d)``, or why it is left out (scores that are not
    log-odds give no probabilities)."""
    applies, note = _probabilities(res)
    if not applies:
        return [f'<p class="note">No reliability diagram: {escape(note)}.</p>']
    if rel is None:
        return []
    return [
        '<p class="note">p = sigmoid(score<sub>chosen</sub> &minus; score<sub>rejected</sub>)'
        f" over both orientations of every pair of the untied items, {n_bins} equal-width bins;"
        " the dashed line is perfect calibration.</p>",
        reliability_diagram(rel.mean_pred, rel.observed, rel.counts),
    ]


def _calibrated_diagram(run: RunDocument) -> list[str]:
    rel = run.calibrated
    if rel is None:
        return []
    applied = (
        "the calibrated metrics above use it" if run.results.get("calibrator") else "fitted here"
    )
    return [
        f'<p class="note">After the {escape(run.calibrator_name)} calibrator ({applied}):</p>',
        reliability_diagram(rel.mean_pred, rel.observed, rel.counts),
    ]


def render_run_page(run: RunDocument, *, max_rows: int = MAX_ITEM_ROWS) -> str:
    """Render the HTML page of one evaluation run from its computed document.

    Args:
        run: The run's document (see :func:`rewardkit.jobs.run_page.load_run_document`).
        max_rows: Most item rows in the item table; a note says when rows were left out.

    Returns:
        The HTML document.

    Example:
        >>> doc = RunDocument("run", {"model": {"spec": "m<1>"}, "metrics": {}})
        >>> html = render_run_page(doc)
        >>> "m&lt;1&gt;" in html, "No scores.parquet" in html
        (True, True)
    """
    res = run.results
    spec = str((res.get("model") or {}).get("spec", run.name))
    n_bins = int((res.get("config") or {}).get("n_bins", 15))
    body = [_meta(run), "<h2>Metrics</h2>", _metrics(res), "<h2>Accuracy by group</h2>"]
    body.append(_groups(res))
    if run.items:
        chosen = [s for it in run.items for s in it.chosen]
        rejected = [s for it in run.items for s in it.rejected]
        body += [
            "<h2>Calibration</h2>",
            *_raw_diagram(run.reliability, n_bins, res),
            *_calibrated_diagram(run),
            "<h2>Score distributions</h2>",
            histograms(chosen, rejected),
            f"<h2>Items ({len(run.items)})</h2>",
            _items_table(run.items, max_rows),
        ]
        return document(f"rewardkit eval: {spec}", "\n".join(body), SEARCH_SCRIPT)
    body.append('<p class="note">No scores.parquet: item-level sections omitted.</p>')
    return document(f"rewardkit eval: {spec}", "\n".join(body))


def write_run_page(run: RunDocument, path: Path, *, max_rows: int = MAX_ITEM_ROWS) -> Path:
    """Write the page of ``run`` to ``path`` atomically.

    Args:
        run: The run's document.
        path: The HTML file to write.
        max_rows: Most item rows in the item table.

    Returns:
        ``path``.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> write_run_page(RunDocument("run", {"metrics": {}}), d / "report.html").name
        'report.html'
    """
    write_text(Path(path), render_run_page(run, max_rows=max_rows))
    return Path(path)
