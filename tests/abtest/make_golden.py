"""Write tests/golden/abtest_sample_sizes.json: three planted planning cases with the sample
size per arm from statsmodels' power solvers and from the closed-form hand computation.

Run from the repository root: ``python tests/abtest/make_golden.py``. The values come from
statsmodels and the formulas below, never from rewardkit.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from scipy import stats
from statsmodels.stats.power import NormalIndPower, TTestIndPower

OUT = Path(__file__).resolve().parents[1] / "golden" / "abtest_sample_sizes.json"

CASES = [
    {
        "case": "binary 30% -> 32%, 50/50, alpha 0.05, power 0.8",
        "metric": {
            "name": "success",
            "kind": "binary",
            "direction": "increase",
            "baseline": 0.30,
            "mde": 0.02,
        },
        "alpha": 0.05,
        "power": 0.8,
        "split": [0.5, 0.5],
    },
    {
        "case": "binary 10% -> 9% (decrease), 1:2 allocation, alpha 0.05, power 0.9",
        "metric": {
            "name": "violation",
            "kind": "binary",
            "direction": "decrease",
            "baseline": 0.10,
            "mde": 0.01,
        },
        "alpha": 0.05,
        "power": 0.9,
        "split": [1 / 3, 2 / 3],
    },
    {
        "case": "continuous mde 0.1 sd 2, 50/50, alpha 0.01, power 0.8",
        "metric": {
            "name": "rm_score",
            "kind": "continuous",
            "direction": "increase",
            "sd": 2.0,
            "mde": 0.1,
        },
        "alpha": 0.01,
        "power": 0.8,
        "split": [0.5, 0.5],
    },
]


def main() -> None:
    out = []
    for case in CASES:
        m, alpha, power = case["metric"], case["alpha"], case["power"]
        ratio = case["split"][1] / case["split"][0]
        z = stats.norm.isf(alpha / 2) + stats.norm.ppf(power)
        if m["kind"] == "binary":
            sign = 1 if m["direction"] == "increase" else -1
            p0, p1 = m["baseline"], m["baseline"] + sign * m["mde"]
            h = 2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p0))
            sm = NormalIndPower().solve_power(abs(h), alpha=alpha, power=power, ratio=ratio)
            hand = z * z * (1 + 1 / ratio) / (h * h)
            effect = h
        else:
            d = m["mde"] / m["sd"]
            sm = TTestIndPower().solve_power(d, alpha=alpha, power=power, ratio=ratio)
            hand = z * z * (1 + 1 / ratio) / (d * d)  # normal approximation
            effect = d
        n_c = math.ceil(sm)
        out.append(
            {
                **case,
                "effect_size": effect,
                "statsmodels_n_control": float(sm),
                "hand_n_control": float(hand),
                "n_control": n_c,
                "n_treatment": math.ceil(n_c * ratio - 1e-9),
            }
        )
    OUT.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
