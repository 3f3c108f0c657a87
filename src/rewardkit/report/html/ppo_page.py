"""The HTML report of a PPO run: training curves per step and, with a gold RM, the proxy and
gold gains against ``d = sqrt(KL)`` with their fitted ``R(d) = d (alpha - beta log d)`` and the
gold peak marked. Draws the document it is given (the job computes every number, fitted curve
points included)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from rewardkit.report.html.page import document, table
from rewardkit.report.html.svg import fmt
from rewardkit.runs import write_text

__all__ = ["line_chart", "render_ppo_report", "write_ppo_report"]

COLORS = ("#4263eb", "#2b8a3e", "#e8590c", "#862e9c")
CURVES = (
    ("reward", "proxy reward"),
    ("kl", "KL to the reference (nats / sequence)"),
    ("kl_coef", "KL coefficient"),
    ("entropy", "entropy (nats / token)"),
    ("clip_frac", "clip fraction"),
    ("value_loss", "value loss"),
    ("explained_variance", "explained variance"),
    ("response_length", "response length (tokens)"),
)


def _n(x: float) -> str:
    s = f"{x:.2f}"
    return "0.00" if s == "-0.00" else s


def line_chart(
    series: Sequence[tuple[str, Sequence[float | None], Sequence[float | None]]],
    *,
    title: str,
    x_label: str,
    marks: Sequence[tuple[float, str]] = (),
    width: int = 420,
    height: int = 220,
) -> str:
    """An inline SVG of ``(label, x, y)`` polylines; ``marks`` are vertical lines at x with a
    label (e.g. the gold peak).

    Example:
        >>> svg = line_chart([("a", [0, 1], [0.0, 2.0])], title="t", x_label="step")
        >>> svg.startswith("<svg") and "polyline" in svg
        True
    """
    pad_l, pad_r, pad_t, pad_b = 52, 12, 26, 30
    pw, ph = width - pad_l - pad_r, height - pad_t - pad_b
    pts = [
        (float(x), float(y))
        for _, xs, ys in series
        for x, y in zip(xs, ys, strict=True)
        if x is not None and y is not None and math.isfinite(y)
    ]
    xs_all = [p[0] for p in pts] + [m[0] for m in marks] or [0.0, 1.0]
    ys_all = [p[1] for p in pts] or [0.0, 1.0]
    x_lo, x_hi = min(xs_all), max(xs_all)
    y_lo, y_hi = min(ys_all), max(ys_all)
    if x_hi - x_lo < 1e-12:
        x_lo, x_hi = x_lo - 0.5, x_hi + 0.5
    if y_hi - y_lo < 1e-12:
        y_lo, y_hi = y_lo - 0.5, y_hi + 0.5

    def px(x: float) -> float:
        return pad_l + (x - x_lo) / (x_hi - x_lo) * pw

    def py(y: float) -> float:
        return pad_t + (y_hi - y) / (y_hi - y_lo) * ph

    body = [f'<rect x="{pad_l}" y="{pad_t}" width="{pw}" height="{ph}" class="frame"/>']
    for y in (y_lo, (y_lo + y_hi) / 2, y_hi):
        body.append(
            f'<text x="{pad_l - 4}" y="{_n(py(y) + 4)}" text-anchor="end" class="tick">'
            f"{y:.3g}</text>"
        )
    for x in (x_lo, x_hi):
        body.append(
            f'<text x="{_n(px(x))}" y="{pad_t + ph + 14}" text-anchor="middle" class="tick">'
            f"{x:.3g}</text>"
        )
    for x, label in marks:
        body.append(
            f'<line x1="{_n(px(x))}" y1="{pad_t}" x2="{_n(px(x))}" y2="{pad_t + ph}" '
            f'stroke="#c92a2a" stroke-dasharray="4 3" class="peak"/>'
            f'<text x="{_n(px(x) + 3)}" y="{pad_t + 12}" fill="#c92a2a">{escape(label)}</text>'
        )
    for i, (label, xs, ys) in enumerate(series):
        color = COLORS[i % len(COLORS)]
        line = " ".join(
            f"{_n(px(float(x)))},{_n(py(float(y)))}"
            for x, y in zip(xs, ys, strict=True)
            if x is not None and y is not None and math.isfinite(y)
        )
        body.append(f'<polyline points="{line}" fill="none" stroke="{color}" stroke-width="1.5"/>')
        body.append(
            f'<rect x="{pad_l + 8 + i * 130}" y="8" width="10" height="10" fill="{color}"/>'
            f'<text x="{pad_l + 22 + i * 130}" y="17">{escape(label)}</text>'
        )
    body.append(
        f'<text x="{_n(pad_l + pw / 2)}" y="{height - 4}" text-anchor="middle">'
        f"{escape(x_label)}</text>"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img"><title>{escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def _training(history: Sequence[Mapping[str, Any]]) -> str:
    steps = [h["step"] for h in history]
    charts = [
        line_chart([(label, steps, [h.get(key) for h in history])], title=label, x_label="step")
        for key, label in CURVES
    ]
    return '<div class="charts">' + "".join(charts) + "</div>"


def _overopt(watch: Mapping[str, Any]) -> str:
    evals = list(watch["evaluations"])
    peak = watch.get("gold_peak")
    out = ["<h2>Overoptimization (held-out prompts)</h2>"]
    if peak is not None:
        out.append(
            f'<p class="gold-peak">gold peaks at step {peak["step"]} (d = '
            f"{fmt(peak['d'], 3)}, gold {fmt(peak['gold'])})"
            + (
                f"; stopped early at step {watch['early_stop_step']}"
                if watch.get("early_stop_step") is not None
                else ""
            )
            + "</p>"
        )
    steps = [e["step"] for e in evals]
    marks = [(float(peak["step"]), "gold peak")] if peak is not None else []
    out.append(
        line_chart(
            [
                ("proxy", steps, [e["proxy"] for e in evals]),
                ("gold", steps, [e["gold"] for e in evals]),
            ],
            title="proxy and gold by step",
            x_label="step",
            marks=marks,
            width=560,
            height=260,
        )
    )
    series: list[tuple[str, Sequence[float | None], Sequence[float | None]]] = [
        ("proxy gain", [e["d"] for e in evals], [e["proxy_gain"] for e in evals]),
        ("gold gain", [e["d"] for e in evals], [e["gold_gain"] for e in evals]),
    ]
    for name in ("proxy", "gold"):
        fit = watch["fits"].get(name)
        if fit is not None:
            series.append((f"{name} fit", fit["curve_d"], fit["curve"]))
    out.append(
        line_chart(
            series,
            title="gain vs sqrt(KL)",
            x_label="d = sqrt(KL to the reference); fits R(d) = d (alpha - beta log d)",
            marks=[(float(peak["d"]), "gold peak")] if peak is not None else [],
            width=560,
            height=260,
        )
    )
    rows = [
        [
            name,
            fmt(f["alpha"]),
            fmt(f["beta"]),
            "inf" if f["peak_d"] is None else fmt(f["peak_d"], 3),
            fmt(f["r2"], 3),
        ]
        for name, f in watch["fits"].items()
        if f is not None
    ]
    out.append(table(["", "alpha", "beta", "peak d*", "R^2"], rows, numeric=[False] + [True] * 4))
    out.append(
        table(
            ["step", "d", "proxy", "gold", "KL"],
            [
                [str(e["step"]), fmt(e["d"], 3), fmt(e["proxy"]), fmt(e["gold"]), fmt(e["kl"])]
                for e in evals
            ],
            numeric=[True] * 5,
        )
    )
    return "\n".join(out)


def render_ppo_report(results: Mapping[str, Any], history: Sequence[Mapping[str, Any]]) -> str:
    """The HTML report of a PPO results document and its per-step history.

    Example:
        >>> html = render_ppo_report(
        ...     {"policy": "p<1>", "reward": "python:m:f", "steps_run": 1, "config": {}},
        ...     [{"step": 0, "reward": 0.5, "kl": 0.0}],
        ... )
        >>> "p&lt;1&gt;" in html and "<svg" in html
        True
    """
    meta = (
        '<dl class="meta">'
        f"<dt>policy</dt><dd>{escape(str(results.get('policy', '')))}</dd>"
        f"<dt>reward</dt><dd>{escape(str(results.get('reward', '')))}</dd>"
        f"<dt>gold</dt><dd>{escape(str(results.get('gold') or 'none'))}</dd>"
        f"<dt>steps</dt><dd>{results.get('steps_run', '')}</dd></dl>"
    )
    body = [meta, "<h2>Training</h2>", _training(history)]
    watch = results.get("overoptimization")
    if watch:
        body.append(_overopt(watch))
    return document(f"rewardkit rl ppo: {results.get('policy', '')}", "\n".join(body))


def write_ppo_report(
    run_dir: Path, results: Mapping[str, Any], history: Sequence[Mapping[str, Any]]
) -> Path:
    """Write ``run_dir/report.html`` atomically and return its path."""
    path = Path(run_dir) / "report.html"
    write_text(path, render_ppo_report(results, history))
    return path
