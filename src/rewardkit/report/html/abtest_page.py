"""The HTML decision page of ``rewardkit abtest analyze|replay``, rendered from the computed
``results.json`` document (nothing is computed here)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from rewardkit.report.html.page import document, table
from rewardkit.report.html.svg import fmt
from rewardkit.runs.atomic import write_text

__all__ = ["render_abtest_page", "write_abtest_report"]

_CLASS = {"ship": "ok", "don't ship": "bad", "inconclusive": "tie"}


def _ci(ci: Sequence[float | None] | None, digits: int = 4) -> str:
    if not ci:
        return "n/a"
    return f"[{fmt(ci[0], digits)}, {fmt(ci[1], digits)}]"


def _p(p: float | None) -> str:
    if p is None:
        return "n/a"
    return f"{p:.2e}" if p < 1e-4 else f"{p:.4f}"


def _means(m: Mapping[str, Any]) -> str:
    ci = m.get("arm_ci") or {}
    return (
        f"{fmt(m['mean_control'])} {_ci(ci.get('control'))}<br>"
        f"{fmt(m['mean_treatment'])} {_ci(ci.get('treatment'))}"
    )


def _metric_rows(metrics: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    rows = []
    for m in metrics:
        ni = m.get("noninferiority")
        if m["role"] == "primary":
            verdict = "significant" if m.get("significant") else "not significant"
            test_cell = f"p = {_p(m['p_value'])}; adjusted {_p(m.get('p_adjusted'))}: {verdict}"
        elif ni is not None:
            state = (
                "non-inferior"
                if ni["noninferior"]
                else "inferior"
                if ni["inferior"]
                else "not shown"
            )
            test_cell = (
                f"margin {fmt(ni['margin'], 4)}; harm {_ci(ni['harm_ci'])}; "
                f"p = {_p(ni['p_value'])}: {state}"
            )
        else:
            test_cell = "n/a"
        lift = m["relative_lift"]
        rows.append(
            [
                escape(m["name"]),
                escape(f"{m['role']} ({m['kind']}, {m['direction']})"),
                f"{m['n_control']} / {m['n_treatment']}",
                _means(m),
                f"{fmt(m['difference']['value'])} {_ci(m['difference']['ci'])}",
                f"{fmt(lift['value'], 3)} {_ci(lift['ci'], 3)}",
                escape(test_cell),
                escape(m["test"]),
            ]
        )
    return rows


def render_abtest_page(results: Mapping[str, Any]) -> str:
    """The decision page of an analysed experiment.

    Example:
        >>> doc = {"preregistration": {"name": "x", "sha256": "ab", "recorded_at": "t",
        ...        "design": "fixed", "alpha": 0.05, "decision_rule": ["r"]},
        ...        "data": {"n_units": 2}, "srm": None, "metrics": [],
        ...        "decision": {"decision": "ship", "reasons": ["better"]}}
        >>> '<span class="ok">ship</span>' in render_abtest_page(doc)
        True
    """
    pre = results["preregistration"]
    decision = results["decision"]
    label = decision["decision"]
    parts = [
        f'<h2>Decision: <span class="{_CLASS.get(label, "tie")}">{escape(label)}</span></h2>',
        "<ul>" + "".join(f"<li>{escape(r)}</li>" for r in decision["reasons"]) + "</ul>",
        "<h2>Pre-registered rule</h2>",
        "<ul>" + "".join(f"<li>{escape(r)}</li>" for r in pre.get("decision_rule", [])) + "</ul>",
        '<dl class="meta">'
        + "".join(
            f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>"
            for k, v in (
                ("experiment", pre["name"]),
                ("design", pre["design"]),
                ("alpha", pre["alpha"]),
                ("recorded at", pre["recorded_at"]),
                ("SHA-256", pre["sha256"]),
                *((k, v) for k, v in results["data"].items()),
            )
        )
        + "</dl>",
        "<h2>Metrics (treatment minus control)</h2>",
        table(
            [
                "metric",
                "role",
                "n (control / treatment)",
                "mean [CI], control / treatment",
                "difference [CI]",
                "relative lift [CI]",
                "test",
                "method",
            ],
            _metric_rows(results["metrics"]),
            numeric=[False, False, True, True, True, True, False, False],
        ),
    ]
    srm = results.get("srm")
    if srm:
        state = '<span class="bad">mismatch</span>' if srm["mismatch"] else "no mismatch"
        parts.append(
            f"<h2>Sample ratio</h2><p>counts {escape(str(srm['counts']))}, expected "
            f"{escape(str([round(e, 1) for e in srm['expected']]))}: chi-square "
            f"{fmt(srm['chi2'], 2)}, p = {_p(srm['p_value'])} ({state} at "
            f"{escape(str(srm['alpha']))})</p>"
        )
    return document(f"A/B test: {pre['name']}", "\n".join(parts))


def write_abtest_report(run_dir: Path, results: Mapping[str, Any]) -> Path:
    """Write ``report.html`` into ``run_dir``; returns its path."""
    path = run_dir / "report.html"
    write_text(path, render_abtest_page(results))
    return path
