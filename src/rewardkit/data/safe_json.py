"""Bounded JSON parsing: nesting depth capped, lone surrogates replaced (and counted) or refused.

Every JSON text rewardkit reads from outside (data files, run files, calibrators, answers of
remote models) goes through :func:`parse_json`, so that:

- nesting deeper than :data:`MAX_DEPTH` levels (counting every array and object, also inside a
  field nothing reads) is one :class:`~rewardkit.errors.DataError` naming the file and row,
  never a ``RecursionError``;
- a lone surrogate (``"\\ud800"``: half of a UTF-16 pair, common in scraped text, and not
  encodable as UTF-8) never reaches a hash, a Parquet file or a written JSON line. Data readers
  replace each one by U+FFFD and count them (``surrogates="replace"``, the policy of every
  data reader); readers of files rewardkit wrote itself refuse them (``"reject"``: a run file
  never holds one, so a file that does is damaged).

Example:
    >>> parse_json('{"a": "x\\\\ud800y"}', path="f.jsonl", row=3).value == {"a": "x\\ufffdy"}
    True
    >>> parse_json("[" * 200 + "]" * 200, path="f.jsonl", row=1)
    Traceback (most recent call last):
    ...
    rewardkit.errors.DataError: f.jsonl: row 1: JSON nested deeper than 100 levels
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from rewardkit.errors import DataError

MAX_DEPTH = 100
"""Deepest nesting of arrays and objects accepted in any JSON rewardkit reads."""

SurrogatePolicy = Literal["replace", "reject"]

_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
REPLACEMENT = "\ufffd"

__all__ = [
    "MAX_DEPTH",
    "REPLACEMENT",
    "Parsed",
    "SurrogatePolicy",
    "load_json_file",
    "parse_json",
    "replace_surrogates",
]


@dataclass(frozen=True)
class Parsed:
    """A parsed JSON value and the lone surrogates replaced in it.

    Attributes:
        value: The parsed value (surrogates replaced by U+FFFD).
        n_surrogates: How many lone surrogates were replaced.
        first_field: Where the first one was (``"chosen[1]"``, ``"meta.notes"``), or None.
        n_parts: How many top-level entries (array elements, object members) hold one.
    """

    value: Any
    n_surrogates: int = 0
    first_field: str | None = None
    n_parts: int = 0


def _too_deep(path: str | Path | None, row: int | None) -> DataError:
    return DataError(f"JSON nested deeper than {MAX_DEPTH} levels", path=path, row=row)


def _exceeds_depth(value: Any, limit: int) -> bool:
    """Whether arrays and objects in ``value`` nest deeper than ``limit`` (iterative)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        for child in children:
            if isinstance(child, (list, dict)):
                stack.append((child, depth + 1))
    return False


def _may_be_deep(text: str) -> bool:
    return text.count("[") + text.count("{") > MAX_DEPTH


def _join(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


_TOP = re.compile(r"^(\[\d+\]|[^.\[]*)")


class _Count:
    def __init__(self) -> None:
        self.n = 0
        self.first: str | None = None
        self.parts: set[str] = set()

    def fix(self, text: str, where: str) -> str:
        found = len(_SURROGATE.findall(text))
        if not found:
            return text
        self.n += found
        self.parts.add(_TOP.match(where).group(1) if where else "")  # type: ignore[union-attr]
        if self.first is None:
            self.first = where or "(value)"
        return _SURROGATE.sub(REPLACEMENT, text)


def _replace(value: Any, count: _Count, where: str) -> Any:
    # Recursion is bounded: callers check the depth against MAX_DEPTH first.
    if isinstance(value, str):
        return count.fix(value, where)
    if isinstance(value, list):
        return [_replace(v, count, _join(where, i)) for i, v in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            key = k
            if isinstance(k, str) and _SURROGATE.search(k):
                key = _SURROGATE.sub(REPLACEMENT, k)
                count.fix(k, _join(where, key))  # counted where the repaired key stands
            out[key] = _replace(v, count, _join(where, key))
        return out
    return value


def replace_surrogates(value: Any) -> Parsed:
    """Replace lone surrogates in every string (keys included) of a parsed JSON value.

    ``value`` must nest at most :data:`MAX_DEPTH` levels (as :func:`parse_json` ensures).

    Example:
        >>> fixed = replace_surrogates({"chosen": ["ok", "bad \\udc80"]})
        >>> fixed.value == {"chosen": ["ok", "bad \\ufffd"]}, fixed.n_surrogates, fixed.first_field
        (True, 1, 'chosen[1]')
    """
    count = _Count()
    cleaned = _replace(value, count, "")
    return Parsed(cleaned, count.n, count.first, len(count.parts))


def parse_json(
    text: str,
    *,
    path: str | Path | None = None,
    row: int | None = None,
    surrogates: SurrogatePolicy = "replace",
) -> Parsed:
    """Parse one JSON text with bounded nesting and a lone-surrogate policy.

    Args:
        text: The JSON text.
        path: The file it came from (named in errors).
        row: Its row (line of a JSONL file), named in errors.
        surrogates: ``"replace"`` (by U+FFFD, counted in the result) or ``"reject"``.

    Returns:
        The value and the count of surrogates replaced.

    Raises:
        DataError: Invalid JSON, nesting deeper than :data:`MAX_DEPTH`, or (``"reject"``) a
            lone surrogate; each names ``path`` and ``row``.

    Example:
        >>> parse_json('{"a": [1, 2]}').value
        {'a': [1, 2]}
    """
    try:
        value = json.loads(text)
    except RecursionError:
        raise _too_deep(path, row) from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}" if row is None else f"column {exc.colno}"
        msg = exc.msg.removesuffix(" at")
        raise DataError(
            f"invalid JSON ({msg} at {where}); is it truncated?", path=path, row=row
        ) from None
    if _may_be_deep(text) and isinstance(value, (list, dict)) and _exceeds_depth(value, MAX_DEPTH):
        raise _too_deep(path, row)
    if not _ESCAPED_SURROGATE.search(text):
        return Parsed(value)  # only a \uD800-\uDFFF escape makes a surrogate (text is UTF-8)
    parsed = replace_surrogates(value)
    if parsed.n_surrogates and surrogates == "reject":
        raise DataError(
            f"lone surrogate (invalid Unicode) in field {parsed.first_field!r}; "
            "rewardkit never writes one: the file is damaged",
            path=path,
            row=row,
        )
    return parsed


def load_json_file(
    path: Path, *, surrogates: SurrogatePolicy = "reject", what: str = "JSON file"
) -> Any:
    """The value of a whole JSON file (UTF-8), bounded as :func:`parse_json`.

    Raises:
        DataError: The file cannot be read, is not UTF-8 or not valid JSON, nests too deep or
            (``"reject"``) holds a lone surrogate; the message names ``path``.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "r.json"
        >>> _ = p.write_text('{"schema_version": 1}')
        >>> load_json_file(p)
        {'schema_version': 1}
    """
    if not path.is_file():
        raise DataError(f"{what} missing or not a regular file", path=path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{what} is not UTF-8 text ({exc.reason} at byte {exc.start})", path=path
        ) from None
    except OSError as exc:
        raise DataError(f"cannot read {what} ({exc.strerror or exc})", path=path) from exc
    return parse_json(text, path=path, surrogates=surrogates).value
