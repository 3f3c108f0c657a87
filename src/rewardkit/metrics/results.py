"""Typed results of :func:`rewardkit.metrics.evaluate`: settings, metric sets and groups."""

from __future__ import annotations

from dataclasses import dataclass, fields

from rewardkit.metrics.estimate import Estimate, EstimateJSON

__all__ = ["EvaluationResult", "GroupResult", "MetricConfig", "MetricSet"]


@dataclass(frozen=True)
class MetricConfig:
    """Settings of :func:`evaluate`.

    Attributes:
        n_resamples: Bootstrap resamples per interval.
        confidence: Coverage of every interval.
        seed: Base seed; each metric and group draws from ``rng_for(seed, metric, group)``.
        tie_value: Credit for a tied chosen/rejected pair in pairwise accuracy.
        n_bins: Equal-width bins of the ECE.
        tie_margin: Largest score difference read as a predicted tie in ``accuracy_with_ties``.
    """

    n_resamples: int = 1000
    confidence: float = 0.95
    seed: int = 0
    tie_value: float = 0.5
    n_bins: int = 15
    tie_margin: float = 0.0

    def __post_init__(self) -> None:
        if self.n_resamples < 1 or not 0.0 < self.confidence < 1.0 or self.n_bins < 1:
            raise ValueError(f"invalid MetricConfig: {self}")
        if self.seed < 0 or not 0.0 <= self.tie_value <= 1.0 or not self.tie_margin >= 0.0:
            raise ValueError(f"invalid MetricConfig: {self}")


@dataclass(frozen=True)
class MetricSet:
    """The metrics of one evaluation or group; ``None`` means not applicable to this data."""

    accuracy: Estimate
    #: Agreement over all items, labelled ties included (some item is labelled a tie): see
    #: :func:`rewardkit.metrics.tie_agreement.tie_agreement_outcomes`.
    accuracy_with_ties: Estimate | None = None
    best_of_n_accuracy: Estimate | None = None  # some item has more than one rejected response
    ece: Estimate | None = None  # calibration: overall only
    brier: Estimate | None = None
    log_loss: Estimate | None = None
    spearman: Estimate | None = None  # every item carries human scores; overall only
    kendall_tau_b: Estimate | None = None

    def as_dict(self) -> dict[str, Estimate]:
        """The applicable metrics by name, in declaration order.

        Example:
            >>> list(MetricSet(Estimate(1.0, 1.0, 1.0, 2)).as_dict())
            ['accuracy']
        """
        out: dict[str, Estimate] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                out[f.name] = value
        return out

    def to_json(self) -> dict[str, EstimateJSON]:
        """JSON form: ``{name: {"value", "ci", "n"}}`` for the applicable metrics.

        Example:
            >>> MetricSet(Estimate(1.0, 0.5, 1.0, 2)).to_json()
            {'accuracy': {'value': 1.0, 'ci': [0.5, 1.0], 'n': 2}}
        """
        return {name: est.to_json() for name, est in self.as_dict().items()}


@dataclass(frozen=True)
class GroupResult:
    """Metrics of one subset or domain; ``n`` counts its items (labelled ties included)."""

    n: int
    metrics: MetricSet


@dataclass(frozen=True)
class EvaluationResult:
    """Everything :func:`evaluate` measured.

    Attributes:
        n_items: Items given (labelled ties included).
        n_pairs: Chosen x rejected pairs of the items scored for accuracy (ties excluded).
        metrics: Overall metrics.
        by_subset: Per ``subset`` value, sorted by name (items without one are in no group).
        by_domain: Per ``domain`` value, likewise.
        n_ties_excluded: Items labelled ``tie=True``, left out of accuracy and calibration
            (``accuracy_with_ties`` counts them).
    """

    n_items: int
    n_pairs: int
    metrics: MetricSet
    by_subset: dict[str, GroupResult]
    by_domain: dict[str, GroupResult]
    n_ties_excluded: int = 0

    def to_json(self) -> dict[str, object]:
        """Plain-JSON form (numbers and ``None`` only), groups in sorted order.

        Example:
            >>> acc = MetricSet(Estimate(1.0, 1.0, 1.0, 1))
            >>> EvaluationResult(1, 1, acc, {}, {}).to_json()["metrics"]["accuracy"]["n"]
            1
        """

        def groups(g: dict[str, GroupResult]) -> dict[str, object]:
            return {k: {"n": v.n, "metrics": v.metrics.to_json()} for k, v in g.items()}

        return {
            "n_items": self.n_items,
            "n_pairs": self.n_pairs,
            "n_ties_excluded": self.n_ties_excluded,
            "metrics": self.metrics.to_json(),
            "by_subset": groups(self.by_subset),
            "by_domain": groups(self.by_domain),
        }
