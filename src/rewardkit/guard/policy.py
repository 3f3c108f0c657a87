"""A guard policy: checks composed from a YAML file, each blocking or flagging.

A policy file::

    penalty: 1.0                 # default penalty of a blocking check (reward units)
    checks:
      - name: toxicity           # unique; names the check's columns and reasons
        type: toxicity           # a registered check type (rewardkit.guard.CHECK_TYPES)
        action: block            # block (the response is blocked) or flag (reported only)
        penalty: 2.0             # optional, this check's penalty
        options: {threshold: 0.5}

An item is **blocked** when a ``block`` check trips on it and **flagged** when a ``flag`` check
does. Its penalty is the largest penalty of the blocking checks that tripped (0 when it
passes): a reward consumer subtracts it (``reward - penalty``). A ``python:`` model spec named
inside a policy runs code, so it loads only with ``allow_python`` (the file may come from
someone else).

Example:
    >>> policy = policy_from_mapping({"checks": [{"name": "pii", "type": "pii"}]})
    >>> apply_guard(policy, ["call me at 415-555-0134", "hello"]).tolist()
    [1.0, 0.0]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rewardkit.config import read_yaml_mapping, validation_problems
from rewardkit.errors import ConfigError
from rewardkit.guard.base import (
    CHECK_TYPES,
    BuildContext,
    Check,
    CheckType,
    GuardItem,
    Verdict,
)

__all__ = [
    "CheckEntry",
    "GuardPolicy",
    "GuardResult",
    "PolicyConfig",
    "apply_guard",
    "load_policy",
    "policy_from_mapping",
]


class CheckEntry(BaseModel):
    """One check of a policy file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    type: str
    action: Literal["block", "flag"] = "block"
    penalty: float | None = Field(default=None, ge=0.0)
    options: dict[str, Any] = Field(default_factory=dict)


class PolicyConfig(BaseModel):
    """A policy file: its checks and the default penalty."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    penalty: float = Field(default=1.0, ge=0.0)
    checks: list[CheckEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> PolicyConfig:
        names = [c.name for c in self.checks]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"check names must be unique; repeated: {', '.join(dup)}")
        return self


@dataclass(frozen=True)
class PolicyCheck:
    """A built check with its place in the policy."""

    name: str
    type_name: str
    kind: CheckType
    action: str
    penalty: float
    check: Check


@dataclass(frozen=True)
class GuardResult:
    """The verdicts of every check on every item, and the policy's decision per item."""

    checks: tuple[PolicyCheck, ...]
    verdicts: dict[str, list[Verdict]]
    blocked: np.ndarray
    flagged: np.ndarray
    penalties: np.ndarray
    reasons: list[str] = field(default_factory=list)

    def table(self) -> pd.DataFrame:
        """One row per item: ``blocked``, ``flagged``, ``penalty``, ``reasons`` and, per check
        ``NAME``, ``NAME.tripped``, ``NAME.score``, ``NAME.label``, ``NAME.reason``."""
        cols: dict[str, Any] = {
            "blocked": self.blocked,
            "flagged": self.flagged,
            "penalty": self.penalties,
            "reasons": self.reasons,
        }
        for c in self.checks:
            vs = self.verdicts[c.name]
            cols[f"{c.name}.tripped"] = [v.tripped for v in vs]
            cols[f"{c.name}.score"] = [np.nan if v.score is None else v.score for v in vs]
            cols[f"{c.name}.label"] = [v.label for v in vs]
            cols[f"{c.name}.reason"] = [v.reason for v in vs]
        return pd.DataFrame(cols)


class GuardPolicy:
    """Checks that run together; see the module docstring for blocking and penalties."""

    def __init__(self, checks: Sequence[PolicyCheck]) -> None:
        if not checks:
            raise ConfigError("a guard policy needs at least one check")
        self.checks = tuple(checks)

    def names(self) -> list[str]:
        return [c.name for c in self.checks]

    def run(self, items: Sequence[GuardItem]) -> GuardResult:
        """Every check on every item.

        Example:
            >>> p = policy_from_mapping({"checks": [{"name": "r", "type": "refusal",
            ...     "action": "flag"}]})
            >>> res = p.run([GuardItem("I cannot help with that.")])
            >>> bool(res.flagged[0]), bool(res.blocked[0]), res.reasons[0]
            (True, False, "r (flag): full refusal: opens with 'i cannot', 'i cannot help'")
        """
        n = len(items)
        verdicts: dict[str, list[Verdict]] = {}
        blocked = np.zeros(n, dtype=bool)
        flagged = np.zeros(n, dtype=bool)
        penalties = np.zeros(n, dtype=np.float64)
        reasons: list[list[str]] = [[] for _ in range(n)]
        for c in self.checks:
            vs = c.check.check(items)
            if len(vs) != n:
                raise ConfigError(f"check {c.name!r} returned {len(vs)} verdicts for {n} items")
            verdicts[c.name] = vs
            for i, v in enumerate(vs):
                if not v.tripped:
                    continue
                reasons[i].append(f"{c.name} ({c.action}): {v.reason or v.label}")
                if c.action == "block":
                    blocked[i] = True
                    penalties[i] = max(penalties[i], c.penalty)
                else:
                    flagged[i] = True
        return GuardResult(
            self.checks, verdicts, blocked, flagged, penalties, [" | ".join(r) for r in reasons]
        )


def _model_allowed(type_name: str, options: Any, allow_python: bool, where: str) -> None:
    model = getattr(options, "model", None)
    if not isinstance(model, str) or allow_python:
        return
    from rewardkit.models.spec import parse_model_spec

    scheme = parse_model_spec(model, {"allow_python": False}).scheme
    if scheme == "python":
        raise ConfigError(
            f"{where}check type {type_name!r} names the model {model!r}, which runs Python code "
            "on this machine; a policy file may come from someone else, so rewardkit runs it "
            "only with --allow-python"
        )


def policy_from_mapping(
    doc: Mapping[str, Any],
    *,
    allow_python: bool = False,
    where: str = "",
    context: BuildContext | None = None,
) -> GuardPolicy:
    """Build a policy from its parsed YAML mapping (``where`` prefixes error messages).

    Example:
        >>> policy_from_mapping({"checks": [{"name": "p", "type": "pii"}]}).names()
        ['p']
    """
    try:
        cfg = PolicyConfig(**doc)
    except ValidationError as exc:
        raise ConfigError(f"{where}invalid guard policy: {validation_problems(exc)}") from exc
    built = []
    for entry in cfg.checks:
        kind = CHECK_TYPES.get(entry.type)
        try:
            options = kind.options(**entry.options)
        except ValidationError as exc:
            raise ConfigError(
                f"{where}check {entry.name!r} ({entry.type}): invalid options: "
                f"{validation_problems(exc)}"
            ) from exc
        _model_allowed(entry.type, options, allow_python, where)
        penalty = cfg.penalty if entry.penalty is None else entry.penalty
        built.append(
            PolicyCheck(
                entry.name,
                entry.type,
                kind,
                entry.action,
                penalty,
                kind.build(options, context or BuildContext()),
            )
        )
    return GuardPolicy(built)


def load_policy(
    path: str | Path, *, allow_python: bool = False, context: BuildContext | None = None
) -> GuardPolicy:
    """Read a policy YAML file (errors name the file): its top level is the policy, or the
    policy is its ``policy:`` mapping (as in ``configs/guard.yaml``, which also holds the
    commands' options).

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "guard.yaml"
        >>> _ = p.write_text("checks:\\n  - {name: pii, type: pii}\\n")
        >>> load_policy(p).names()
        ['pii']
    """
    path = Path(path)
    doc = read_yaml_mapping(path)
    if "checks" not in doc and isinstance(doc.get("policy"), dict):
        doc = doc["policy"]
    return policy_from_mapping(doc, allow_python=allow_python, where=f"{path}: ", context=context)


def apply_guard(
    policy: GuardPolicy,
    texts: Sequence[str],
    prompts: Sequence[str] | None = None,
    domains: Sequence[str] | None = None,
) -> np.ndarray:
    """The penalty of each response under ``policy`` (0 when it passes): for reward
    consumers (RL, serving), which subtract it from the reward.

    Example:
        >>> p = policy_from_mapping({"penalty": 2.5, "checks": [{"name": "pii", "type": "pii"}]})
        >>> apply_guard(p, ["mail me: a@b.io", "fine"]).tolist()
        [2.5, 0.0]
    """
    n = len(texts)
    for what, seq in (("prompts", prompts), ("domains", domains)):
        if seq is not None and len(seq) != n:
            raise ValueError(f"{len(seq)} {what} for {n} texts")
    items = [
        GuardItem(
            t,
            prompt="" if prompts is None else prompts[i],
            domain="" if domains is None else domains[i],
        )
        for i, t in enumerate(texts)
    ]
    return policy.run(items).penalties
