"""Inline SVG charts (interval bars, reliability diagram, histograms) as ``<svg>`` strings.

No external reference (not even an ``xmlns`` URL: HTML5 parses inline SVG without it); labels
are HTML-escaped and numbers fixed-precision, so the same inputs give the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["Interval", "fmt", "histograms", "interval_bars", "reliability_diagram"]

CHOSEN_COLOR, REJECTED_COLOR, BAR_COLOR = "#2b8a3e", "#c92a2a", "#4263eb"


@dataclass(frozen=True)
class Interval:
    """One labelled estimate: value with a confidence interval and its sample size."""

    label: str
    value: float | None
    low: float | None
    high: float | None
    n: int


def fmt(x: float | None, digits: int = 4) -> str:
    """Format a number with fixed precision; ``None`` and NaN print as ``n/a``.

    Args:
        x: The number (or ``None``).
        digits: Digits after the decimal point.

    Returns:
        The formatted text.

    Example:
        >>> fmt(0.5), fmt(None), fmt(float("nan")), fmt(2.0, 1)
        ('0.5000', 'n/a', 'n/a', '2.0')
    """
    if x is None or not math.isfinite(x):
        return "n/a"
    return f"{x:.{digits}f}"


def _n(x: float) -> str:
    s = f"{x:.2f}"
    return "0.00" if s == "-0.00" else s


def _clip(x: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return min(max(x, lo), hi)


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (
        f'<svg class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def interval_bars(rows: Sequence[Interval], title: str = "accuracy", width: int = 760) -> str:
    """Horizontal bars on a [0, 1] axis with confidence-interval whiskers, one row per estimate.

    Args:
        rows: The estimates, drawn top to bottom.
        title: Accessible title of the chart.
        width: Width in pixels.

    Returns:
        An ``<svg>`` element.

    Example:
        >>> s = interval_bars([Interval("a<b", 0.6, 0.5, 0.7, 10)])
        >>> s.startswith("<svg") and "a&lt;b" in s
        True
    """
    label_w, right_w, row_h, top = 180, 230, 22, 18
    plot_w = width - label_w - right_w
    height = top + row_h * len(rows) + 6
    body: list[str] = []
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = label_w + tick * plot_w
        body.append(
            f'<line x1="{_n(x)}" y1="{top - 4}" x2="{_n(x)}" y2="{height - 4}" class="grid"/>'
            f'<text x="{_n(x)}" y="{top - 6}" text-anchor="middle" class="tick">{tick:g}</text>'
        )
    for i, row in enumerate(rows):
        y = top + i * row_h
        label = row.label if len(row.label) <= 28 else row.label[:27] + "\u2026"
        body.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{escape(label)}'
            f"<title>{escape(row.label)}</title></text>"
        )
        if row.value is not None and math.isfinite(row.value):
            w = _clip(row.value) * plot_w
            body.append(
                f'<rect x="{label_w}" y="{y + 4}" width="{_n(w)}" height="{row_h - 8}" '
                f'fill="{BAR_COLOR}" opacity="0.75"/>'
            )
        if fmt(row.low) != "n/a" and fmt(row.high) != "n/a":
            x1 = label_w + _clip(row.low or 0.0) * plot_w
            x2 = label_w + _clip(row.high or 0.0) * plot_w
            ym = y + row_h / 2
            body.append(
                f'<path d="M{_n(x1)} {_n(ym)}H{_n(x2)}M{_n(x1)} {_n(ym - 5)}V{_n(ym + 5)}'
                f'M{_n(x2)} {_n(ym - 5)}V{_n(ym + 5)}" class="whisker"/>'
            )
        text = f"{fmt(row.value)} [{fmt(row.low, 3)}, {fmt(row.high, 3)}] n={row.n}"
        body.append(f'<text x="{label_w + plot_w + 6}" y="{y + 15}">{text}</text>')
    return _svg(width, height, body, title)


def reliability_diagram(
    mean_pred: Sequence[float | None],
    observed: Sequence[float | None],
    counts: Sequence[int],
    title: str = "reliability diagram",
    size: int = 360,
) -> str:
    """Observed frequency against mean predicted probability per bin, with the diagonal.

    Args:
        mean_pred: Mean predicted probability per bin (``None`` for an empty bin).
        observed: Observed frequency of the label per bin (``None`` for an empty bin).
        counts: Number of samples per bin, printed under the axis.
        title: Accessible title of the chart.
        size: Side of the square plot area in pixels.

    Returns:
        An ``<svg>`` element.

    Example:
        >>> reliability_diagram([0.25, None], [0.5, None], [4, 0]).count("<circle")
        1
    """
    pad_l, pad_t, pad_b = 44, 12, 56
    width, height = pad_l + size + 16, pad_t + size + pad_b
    n_bins = max(len(counts), 1)

    def px(p: float) -> float:
        return pad_l + _clip(p) * size

    def py(p: float) -> float:
        return pad_t + (1.0 - _clip(p)) * size

    body = [
        f'<rect x="{pad_l}" y="{pad_t}" width="{size}" height="{size}" class="frame"/>',
        f'<line x1="{_n(px(0))}" y1="{_n(py(0))}" x2="{_n(px(1))}" y2="{_n(py(1))}" '
        'class="diagonal"/>',
    ]
    for tick in (0.0, 0.5, 1.0):
        body.append(
            f'<text x="{_n(px(tick))}" y="{_n(py(0) + 14)}" text-anchor="middle" '
            f'class="tick">{tick:g}</text><text x="{pad_l - 4}" y="{_n(py(tick) + 4)}" '
            f'text-anchor="end" class="tick">{tick:g}</text>'
        )
    points: list[str] = []
    for k, (m, o, c) in enumerate(zip(mean_pred, observed, counts, strict=True)):
        cx = px((k + 0.5) / n_bins)
        body.append(
            f'<text x="{_n(cx)}" y="{_n(py(0) + 28)}" text-anchor="middle" class="count">{c}</text>'
        )
        if m is None or o is None or c == 0:
            continue
        points.append(f"{_n(px(m))},{_n(py(o))}")
        body.append(
            f'<circle cx="{_n(px(m))}" cy="{_n(py(o))}" r="4" fill="{BAR_COLOR}">'
            f"<title>bin {k}: predicted {fmt(m, 3)}, observed {fmt(o, 3)}, n={c}</title></circle>"
        )
    if len(points) > 1:
        body.insert(2, f'<polyline points="{" ".join(points)}" class="curve"/>')
    body.append(
        f'<text x="{_n(px(0.5))}" y="{height - 8}" text-anchor="middle">'
        "mean predicted probability (bin counts above)</text>"
    )
    return _svg(width, height, body, title)


def histograms(
    chosen: Sequence[float],
    rejected: Sequence[float],
    n_bins: int = 30,
    title: str = "score distributions",
    width: int = 640,
    height: int = 240,
) -> str:
    """Two overlaid histograms on shared bins: chosen (green) and rejected (red) scores.

    Args:
        chosen: Scores of the chosen responses (finite values are drawn).
        rejected: Scores of the rejected responses.
        n_bins: Number of equal-width bins over the pooled range.
        title: Accessible title of the chart.
        width: Width in pixels.
        height: Height in pixels.

    Returns:
        An ``<svg>`` element.

    Example:
        >>> histograms([1.0, 2.0], [0.0], n_bins=2).count("<rect")  # frame, 2 bars, 2 keys
        5
    """
    c = [x for x in chosen if math.isfinite(x)]
    r = [x for x in rejected if math.isfinite(x)]
    pad_l, pad_r, pad_t, pad_b = 40, 12, 24, 30
    plot_w, plot_h = width - pad_l - pad_r, height - pad_t - pad_b
    lo = min(c + r, default=0.0)
    hi = max(c + r, default=1.0)
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5

    def counts(xs: list[float]) -> list[int]:
        out = [0] * n_bins
        for x in xs:
            out[min(int((x - lo) / (hi - lo) * n_bins), n_bins - 1)] += 1
        return out

    cc, rc = counts(c), counts(r)
    top = max(cc + rc, default=1) or 1
    bw = plot_w / n_bins
    body = [f'<rect x="{pad_l}" y="{pad_t}" width="{plot_w}" height="{plot_h}" class="frame"/>']
    for values, color, name in ((rc, REJECTED_COLOR, "rejected"), (cc, CHOSEN_COLOR, "chosen")):
        for k, v in enumerate(values):
            if v:
                h = v / top * plot_h
                body.append(
                    f'<rect x="{_n(pad_l + k * bw)}" y="{_n(pad_t + plot_h - h)}" '
                    f'width="{_n(bw)}" height="{_n(h)}" fill="{color}" opacity="0.5">'
                    f"<title>{name}: {v}</title></rect>"
                )
    base = pad_t + plot_h
    body.append(
        f'<text x="{pad_l}" y="{base + 16}" class="tick">{escape(fmt(lo, 3))}</text>'
        f'<text x="{pad_l + plot_w}" y="{base + 16}" text-anchor="end" class="tick">'
        f"{escape(fmt(hi, 3))}</text>"
        f'<text x="{pad_l - 4}" y="{pad_t + 8}" text-anchor="end" class="tick">{top}</text>'
        f'<rect x="{pad_l + 8}" y="6" width="10" height="10" fill="{CHOSEN_COLOR}"/>'
        f'<text x="{pad_l + 22}" y="15">chosen (n={len(c)})</text>'
        f'<rect x="{pad_l + 140}" y="6" width="10" height="10" fill="{REJECTED_COLOR}"/>'
        f'<text x="{pad_l + 154}" y="15">rejected (n={len(r)})</text>'
    )
    return _svg(width, height, body, title)
