"""Toxicity: the offline classifier that ``alt-profanity-check`` ships (an extra).

Choice (surveyed on the package registry): ``alt-profanity-check`` ships its model in the wheel
(a scikit-learn linear SVM with Platt scaling over a character/word TF-IDF vectorizer, trained
on ~200k human-labelled comments, about 1 MB), so it runs offline; each release is trained with
the scikit-learn release of the same number (1.9.1 pins scikit-learn 1.9.1). ``detoxify``
downloads its transformer checkpoints from the network on first use (not offline);
``better-profanity`` is a word list without a score. The score is the classifier's probability
of offensive language; the check trips at ``threshold``.

The default threshold is 0.8, not the package's 0.5, from measurement: planted insults score
>= 0.999, while at 0.5 the classifier also blocks homonyms ("Kill the Python process with kill
-9" scores 0.56) and 9 of the 1,800 XSTest v2 completions (pig butchering, the definition of
murder, violent instructions); at 0.8, one (violent instructions). It detects offensive
*language*, not harmful content.

Example:
    >>> ToxicityCheck().options.threshold
    0.8
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from pydantic import Field

from rewardkit.errors import MissingExtraError
from rewardkit.guard.base import BuildContext, Check, CheckOptions, CheckType, GuardItem, Verdict

__all__ = ["TOXICITY", "ToxicityCheck", "ToxicityOptions", "toxicity_scores"]


def _classifier() -> Callable[[list[str]], Any]:
    try:
        module = importlib.import_module("profanity_check")
    except ImportError as exc:
        raise MissingExtraError("alt-profanity-check", "guard") from exc
    predict: Callable[[list[str]], Any] = module.predict_prob
    return predict


def toxicity_scores(texts: Sequence[str]) -> np.ndarray:
    """Probability of offensive language for each text (``alt-profanity-check``).

    Example:
        >>> toxicity_scores([]).shape  # the package is imported only for non-empty input
        (0,)
    """
    if not texts:
        return np.zeros(0)
    return np.asarray(_classifier()(list(texts)), dtype=np.float64)


class ToxicityOptions(CheckOptions):
    """Options of the ``toxicity`` check: trip when the probability is >= ``threshold``."""

    threshold: float = Field(default=0.8, ge=0.0, le=1.0)


class ToxicityCheck:
    """Offensive-language probability from ``alt-profanity-check``, tripped at a threshold."""

    def __init__(self, options: ToxicityOptions | None = None) -> None:
        self.options = options or ToxicityOptions()

    def check(self, items: Sequence[GuardItem]) -> list[Verdict]:
        scores = toxicity_scores([it.text for it in items])
        t = self.options.threshold
        return [
            Verdict(True, s, "toxic", f"toxicity {s:.3f} >= {t:g}")
            if s >= t
            else Verdict(False, s, "clean")
            for s in scores.tolist()
        ]


def _build(options: CheckOptions, context: BuildContext) -> Check:
    assert isinstance(options, ToxicityOptions)
    return ToxicityCheck(options)


TOXICITY = CheckType(
    ToxicityOptions, _build, scored=True, doc="offensive language (alt-profanity-check, offline)"
)
