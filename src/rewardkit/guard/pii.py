"""PII by patterns: emails, phone numbers, credit cards (Luhn), IP addresses, US SSNs and
street addresses.

What each kind matches (:data:`PII_PATTERNS`):

* ``email``: ``local@domain.tld``;
* ``phone``: North American numbers (``(555) 123-4567``, ``555-123-4567``, ``+1 555 123
  4567``) and international ``+CC`` numbers of 8-15 digits with separators;
* ``credit_card``: 13-19 digits, optionally grouped by spaces or dashes, that pass the Luhn
  checksum (so order numbers and other digit runs do not count);
* ``ip``: IPv4 addresses with every octet in 0-255;
* ``ssn``: ``AAA-GG-SSSS`` with the invalid areas (000, 666, 9xx) and zero groups excluded;
* ``address``: a house number, one to four words and a street suffix (``Street``, ``St``,
  ``Avenue``, ``Rd``, ``Blvd``, ``Lane``, ...).

Matches listed in ``allow`` (regular expressions, full match) are ignored, e.g. documentation
addresses such as ``.*@example\\.com`` or ``127\\.0\\.0\\.1``. Reasons show each match masked
(first and last character kept), never the value itself. Microsoft Presidio is not wrapped:
its spaCy model is not installed with the package; these patterns run anywhere.

Example:
    >>> v = PiiCheck().check([GuardItem("Mail jane.doe@corp.org or call 415-555-0134")])[0]
    >>> v.label, v.reason
    ('pii', 'email j***************g; phone 4**********4')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import Field, field_validator

from rewardkit.guard.base import BuildContext, Check, CheckOptions, CheckType, GuardItem, Verdict

__all__ = ["PII", "PII_PATTERNS", "PiiCheck", "PiiOptions", "find_pii", "luhn_ok"]

PiiKind = Literal["email", "phone", "credit_card", "ip", "ssn", "address"]

_STREET = (
    r"(?i:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|"
    r"square|sq|terrace|way|parkway|pkwy|highway|hwy|circle|cir)"
)

#: The pattern of each kind (case-insensitive).
PII_PATTERNS: dict[str, str] = {
    "email": r"\b[a-z0-9._%+-]+@(?:[a-z0-9-]+\.)+[a-z]{2,}\b",
    "credit_card": r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])",
    "ssn": r"(?<!\d)(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?!\d)",
    "phone": r"(?<![\w+])(?:\+1[ .-]?)?(?:\(\d{3}\)|\d{3})[ .-]\d{3}[ .-]\d{4}(?!\d)"
    r"|(?<![\w+])\+(?:[2-9]\d{0,2})(?:[ .-]?\d){7,13}(?!\d)",
    "ip": r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}"
    r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]\d)",
    "address": r"\b\d{1,6}(?: [A-Z][a-z]+| [0-9]+(?:st|nd|rd|th)){1,4} " + _STREET + r"\b\.?",
}
_COMPILED = {
    k: re.compile(p, 0 if k == "address" else re.IGNORECASE) for k, p in PII_PATTERNS.items()
}
_ADDRESS_SUFFIX = re.compile(r"\b" + _STREET + r"\b\.?$", re.IGNORECASE)


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum of a digit string (separators ignored).

    Example:
        >>> luhn_ok("4111 1111 1111 1111"), luhn_ok("4111 1111 1111 1112")
        (True, False)
    """
    ds = [int(c) for c in digits if c.isdigit()]
    if len(ds) < 2:
        return False
    total = 0
    for i, d in enumerate(reversed(ds)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def find_pii(
    text: str, kinds: Sequence[str] | None = None, allow: Sequence[str] = ()
) -> list[tuple[str, str]]:
    """Every ``(kind, match)`` in ``text``, in the order of :data:`PII_PATTERNS`.

    Example:
        >>> find_pii("card 4111-1111-1111-1111, order 1234-5678-9012-3456")
        [('credit_card', '4111-1111-1111-1111')]
    """
    allowed = [re.compile(a, re.IGNORECASE) for a in allow]
    out: list[tuple[str, str]] = []
    taken: list[tuple[int, int]] = []
    for kind, rx in _COMPILED.items():
        if kinds is not None and kind not in kinds:
            continue
        for m in rx.finditer(text):
            value = m.group(0)
            if kind == "credit_card" and not luhn_ok(value):
                continue
            if kind == "address" and _ADDRESS_SUFFIX.search(value) is None:
                continue
            if any(a.fullmatch(value) for a in allowed):
                continue
            span = m.span()
            if any(s < span[1] and span[0] < e for s, e in taken):
                continue  # a card number is not also a phone number
            taken.append(span)
            if (kind, value) not in out:  # each value once
                out.append((kind, value))
    return out


def _mask(value: str) -> str:
    return value if len(value) <= 2 else value[0] + "*" * (len(value) - 2) + value[-1]


class PiiOptions(CheckOptions):
    """Options of the ``pii`` check.

    Attributes:
        kinds: The kinds looked for (default: all of :data:`PII_PATTERNS`).
        allow: Regular expressions; a match that one of them fully matches is ignored.
    """

    kinds: list[PiiKind] | None = None
    allow: list[str] = Field(default_factory=list)

    @field_validator("allow")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        for p in value:
            try:
                re.compile(p)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {p!r}: {exc}") from None
        return value


class PiiCheck:
    """Trips on any PII match; the score is the number of matches."""

    def __init__(self, options: PiiOptions | None = None) -> None:
        self.options = options or PiiOptions()

    def check(self, items: Sequence[GuardItem]) -> list[Verdict]:
        out = []
        for it in items:
            found = find_pii(it.text, self.options.kinds, self.options.allow)
            if found:
                reason = "; ".join(f"{k} {_mask(v)}" for k, v in found)
                out.append(Verdict(True, float(len(found)), "pii", reason))
            else:
                out.append(Verdict(False, 0.0, "clean"))
        return out


def _build(options: CheckOptions, context: BuildContext) -> Check:
    assert isinstance(options, PiiOptions)
    return PiiCheck(options)


PII = CheckType(
    PiiOptions, _build, scored=False, doc="emails, phones, cards (Luhn), IPs, addresses"
)
