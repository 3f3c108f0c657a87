"""Inline SVG chart of best-of-n curves: gold score against d for proxy and oracle.

Points carry their bootstrap CI whiskers; the fitted ``R(d) = d (alpha - beta d)`` curves are
drawn over ``[0, k]``. Same inputs, same bytes (fixed-precision coordinates, no external refs).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

__all__ = ["ORACLE_COLOR", "PROXY_COLOR", "Series", "bon_chart", "curves_chart"]

PROXY_COLOR, ORACLE_COLOR = "#4263eb", "#2b8a3e"


@dataclass(frozen=True)
class Series:
    """One curve: points (value, CI) at each d and the fitted ``alpha``, ``beta``."""

    label: str
    color: str
    value: Sequence[float | None]
    low: Sequence[float | None]
    high: Sequence[float | None]
    alpha: float | None
    beta: float | None


def _n(x: float) -> str:
    s = f"{x:.2f}"
    return "0.00" if s == "-0.00" else s


def _finite(xs: Sequence[float | None]) -> list[float]:
    return [x for x in xs if x is not None and math.isfinite(x)]


def _ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    span = hi - lo
    raw = span / max(count - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step) * step
    return [round(first + i * step, 10) for i in range(int((hi - first) / step + 1e-9) + 1)]


def bon_chart(
    d: Sequence[float],
    series: Sequence[Series],
    *,
    title: str = "gold score vs d",
    width: int = 560,
    height: int = 300,
    confidence: float = 0.95,
) -> str:
    """Gold-score curves against ``d = sqrt(KL_bon)`` with CI whiskers and fitted curves.

    Example:
        >>> s = Series("proxy", PROXY_COLOR, [0.0, 0.4], [0.0, 0.3], [0.0, 0.5], 1.0, 0.5)
        >>> svg = bon_chart([0.0, 0.44], [s])
        >>> svg.startswith("<svg") and svg.count("<circle") == 2
        True
    """
    pad_l, pad_r, pad_t, pad_b = 52, 12, 26, 34
    plot_w, plot_h = width - pad_l - pad_r, height - pad_t - pad_b
    k = max(_finite(list(d)), default=1.0) or 1.0
    grid = [k * i / 60 for i in range(61)]
    fitted: dict[str, list[float]] = {}
    ys: list[float] = [0.0]
    for s in series:
        ys += _finite(s.value) + _finite(s.low) + _finite(s.high)
        if s.alpha is not None and s.beta is not None:
            a, b = s.alpha, s.beta
            fitted[s.label] = [x * (a - b * x) for x in grid]
            ys += fitted[s.label]
    y_lo, y_hi = min(ys), max(ys)
    if y_hi - y_lo < 1e-12:
        y_lo, y_hi = y_lo - 0.5, y_hi + 0.5
    margin = 0.05 * (y_hi - y_lo)
    y_lo, y_hi = y_lo - margin, y_hi + margin

    def px(x: float) -> float:
        return pad_l + x / (k * 1.02) * plot_w

    def py(y: float) -> float:
        return pad_t + (y_hi - y) / (y_hi - y_lo) * plot_h

    body = [f'<rect x="{pad_l}" y="{pad_t}" width="{plot_w}" height="{plot_h}" class="frame"/>']
    for t in _ticks(y_lo, y_hi):
        body.append(
            f'<line x1="{pad_l}" y1="{_n(py(t))}" x2="{pad_l + plot_w}" y2="{_n(py(t))}" '
            f'class="grid"/><text x="{pad_l - 4}" y="{_n(py(t) + 4)}" text-anchor="end" '
            f'class="tick">{t:g}</text>'
        )
    for t in _ticks(0.0, k):
        body.append(
            f'<text x="{_n(px(t))}" y="{_n(pad_t + plot_h + 14)}" text-anchor="middle" '
            f'class="tick">{t:g}</text>'
        )
    body.append(
        f'<line x1="{pad_l}" y1="{_n(py(0))}" x2="{pad_l + plot_w}" y2="{_n(py(0))}" '
        'class="diagonal"/>'
    )
    for s in series:
        if s.label in fitted:
            pts = " ".join(
                f"{_n(px(x))},{_n(py(y))}" for x, y in zip(grid, fitted[s.label], strict=True)
            )
            body.append(
                f'<polyline points="{pts}" fill="none" stroke="{s.color}" stroke-width="1.5"/>'
            )
        for x, v, lo, hi in zip(d, s.value, s.low, s.high, strict=True):
            if v is None or not math.isfinite(v):
                continue
            if lo is not None and hi is not None:
                body.append(
                    f'<line x1="{_n(px(x))}" y1="{_n(py(lo))}" x2="{_n(px(x))}" '
                    f'y2="{_n(py(hi))}" stroke="{s.color}" stroke-width="1.2"/>'
                )
            body.append(
                f'<circle cx="{_n(px(x))}" cy="{_n(py(v))}" r="3.5" fill="{s.color}">'
                f"<title>{escape(s.label)}: d={x:.3f}, {v:.4f}</title></circle>"
            )
    for i, s in enumerate(series):
        x0 = pad_l + 8 + i * 150
        body.append(
            f'<rect x="{x0}" y="8" width="10" height="10" fill="{s.color}"/>'
            f'<text x="{x0 + 14}" y="17">{escape(s.label)}</text>'
        )
    body.append(
        f'<text x="{_n(pad_l + plot_w / 2)}" y="{height - 4}" text-anchor="middle">'
        + (
            f"d = sqrt(KL_bon(n)); gold gain over n = 1 (points with {confidence:.0%} CI, "
            "lines: fits)"
            if width >= 480
            else "d = sqrt(KL_bon(n))"
        )
        + "</text>"
    )
    return (
        f'<svg class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def curves_chart(entry: Mapping[str, Any], title: str, confidence: float, width: int = 560) -> str:
    """The gold-gain curves of one proxy (oracle and proxy picks, with their fits) from its
    entry in a best-of-n ``results.json``."""
    curves, fits = entry["curves"], entry["fits"]
    series = [
        Series(
            label,
            color,
            curves[key]["value"],
            curves[key]["ci_low"],
            curves[key]["ci_high"],
            fits[key]["alpha"]["value"],
            fits[key]["beta"]["value"],
        )
        for key, label, color in (
            ("oracle", "oracle (gold picks)", ORACLE_COLOR),
            ("proxy", "proxy picks", PROXY_COLOR),
        )
    ]
    return bon_chart(
        curves["d"],
        series,
        title=title,
        width=width,
        height=round(width * 0.55),
        confidence=confidence,
    )
