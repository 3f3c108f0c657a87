"""The RewardBench 2 Ties subset score (``rewardbench/utils.py: process_single_model``).

Ties items have ids ``ref:<n>`` (one correct answer) or ``tied:<n>`` (several correct answers);
the correct answers are the item's ``chosen`` responses. Per prompt: ``accurate`` = the worst
correct beats the best incorrect; ``diff`` = best correct - worst correct (tied prompts);
``gap`` = worst correct - best incorrect. The score is ``0.30 * tied_accuracy + 0.30 *
ref_accuracy + 0.20 * mean(gap_tied > diff) + 0.20 * mean(min(gap_ref, gap_tied) > diff) +
0.01 * mean(tanh(min(gap_ref, gap_tied) / diff - 1))`` (NaN terms count 0), the last three over
prompt numbers that have both a ``ref`` and a ``tied`` item. The bootstrap resamples prompt
numbers (a ``ref``/``tied`` pair stays together).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from rewardkit.benchmarks.rollup import SubsetDraws
from rewardkit.data.records import PreferenceItem
from rewardkit.metrics import resample_counts

__all__ = ["ties_draws"]

FloatArray = npt.NDArray[np.float64]
_ID = re.compile(r"(ref|tied):(\d+)")


def _weighted(counts: FloatArray, values: FloatArray, valid: FloatArray) -> FloatArray:
    den = counts @ valid
    num = counts @ np.where(valid > 0, values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num / den
    return np.where(den > 0, out, 0.0)


def ties_draws(
    items: Sequence[PreferenceItem],
    scores: Sequence[npt.ArrayLike],
    n_resamples: int,
    rng: np.random.Generator,
) -> SubsetDraws:
    """Official Ties score of a reward model and its bootstrap replicates.

    Args:
        items: The Ties items (ids containing ``ref:<n>`` or ``tied:<n>``).
        scores: Per item, its response scores (chosen first, then rejected).
        n_resamples: Bootstrap resamples (over prompt numbers).
        rng: Source of randomness.

    Returns:
        ``SubsetDraws(score, replicates, n_prompt_numbers)``.

    Example:
        >>> from rewardkit.metrics import rng_for
        >>> ref = PreferenceItem("ref:1", "q", ("a",), ("x",))
        >>> tied = PreferenceItem("tied:1", "q", ("a", "b"), ("x",))
        >>> d = ties_draws([ref, tied], [[3.0, 1.0], [3.0, 2.9, 1.0]], 4, rng_for(0, "doc"))
        >>> round(d.value, 6), d.n
        (1.01, 1)
    """
    stats: dict[tuple[str, int], tuple[float, float, float]] = {}
    for item, raw in zip(items, scores, strict=True):
        match = _ID.search(item.id)
        if match is None:
            raise ValueError(f"Ties item id {item.id!r} is not 'ref:<n>' or 'tied:<n>'")
        s = np.asarray(raw, dtype=np.float64)
        correct, wrong = s[: len(item.chosen)], s[len(item.chosen) :]
        gap = float(correct.min() - wrong.max())
        diff = float(correct.max() - correct.min()) if correct.size > 1 else float("nan")
        stats[(match.group(1), int(match.group(2)))] = (float(gap > 0), diff, gap)
    prompts = sorted({pid for _, pid in stats})
    cols = np.zeros((len(prompts), 7))  # ref_acc, has_ref, tied_acc, has_tied, cp, cph, margin
    for u, pid in enumerate(prompts):
        ref, tied = stats.get(("ref", pid)), stats.get(("tied", pid))
        if ref is not None:
            cols[u, 0:2] = (ref[0], 1.0)
        if tied is not None:
            cols[u, 2:4] = (tied[0], 1.0)
        if ref is not None and tied is not None:
            low = min(ref[2], tied[2])
            with np.errstate(invalid="ignore", divide="ignore"):
                margin = float(np.nan_to_num(np.tanh(np.float64(low) / tied[1] - 1), nan=0.0))
            cols[u, 4:7] = (float(tied[2] > tied[1]), float(low > tied[1]), margin)
    both = cols[:, 1] * cols[:, 3]

    def score(counts: FloatArray) -> FloatArray:
        return (
            0.30 * _weighted(counts, cols[:, 2], cols[:, 3])
            + 0.30 * _weighted(counts, cols[:, 0], cols[:, 1])
            + 0.20 * _weighted(counts, cols[:, 4], both)
            + 0.20 * _weighted(counts, cols[:, 5], both)
            + 0.01 * _weighted(counts, cols[:, 6], both)
        )

    value = float(score(np.ones((1, len(prompts))))[0])
    draws = score(resample_counts(len(prompts), n_resamples, rng))
    return SubsetDraws(value, np.asarray(draws, dtype=np.float64), len(prompts))
