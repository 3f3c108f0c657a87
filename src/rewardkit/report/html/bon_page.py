"""The self-contained HTML report of a ``rewardkit bon`` run, rendered from ``results.json``.

It reuses the project's page shell (inline CSS, no external fetch) and draws its own SVG
curves (:mod:`rewardkit.report.html.bon_plot`).
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import Any

from rewardkit.report.html.bon_plot import curves_chart
from rewardkit.report.html.page import document, table
from rewardkit.report.html.svg import fmt
from rewardkit.runs.atomic import write_text

__all__ = ["render_bon_report", "write_bon_report"]


def _est(e: Mapping[str, Any] | None, digits: int = 4, none: str = "n/a") -> str:
    if not e:
        return none
    value, lo, hi = (none if x is None else fmt(x, digits) for x in (e["value"], *e["ci"]))
    return f"{value} [{lo}, {hi}]"


def _peak(fit: Mapping[str, Any], k: float | None) -> str:
    """A null peak or CI end is unbounded (beta <= 0: the fit never turns over)."""
    n, d = fit.get("peak_n"), fit["peak_d"]["value"]
    at_n = f" (n &asymp; {n:.3g})" if n is not None else ""
    beyond = " beyond k" if d is not None and k is not None and d > k else ""
    return _est(fit["peak_d"], 3, none="&infin;") + at_n + beyond


def _summary(entries: list[Mapping[str, Any]]) -> str:
    rows = [
        [
            escape(e["spec"]),
            _est(e["gamma"]),
            _peak(e["fits"]["proxy"], e["k"]),
            _est(e["fits"]["proxy"]["alpha"]),
            _est(e["fits"]["proxy"]["beta"]),
            _est(e["fits"]["oracle"]["alpha"]),
            _est(e["fits"]["oracle"]["beta"]),
            fmt(e["k"], 3),
        ]
        for e in entries
    ]
    header = [
        "proxy",
        "gamma",
        "proxy peak d*",
        "proxy alpha",
        "proxy beta",
        "oracle alpha",
        "oracle beta",
        "k",
    ]
    return table(header, rows, numeric=[False] + [True] * 7)


def _curve_table(entry: Mapping[str, Any]) -> str:
    c = entry["curves"]
    rows = []
    for i, n in enumerate(c["n"]):
        rows.append(
            [
                str(n),
                fmt(c["d"][i], 3),
                str(c["n_prompts"][i]),
                _est(
                    {
                        "value": c["proxy"]["value"][i],
                        "ci": [c["proxy"]["ci_low"][i], c["proxy"]["ci_high"][i]],
                    }
                ),
                _est(
                    {
                        "value": c["oracle"]["value"][i],
                        "ci": [c["oracle"]["ci_low"][i], c["oracle"]["ci_high"][i]],
                    }
                ),
            ]
        )
    return table(
        ["n", "d", "prompts", "proxy pick: gold", "oracle pick: gold"], rows, numeric=[True] * 5
    )


def _groups(entry: Mapping[str, Any], confidence: float) -> str:
    parts: list[str] = []
    for kind, by_name in entry.get("groups", {}).items():
        rows = [
            [
                escape(name),
                str(g["curves"]["n_prompts"][0]),
                str(len(g["curves"]["n"])),
                _est(g["gamma"]),
                _peak(g["fits"]["proxy"], g["k"]),
            ]
            for name, g in by_name.items()
        ]
        parts.append(f"<h3>By {escape(kind)}</h3>")
        parts.append(
            table(
                [kind, "prompts", "N max", "gamma", "proxy peak d*"],
                rows,
                numeric=[False, True, True, True, True],
            )
        )
        charts = "".join(
            f'<div style="display:inline-block;margin:4px"><div class="note">{escape(name)}'
            f"</div>{curves_chart(g, f'{kind} {name}', confidence, width=340)}</div>"
            for name, g in by_name.items()
        )
        parts.append(f"<div>{charts}</div>")
    return "\n".join(parts)


def render_bon_report(results: Mapping[str, Any]) -> str:
    """The HTML report of a best-of-n results document.

    Example:
        >>> from rewardkit.rl.bon.analysis import analyse
        >>> from rewardkit.rl.bon.results import analysis_json
        >>> import numpy as np
        >>> gold = [np.array([0.0, 1.0, 3.0])] * 5
        >>> entry = {"spec": "p<1>", **analysis_json(analyse([gold], gold, n_resamples=20)[0])}
        >>> html = render_bon_report({"proxies": [entry], "config": {}, "data": {}, "gold": {}})
        >>> "p&lt;1&gt;" in html and "<svg" in html
        True
    """
    entries = list(results["proxies"])
    confidence = float(results.get("config", {}).get("confidence", 0.95))
    data, gold = results.get("data", {}), results.get("gold", {})
    gold_text = gold.get("spec") or gold.get("path") or gold.get("source", "")
    meta = (
        '<dl class="meta">'
        f"<dt>data</dt><dd>{escape(str(data.get('file', 'in-memory items')))}</dd>"
        f"<dt>prompts</dt><dd>{data.get('n_prompts', '')}</dd>"
        f"<dt>candidates per prompt</dt><dd>{escape(str(data.get('n_candidates', '')))}</dd>"
        f"<dt>gold</dt><dd>{escape(str(gold_text))}</dd>"
        f"<dt>seed / resamples</dt><dd>{results.get('config', {}).get('seed', '')} / "
        f"{results.get('config', {}).get('bootstrap', '')}</dd></dl>"
    )
    body = [
        meta,
        '<p class="note">Gold scores are normalised per prompt so that n = 1 is exactly 0; '
        "point n averages the prompts with at least n candidates. gamma = "
        "&int;<sub>0</sub><sup>k</sup>|f &minus; g| / &int;<sub>0</sub><sup>k</sup>f with f "
        "the oracle's fit and g the proxy's, k the largest d reached; 0 means no "
        "overoptimization. The proxy's peak d* = alpha / (2 beta) is &infin; when beta &le; 0 "
        "(its fit never turns over); a peak beyond k is an extrapolation.</p>",
        "<h2>Overoptimization</h2>",
        _summary(entries),
    ]
    comparisons = results.get("comparisons") or []
    if comparisons:
        body.append("<h3>Paired differences (same resamples)</h3>")
        body.append(
            table(
                ["a", "b", "gamma(a) - gamma(b)"],
                [
                    [escape(c["a"]), escape(c["b"]), _est(c["gamma_difference"])]
                    for c in comparisons
                ],
                numeric=[False, False, True],
            )
        )
    for e in entries:
        body += [
            f"<h2>{escape(e['spec'])}</h2>",
            curves_chart(e, f"best-of-n curves of {e['spec']}", confidence),
            _curve_table(e),
            _groups(e, confidence),
        ]
    title = "rewardkit bon: " + ", ".join(e["spec"] for e in entries)
    return document(title, "\n".join(body))


def write_bon_report(run_dir: Path, results: Mapping[str, Any]) -> Path:
    """Write ``run_dir/report.html`` atomically and return its path."""
    path = Path(run_dir) / "report.html"
    write_text(path, render_bon_report(results))
    return path
