"""The monitor page draws the document it is given: alerts, thresholds, one chart per rule."""

from __future__ import annotations

import pandas as pd

from rewardkit.monitor import AlertRule, MonitorConfig, analyse
from rewardkit.monitor.log import validate_log
from rewardkit.monitor.simulate import TrafficConfig, simulate_traffic
from rewardkit.report.html.monitor_page import render_monitor_page, series_chart


def _doc() -> dict[str, object]:
    t = simulate_traffic(
        TrafficConfig(seed=1, n_windows=3, window_size=600, n_reference=1200, drift_at=2,
                      shift_sd=1.0)
    )  # fmt: skip
    cfg = MonitorConfig(
        window_size=600,
        bootstrap=50,
        rules=[
            AlertRule(metric="score_mean_shift", threshold=0.1),
            AlertRule(metric="domain_mix_psi", threshold=0.1, segments="all"),
        ],
    )
    return analyse(validate_log(t.reference), validate_log(t.current), cfg)


def test_page_marks_every_alert_and_threshold() -> None:
    doc = _doc()
    html = render_monitor_page(doc)
    alerts = doc["alerts"]
    assert isinstance(alerts, list)
    assert alerts
    assert html.count("<title>alert:") == len(alerts)
    assert html.count("threshold 0.1</text>") == 2  # one dashed line per rule chart
    assert f"{len(alerts)} alert(s) over 3 window(s)" in html
    assert render_monitor_page(doc) == html  # same document, same bytes


def test_series_chart_escapes_names_and_skips_missing_points() -> None:
    svg = series_chart(["0", "1", "2"], {"a<b": [0.1, None, 0.3]}, title="t&")
    assert "a&lt;b" in svg
    assert "t&amp;" in svg
    assert svg.count('r="2"') == 2


def test_page_of_a_document_without_rules_or_labels() -> None:
    ts = pd.date_range("2026-01-01", periods=30, freq="h", tz="UTC")
    log = pd.DataFrame({"timestamp": ts, "prompt": "p", "response": "r",
                        "score": range(30), "domain": "x", "correct": float("nan")})  # fmt: skip
    doc = analyse(log, log, MonitorConfig(window_size=15, bootstrap=20, rules=[]))
    html = render_monitor_page(doc)
    assert "No alert." in html
    assert "Accuracy" not in html
