"""The two charts of the demo's one-page report that the shared SVG helpers do not draw: the
training curve (losses per epoch) and estimates with CIs against a target line.

Same conventions as :mod:`rewardkit.report.html.svg`: inline ``<svg>``, escaped labels,
fixed-precision coordinates, so the same inputs give the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from rewardkit.report.html.svg import Interval, fmt

__all__ = ["loss_curves", "target_intervals"]

TRAIN_COLOR, VAL_COLOR, POINT_COLOR = "#4263eb", "#e8590c", "#212529"


def _n(x: float) -> str:
    s = f"{x:.2f}"
    return "0.00" if s == "-0.00" else s


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (
        f'<svg class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def _finite(xs: Sequence[float | None]) -> list[float]:
    return [float(x) for x in xs if x is not None and math.isfinite(float(x))]


def loss_curves(
    epochs: Sequence[int],
    series: Sequence[tuple[str, Sequence[float | None]]],
    best_epoch: int | None = None,
    title: str = "training curve",
    width: int = 560,
    height: int = 240,
) -> str:
    """Lines of one value per epoch (e.g. train and validation loss); a dashed line marks
    the best epoch.

    Args:
        epochs: The epoch numbers (x axis).
        series: ``(label, values per epoch)``; ``None`` values are skipped.
        best_epoch: The epoch to mark, if any.
        title: Accessible title of the chart.
        width: Width in pixels.
        height: Height in pixels.

    Returns:
        An ``<svg>`` element.

    Example:
        >>> s = loss_curves([1, 2], [("train<", [0.7, 0.6]), ("val", [0.8, None])], best_epoch=2)
        >>> s.startswith("<svg") and s.count("<circle") == 3 and "train&lt;" in s
        True
    """
    pad_l, pad_r, pad_t, pad_b = 52, 12, 26, 34
    plot_w, plot_h = width - pad_l - pad_r, height - pad_t - pad_b
    ys = [y for _, values in series for y in _finite(values)] or [0.0, 1.0]
    y_lo, y_hi = min(ys), max(ys)
    if y_hi - y_lo < 1e-12:
        y_lo, y_hi = y_lo - 0.5, y_hi + 0.5
    margin = 0.08 * (y_hi - y_lo)
    y_lo, y_hi = y_lo - margin, y_hi + margin
    x_lo, x_hi = (min(epochs), max(epochs)) if epochs else (0, 1)
    span = max(x_hi - x_lo, 1)

    def px(x: float) -> float:
        return pad_l + (x - x_lo) / span * plot_w

    def py(y: float) -> float:
        return pad_t + (y_hi - y) / (y_hi - y_lo) * plot_h

    body = [f'<rect x="{pad_l}" y="{pad_t}" width="{plot_w}" height="{plot_h}" class="frame"/>']
    for k in range(5):
        y = y_lo + (y_hi - y_lo) * k / 4
        body.append(
            f'<line x1="{pad_l}" y1="{_n(py(y))}" x2="{pad_l + plot_w}" y2="{_n(py(y))}" '
            f'class="grid"/><text x="{pad_l - 4}" y="{_n(py(y) + 4)}" text-anchor="end" '
            f'class="tick">{fmt(y, 3)}</text>'
        )
    step = max(1, math.ceil(len(epochs) / 10))
    for e in list(epochs)[::step]:
        body.append(
            f'<text x="{_n(px(e))}" y="{_n(pad_t + plot_h + 14)}" text-anchor="middle" '
            f'class="tick">{e}</text>'
        )
    if best_epoch is not None and epochs:
        body.append(
            f'<line x1="{_n(px(best_epoch))}" y1="{pad_t}" x2="{_n(px(best_epoch))}" '
            f'y2="{pad_t + plot_h}" class="diagonal"><title>best epoch {best_epoch}</title></line>'
        )
    colors = (TRAIN_COLOR, VAL_COLOR, POINT_COLOR)
    for i, (label, values) in enumerate(series):
        color = colors[i % len(colors)]
        pts = [(e, float(v)) for e, v in zip(epochs, values, strict=True) if v is not None]
        if len(pts) > 1:
            line = " ".join(f"{_n(px(e))},{_n(py(v))}" for e, v in pts)
            body.append(
                f'<polyline points="{line}" fill="none" stroke="{color}" stroke-width="1.5"/>'
            )
        for e, v in pts:
            body.append(
                f'<circle cx="{_n(px(e))}" cy="{_n(py(v))}" r="2.5" fill="{color}">'
                f"<title>{escape(label)}: epoch {e}, {fmt(v)}</title></circle>"
            )
        x0 = pad_l + 8 + i * 150
        body.append(
            f'<rect x="{x0}" y="8" width="10" height="10" fill="{color}"/>'
            f'<text x="{x0 + 14}" y="17">{escape(label)}</text>'
        )
    body.append(
        f'<text x="{_n(pad_l + plot_w / 2)}" y="{height - 4}" text-anchor="middle">'
        "epoch (dashed: best epoch)</text>"
    )
    return _svg(width, height, body, title)


def _verdict_color(row: Interval, target: float) -> str:
    """Green when the CI lies at or above the target, red when below it, orange otherwise."""
    if row.low is not None and row.low >= target:
        return "#2b8a3e"
    if row.high is not None and row.high < target:
        return "#c92a2a"
    return "#e67700"


def target_intervals(
    rows: Sequence[Interval],
    target: float,
    title: str = "estimates against the target",
    width: int = 640,
) -> str:
    """One row per estimate: a dot with its CI whiskers on an axis from ``min(0, lowest)`` to 1,
    and a dashed line at ``target``.

    Args:
        rows: The estimates, drawn top to bottom.
        target: Where the dashed target line goes.
        title: Accessible title of the chart.
        width: Width in pixels.

    Returns:
        An ``<svg>`` element.

    Example:
        >>> s = target_intervals([Interval("a<b", 0.5, 0.4, 0.6, 9)], 0.6)
        >>> s.count("<circle") == 1 and "a&lt;b" in s and 'class="diagonal"' in s
        True
    """
    label_w, right_w, row_h, top = 130, 20, 22, 22
    plot_w = width - label_w - right_w
    lows = _finite([r.low for r in rows] + [r.value for r in rows])
    x_lo = min([0.0, *lows])
    x_lo = math.floor(x_lo * 4) / 4
    height = top + row_h * len(rows) + 8

    def px(x: float) -> float:
        return label_w + (min(max(x, x_lo), 1.0) - x_lo) / (1.0 - x_lo) * plot_w

    body: list[str] = []
    ticks = [x_lo + k * 0.25 for k in range(round((1.0 - x_lo) / 0.25) + 1)]
    for tick in ticks:
        body.append(
            f'<line x1="{_n(px(tick))}" y1="{top - 4}" x2="{_n(px(tick))}" y2="{height - 4}" '
            f'class="grid"/><text x="{_n(px(tick))}" y="{top - 8}" text-anchor="middle" '
            f'class="tick">{tick:g}</text>'
        )
    body.append(
        f'<line x1="{_n(px(target))}" y1="{top - 4}" x2="{_n(px(target))}" y2="{height - 4}" '
        f'class="diagonal"><title>target {target:g}</title></line>'
    )
    for i, row in enumerate(rows):
        y = top + i * row_h
        ym = y + row_h / 2
        body.append(
            f'<text x="{label_w - 6}" y="{_n(ym + 4)}" text-anchor="end">{escape(row.label)}</text>'
        )
        if row.low is not None and row.high is not None:
            x1, x2 = px(row.low), px(row.high)
            body.append(
                f'<path d="M{_n(x1)} {_n(ym)}H{_n(x2)}M{_n(x1)} {_n(ym - 5)}V{_n(ym + 5)}'
                f'M{_n(x2)} {_n(ym - 5)}V{_n(ym + 5)}" class="whisker"/>'
            )
        if row.value is not None and math.isfinite(row.value):
            color = _verdict_color(row, target)
            body.append(
                f'<circle cx="{_n(px(row.value))}" cy="{_n(ym)}" r="4.5" fill="{color}">'
                f"<title>{escape(row.label)}: {fmt(row.value, 3)} [{fmt(row.low, 3)}, "
                f"{fmt(row.high, 3)}]</title></circle>"
            )
    return _svg(width, height, body, title)
