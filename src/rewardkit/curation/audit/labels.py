"""Per-domain label distributions: does one domain rate far above or below the others?"""

from __future__ import annotations

import pandas as pd

from rewardkit.curation.audit.config import AuditConfig
from rewardkit.curation.audit.report import Bound, Check, LabelMean
from rewardkit.curation.audit.tables import require_columns

__all__ = ["label_checks", "label_means"]


def label_means(ratings: pd.DataFrame) -> list[LabelMean]:
    """Mean rating per domain and criterion, and its shift from the criterion's mean.

    ``shift = (mean of the cell - mean of the criterion) / sd of the criterion``, with the
    population standard deviation of all the criterion's ratings (0 when they are all equal).

    Args:
        ratings: Long-form ratings with ``domain``, ``criterion`` and ``value``.

    Returns:
        One row per (domain, criterion), sorted by domain then criterion.

    Example:
        >>> r = pd.DataFrame({"domain": ["a", "a", "b", "b"], "criterion": ["c"] * 4,
        ...                   "value": [5, 5, 1, 1]})
        >>> [(m.domain, m.mean, m.shift) for m in label_means(r)]
        [('a', 5.0, 1.0), ('b', 1.0, -1.0)]
    """
    require_columns(ratings, "ratings", ["domain", "criterion", "value"])
    frame = pd.DataFrame(
        {
            "domain": ratings["domain"].astype(str),
            "criterion": ratings["criterion"].astype(str),
            "value": pd.to_numeric(ratings["value"], errors="coerce"),
        }
    ).dropna(subset=["value"])
    grouped = frame.groupby("criterion")["value"]
    mu = {str(k): float(v) for k, v in grouped.mean().items()}
    sd = {str(k): float(v) for k, v in grouped.std(ddof=0).items()}
    cells = frame.groupby(["domain", "criterion"], sort=True)["value"].agg(["mean", "count"])
    out = []
    for (domain, criterion), mean, n in zip(
        cells.index.tolist(), cells["mean"].tolist(), cells["count"].tolist(), strict=True
    ):
        spread = sd[criterion]
        shift = (mean - mu[criterion]) / spread if spread > 0 else 0.0
        out.append(LabelMean(str(domain), str(criterion), int(n), float(mean), float(shift)))
    return out


def label_checks(ratings: pd.DataFrame, config: AuditConfig) -> tuple[list[Check], list[LabelMean]]:
    """``label_shift``: the largest absolute shift of a (domain, criterion) mean rating with
    at least ``min_cell_ratings`` ratings, at most ``max_label_shift`` standard deviations.

    A domain whose labels sit far from the others' is either genuinely different (then a
    reward model learns the domain, not the quality) or rated by a different standard.

    Example:
        >>> r = pd.DataFrame({"domain": ["a"] * 10 + ["b"] * 10, "criterion": ["c"] * 20,
        ...                   "value": [5] * 10 + [1] * 10})
        >>> [(c.name, round(c.value, 6), c.passed) for c in label_checks(r, AuditConfig())[0]]
        [('label_shift', 1.0, True)]
    """
    means = label_means(ratings)
    checked = [m for m in means if m.n >= config.min_cell_ratings]
    checks: list[Check] = []
    if checked:
        worst = max(checked, key=lambda m: (abs(m.shift), m.domain, m.criterion))
        checks.append(
            Check.against(
                "label_shift",
                abs(worst.shift),
                Bound(high=config.max_label_shift),
                f"largest: {worst.domain!r} on {worst.criterion!r}, mean {worst.mean:.3f} "
                f"({worst.shift:+.2f} sd); {len(checked)} of {len(means)} cells have "
                f">= {config.min_cell_ratings} ratings",
            )
        )
    return checks, means
