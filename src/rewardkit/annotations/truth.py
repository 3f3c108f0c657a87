"""How close aggregated rewards come to a known ground truth (simulated campaigns, audits)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from rewardkit.metrics import Estimate, spearman_ci


def rank_agreement_with_truth(
    items: pd.DataFrame,
    truth: pd.DataFrame,
    *,
    columns: Sequence[str] = ("final", "criterion_score", "preference_score"),
    truth_column: str = "true_reward",
    n_resamples: int = 1000,
    seed: int = 0,
) -> dict[str, Estimate]:
    """Spearman's rho (bootstrap CI over items) of each aggregated column against the truth.

    Items missing from ``truth`` or with a NaN score in a column are left out of that column.

    Example:
        >>> items = pd.DataFrame({"item_id": ["a", "b", "c", "d"], "final": [0.1, 0.5, 0.4, 0.9]})
        >>> truth = pd.DataFrame({"item_id": ["a", "b", "c", "d"], "true_reward": [1, 3, 2, 4]})
        >>> rho = rank_agreement_with_truth(items, truth, columns=["final"], n_resamples=50)
        >>> rho["final"].value
        1.0
    """
    merged = items.merge(truth[["item_id", truth_column]], on="item_id", how="inner")
    out: dict[str, Estimate] = {}
    for column in columns:
        if column not in merged.columns:
            continue
        valid = merged[[column, truth_column]].dropna()
        out[column] = spearman_ci(
            valid[column].to_numpy(float),
            valid[truth_column].to_numpy(float),
            n_resamples=n_resamples,
            seed=seed,
            label=f"truth:{column}",
        )
    return out
