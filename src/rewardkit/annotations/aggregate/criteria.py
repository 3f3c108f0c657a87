"""Ratings to criterion scores: Likert mapping, quorum, per-criterion means and their blend.

An item's score on a criterion is the mean over its annotators of the ratings mapped onto
[0, 1] (an annotator who rated the same item and criterion twice counts once, with the mean of
the two). Its ``criterion_score`` is ``sum_c w_c * score_c`` and its ``rating_variance``
is ``sum_c w_c * var_c``, where ``var_c`` is the population variance (ddof 0) of the
annotators' mapped ratings on criterion ``c``: a measure of disagreement used to break ties.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from rewardkit.annotations.aggregate.config import AggregationConfig, check_criteria
from rewardkit.annotations.quorum import ExcludedItem, split_quorum
from rewardkit.errors import DataError

__all__ = [
    "RATING_COLUMNS",
    "ExcludedItem",
    "check_ratings",
    "criterion_table",
    "normalise_likert",
    "split_quorum",
]

RATING_COLUMNS = ("item_id", "prompt_id", "annotator_id", "criterion", "value")
_SHOWN = 8


def listing(names: list[str]) -> str:
    """At most eight names, then how many more.

    Example:
        >>> listing([str(i) for i in range(10)])
        '0, 1, 2, 3, 4, 5, 6, 7 and 2 more'
    """
    shown = ", ".join(names[:_SHOWN])
    return shown + (f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else "")


def normalise_likert(values: ArrayLike, scale_min: float, scale_max: float) -> NDArray[np.float64]:
    """Map ratings on ``scale_min..scale_max`` onto [0, 1]: ``(v - min) / (max - min)``.

    Example:
        >>> normalise_likert([1, 3, 5, 4], 1, 5).tolist()
        [0.0, 0.5, 1.0, 0.75]
    """
    return (np.asarray(values, dtype=np.float64) - scale_min) / (scale_max - scale_min)


def check_ratings(ratings: pd.DataFrame, config: AggregationConfig) -> pd.DataFrame:
    """Validate long-form ratings and return a clean copy (ids as strings, values as floats).

    Raises:
        DataError: Missing columns, empty fields, values that are not points of the declared
            Likert scale (2.5 on 1-5, ``true``), an item under several prompts or domains.
        ConfigError: ``weights`` names a criterion absent from the ratings.

    Example:
        >>> r = pd.DataFrame({"item_id": ["i1"], "prompt_id": ["p"], "annotator_id": ["a"],
        ...                   "criterion": ["safety"], "value": [4]})
        >>> check_ratings(r, AggregationConfig(weights={"safety": 1.0}))["value"].tolist()
        [4.0]
    """
    missing = [c for c in RATING_COLUMNS if c not in ratings.columns]
    if missing:
        raise DataError(f"ratings lack column(s) {', '.join(missing)}")
    keep = [*RATING_COLUMNS, *(["domain"] if "domain" in ratings.columns else [])]
    frame = ratings.loc[:, keep].reset_index(drop=True)
    if frame.empty:
        raise DataError("ratings are empty")
    for column in keep:
        if frame[column].isna().any():
            raise DataError(f"ratings: field {column!r} is empty in some rows", field=column)
        if column != "value":
            frame[column] = frame[column].astype(str)
    flags = frame["value"].map(lambda v: isinstance(v, (bool, np.bool_)))
    if flags.any():
        raise DataError(
            f"{int(flags.sum())} rating value(s) are true/false, not points of the scale "
            f"{config.scale_min}-{config.scale_max} (first: item {_first_item(frame, flags)})",
            field="value",
        )
    values = pd.to_numeric(frame["value"], errors="coerce").astype(np.float64)
    off = frame.loc[
        values.isna() | (values < config.scale_min) | (values > config.scale_max), "value"
    ]
    if len(off):
        raise DataError(
            f"{len(off)} rating value(s) outside the scale {config.scale_min}-{config.scale_max}"
            f" (first: {listing([str(v) for v in off.tolist()])})",
            field="value",
        )
    between = values != np.round(values)
    if between.any():
        shown = listing([f"{v:g}" for v in values[between].tolist()])
        raise DataError(
            f"{int(between.sum())} rating value(s) are not points of the Likert scale "
            f"{config.scale_min}-{config.scale_max} ({shown}; first: item "
            f"{_first_item(frame, between)})",
            field="value",
        )
    frame["value"] = values
    for column in ("prompt_id", *(["domain"] if "domain" in keep else [])):
        mixed = frame.groupby("item_id")[column].nunique()
        if (mixed > 1).any():
            names = [str(i) for i in mixed[mixed > 1].index]
            raise DataError(f"item(s) with several {column} values: {listing(names)}")
    check_criteria(config, frame["criterion"].unique().tolist())
    return frame


def _first_item(frame: pd.DataFrame, mask: pd.Series) -> str:
    row = frame.loc[mask].iloc[0]
    return f"{row['item_id']} by {row['annotator_id']} on {row['criterion']}"


def _criteria_order(config: AggregationConfig, present: list[str]) -> list[str]:
    named = [c for c in config.weights if c in present]
    return named + sorted(c for c in present if c not in config.weights)


def criterion_table(ratings: pd.DataFrame, config: AggregationConfig) -> pd.DataFrame:
    """One row per item: ``item_id, prompt_id, [domain], n_annotators, score_<criterion>...,
    criterion_score, rating_variance``, sorted by prompt then item.

    Raises:
        DataError: An item lacks a criterion whose weight is positive (the items are named).

    Example:
        >>> r = pd.DataFrame({"item_id": ["i1"] * 4, "prompt_id": ["p"] * 4,
        ...                   "annotator_id": ["a", "b", "a", "b"],
        ...                   "criterion": ["usefulness", "usefulness", "safety", "safety"],
        ...                   "value": [5.0, 4.0, 3.0, 3.0]})
        >>> cfg = AggregationConfig(weights={"usefulness": 0.5, "safety": 0.5})
        >>> criterion_table(r, cfg)[["score_usefulness", "criterion_score"]].values.tolist()
        [[0.875, 0.6875]]
    """
    frame = ratings.assign(
        norm=normalise_likert(ratings["value"].to_numpy(), config.scale_min, config.scale_max)
    )
    per_annotator = frame.groupby(["item_id", "criterion", "annotator_id"])["norm"].mean()
    grouped = per_annotator.groupby(level=["item_id", "criterion"])
    means = grouped.mean().unstack("criterion")
    variances = grouped.var(ddof=0).unstack("criterion")
    criteria = _criteria_order(config, [str(c) for c in means.columns])
    weighted = [c for c in config.weighted_criteria if c in criteria]
    lacking = means[weighted].isna()
    if lacking.to_numpy().any():
        holes = [
            f"{item} ({', '.join(c for c in weighted if row[c])})"
            for item, row in lacking[lacking.any(axis=1)].iterrows()
        ]
        raise DataError(f"item(s) lack a weighted criterion: {listing(holes)}")
    w = np.array([config.weights[c] for c in weighted], dtype=np.float64)
    first = frame.groupby("item_id").first()
    table = pd.DataFrame({"item_id": means.index.astype(str)})
    table["prompt_id"] = first.loc[means.index, "prompt_id"].to_numpy()
    if "domain" in frame.columns:
        table["domain"] = first.loc[means.index, "domain"].to_numpy()
    n_annotators = frame.groupby("item_id")["annotator_id"].nunique()
    table["n_annotators"] = n_annotators.loc[means.index].to_numpy().astype(np.int64)
    for c in criteria:
        table[f"score_{c}"] = means[c].to_numpy(dtype=np.float64)
    table["criterion_score"] = means[weighted].to_numpy(dtype=np.float64) @ w
    table["rating_variance"] = variances[weighted].to_numpy(dtype=np.float64) @ w
    return table.sort_values(["prompt_id", "item_id"], kind="stable").reset_index(drop=True)
