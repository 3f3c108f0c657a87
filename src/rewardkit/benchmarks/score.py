"""Score a reward model on a benchmark: per-item outcomes, then the spec's official roll-up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from rewardkit.benchmarks.rollup import BenchmarkScore, SubsetDraws, rollup
from rewardkit.benchmarks.spec import BenchmarkSpec
from rewardkit.benchmarks.ties import ties_draws
from rewardkit.data.records import PreferenceItem
from rewardkit.errors import DataError
from rewardkit.metrics import best_of_n_outcomes, pairwise_outcomes, rng_for

__all__ = ["STYLE_LEVELS", "item_group", "score_benchmark", "style_matrix_outcomes"]


def item_group(spec: BenchmarkSpec, item: PreferenceItem) -> str:
    """The subset label an item is rolled up under (``spec.group_by``, then a fallback).

    Example:
        >>> spec = BenchmarkSpec(name="t", group_by="domain")
        >>> item_group(spec, PreferenceItem("1", "p", ("a",), ("b",), subset="x", domain="d"))
        'd'
    """
    first, second = (
        (item.subset, item.domain) if spec.group_by == "subset" else (item.domain, item.subset)
    )
    return first or second or "all"


STYLE_LEVELS = ("hard", "normal", "easy")


def style_matrix_outcomes(
    items: Sequence[PreferenceItem], scores: Sequence[np.ndarray]
) -> tuple[np.ndarray, list[str]]:
    """RM-Bench's 3x3 style matrix, per item: three outcomes labelled hard, normal, easy.

    Chosen and rejected each hold three responses in style order (concise, detailed plain,
    detailed markdown). Cell ``(i, j)`` is 1 when chosen ``i`` scores strictly above rejected
    ``j``. Hard = mean of the upper-right triangle (chosen less styled than rejected), normal =
    the diagonal, easy = the lower-left triangle, as RM-Bench's ``compute_accuracy`` (averaging
    per item and then over items equals its average of the summed matrix).

    Example:
        >>> item = PreferenceItem("1", "p", ("c1", "c2", "c3"), ("r1", "r2", "r3"))
        >>> out, labels = style_matrix_outcomes([item], [np.array([1, 2, 3, 0.5, 1.5, 2.5])])
        >>> dict(zip(labels, out.round(4).tolist()))
        {'hard': 0.0, 'normal': 1.0, 'easy': 1.0}
    """
    outcomes: list[float] = []
    labels: list[str] = []
    upper = np.triu(np.ones((3, 3), dtype=bool), 1)
    for item, chunk in zip(items, scores, strict=True):
        if len(item.chosen) != 3 or len(item.rejected) != 3:
            raise DataError(
                f"item {item.id!r}: a style-matrix item needs 3 chosen and 3 "
                f"rejected responses, got {len(item.chosen)} and "
                f"{len(item.rejected)}"
            )
        wins = (chunk[:3, None] > chunk[None, 3:6]).astype(np.float64)
        outcomes += [
            float(wins[upper].mean()),
            float(np.diag(wins).mean()),
            float(wins[upper.T].mean()),
        ]
        labels += list(STYLE_LEVELS)
    return np.asarray(outcomes, dtype=np.float64), labels


def score_benchmark(
    spec: BenchmarkSpec,
    items: Sequence[PreferenceItem],
    scores: npt.ArrayLike,
    *,
    seed: int = 0,
    n_resamples: int = 1000,
    tie_value: float | None = None,
    confidence: float = 0.95,
) -> BenchmarkScore:
    """Score items with the spec's metric and roll the outcomes up by its official formula.

    Args:
        spec: The benchmark.
        items: Its items, in order.
        scores: Flat per-response scores: for each item its chosen responses, then its
            rejected ones (``PreferenceItem.responses`` order), item after item.
        seed: Base seed of the bootstrap.
        n_resamples: Bootstrap resamples.
        tie_value: Credit for a predicted score tie under ``metric: accuracy``; ``None``
            (default) applies the spec's own rule (``spec.tie_value``). ``best_of_n_accuracy``
            gives ``1/k`` for a ``k``-way tie at the top (RewardBench 2) and the style matrix
            counts only ``chosen > rejected`` (RM-Bench), whatever this says.
        confidence: Coverage of the intervals.

    Returns:
        The :class:`BenchmarkScore`; items marked ``tie=True`` are excluded and counted in
        ``n_excluded``; ``tie_value`` records the tie credit applied (``None`` when the metric
        has its own rule).

    Example:
        >>> from rewardkit.benchmarks.spec import load_spec
        >>> items = [PreferenceItem(str(i), "p", ("a",), ("b",), domain="d") for i in range(3)]
        >>> res = score_benchmark(load_spec("demo"), items, [2.0, 1.0, 0.0, 1.0, 3.0, 3.0])
        >>> res.overall["mean"].value
        0.5
    """
    credit = spec.tie_value if tie_value is None else tie_value
    pairwise = spec.metric == "accuracy" and spec.item_format != "style_matrix"
    s = np.asarray(scores, dtype=np.float64).ravel()
    sizes = np.array([len(it.chosen) + len(it.rejected) for it in items], dtype=np.int64)
    if int(sizes.sum()) != s.size:
        raise ValueError(f"expected {int(sizes.sum())} scores for {len(items)} items, got {s.size}")
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    keep = [i for i, it in enumerate(items) if not it.tie]
    special_names = set(spec.special_subsets)
    groups = [item_group(spec, items[i]) for i in keep]
    regular = [i for i, g in zip(keep, groups, strict=True) if g not in special_names]
    special: dict[str, SubsetDraws] = {}
    for name in spec.special_subsets:  # the only rule so far: rewardbench2_ties
        members = [i for i, g in zip(keep, groups, strict=True) if g == name]
        if members:
            rng = rng_for(seed, spec.name, name)
            chunks = [s[starts[i] : starts[i] + sizes[i]] for i in members]
            special[name] = ties_draws([items[i] for i in members], chunks, n_resamples, rng)
    if regular and spec.item_format == "style_matrix":
        out, labels = style_matrix_outcomes(
            [items[i] for i in regular], [s[starts[i] : starts[i] + sizes[i]] for i in regular]
        )
    elif regular:
        idx = np.asarray(regular, dtype=np.int64)
        flat = np.concatenate([np.arange(starts[i], starts[i] + sizes[i]) for i in regular])
        item_index = np.repeat(np.arange(idx.size), sizes[idx])
        is_chosen = np.concatenate([np.arange(sizes[i]) < len(items[i].chosen) for i in regular])
        if spec.metric == "best_of_n_accuracy":
            out = best_of_n_outcomes(s[flat], item_index, is_chosen, idx.size)
        else:
            out = pairwise_outcomes(s[flat], item_index, is_chosen, idx.size, credit)
        labels = [item_group(spec, items[i]) for i in regular]
    else:
        out, labels = np.zeros(0), []
    result = rollup(
        spec,
        out,
        labels,
        seed=seed,
        n_resamples=n_resamples,
        confidence=confidence,
        n_excluded=len(items) - len(keep),
        special=special,
    )
    return replace(result, tie_value=credit if pairwise else None)
