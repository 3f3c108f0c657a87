"""Losses against hand computations (golden JSON) and finite differences."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from rewardkit.train.losses import bradley_terry_loss, regression_loss

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "train_losses.json"


def _hand(case: dict[str, list[float] | float]) -> float:
    """The formula written out term by term, as TRL's RewardTrainer computes it."""
    c, r = case["r_chosen"], case["r_rejected"]
    m = case.get("margin") or [0.0] * len(c)  # type: ignore[arg-type]
    coef = float(case.get("center_coef", 0.0))  # type: ignore[arg-type]
    terms = [
        -math.log(1 / (1 + math.exp(-(ci - ri - mi)))) for ci, ri, mi in zip(c, r, m, strict=True)
    ]  # type: ignore[arg-type]
    center = sum((ci + ri) ** 2 for ci, ri in zip(c, r, strict=True)) / len(c)  # type: ignore[arg-type]
    return sum(terms) / len(terms) + coef * center


@pytest.mark.parametrize("case", json.loads(GOLDEN.read_text())["bradley_terry"])
def test_bradley_terry_golden(case: dict[str, object]) -> None:
    loss, _, _ = bradley_terry_loss(
        case["r_chosen"],
        case["r_rejected"],  # type: ignore[arg-type]
        case.get("margin"),
        float(case.get("center_coef", 0.0)),
    )  # type: ignore[arg-type]
    assert loss == pytest.approx(case["loss"], abs=1e-12)
    assert loss == pytest.approx(_hand(case), abs=1e-12)  # type: ignore[arg-type]


def test_gradients_match_finite_differences() -> None:
    rng = np.random.default_rng(0)
    c, r, m = rng.normal(size=5), rng.normal(size=5), rng.random(5)
    _, g_c, g_r = bradley_terry_loss(c, r, m, center_coef=0.01)
    eps = 1e-6
    for i in range(5):
        for vec, grad in ((c, g_c), (r, g_r)):
            up, down = vec.copy(), vec.copy()
            up[i] += eps
            down[i] -= eps
            args_up = (up, r) if vec is c else (c, up)
            args_down = (down, r) if vec is c else (c, down)
            numeric = (
                bradley_terry_loss(*args_up, m, center_coef=0.01)[0]
                - bradley_terry_loss(*args_down, m, center_coef=0.01)[0]
            ) / (2 * eps)
            assert grad[i] == pytest.approx(numeric, abs=1e-7)
    loss, grad = regression_loss([1.0, 2.0, 4.0], [1.0, 1.0, 1.0])
    assert loss == pytest.approx((0 + 1 + 9) / 3)
    assert grad.tolist() == pytest.approx([0.0, 2 / 3, 2.0])
