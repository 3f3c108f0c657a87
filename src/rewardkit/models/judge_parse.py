"""Reading a judge's answer: a verdict (``A``, ``B``, ``tie``) or a 1-5 score.

An answer is read, in order, as the JSON object that ``response_format`` asked for
(``{"verdict": "A"}``, ``{"score": 4}``), else by a strict pattern: the **last** line of the form
``Verdict: A`` / ``Score: 4`` (case-insensitive word, optional ``**`` bold and a final period).
Anything else is unreadable (the judge then gets one repair question).

When the server returns log-probabilities, :func:`expected_score` gives G-Eval's expected score
``sum_k k * p(k) / sum_k p(k)`` over the points 1-5, read from the top log-probabilities at the
token that carries the score.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "SCORE_POINTS",
    "VERDICTS",
    "Reading",
    "TokenLogprob",
    "expected_score",
    "parse_score",
    "parse_verdict",
    "score_schema",
    "verdict_schema",
]

VERDICTS = ("A", "B", "tie")
SCORE_POINTS = (1, 2, 3, 4, 5)

_VERDICT_LINE = re.compile(
    r"^[ \t]*\**[ \t]*verdict[ \t]*\**[ \t]*:[ \t]*\**[ \t]*\[?(A|B|tie)\]?"
    r"[ \t]*\**[ \t]*\.?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_SCORE_LINE = re.compile(
    r"^[ \t]*\**[ \t]*score[ \t]*\**[ \t]*:[ \t]*\**[ \t]*\[?([1-5])\]?(?:[ \t]*/[ \t]*5)?[ \t]*"
    r"\**[ \t]*\.?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class Reading:
    """What an answer says: ``value`` (a verdict or a score, None when unreadable), how it was
    read, and where the value sits in the text (for the log-probability alignment)."""

    value: str | int | None
    how: Literal["json", "pattern"] | None
    offset: int | None = None


@dataclass(frozen=True)
class TokenLogprob:
    """One generated token with its log-probability and the top alternatives."""

    token: str
    logprob: float
    top: tuple[tuple[str, float], ...]


def verdict_schema() -> dict[str, Any]:
    """The ``response_format`` JSON schema of a verdict."""
    return {
        "type": "json_schema",
        "json_schema": {
            "name": "verdict",
            "strict": True,
            "schema": {
                "type": "object",
                "properties": {"verdict": {"type": "string", "enum": list(VERDICTS)}},
                "required": ["verdict"],
                "additionalProperties": False,
            },
        },
    }


def score_schema() -> dict[str, Any]:
    """The ``response_format`` JSON schema of a 1-5 score."""
    return {
        "type": "json_schema",
        "json_schema": {
            "name": "score",
            "strict": True,
            "schema": {
                "type": "object",
                "properties": {"score": {"type": "integer", "enum": list(SCORE_POINTS)}},
                "required": ["score"],
                "additionalProperties": False,
            },
        },
    }


def _json_field(text: str, key: str) -> tuple[Any, int] | None:
    """``doc[key]`` and the offset of its value when ``text`` is exactly one JSON object."""
    stripped = text.strip()
    if not stripped.startswith("{"):
        return None
    try:
        doc = json.loads(stripped)
    except ValueError:
        return None
    if not isinstance(doc, dict) or key not in doc:
        return None
    value = doc[key]
    match = re.search(rf'"{key}"\s*:\s*"?', text)
    return value, (match.end() if match else -1)


def parse_verdict(text: str) -> Reading:
    """The verdict of an answer: ``A``, ``B`` or ``tie`` (None when unreadable).

    Example:
        >>> parse_verdict("B is more accurate.\\nVerdict: B").value
        'B'
        >>> parse_verdict('{"verdict": "tie"}').how
        'json'
        >>> parse_verdict("I prefer the first one.").value is None
        True
    """
    found = _json_field(text, "verdict")
    if found is not None:
        value, offset = found
        if isinstance(value, str):
            canon = {v.lower(): v for v in VERDICTS}.get(value.strip().lower())
            if canon is not None:
                return Reading(canon, "json", offset)
        return Reading(None, None)
    matches = list(_VERDICT_LINE.finditer(text))
    if not matches:
        return Reading(None, None)
    last = matches[-1]
    raw = last.group(1)
    return Reading("tie" if raw.lower() == "tie" else raw.upper(), "pattern", last.start(1))


def parse_score(text: str) -> Reading:
    """The 1-5 score of an answer (None when unreadable).

    Example:
        >>> parse_score("Clear and correct.\\n**Score: 4**").value
        4
        >>> parse_score('{"score": 2}').value
        2
        >>> parse_score("Score: 7").value is None
        True
    """
    found = _json_field(text, "score")
    if found is not None:
        value, offset = found
        if isinstance(value, int) and not isinstance(value, bool) and value in SCORE_POINTS:
            return Reading(value, "json", offset)
        return Reading(None, None)
    matches = list(_SCORE_LINE.finditer(text))
    if not matches:
        return Reading(None, None)
    last = matches[-1]
    return Reading(int(last.group(1)), "pattern", last.start(1))


def _score_token(tokens: Sequence[TokenLogprob], text: str, offset: int | None) -> int | None:
    """The index of the token that carries the score digit at ``offset`` of ``text``."""
    if offset is not None and offset >= 0 and "".join(t.token for t in tokens) == text:
        start = 0
        for i, tok in enumerate(tokens):
            end = start + len(tok.token)
            if start <= offset < end:
                return i if tok.token.strip() in {str(k) for k in SCORE_POINTS} else None
            start = end
        return None
    # Token texts that do not add up to the answer (byte pieces): the last digit token.
    for i in range(len(tokens) - 1, -1, -1):
        if tokens[i].token.strip() in {str(k) for k in SCORE_POINTS}:
            return i
    return None


def expected_score(
    tokens: Sequence[TokenLogprob] | None, text: str, offset: int | None
) -> tuple[float, tuple[float, ...]] | None:
    """G-Eval's expected score and the distribution over 1-5 at the score token.

    The top log-probabilities at the token that carries the score (``" 4"`` and ``"4"`` both
    count for 4) are turned into probabilities, restricted to the points 1-5 and renormalised.

    Returns:
        ``(expected, (p1, ..., p5))``, or None without log-probabilities or a score token.

    Example:
        >>> toks = [TokenLogprob("Score:", 0.0, ()),
        ...         TokenLogprob(" 4", math.log(0.6), ((" 4", math.log(0.6)),
        ...                      (" 5", math.log(0.3)), ("3", math.log(0.1))))]
        >>> value, probs = expected_score(toks, "Score: 4", 7)
        >>> round(value, 6), [round(p, 6) for p in probs]
        (4.2, [0.0, 0.0, 0.1, 0.6, 0.3])
    """
    if not tokens:
        return None
    index = _score_token(tokens, text, offset)
    if index is None:
        return None
    tok = tokens[index]
    alternatives = tok.top or ((tok.token, tok.logprob),)
    mass = dict.fromkeys(SCORE_POINTS, 0.0)
    seen: set[str] = set()
    for piece, logprob in alternatives:
        key = piece.strip()
        if piece in seen or key not in {str(k) for k in SCORE_POINTS}:
            continue
        seen.add(piece)
        if math.isfinite(logprob):
            mass[int(key)] += math.exp(logprob)
    total = sum(mass.values())
    if total <= 0.0:
        return None
    probs = tuple(mass[k] / total for k in SCORE_POINTS)
    return sum(k * p for k, p in zip(SCORE_POINTS, probs, strict=True)), probs
