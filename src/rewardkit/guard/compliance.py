"""Compliance rules from a policy: regular expressions, keywords and length limits per domain,
with allow-lists.

Each rule has a ``kind``:

* ``regex``: trips when ``pattern`` (case-insensitive) matches;
* ``keyword``: trips when one of ``keywords`` occurs as a whole word (case-insensitive);
* ``max_length`` / ``min_length``: trips when the text has more / fewer than ``value``
  characters.

``domains`` limits a rule to items of those domains (empty: every domain). ``allow`` lists
regular expressions: a regex or keyword hit inside a span that an allow pattern matches is
ignored (``guaranteed`` with ``allow: ["not guaranteed"]`` passes "returns are not guaranteed").

Example:
    >>> rules = [ComplianceRule(name="no_promises", kind="regex", pattern=r"guaranteed",
    ...     domains=["finance"], allow=[r"not guaranteed"])]
    >>> c = ComplianceCheck(ComplianceOptions(rules=rules))
    >>> [v.tripped for v in c.check([GuardItem("Returns are guaranteed!", domain="finance"),
    ...     GuardItem("Returns are not guaranteed.", domain="finance"),
    ...     GuardItem("Returns are guaranteed!", domain="cooking")])]
    [True, False, False]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import Field, model_validator

from rewardkit.guard.base import BuildContext, Check, CheckOptions, CheckType, GuardItem, Verdict

__all__ = ["COMPLIANCE", "ComplianceCheck", "ComplianceOptions", "ComplianceRule"]


class ComplianceRule(CheckOptions):
    """One rule of a ``compliance`` check (see the module docstring)."""

    name: str
    kind: Literal["regex", "keyword", "max_length", "min_length"]
    pattern: str | None = None
    keywords: list[str] = Field(default_factory=list)
    value: int | None = Field(default=None, ge=0)
    domains: list[str] = Field(default_factory=list)
    allow: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _complete(self) -> ComplianceRule:
        if self.kind == "regex" and not self.pattern:
            raise ValueError(f"rule {self.name!r}: a regex rule needs a pattern")
        if self.kind == "keyword" and not self.keywords:
            raise ValueError(f"rule {self.name!r}: a keyword rule needs keywords")
        if self.kind in ("max_length", "min_length") and self.value is None:
            raise ValueError(f"rule {self.name!r}: a {self.kind} rule needs a value")
        for p in [self.pattern or "", *self.allow]:
            try:
                re.compile(p)
            except re.error as exc:
                raise ValueError(f"rule {self.name!r}: invalid regex {p!r}: {exc}") from None
        return self

    def matcher(self) -> re.Pattern[str] | None:
        if self.kind == "regex":
            return re.compile(self.pattern or "", re.IGNORECASE)
        if self.kind == "keyword":
            words = "|".join(re.escape(k) for k in self.keywords)
            return re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)
        return None


class ComplianceOptions(CheckOptions):
    """Options of the ``compliance`` check: its rules."""

    rules: list[ComplianceRule] = Field(min_length=1)


class ComplianceCheck:
    """Trips when any rule that applies to the item's domain is broken; the score is the
    number of rules broken."""

    def __init__(self, options: ComplianceOptions) -> None:
        self.options = options
        self._compiled = [
            (r, r.matcher(), [re.compile(a, re.IGNORECASE) for a in r.allow]) for r in options.rules
        ]

    def _broken(self, item: GuardItem) -> list[str]:
        out = []
        for rule, rx, allow in self._compiled:
            if rule.domains and item.domain not in rule.domains:
                continue
            text = item.text
            if rule.kind == "max_length" and len(text) > (rule.value or 0):
                out.append(f"{rule.name}: {len(text)} characters > {rule.value}")
            elif rule.kind == "min_length" and len(text) < (rule.value or 0):
                out.append(f"{rule.name}: {len(text)} characters < {rule.value}")
            elif rx is not None:
                spans = [m.span() for a in allow for m in a.finditer(text)]
                for m in rx.finditer(text):
                    s, e = m.span()
                    if not any(a <= s and e <= b for a, b in spans):
                        out.append(f"{rule.name}: {m.group(0)!r}")
                        break
        return out

    def check(self, items: Sequence[GuardItem]) -> list[Verdict]:
        out = []
        for it in items:
            broken = self._broken(it)
            if broken:
                out.append(Verdict(True, float(len(broken)), "violation", "; ".join(broken)))
            else:
                out.append(Verdict(False, 0.0, "compliant"))
        return out


def _build(options: CheckOptions, context: BuildContext) -> Check:
    assert isinstance(options, ComplianceOptions)
    return ComplianceCheck(options)


COMPLIANCE = CheckType(
    ComplianceOptions, _build, scored=False, doc="regex/keyword/length rules per domain"
)
