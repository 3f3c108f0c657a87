"""The pre-registered decision: ship / don't ship / inconclusive (see
:class:`rewardkit.abtest.spec.DecisionRule` for the rule)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rewardkit.abtest.spec import DecisionRule

__all__ = ["DONT_SHIP", "INCONCLUSIVE", "SHIP", "Decision", "MetricVerdict", "decide"]

SHIP, DONT_SHIP, INCONCLUSIVE = "ship", "don't ship", "inconclusive"


@dataclass(frozen=True)
class MetricVerdict:
    """What one metric's test says, in decision terms.

    ``better``/``worse`` (primary): significant after adjustment in the good/bad direction.
    ``noninferior``/``inferior`` (guardrail): shown within / beyond the margin.
    """

    name: str
    role: str
    better: bool = False
    worse: bool = False
    noninferior: bool = False
    inferior: bool = False


@dataclass(frozen=True)
class Decision:
    decision: str
    reasons: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {"decision": self.decision, "reasons": list(self.reasons)}


def decide(
    rule: DecisionRule, verdicts: Sequence[MetricVerdict], srm_mismatch: bool = False
) -> Decision:
    """Apply the pre-registered rule.

    Example:
        >>> v = [MetricVerdict("s", "primary", better=True),
        ...      MetricVerdict("harm", "guardrail", noninferior=True)]
        >>> decide(DecisionRule(), v).decision
        'ship'
        >>> decide(DecisionRule(), v, srm_mismatch=True).decision
        'inconclusive'
    """
    primary = [v for v in verdicts if v.role == "primary"]
    guards = [v for v in verdicts if v.role == "guardrail"]
    bad = [f"primary metric {v.name} significantly worse" for v in primary if v.worse]
    bad += [f"guardrail {v.name} worse than its margin" for v in guards if v.inferior]
    if bad:
        return Decision(DONT_SHIP, tuple(bad))
    reasons: list[str] = []
    if srm_mismatch:
        reasons.append("sample-ratio mismatch: the assignment is broken, results not trusted")
    better = [v.name for v in primary if v.better]
    wanted = len(primary) if rule.primary == "all" else 1
    if len(better) < wanted:
        which = "every" if rule.primary == "all" else "any"
        reasons.append(f"not shown better on {which} primary metric")
    reasons += [f"guardrail {v.name} not shown non-inferior" for v in guards if not v.noninferior]
    if reasons:
        return Decision(INCONCLUSIVE, tuple(reasons))
    shown = [f"guardrail {v.name} non-inferior" for v in guards]
    return Decision(SHIP, (f"better on {', '.join(better)}", *shown))
