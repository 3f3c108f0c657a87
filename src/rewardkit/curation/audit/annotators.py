"""Annotator checks: workload balance and leniency (offset from the other annotators)."""

from __future__ import annotations

import pandas as pd

from rewardkit.curation.audit.config import AuditConfig
from rewardkit.curation.audit.report import AnnotatorStat, Bound, Check
from rewardkit.curation.audit.tables import require_columns

__all__ = ["annotator_checks", "leniency_offsets"]


def leniency_offsets(ratings: pd.DataFrame) -> pd.Series:
    """Each annotator's mean offset from the other annotators on the same item and criterion.

    An annotator's repeated ratings of one item and criterion are averaged first. For every
    (item, criterion) cell rated by two or more annotators, the offset of annotator ``a`` is
    ``value_a - mean(values of the others)``; its leniency is the mean over its cells. An
    annotator with no shared cell is absent from the result. Comparing on the same items
    makes the offset independent of which items an annotator happened to get.

    Args:
        ratings: Long-form ratings: ``item_id``, ``annotator_id``, ``criterion``, ``value``.

    Returns:
        Leniency per annotator (index ``annotator_id``, sorted), in scale points.

    Example:
        >>> r = pd.DataFrame({"item_id": ["x", "x", "y", "y"], "criterion": ["c"] * 4,
        ...                   "annotator_id": ["a", "b", "a", "b"], "value": [5, 3, 4, 4]})
        >>> leniency_offsets(r).to_dict()
        {'a': 1.0, 'b': -1.0}
    """
    require_columns(ratings, "ratings", ["item_id", "annotator_id", "criterion", "value"])
    frame = ratings.assign(
        item_id=ratings["item_id"].astype(str),
        annotator_id=ratings["annotator_id"].astype(str),
        criterion=ratings["criterion"].astype(str),
        value=pd.to_numeric(ratings["value"], errors="coerce"),
    ).dropna(subset=["value"])
    cells = ["item_id", "criterion"]
    own = frame.groupby([*cells, "annotator_id"], sort=True)["value"].mean().reset_index()
    totals = own.groupby(cells)["value"].agg(["sum", "count"])
    own = own.join(totals, on=cells)
    shared = own[own["count"] > 1]
    offsets = shared["value"] - (shared["sum"] - shared["value"]) / (shared["count"] - 1)
    return offsets.groupby(shared["annotator_id"]).mean().sort_index().astype(float)


def annotator_checks(
    ratings: pd.DataFrame, config: AuditConfig
) -> tuple[list[Check], list[AnnotatorStat]]:
    """``annotator_load_ratio`` (busiest over idlest annotator's ratings) and
    ``annotator_leniency`` (largest absolute leniency, see :func:`leniency_offsets`).

    Args:
        ratings: Long-form ratings.
        config: The thresholds (``max_load_ratio``, ``max_leniency``).

    Returns:
        The checks and one row per annotator.

    Example:
        >>> r = pd.DataFrame({"item_id": ["x", "x", "y", "y"], "criterion": ["c"] * 4,
        ...                   "annotator_id": ["a", "b", "a", "b"], "value": [5, 3, 4, 4]})
        >>> checks, stats = annotator_checks(r, AuditConfig())
        >>> [(c.name, c.value, c.passed) for c in checks]
        [('annotator_load_ratio', 1.0, True), ('annotator_leniency', 1.0, False)]
    """
    offsets = leniency_offsets(ratings)
    load = ratings["annotator_id"].astype(str).value_counts().sort_index()
    lenient = {str(a): float(v) for a, v in offsets.items()}
    stats = [AnnotatorStat(str(a), int(n), lenient.get(str(a))) for a, n in load.items()]
    checks: list[Check] = []
    if len(load):
        busiest, idlest = str(load.idxmax()), str(load.idxmin())
        checks.append(
            Check.against(
                "annotator_load_ratio",
                int(load.max()) / int(load.min()),
                Bound(high=config.max_load_ratio),
                f"{len(load)} annotators; busiest {busiest!r} {int(load.max())} ratings, "
                f"idlest {idlest!r} {int(load.min())}",
            )
        )
    if len(offsets):
        worst = max(sorted(lenient), key=lambda a: abs(lenient[a]))
        over = [a for a in sorted(lenient) if abs(lenient[a]) > config.max_leniency]
        detail = f"most off: {worst!r} at {lenient[worst]:+.3f} points"
        if over:
            detail += f"; over the threshold: {', '.join(over)}"
        checks.append(
            Check.against(
                "annotator_leniency",
                abs(lenient[worst]),
                Bound(high=config.max_leniency),
                detail,
            )
        )
    return checks, stats
