"""Regenerate the ``metrics_*.json`` golden cases from reference implementations.

Expected values come from ``scipy.stats`` (Spearman, Kendall tau-b) and from the plain-Python
loops in ``tests/metrics/metrics_reference.py`` (pairwise, best-of-N, pair differences, ECE,
Brier, log-loss) -- never from ``rewardkit.metrics``. NaN is written as ``null``.

Usage: ``python tests/golden/make_metrics_golden.py`` (from the repository root).
"""

from __future__ import annotations

import json
import math
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "metrics"))

import metrics_reference as ref  # type: ignore[import-not-found]  # noqa: E402


def _clean(x: Any) -> Any:
    """NaN -> None, recursively, so the files are strict JSON."""
    if isinstance(x, float):
        return None if math.isnan(x) else x
    if isinstance(x, list):
        return [_clean(v) for v in x]
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    return x


def _items(rng: random.Random, n_items: int, max_c: int, max_r: int, levels: int) -> dict[str, Any]:
    """Random responses with integer-valued scores (many ties), shuffled (non-contiguous)."""
    rows = []
    for i in range(n_items):
        for _ in range(rng.randint(1, max_c)):
            rows.append((float(rng.randint(0, levels)), i, True))
        for _ in range(rng.randint(1, max_r)):
            rows.append((float(rng.randint(0, levels)), i, False))
    rng.shuffle(rows)
    return {
        "scores": [r[0] for r in rows],
        "item_index": [r[1] for r in rows],
        "is_chosen": [r[2] for r in rows],
        "n_items": n_items,
    }


def pairwise_cases() -> list[dict[str, Any]]:
    rng = random.Random(7)
    cases: list[dict[str, Any]] = [
        {
            "name": "one_vs_one_with_ties",
            "scores": [2.0, 1.0, 0.5, 0.5, -1.0, 3.0, 1e-300, 0.0],
            "item_index": [0, 0, 1, 1, 2, 2, 3, 3],
            "is_chosen": [True, False, True, False, True, False, True, False],
            "n_items": 4,
        },
        {
            "name": "best_of_n_ties_at_max",  # k = 1 + rejected tied at the max
            "scores": [5.0, 5.0, 5.0, 1.0, 4.0, 4.0, 4.0, 4.0, 3.0, 2.0, 2.0, 1.0],
            "item_index": [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2],
            "is_chosen": [True, False, False, False] * 3,
            "n_items": 3,
        },
        {
            "name": "several_chosen_noncontiguous",
            "scores": [1.0, 3.0, 2.0, 2.0, 0.0, 5.0, 1.0, 2.0, 2.0],
            "item_index": [1, 0, 1, 0, 0, 1, 1, 0, 1],
            "is_chosen": [False, True, True, False, True, True, False, True, False],
            "n_items": 2,
        },
        {"name": "random_small", **_items(rng, 30, 3, 4, 3)},
        {"name": "random_rb2_like", **_items(rng, 60, 1, 3, 5)},
    ]
    for case in cases:
        args = (case["scores"], case["item_index"], case["is_chosen"])
        case["expected"] = {
            "pairwise_tie_half": ref.pairwise_outcomes(*args, case["n_items"], 0.5),
            "pairwise_tie_zero": ref.pairwise_outcomes(*args, case["n_items"], 0.0),
            "best_of_n": ref.best_of_n_outcomes(*args, case["n_items"]),
        }
        pair_item, diff = ref.pair_differences(*args)
        case["expected"]["pair_item"] = pair_item
        case["expected"]["pair_diff"] = diff
    return cases


def calibration_cases() -> list[dict[str, Any]]:
    rng = random.Random(11)
    cases: list[dict[str, Any]] = [
        {
            "name": "probs_on_bin_edges",
            "probs": [0.0, 1 / 15, 2 / 15, 0.5, 14 / 15, 1.0, 1.0, 0.3, 0.31],
            "labels": [0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0],
            "weights": None,
            "n_bins": 15,
        },
        {
            "name": "weighted_soft_labels",
            "probs": [rng.random() for _ in range(40)],
            "labels": [rng.choice([0.0, 0.25, 1.0]) for _ in range(40)],
            "weights": [rng.choice([0.0, 0.5, 1.0, 3.0]) for _ in range(40)],
            "n_bins": 10,
        },
    ]
    for case in cases:
        case["expected"] = {
            "ece": ref.ece(case["probs"], case["labels"], case["n_bins"], case["weights"]),
            "brier": ref.brier(case["probs"], case["labels"], case["weights"]),
        }
    diff_cases: list[dict[str, Any]] = [
        {
            "name": "diffs_extreme_and_zero",
            "diffs": [0.0, 0.0, 1.0, -1.0, 40.0, -40.0, 800.0, -800.0, 2.5],
            "weights": None,
            "n_bins": 15,
        },
        {
            "name": "diffs_random_weighted",
            "diffs": [round(rng.gauss(0.5, 2.0), 3) for _ in range(50)],
            "weights": [float(rng.randint(1, 4)) for _ in range(50)],
            "n_bins": 15,
        },
    ]
    for case in diff_cases:
        probs, labels = ref.both_orientations(case["diffs"])
        w2 = None if case["weights"] is None else case["weights"] * 2
        case["expected"] = {
            "ece": ref.ece(probs, labels, case["n_bins"], w2),
            "brier": ref.brier(probs, labels, w2),
            "log_loss": ref.log_loss(case["diffs"], case["weights"]),
        }
    return cases + diff_cases


def correlation_cases() -> list[dict[str, Any]]:
    rng = np.random.default_rng(3)
    n = 200
    x = rng.integers(0, 6, n).astype(float)
    cases: list[dict[str, Any]] = [
        {"name": "no_ties", "x": [1.0, 2.0, 3.0, 4.0, 5.0], "y": [2.0, 1.0, 4.0, 3.0, 5.0]},
        {"name": "ties_both", "x": [1, 2, 2, 3, 3, 3, 4], "y": [1, 1, 2, 2, 3, 3, 3]},
        {"name": "reversed", "x": [1, 2, 3, 4], "y": [8, 6, 4, 2]},
        {"name": "two_points", "x": [0.5, 1.5], "y": [3.0, -1.0]},
        {"name": "constant_x", "x": [2, 2, 2, 2], "y": [1, 2, 3, 4]},
        {"name": "constant_y", "x": [1, 2, 3], "y": [0, 0, 0]},
        {"name": "single_point", "x": [1.0], "y": [2.0]},
        {"name": "nan_input", "x": [1.0, float("nan"), 3.0], "y": [1.0, 2.0, 3.0]},
        {
            "name": "random_heavy_ties",
            "x": x.tolist(),
            "y": (x + rng.integers(-2, 3, n)).tolist(),
        },
        {
            "name": "random_continuous_vs_likert",
            "x": rng.normal(size=n).round(6).tolist(),
            "y": rng.integers(1, 6, n).astype(float).tolist(),
        },
    ]
    for case in cases:
        xs = np.asarray(case["x"], dtype=float)
        ys = np.asarray(case["y"], dtype=float)
        if xs.size < 2:
            rho = tau = math.nan
        else:
            rho = float(stats.spearmanr(xs, ys).statistic)
            tau = float(stats.kendalltau(xs, ys, variant="b").statistic)
        case["x"] = [float(v) for v in xs]
        case["y"] = [float(v) for v in ys]
        case["expected"] = {"spearman": rho, "kendall_tau_b": tau}
    return cases


def main() -> None:
    import warnings

    warnings.simplefilter("ignore")  # scipy warns on the constant-input cases
    outputs = {
        "metrics_pairwise.json": pairwise_cases(),
        "metrics_calibration.json": calibration_cases(),
        "metrics_correlation.json": correlation_cases(),
    }
    for name, cases in outputs.items():
        lines = [json.dumps(case, allow_nan=False) for case in _clean(cases)]
        text = '{"cases": [\n' + ",\n".join(lines) + "\n]}\n"
        (HERE / name).write_text(text, encoding="utf-8")
        print(f"wrote {name}: {len(cases)} cases")


if __name__ == "__main__":
    main()
