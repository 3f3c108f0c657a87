"""The demo's benchmark and best-of-N documents as text tables: pair accuracy with the
robustness gap, each benchmark's official score, best-of-N gamma. Shared by the console output
of ``rewardkit demo`` and its one-page report; nothing here computes a statistic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rewardkit.report.html.pipeline_data import Grid, ModelRuns, ci_text, num, value_ci

__all__ = ["gamma_grid", "overall_grid", "pair_accuracy_grid"]


def _benchmarks(models: Sequence[ModelRuns]) -> list[str]:
    return [str(name) for name in (models[0].suite.get("benchmarks") or {})] if models else []


def pair_accuracy_grid(models: Sequence[ModelRuns], gap_reference: Mapping[str, str]) -> Grid:
    """Each model's pair accuracy per benchmark (the metric of each run's own report and of the
    headline table) and the robustness gap, which is the difference of two of these columns.

    Args:
        models: The models' suites, best model first.
        gap_reference: For each domain-shifted benchmark, the in-domain benchmark its gap is
            measured against.

    Returns:
        The grid; every accuracy cell links to its run's ``report.html``.

    Example:
        >>> est = lambda v: {"value": v, "ci": [v - 0.1, v + 0.1], "n": 10}
        >>> m = ModelRuns("m", "runs/m", {"benchmarks": {"a": {}, "b": {}},
        ...     "robustness_gap": {"b": est(0.2)}},
        ...     {"a": {"n_items": 10, "metrics": {"accuracy": est(0.8)}},
        ...      "b": {"n_items": 10, "metrics": {"accuracy": est(0.6)}}})
        >>> g = pair_accuracy_grid([m], {"b": "a"})
        >>> g.header[-1] == "gap a \u2212 b", g.rows[0][-1]
        (True, '+0.200 [+0.100, +0.300]')
    """
    names = _benchmarks(models)
    shifted = [s for s in names if s in gap_reference]
    header = ["model"]
    for name in names:
        n = (models[0].runs.get(name) or {}).get("n_items", "")
        header.append(f"{name} ({n} items)")
    header += [f"gap {gap_reference[s]} \u2212 {s}" for s in shifted]
    rows, links = [], []
    for m in models:
        row, link = [m.spec], [""]
        for name in names:
            row.append(value_ci(((m.runs.get(name) or {}).get("metrics") or {}).get("accuracy")))
            link.append(f"{m.folder}/{name}/report.html")
        for s in shifted:
            row.append(value_ci((m.suite.get("robustness_gap") or {}).get(s), sign=True))
            link.append(f"{m.folder}/suite.json")
        rows.append(tuple(row))
        links.append(tuple(link))
    title = (
        "pair accuracy by benchmark (95% CI): share of each benchmark's items ranked right, "
        "pooled over its items; the gap is the difference of two of these columns"
    )
    numeric = (False,) + (True,) * (len(header) - 1)
    return Grid(title, tuple(header), tuple(rows), numeric, tuple(links))


def overall_grid(models: Sequence[ModelRuns]) -> Grid:
    """Each model's official benchmark score: the spec's overall roll-up of its sections.

    Example:
        >>> est = {"value": 0.7, "ci": [0.6, 0.8], "n": 10}
        >>> m = ModelRuns("m", "runs/m", {"benchmarks": {"a": {"sections": {"x": est, "y": est},
        ...     "overall": {"mean": est}}}}, {"a": {}})
        >>> g = overall_grid([m])
        >>> g.header[1], g.rows[0][1]
        ('a (mean of 2 sections)', '0.700 [0.600, 0.800]')
    """
    names = _benchmarks(models)
    header = ["model"]
    for name in names:
        score = (models[0].suite.get("benchmarks") or {}).get(name) or {}
        formula = next(iter(score.get("overall") or {}), "overall")
        header.append(f"{name} ({formula} of {len(score.get('sections') or {})} sections)")
    rows, links = [], []
    for m in models:
        row, link = [m.spec], [""]
        for name in names:
            score = (m.suite.get("benchmarks") or {}).get(name) or {}
            row.append(value_ci(next(iter((score.get("overall") or {}).values()), None)))
            link.append(f"{m.folder}/suite.json")
        rows.append(tuple(row))
        links.append(tuple(link))
    title = (
        "overall accuracy by benchmark (95% CI): each benchmark's official score, its spec's "
        "roll-up of per-domain section accuracies (each domain counts the same)"
    )
    numeric = (False,) + (True,) * (len(header) - 1)
    return Grid(title, tuple(header), tuple(rows), numeric, tuple(links))


def _peak(fit: Mapping[str, Any]) -> tuple[str, str, str]:
    """A null peak (or CI end) is unbounded: the fitted curve never turns over."""
    peak = fit.get("peak_d") or {}
    low, high = [*(peak.get("ci") or []), None, None][:2]
    value = "inf" if peak.get("value") is None else num(peak["value"])
    ci = f"[{'inf' if low is None else num(low)}, {'inf' if high is None else num(high)}]"
    n = fit.get("peak_n")
    if n is None:
        return value, ci, "-"
    return value, ci, f"{float(n):.3g}" if float(n) < 1e6 else ">1e6"


def gamma_grid(bon: Mapping[str, Any]) -> Grid:
    """Each proxy's gamma and peak as ``rewardkit bon`` prints them.

    Example:
        >>> est = {"value": 0.35, "ci": [0.2, 0.5], "n": 40}
        >>> p = {"spec": "m", "gamma": est, "fits": {"proxy": {"peak_d": {"value": None,
        ...     "ci": [1.0, None], "n": 40}, "peak_n": None}}}
        >>> gamma_grid({"config": {"confidence": 0.95}, "proxies": [p]}).rows
        (('m', '40', '0.3500', '[0.2000, 0.5000]', 'inf', '[1.000, inf]', '-'),)
    """
    conf = float((bon.get("config") or {}).get("confidence", 0.95))
    rows = []
    for p in bon.get("proxies") or []:
        gamma = p.get("gamma") or {}
        rows.append(
            (
                str(p["spec"]),
                str(gamma.get("n", "")),
                num(gamma.get("value"), 4),
                ci_text(gamma, 4),
                *_peak((p.get("fits") or {}).get("proxy") or {}),
            )
        )
    n_prompts = (bon.get("data") or {}).get("n_prompts")
    title = (
        f"best-of-N overoptimization on {n_prompts} test prompts "
        "(gold: simulated true reward; gamma 0 = picks like the gold)"
    )
    header = ("proxy", "prompts", "gamma", f"{conf:.0%} CI", "peak d*", "CI", "peak n")
    return Grid(title, header, tuple(rows), (False,) + (True,) * 6)
