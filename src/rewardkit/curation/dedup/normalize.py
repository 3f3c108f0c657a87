"""Text normalisation for deduplication: texts that normalise equal are exact duplicates."""

from __future__ import annotations

import sys
import unicodedata
from functools import cache

__all__ = ["normalize_text"]


@cache
def _punctuation_table() -> dict[int, None]:
    """A ``str.translate`` table deleting every code point of Unicode category ``P*``."""
    return {
        cp: None
        for cp in range(sys.maxunicode + 1)
        if unicodedata.category(chr(cp)).startswith("P")
    }


def normalize_text(text: str) -> str:
    """Normalise a text so that trivial variants of it compare equal.

    The steps, in order: Unicode NFKC (full-width and compatibility characters become their
    plain forms), case folding (``str.casefold``), NFKC again (case folding can leave a
    decomposed sequence), deletion of every punctuation character (Unicode categories
    ``Pc Pd Ps Pe Pi Pf Po``; deleted, not replaced by a space, so ``"don't"`` becomes
    ``"dont"``), and whitespace collapsed to single spaces with none at either end.
    Symbols (``$``, ``+``, emoji) and digits are kept.

    Args:
        text: Any string; the empty string normalises to ``""``.

    Returns:
        The normalised text.

    Example:
        >>> normalize_text("  Hello,   WORLD!\\n  ")
        'hello world'
        >>> normalize_text("\\uff26\\uff35\\uff2c\\uff2c\\u3000width \\u201cquotes\\u201d don't")
        'full width quotes dont'
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(folded.translate(_punctuation_table()).split())
