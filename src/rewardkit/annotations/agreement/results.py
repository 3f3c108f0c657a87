"""Typed results of :func:`~rewardkit.annotations.agreement.agreement_report`.

Every class is a frozen dataclass with a ``to_json()`` that returns plain JSON values (NaN as
``None``) with keys in a fixed order; groups (criteria, domains) come sorted by name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from rewardkit.annotations.agreement._values import Level
from rewardkit.metrics import Estimate

__all__ = [
    "AgreementReport",
    "AnnotatorLeniency",
    "CriterionAgreement",
    "DisagreementFlag",
    "DomainAgreement",
    "PairAgreement",
    "Verdict",
    "target_verdict",
]

Verdict = Literal["meets target", "below target", "CI straddles target", "undefined"]


def _num(x: float) -> float | None:
    x = float(x)
    return None if math.isnan(x) else x


def target_verdict(estimate: Estimate, target: float) -> Verdict:
    """Compare an agreement estimate and its interval with a target.

    ``"meets target"`` when the value and ``ci_low`` are both ``>= target``; ``"below target"``
    when ``ci_high < target``; ``"CI straddles target"`` otherwise; ``"undefined"`` when the
    value is NaN.

    Example:
        >>> target_verdict(Estimate(0.7, 0.62, 0.78, 100), 0.6)
        'meets target'
        >>> target_verdict(Estimate(0.62, 0.55, 0.7, 100), 0.6)
        'CI straddles target'
    """
    if math.isnan(estimate.value):
        return "undefined"
    if estimate.value >= target and estimate.ci_low >= target:
        return "meets target"
    if estimate.ci_high < target:
        return "below target"
    return "CI straddles target"


@dataclass(frozen=True)
class PairAgreement:
    """Cohen's kappas of two annotators over the ``n`` items both rated."""

    rater_a: str
    rater_b: str
    n: int
    kappa: float
    kappa_linear: float
    kappa_quadratic: float

    def to_json(self) -> dict[str, object]:
        """JSON form.

        Example:
            >>> PairAgreement("a", "b", 3, 0.5, float("nan"), 1.0).to_json()["kappa_linear"] is None
            True
        """
        return {
            "rater_a": self.rater_a,
            "rater_b": self.rater_b,
            "n": self.n,
            "kappa": _num(self.kappa),
            "kappa_linear": _num(self.kappa_linear),
            "kappa_quadratic": _num(self.kappa_quadratic),
        }


@dataclass(frozen=True)
class DisagreementFlag:
    """An item whose ratings spread (max - min) reaches the threshold, with its ratings."""

    item_id: str
    prompt_id: str
    domain: str | None
    spread: float
    ratings: tuple[tuple[str, float], ...]  # (annotator_id, value), by annotator

    def to_json(self) -> dict[str, object]:
        """JSON form; ``ratings`` as ``{annotator_id: value}``.

        Example:
            >>> flag = DisagreementFlag("i1", "p1", None, 3.0, (("a", 1.0), ("b", 4.0)))
            >>> flag.to_json()["ratings"]
            {'a': 1.0, 'b': 4.0}
        """
        return {
            "item_id": self.item_id,
            "prompt_id": self.prompt_id,
            "domain": self.domain,
            "spread": _num(self.spread),
            "ratings": {a: _num(v) for a, v in self.ratings},
        }


@dataclass(frozen=True)
class AnnotatorLeniency:
    """Mean of (an annotator's rating - the mean of the other raters of the same item).

    Positive means more lenient than the others; ``n`` counts the ratings compared (items the
    annotator shares with at least one other rater).
    """

    annotator_id: str
    mean_offset: float
    n: int

    def to_json(self) -> dict[str, object]:
        """JSON form.

        Example:
            >>> AnnotatorLeniency("a", 0.25, 8).to_json()
            {'annotator_id': 'a', 'mean_offset': 0.25, 'n': 8}
        """
        return {
            "annotator_id": self.annotator_id,
            "mean_offset": _num(self.mean_offset),
            "n": self.n,
        }


@dataclass(frozen=True)
class DomainAgreement:
    """Alpha of one criterion within one domain."""

    domain: str
    n_items: int
    alpha: Estimate
    verdict: Verdict

    def to_json(self) -> dict[str, object]:
        """JSON form (the domain name is the key in the parent).

        Example:
            >>> DomainAgreement("math", 5, Estimate(0.7, 0.6, 0.8, 5), "meets target").to_json()
            {'n_items': 5, 'alpha': {'value': 0.7, 'ci': [0.6, 0.8], 'n': 5},
             'verdict': 'meets target'}
        """
        return {"n_items": self.n_items, "alpha": self.alpha.to_json(), "verdict": self.verdict}


@dataclass(frozen=True)
class CriterionAgreement:
    """Agreement on one criterion.

    Attributes:
        criterion: Criterion name.
        n_items: Items rated on this criterion.
        n_annotators: Distinct annotators.
        n_ratings: Ratings (rows).
        alpha: Krippendorff's alpha at the report's level, CI over items (``n``: pairable items).
        verdict: ``alpha`` against the report's target (see :func:`target_verdict`).
        fleiss_kappa: Fleiss' kappa (nominal categories), CI over items; None when omitted.
        pairwise: Cohen's kappas per pair of annotators who share at least one item.
        by_domain: Alpha per domain, sorted by name (empty without a ``domain`` column).
        disagreements: Items with spread ``>= spread_threshold``, widest first.
        leniency: Per annotator, sorted by annotator id (empty when omitted).
        omitted: ``(coefficient, reason)`` for each coefficient left out because it does not
            fit the scale (see :func:`~rewardkit.annotations.agreement.omitted_coefficients`).
    """

    criterion: str
    n_items: int
    n_annotators: int
    n_ratings: int
    alpha: Estimate
    verdict: Verdict
    fleiss_kappa: Estimate | None
    pairwise: tuple[PairAgreement, ...]
    by_domain: tuple[DomainAgreement, ...]
    disagreements: tuple[DisagreementFlag, ...]
    leniency: tuple[AnnotatorLeniency, ...]
    omitted: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, object]:
        """JSON form (the criterion name is the key in the parent); an omitted coefficient is
        ``null`` (``[]`` for leniency) with its reason under ``omitted``.

        Example:
            >>> est = Estimate(0.7, 0.6, 0.8, 5)
            >>> c = CriterionAgreement("safety", 5, 2, 10, est, "meets target", est, (), (), (), ())
            >>> list(c.to_json())[:3]
            ['n_items', 'n_annotators', 'n_ratings']
            >>> c = CriterionAgreement("overall", 5, 2, 10, est, "meets target", None, (), (), (),
            ...                        (), (("fleiss_kappa", "101 categories"),))
            >>> c.to_json()["fleiss_kappa"], c.to_json()["omitted"]
            (None, {'fleiss_kappa': '101 categories'})
        """
        return {
            "n_items": self.n_items,
            "n_annotators": self.n_annotators,
            "n_ratings": self.n_ratings,
            "alpha": self.alpha.to_json(),
            "verdict": self.verdict,
            "fleiss_kappa": None if self.fleiss_kappa is None else self.fleiss_kappa.to_json(),
            "pairwise_cohen": [p.to_json() for p in self.pairwise],
            "by_domain": {d.domain: d.to_json() for d in self.by_domain},
            "disagreements": [f.to_json() for f in self.disagreements],
            "leniency": [a.to_json() for a in self.leniency],
            "omitted": dict(self.omitted),
        }


@dataclass(frozen=True)
class AgreementReport:
    """Agreement of a ratings table, per criterion and over all criteria.

    Attributes:
        level: Level of measurement used for alpha.
        values: The declared scale points.
        target: Alpha the campaign aims for.
        confidence: Coverage of every interval.
        n_resamples: Bootstrap resamples per interval.
        seed: Base seed of every bootstrap stream.
        spread_threshold: Spread from which an item is flagged.
        overall: Alpha over all criteria pooled (units: item x criterion; resampling whole items).
        overall_verdict: ``overall`` against ``target``.
        criteria: Per criterion, sorted by name.
    """

    level: Level
    values: tuple[float, ...]
    target: float
    confidence: float
    n_resamples: int
    seed: int
    spread_threshold: float
    overall: Estimate
    overall_verdict: Verdict
    criteria: tuple[CriterionAgreement, ...]

    def criterion(self, name: str) -> CriterionAgreement:
        """The result of one criterion; KeyError listing the known ones otherwise.

        Example:
            >>> est = Estimate(0.7, 0.6, 0.8, 5)
            >>> c = CriterionAgreement("safety", 5, 2, 10, est, "meets target", est, (), (), (), ())
            >>> rep = AgreementReport("interval", (1.0, 2.0), 0.6, 0.95, 10, 0, 2, est,
            ...                       "meets target", (c,))
            >>> rep.criterion("safety").n_items
            5
        """
        for c in self.criteria:
            if c.criterion == name:
                return c
        raise KeyError(f"no criterion {name!r}; known: {[c.criterion for c in self.criteria]}")

    def to_json(self) -> dict[str, object]:
        """Plain-JSON form with a fixed key order (numbers, strings, lists, ``None``).

        Example:
            >>> est = Estimate(0.7, 0.6, 0.8, 5)
            >>> rep = AgreementReport("interval", (1.0, 2.0), 0.6, 0.95, 10, 0, 2, est,
            ...                       "meets target", ())
            >>> rep.to_json()["overall"]
            {'alpha': {'value': 0.7, 'ci': [0.6, 0.8], 'n': 5}, 'verdict': 'meets target'}
        """
        return {
            "level": self.level,
            "values": [float(v) for v in self.values],
            "target": float(self.target),
            "confidence": float(self.confidence),
            "n_resamples": self.n_resamples,
            "seed": self.seed,
            "spread_threshold": float(self.spread_threshold),
            "overall": {"alpha": self.overall.to_json(), "verdict": self.overall_verdict},
            "criteria": {c.criterion: c.to_json() for c in self.criteria},
        }
