"""Planted experiment logs for the A/B tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from rewardkit.abtest import ExperimentConfig, MetricSpec

START = datetime(2026, 3, 1, tzinfo=UTC)


def experiment(design: str = "fixed", **decision: object) -> ExperimentConfig:
    """success (primary, binary), score (primary, continuous with a covariate), violation
    (guardrail, binary, at most +1 point)."""
    return ExperimentConfig(
        name="planted",
        design=design,  # type: ignore[arg-type]
        salt="s1",
        metrics=[
            MetricSpec(name="success", kind="binary", baseline=0.3, mde=0.05),
            MetricSpec(name="score", kind="continuous", sd=1.0, mde=0.1, covariate="score_pre"),
            MetricSpec(
                name="violation",
                kind="binary",
                role="guardrail",
                direction="decrease",
                baseline=0.02,
                margin=0.01,
            ),
        ],
        decision=decision,  # type: ignore[arg-type]
    )


def planted_log(
    path: Path,
    n: int = 4000,
    *,
    success: tuple[float, float] = (0.3, 0.36),
    violation: tuple[float, float] = (0.02, 0.02),
    score_shift: float = 0.0,
    treatment_share: float = 0.5,
    seed: int = 0,
) -> pd.DataFrame:
    """A log of ``n`` units, one per minute from START; the treatment share is exact."""
    rng = np.random.default_rng(seed)
    treat = np.zeros(n, dtype=bool)
    treat[rng.permutation(n)[: round(n * treatment_share)]] = True
    pre = rng.normal(0, 1, n)
    frame = pd.DataFrame(
        {
            "unit_id": [f"u{i}" for i in range(n)],
            "arm": np.where(treat, "treatment", "control"),
            "timestamp": [(START + timedelta(minutes=i)).isoformat() for i in range(n)],
            "success": (rng.random(n) < np.where(treat, success[1], success[0])).astype(int),
            "score": pre + rng.normal(0, 0.5, n) + score_shift * treat,
            "score_pre": pre,
            "violation": (rng.random(n) < np.where(treat, violation[1], violation[0])).astype(int),
        }
    )
    frame.to_csv(path, index=False)
    return frame
