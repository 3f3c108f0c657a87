"""Audit results: checks with their thresholds, the tables behind them, stable JSON."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from rewardkit.runs.atomic import dumps_json

__all__ = [
    "AUDIT_SCHEMA",
    "AnnotatorStat",
    "AuditReport",
    "Bound",
    "Check",
    "DomainCount",
    "LabelMean",
]

AUDIT_SCHEMA = "rewardkit.audit/1"
_DIGITS = 6


def _num(x: float) -> float | None:
    """Rounded to 6 decimals; ``None`` (JSON null) for an infinite or undefined value."""
    value = float(x)
    return round(value, _DIGITS) if math.isfinite(value) else None


@dataclass(frozen=True)
class Bound:
    """An allowed range: ``low <= value <= high``, either side open when ``None``.

    Example:
        >>> b = Bound(0.35, 0.65)
        >>> str(b), b.contains(0.7), str(Bound(high=2.0))
        ('in [0.35, 0.65]', False, '<= 2')
    """

    low: float | None = None
    high: float | None = None

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the range (ends included)."""
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def __str__(self) -> str:
        if self.low is not None and self.high is not None:
            return f"in [{self.low:g}, {self.high:g}]"
        if self.low is not None:
            return f">= {self.low:g}"
        if self.high is not None:
            return f"<= {self.high:g}"
        return "any"


@dataclass(frozen=True)
class Check:
    """One audit check: what was measured, against which threshold, and the verdict.

    Attributes:
        name: Stable identifier (``length_chosen_longer``, ...).
        value: The measured value.
        threshold: The allowed range of ``value``.
        passed: ``True`` when ``value`` is inside ``threshold``; ``False`` flags the data.
        detail: One human-readable sentence (which domain, which annotator, ...).

    Example:
        >>> c = Check.against("domain_count", 12, Bound(low=20), "12 domains")
        >>> c.passed, str(c)
        (False, 'FLAG domain_count = 12 (threshold >= 20): 12 domains')
    """

    name: str
    value: float
    threshold: Bound
    passed: bool
    detail: str

    @classmethod
    def against(cls, name: str, value: float, threshold: Bound, detail: str) -> Check:
        """A check whose verdict is ``threshold.contains(value)``."""
        return cls(name, float(value), threshold, threshold.contains(float(value)), detail)

    def __str__(self) -> str:
        verdict = "pass" if self.passed else "FLAG"
        return (
            f"{verdict} {self.name} = {self.value:.4g} (threshold {self.threshold}): {self.detail}"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields, values rounded to 6 decimals."""
        low, high = self.threshold.low, self.threshold.high
        return {
            "name": self.name,
            "value": _num(self.value),
            "threshold": {
                "low": None if low is None else _num(low),
                "high": None if high is None else _num(high),
                "rule": str(self.threshold),
            },
            "passed": self.passed,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class DomainCount:
    """Prompts of one domain and their share of all prompts."""

    domain: str
    n: int
    share: float


@dataclass(frozen=True)
class AnnotatorStat:
    """Ratings given by one annotator and its mean offset from the others (``None``: no
    item it rated was rated by anyone else)."""

    annotator_id: str
    n_ratings: int
    leniency: float | None


@dataclass(frozen=True)
class LabelMean:
    """Mean rating of one domain on one criterion, and its shift from the criterion's mean
    in standard deviations."""

    domain: str
    criterion: str
    n: int
    mean: float
    shift: float


@dataclass(frozen=True)
class AuditReport:
    """Every check that could run, the per-domain and per-annotator tables, what was skipped.

    Example:
        >>> r = AuditReport(checks=(Check.against("x", 1.0, Bound(high=2.0), "ok"),))
        >>> r.passed, r.flagged
        (True, ())
    """

    checks: tuple[Check, ...]
    domains: tuple[DomainCount, ...] = ()
    annotators: tuple[AnnotatorStat, ...] = ()
    label_means: tuple[LabelMean, ...] = ()
    skipped: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """``True`` when no check flags the data."""
        return all(c.passed for c in self.checks)

    @property
    def flagged(self) -> tuple[Check, ...]:
        """The checks that failed."""
        return tuple(c for c in self.checks if not c.passed)

    def check(self, name: str) -> Check:
        """The check called ``name`` (``KeyError`` when it did not run)."""
        for c in self.checks:
            if c.name == name:
                return c
        raise KeyError(f"no check {name!r}; checks: {', '.join(c.name for c in self.checks)}")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (schema ``rewardkit.audit/1``), floats rounded to 6 decimals."""
        return {
            "schema": AUDIT_SCHEMA,
            "passed": self.passed,
            "n_flagged": len(self.flagged),
            "checks": [c.to_dict() for c in self.checks],
            "skipped": list(self.skipped),
            "domains": [
                {"domain": d.domain, "n": d.n, "share": _num(d.share)} for d in self.domains
            ],
            "annotators": [
                {
                    "annotator_id": a.annotator_id,
                    "n_ratings": a.n_ratings,
                    "leniency": None if a.leniency is None else _num(a.leniency),
                }
                for a in self.annotators
            ],
            "label_means": [
                {
                    "domain": m.domain,
                    "criterion": m.criterion,
                    "n": m.n,
                    "mean": _num(m.mean),
                    "shift": _num(m.shift),
                }
                for m in self.label_means
            ],
        }

    def to_json(self) -> str:
        """Canonical JSON text (same report, same bytes)."""
        return dumps_json(self.to_dict())
