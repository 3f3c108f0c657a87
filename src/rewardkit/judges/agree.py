"""Agreement of a judge's labels with human labels: accuracy, Cohen's kappa, confusion matrix,
overall, per group (e.g. the model that wrote the response) and per category (e.g. the prompt
type), each with a bootstrap CI.

The label set is the humans' (sorted), unless given. A judge label outside it (a judge that
answered with prose, or nothing) is *invalid*: it counts as a disagreement in accuracy and
enters kappa as one extra category that humans never use, which is what
``sklearn.metrics.cohen_kappa_score`` computes on the raw labels. Kappa is unweighted, from
:func:`rewardkit.annotations.agreement.kappa_of_tables`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rewardkit.judges._bootstrap import kappa_estimate, mean_estimate, unit_index
from rewardkit.metrics import Estimate, rng_for

__all__ = ["INVALID", "AgreementGroup", "LabelAgreement", "label_agreement"]

#: The column of the confusion matrix that counts judge labels outside the label set.
INVALID = "(invalid)"


@dataclass(frozen=True)
class AgreementGroup:
    """Agreement on one slice of the rows (``n``: rows; the estimates' ``n``: units).

    ``confusion[i][j]`` counts rows with human label ``labels[i]`` and judge label
    ``labels[j]``; the last column counts invalid judge labels.
    """

    name: str
    n: int
    n_invalid: int
    n_matches: int
    accuracy: Estimate
    kappa: Estimate
    confusion: tuple[tuple[int, ...], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "n": self.n,
            "n_matches": self.n_matches,
            "n_invalid": self.n_invalid,
            "accuracy": self.accuracy.to_json(),
            "kappa": self.kappa.to_json(),
            "confusion": [list(r) for r in self.confusion],
        }


@dataclass(frozen=True)
class LabelAgreement:
    """Judge-vs-human agreement overall, per group and per category."""

    labels: tuple[str, ...]
    overall: AgreementGroup
    by_group: tuple[AgreementGroup, ...]
    by_category: tuple[AgreementGroup, ...]
    confidence: float

    def to_json(self) -> dict[str, Any]:
        return {
            "labels": list(self.labels),
            "confusion_columns": [*self.labels, INVALID],
            "confidence": self.confidence,
            "overall": self.overall.to_json(),
            "by_group": [g.to_json() for g in self.by_group],
            "by_category": [g.to_json() for g in self.by_category],
        }


def _group(
    name: str,
    rows: np.ndarray,
    human: np.ndarray,
    judge: np.ndarray,
    k: int,
    units: Sequence[str] | None,
    *,
    n_resamples: int,
    confidence: float,
    seed: int,
    scope: str,
) -> AgreementGroup:
    h, j = human[rows], judge[rows]
    idx = unit_index(None if units is None else [units[int(r)] for r in rows], rows.size)
    matches = (h == j).astype(np.float64)
    confusion = np.bincount(h * (k + 1) + j, minlength=k * (k + 1)).reshape(k, k + 1)
    accuracy = mean_estimate(
        matches,
        idx,
        n_resamples=n_resamples,
        confidence=confidence,
        rng=rng_for(seed, "judge-agree", "accuracy", scope, name),
    )
    kappa = kappa_estimate(
        h,
        j,
        k + 1,
        idx,
        n_resamples=n_resamples,
        confidence=confidence,
        rng=rng_for(seed, "judge-agree", "kappa", scope, name),
    )
    return AgreementGroup(
        name=name,
        n=int(rows.size),
        n_invalid=int((j == k).sum()),
        n_matches=int(matches.sum()),
        accuracy=accuracy,
        kappa=kappa,
        confusion=tuple(tuple(int(v) for v in r) for r in confusion),
    )


def _slices(values: Sequence[str] | None) -> list[tuple[str, np.ndarray]]:
    if values is None:
        return []
    order = list(dict.fromkeys(values))
    arr = np.asarray(values, dtype=object)
    return [(name, np.flatnonzero(arr == name)) for name in sorted(order)]


def label_agreement(
    judge: Sequence[str],
    human: Sequence[str],
    *,
    groups: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
    units: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> LabelAgreement:
    """How well a judge's labels agree with human labels.

    Args:
        judge: The judge's label per row.
        human: The human label per row (the reference).
        groups: A group per row (e.g. the model that answered); one result per group.
        categories: A category per row (e.g. the prompt type); one result per category.
        units: The unit each row belongs to, resampled together (e.g. the prompt id when the
            same prompts appear in several groups); each row its own unit by default.
        labels: The label set [default: the human labels, sorted].
        n_resamples: Bootstrap resamples.
        confidence: Coverage of the intervals.
        seed: Seed of the bootstrap streams.

    Example:
        >>> res = label_agreement(["y", "n", "y", "maybe"], ["y", "n", "n", "y"],
        ...                       n_resamples=200)
        >>> res.overall.n_matches, res.overall.n_invalid, res.overall.accuracy.value
        (2, 1, 0.5)
    """
    n = len(human)
    for name, values in (("judge", judge), ("groups", groups), ("categories", categories)):
        if values is not None and len(values) != n:
            raise ValueError(f"{len(values)} {name} values for {n} human labels")
    label_set = tuple(sorted(set(human))) if labels is None else tuple(labels)
    position = {label: i for i, label in enumerate(label_set)}
    unknown = sorted(set(human) - set(label_set))
    if unknown:
        raise ValueError(f"human labels outside the label set: {', '.join(unknown)}")
    k = len(label_set)
    h = np.asarray([position[v] for v in human], dtype=np.int64)
    j = np.asarray([position.get(v, k) for v in judge], dtype=np.int64)

    def slice_of(name: str, rows: np.ndarray, scope: str) -> AgreementGroup:
        return _group(
            name,
            rows,
            h,
            j,
            k,
            units,
            n_resamples=n_resamples,
            confidence=confidence,
            seed=seed,
            scope=scope,
        )

    overall = slice_of("all", np.arange(n), "all")
    by_group = tuple(slice_of(name, rows, "group") for name, rows in _slices(groups))
    by_category = tuple(slice_of(name, rows, "category") for name, rows in _slices(categories))
    return LabelAgreement(label_set, overall, by_group, by_category, confidence)
