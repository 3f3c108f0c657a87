"""The ``Check`` protocol, its verdicts, and the registry of check types.

A check reads texts (a response, with its prompt and domain when known) and returns one
:class:`Verdict` per text: whether it trips the check, a score (higher = more of what the check
looks for, or ``None`` for rule checks without one), a label and a one-line reason. Each check
*type* (``refusal``, ``toxicity``, ``pii``, ...) is registered in :data:`CHECK_TYPES` with a
typed options model, so a guard policy YAML names a type and its options and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

from rewardkit.registry import Registry

__all__ = [
    "CHECK_TYPES",
    "BuildContext",
    "Check",
    "CheckOptions",
    "CheckType",
    "GuardItem",
    "ProbabilityMap",
    "Verdict",
    "check_texts",
]


@dataclass(frozen=True)
class GuardItem:
    """One text to check: the response, and the prompt and domain it belongs to.

    Example:
        >>> GuardItem("Sure, here it is.", prompt="Write a poem").domain
        ''
    """

    text: str
    prompt: str = ""
    domain: str = ""


@dataclass(frozen=True)
class Verdict:
    """What one check says about one text.

    Attributes:
        tripped: The text shows what the check looks for (a refusal, toxicity, PII, a broken
            rule, a reward below the gate). The policy decides whether that blocks or flags.
        score: The check's continuous score (higher = more of it), ``None`` for rule checks.
        label: A short class name (``full_refusal``, ``partial_refusal``, ``compliance``,
            ``toxic``, ``pii``, ``clean``, ...).
        reason: One line saying why (empty when not tripped).

    Example:
        >>> Verdict(True, 0.9, "toxic", "toxicity 0.900 >= 0.5").to_json()["label"]
        'toxic'
    """

    tripped: bool
    score: float | None
    label: str
    reason: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "tripped": self.tripped,
            "score": self.score,
            "label": self.label,
            "reason": self.reason,
        }


@runtime_checkable
class Check(Protocol):
    """A post-generation check: one :class:`Verdict` per item, in order."""

    def check(self, items: Sequence[GuardItem]) -> list[Verdict]: ...


class CheckOptions(BaseModel):
    """Base of every check type's options (unknown keys are refused)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ProbabilityMap(Protocol):
    """A fitted calibrator: score differences to probabilities."""

    def predict_proba(self, diffs: Any) -> Any: ...


@dataclass(frozen=True)
class BuildContext:
    """What a check may need beyond its options, supplied by the caller (a job or the server):
    ``load_calibrator`` reads a ``calibration.json`` (the guard stage does not import the
    calibration stage)."""

    load_calibrator: Callable[[Path], ProbabilityMap] | None = None


@dataclass(frozen=True)
class CheckType:
    """A registered kind of check: its options model and how to build it from them."""

    options: type[CheckOptions]
    build: Callable[[CheckOptions, BuildContext], Check]
    scored: bool
    doc: str
    higher_trips: bool = True  # False when a *low* score trips the check (rm_gate)


def _is_check_type(obj: object) -> bool:
    return isinstance(obj, CheckType)


#: Check types by name; third parties add ``guard.NAME = "pkg.mod:CHECK_TYPE"`` entry points.
CHECK_TYPES: Registry[CheckType] = Registry(
    "guard check", check=_is_check_type, plugin_prefix="guard"
)
for _name, _target in {
    "refusal": "rewardkit.guard.refusal:REFUSAL",
    "refusal_model": "rewardkit.guard.model_check:REFUSAL_MODEL",
    "rm_gate": "rewardkit.guard.model_check:RM_GATE",
    "toxicity": "rewardkit.guard.toxicity:TOXICITY",
    "pii": "rewardkit.guard.pii:PII",
    "compliance": "rewardkit.guard.compliance:COMPLIANCE",
}.items():
    CHECK_TYPES.register(_name, _target)


def check_texts(check: Check, texts: Sequence[str]) -> list[Verdict]:
    """Run ``check`` on bare texts (no prompt, no domain).

    Example:
        >>> from rewardkit.guard.refusal import RefusalDetector
        >>> [v.label for v in check_texts(RefusalDetector(), ["I cannot help with that."])]
        ['full_refusal']
    """
    return check.check([GuardItem(t) for t in texts])
