"""The decision page draws the document it is given (and escapes what comes from data)."""

from __future__ import annotations

from rewardkit.report.html.abtest_page import render_abtest_page


def _doc(decision: str) -> dict[str, object]:
    metric = {
        "name": "succ<ess>",
        "kind": "binary",
        "role": "primary",
        "direction": "increase",
        "n_control": 100,
        "n_treatment": 101,
        "mean_control": 0.3,
        "mean_treatment": 0.4,
        "arm_ci": {"control": [0.21, 0.39], "treatment": [0.31, 0.49], "method": "Wilson"},
        "difference": {"value": 0.1, "ci": [0.01, 0.19], "se": 0.05},
        "relative_lift": {"value": 0.333, "ci": [0.0, 0.7]},
        "p_value": 0.012,
        "p_adjusted": 0.024,
        "significant": True,
        "test": "two-proportion z",
    }
    guard = {
        **metric,
        "name": "harm",
        "role": "guardrail",
        "noninferiority": {
            "margin": 0.005,
            "p_value": None,
            "harm_ci": [-0.001, 0.004],
            "noninferior": True,
            "inferior": False,
        },
    }
    return {
        "preregistration": {
            "name": "exp",
            "sha256": "f00d",
            "recorded_at": "2026-01-01T00:00:00+00:00",
            "design": "fixed",
            "alpha": 0.05,
            "decision_rule": ["rule one"],
        },
        "data": {"n_units": 201},
        "srm": {
            "counts": [100, 101],
            "expected": [100.5, 100.5],
            "chi2": 0.005,
            "p_value": 0.94,
            "alpha": 0.001,
            "mismatch": False,
        },
        "metrics": [metric, guard],
        "decision": {"decision": decision, "reasons": ["because <x>"]},
    }


def test_page_shows_the_decision_the_rule_and_every_metric() -> None:
    html = render_abtest_page(_doc("don't ship"))
    assert '<span class="bad">don&#x27;t ship</span>' in html
    assert "because &lt;x&gt;" in html
    assert "rule one" in html
    assert "succ&lt;ess&gt;" in html
    assert "0.1000 [0.0100, 0.1900]" in html
    assert "0.3000 [0.2100, 0.3900]" in html
    assert "non-inferior" in html
    assert "f00d" in html
    assert "no mismatch" in html
