"""Input features of a scored log for input drift: text lengths and the dominant script."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["SCRIPTS", "dominant_script", "lengths"]

_SCRIPT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("latin", re.compile("[A-Za-z\u00c0-\u024f]")),
    ("cyrillic", re.compile("[\u0400-\u04ff]")),
    ("greek", re.compile("[\u0370-\u03ff]")),
    ("arabic", re.compile("[\u0600-\u06ff]")),
    ("cjk", re.compile("[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")),
)
#: Script classes, ``none`` for a text without letters of any of them.
SCRIPTS = (*(name for name, _ in _SCRIPT_PATTERNS), "none")


def dominant_script(text: str) -> str:
    """The script most of ``text``'s letters are written in (a proxy for its language).

    Example:
        >>> dominant_script("Hello"), dominant_script("Привет, world"), dominant_script("42")
        ('latin', 'cyrillic', 'none')
    """
    counts = [len(p.findall(text)) for _, p in _SCRIPT_PATTERNS]
    best = int(np.argmax(counts))
    return _SCRIPT_PATTERNS[best][0] if counts[best] else "none"


def lengths(texts: Sequence[str]) -> npt.NDArray[np.float64]:
    """Length of each text in characters.

    Example:
        >>> lengths(["ab", ""]).tolist()
        [2.0, 0.0]
    """
    return np.fromiter((len(t) for t in texts), dtype=np.float64, count=len(texts))
