"""The HTML page of a ``rewardkit monitor`` run, rendered from its ``results.json`` document.

One time-series chart per alert rule (one line per segment: the whole window and each domain,
the rule's threshold dashed, windows that breached it as open circles and alerts as filled red
circles), the accuracy per segment and window with its CI, the alerts and the windows. It
computes nothing: every number comes from the document.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from rewardkit.report.html.page import document, table
from rewardkit.report.html.svg import fmt
from rewardkit.runs.atomic import write_text

__all__ = ["render_monitor_page", "series_chart", "write_monitor_page"]

PALETTE = ("#212529", "#4263eb", "#2b8a3e", "#e67700", "#ae3ec9", "#0c8599", "#c2255c")
ALERT_COLOR = "#c92a2a"


def _n(x: float) -> str:
    s = f"{x:.2f}"
    return "0.00" if s == "-0.00" else s


def _ok(x: float | None) -> bool:
    return x is not None and math.isfinite(x)


def series_chart(
    x_labels: Sequence[str],
    lines: Mapping[str, Sequence[float | None]],
    *,
    title: str,
    threshold: float | None = None,
    marks: Mapping[str, Sequence[str]] | None = None,
    low: Mapping[str, Sequence[float | None]] | None = None,
    high: Mapping[str, Sequence[float | None]] | None = None,
    width: int = 720,
    height: int = 240,
) -> str:
    """A time-series chart: one polyline per name, optional CI whiskers, threshold and marks.

    Args:
        x_labels: One label per window (x axis).
        lines: Per series name, one value per window (None: no point).
        title: Accessible title, also drawn at the top.
        threshold: A dashed horizontal line.
        marks: Per series name, per window ``""``, ``"breach"`` or ``"alert"``.
        low: Per series name, CI low per window.
        high: Per series name, CI high per window.
        width: Pixels.
        height: Pixels.

    Returns:
        An ``<svg>`` element (same inputs, same bytes).

    Example:
        >>> s = series_chart(["w0", "w1"], {"all": [0.0, 0.3]}, title="psi", threshold=0.1,
        ...                  marks={"all": ["", "alert"]})
        >>> s.startswith("<svg") and s.count("<circle") == 3
        True
    """
    pad_l, pad_r, pad_t, pad_b = 56, 120, 22, 30
    plot_w, plot_h = width - pad_l - pad_r, height - pad_t - pad_b
    ys: list[float] = [0.0] if threshold is None else [0.0, threshold]
    for group in (lines, low or {}, high or {}):
        for values in group.values():
            ys += [v for v in values if _ok(v)]  # type: ignore[misc]
    y_lo, y_hi = min(ys), max(ys)
    if y_hi - y_lo < 1e-12:
        y_lo, y_hi = y_lo - 0.5, y_hi + 0.5
    margin = 0.06 * (y_hi - y_lo)
    y_lo, y_hi = y_lo - margin, y_hi + margin
    count = max(len(x_labels), 1)

    def px(i: int) -> float:
        return pad_l + (i + 0.5) / count * plot_w

    def py(y: float) -> float:
        return pad_t + (y_hi - y) / (y_hi - y_lo) * plot_h

    body = [
        f'<rect x="{pad_l}" y="{pad_t}" width="{plot_w}" height="{plot_h}" class="frame"/>',
        f'<text x="{pad_l}" y="14" class="tick">{escape(title)}</text>',
    ]
    for frac in (0.0, 0.25, 0.5, 0.75, 1.0):
        t = y_lo + frac * (y_hi - y_lo)
        body.append(
            f'<line x1="{pad_l}" y1="{_n(py(t))}" x2="{pad_l + plot_w}" y2="{_n(py(t))}" '
            f'class="grid"/><text x="{pad_l - 4}" y="{_n(py(t) + 4)}" text-anchor="end" '
            f'class="tick">{t:.3g}</text>'
        )
    step = max(1, count // 12)
    for i, label in enumerate(x_labels):
        if i % step == 0:
            body.append(
                f'<text x="{_n(px(i))}" y="{_n(pad_t + plot_h + 14)}" text-anchor="middle" '
                f'class="tick">{escape(label)}</text>'
            )
    if threshold is not None:
        body.append(
            f'<line x1="{pad_l}" y1="{_n(py(threshold))}" x2="{pad_l + plot_w}" '
            f'y2="{_n(py(threshold))}" stroke="{ALERT_COLOR}" stroke-dasharray="5 3"/>'
            f'<text x="{pad_l + plot_w + 4}" y="{_n(pad_t + plot_h - 4)}" class="tick">'
            f"threshold {threshold:g}</text>"
        )
    for k, (name, values) in enumerate(lines.items()):
        color = PALETTE[k % len(PALETTE)]
        pts = [(px(i), py(v)) for i, v in enumerate(values) if _ok(v)]  # type: ignore[arg-type]
        if len(pts) > 1:
            path = " ".join(f"{_n(a)},{_n(b)}" for a, b in pts)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="1.5"/>'
            )
        lows, highs = (low or {}).get(name), (high or {}).get(name)
        for i, v in enumerate(values):
            if not _ok(v):
                continue
            assert v is not None
            if lows is not None and highs is not None and _ok(lows[i]) and _ok(highs[i]):
                lo_v, hi_v = lows[i], highs[i]
                assert lo_v is not None
                assert hi_v is not None
                body.append(
                    f'<line x1="{_n(px(i))}" y1="{_n(py(lo_v))}" x2="{_n(px(i))}" '
                    f'y2="{_n(py(hi_v))}" stroke="{color}" stroke-width="1"/>'
                )
            mark = (marks or {}).get(name, [""] * len(values))[i]
            if mark == "alert":
                body.append(
                    f'<circle cx="{_n(px(i))}" cy="{_n(py(v))}" r="5" fill="{ALERT_COLOR}">'
                    f"<title>alert: {escape(name)} {escape(x_labels[i])}</title></circle>"
                )
            elif mark == "breach":
                body.append(
                    f'<circle cx="{_n(px(i))}" cy="{_n(py(v))}" r="4" fill="none" '
                    f'stroke="{ALERT_COLOR}"/>'
                )
            body.append(f'<circle cx="{_n(px(i))}" cy="{_n(py(v))}" r="2" fill="{color}"/>')
        body.append(
            f'<text x="{pad_l + plot_w + 4}" y="{pad_t + 12 + 13 * k}" '
            f'style="fill:{color};font-size:11px">{escape(name)}</text>'
        )
    return (
        f'<svg class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def _rule_section(rule: Mapping[str, Any], labels: list[str], metrics: Mapping[str, Any]) -> str:
    tracks = rule.get("tracks", {})
    if not tracks:
        return ""
    lines = {seg: t["effect"] for seg, t in tracks.items()}
    marks = {
        seg: [
            "alert" if a else ("breach" if b else "")
            for a, b in zip(t["alert"], t["breach"], strict=True)
        ]
        for seg, t in tracks.items()
    }
    what = metrics.get(rule["metric"], {})
    note = (
        f"{escape(str(what.get('effect', '')))}; test: {escape(str(rule.get('test', '')))}; "
        f"threshold {fmt(rule['threshold'], 3)}, {rule['consecutive']} consecutive window(s), "
        f"at least {rule['min_n']} rows"
    )
    chart = series_chart(
        labels, lines, title=rule["metric"], threshold=float(rule["threshold"]), marks=marks
    )
    return f'<h3>{escape(rule["metric"])}</h3><p class="note">{note}</p>{chart}'


def _accuracy_section(doc: Mapping[str, Any], labels: list[str]) -> str:
    lines: dict[str, list[float | None]] = {}
    low: dict[str, list[float | None]] = {}
    high: dict[str, list[float | None]] = {}
    for seg, cells in doc["cells"].items():
        accs = [c.get("accuracy") for c in cells]
        if not any(accs):
            continue
        lines[seg] = [a["value"] if a else None for a in accs]
        low[seg] = [a["ci"][0] if a else None for a in accs]
        high[seg] = [a["ci"][1] if a else None for a in accs]
    if not lines:
        return ""
    conf = doc.get("config", {}).get("confidence", 0.95)
    return (
        f'<h2>Accuracy on labelled rows</h2><p class="note">Per window, with its '
        f"{conf:.0%} bootstrap CI (whiskers).</p>"
        + series_chart(labels, lines, title="accuracy", low=low, high=high)
    )


def _alerts_table(alerts: Sequence[Mapping[str, Any]]) -> str:
    if not alerts:
        return '<p class="ok">No alert.</p>'
    rows = [
        [
            str(a["window"]),
            escape(a["start"]),
            escape(a["metric"]),
            escape(a["segment"]),
            fmt(a["effect"]),
            fmt(a["threshold"], 3),
            fmt(a["p_adjusted"], 6),
            str(a["n"]),
        ]
        for a in alerts
    ]
    header = ["window", "start", "metric", "segment", "effect", "threshold", "adjusted p", "n"]
    return table(header, rows, numeric=[True, False, False, False, True, True, True, True])


def _windows_table(doc: Mapping[str, Any]) -> str:
    segs = list(doc["segments"])
    rows = []
    for k, w in enumerate(doc["windows"]):
        shift = doc["cells"]["all"][k].get("mean_shift") if "all" in doc["cells"] else None
        ci = "" if not shift else f" [{fmt(shift['ci'][0])}, {fmt(shift['ci'][1])}]"
        rows.append(
            [
                str(w["index"]),
                escape(w["start"]),
                escape(w["end"]),
                *(str(doc["cells"][s][k].get("n", 0)) for s in segs),
                (fmt(shift["value"]) + ci) if shift else "n/a",
            ]
        )
    header = ["window", "start", "end", *(f"n {s}" for s in segs), "mean shift (all)"]
    return table(header, rows, numeric=[True, False, False, *([True] * len(segs)), True])


def render_monitor_page(doc: Mapping[str, Any]) -> str:
    """The HTML page of a monitor results document (see :func:`rewardkit.monitor.analyse`).

    Example:
        >>> doc = {"windows": [{"index": 0, "start": "s", "end": "e", "n": 5}],
        ...        "segments": ["all"], "cells": {"all": [{"n": 5}]}, "alerts": [],
        ...        "rules": [], "multiplicity": {"statement": "Holm"}, "config": {}}
        >>> "No alert" in render_monitor_page(doc)
        True
    """
    labels = [str(w["index"]) for w in doc["windows"]]
    metrics = doc.get("metrics", {})
    alerts = doc.get("alerts", [])
    mult = doc.get("multiplicity", {})
    body = [
        f'<p class="{"bad" if alerts else "ok"}">{len(alerts)} alert(s) over '
        f"{len(labels)} window(s). {escape(str(mult.get('statement', '')))}. A window breaches "
        "a rule when its effect reaches the threshold and the rule's test is significant after "
        "that correction; an alert fires on the last of the rule's consecutive breaches.</p>",
        "<h2>Alerts</h2>",
        _alerts_table(alerts),
        "<h2>Drift per rule</h2>",
        '<p class="note">Filled red circle: alert; open circle: breach; dashed: threshold. '
        "x axis: window index.</p>",
        *(_rule_section(r, labels, metrics) for r in doc.get("rules", [])),
        _accuracy_section(doc, labels),
        "<h2>Windows</h2>",
        _windows_table(doc),
    ]
    return document("rewardkit monitor", "\n".join(body))


def write_monitor_page(out: Path, doc: Mapping[str, Any], name: str = "report.html") -> Path:
    """Write :func:`render_monitor_page` of ``doc`` to ``out/name`` atomically."""
    path = out / name
    write_text(path, render_monitor_page(doc))
    return path
