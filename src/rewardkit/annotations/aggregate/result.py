"""The typed result of the aggregation stage, its JSON summary and its files."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from rewardkit.annotations.aggregate.config import AggregationConfig
from rewardkit.annotations.aggregate.criteria import ExcludedItem
from rewardkit.annotations.aggregate.ranking import TIE_BREAK_RULES
from rewardkit.runs.atomic import write_json, write_parquet, write_text

__all__ = ["SCHEMA_VERSION", "AggregationResult"]

SCHEMA_VERSION = 1
FILES = ("items.parquet", "pairs.jsonl", "targets.jsonl", "excluded.json")


def _jsonl(frame: pd.DataFrame) -> str:
    records = frame.to_dict("records")
    return "".join(json.dumps(r, ensure_ascii=False, allow_nan=False) + "\n" for r in records)


@dataclass(frozen=True, eq=False)
class AggregationResult:
    """One reward per response, with everything needed to audit it.

    Attributes:
        items: One row per aggregated item, sorted by prompt then rank: ``item_id, prompt_id,
            [domain], n_annotators, score_<criterion>..., criterion_score, rating_variance,
            n_comparisons, pairwise_wins, preference_score, final, rank_in_prompt,
            tie_break_rule, fallback_reason`` (``fallback_reason`` says why ``final`` is the
            criterion score alone, ``None`` when it is the blend).
        excluded: Items below the quorum, with their annotator counts.
        pairs: ``prompt_id, chosen, rejected, margin`` for training a pairwise RM.
        targets: ``item_id, target`` for training a regression RM.
        config: The options used.
        criteria: Every criterion found in the ratings, weighted ones first.
        preference_used: False when no comparisons were given (final = criterion score).
        n_comparisons: Comparisons used.
        n_comparisons_dropped: Comparisons dropped because they involve an excluded item.
        notes: Plain-language remarks (fallbacks, empty outputs).

    Example:
        >>> r = AggregationResult.empty(AggregationConfig())
        >>> r.to_json()["n_items"], r.preference_used
        (0, False)
    """

    items: pd.DataFrame
    excluded: tuple[ExcludedItem, ...]
    pairs: pd.DataFrame
    targets: pd.DataFrame
    config: AggregationConfig
    criteria: tuple[str, ...]
    preference_used: bool
    n_comparisons: int
    n_comparisons_dropped: int
    notes: tuple[str, ...] = ()

    @staticmethod
    def empty(config: AggregationConfig) -> AggregationResult:
        """A result with no items (e.g. when every item misses the quorum).

        Example:
            >>> len(AggregationResult.empty(AggregationConfig()).pairs)
            0
        """
        return AggregationResult(
            items=pd.DataFrame({"item_id": [], "prompt_id": [], "final": []}),
            excluded=(),
            pairs=pd.DataFrame({"prompt_id": [], "chosen": [], "rejected": [], "margin": []}),
            targets=pd.DataFrame({"item_id": [], "target": []}),
            config=config,
            criteria=(),
            preference_used=False,
            n_comparisons=0,
            n_comparisons_dropped=0,
        )

    def to_json(self) -> dict[str, Any]:
        """Summary: settings, counts, tie-break counts, exclusions and notes (no timestamps,
        so the same inputs give the same document).

        Example:
            >>> sorted(AggregationResult.empty(AggregationConfig()).to_json()["tie_breaks"])
            ['pairwise_wins', 'rating_variance', 'seeded_hash', 'top_criterion']
        """
        items = self.items
        rules = items["tie_break_rule"] if "tie_break_rule" in items.columns else pd.Series([])
        fallback = items["fallback_reason"] if "fallback_reason" in items.columns else None
        finals = [float(v) for v in items["final"]]
        return {
            "schema_version": SCHEMA_VERSION,
            "stage": "aggregate",
            "config": self.config.model_dump(),
            "criteria": list(self.criteria),
            "top_criterion": self.config.top_criterion,
            "preference": {
                "method": self.config.preference_method,
                "used": self.preference_used,
                "effective_alpha": self.config.alpha if self.preference_used else 1.0,
                "n_comparisons": self.n_comparisons,
                "n_comparisons_dropped": self.n_comparisons_dropped,
            },
            "n_prompts": int(items["prompt_id"].nunique()),
            "n_items": len(items),
            "n_excluded": len(self.excluded),
            "n_pairs": len(self.pairs),
            "n_fallback": 0 if fallback is None else int(fallback.notna().sum()),
            "final": {
                "min": min(finals) if finals else None,
                "mean": math.fsum(finals) / len(finals) if finals else None,
                "max": max(finals) if finals else None,
            },
            "tie_breaks": {rule: int((rules == rule).sum()) for rule in TIE_BREAK_RULES},
            "excluded": [e.to_json() for e in self.excluded],
            "notes": list(self.notes),
        }

    def write(self, out_dir: str | Path) -> tuple[Path, ...]:
        """Write ``items.parquet``, ``pairs.jsonl``, ``targets.jsonl`` and ``excluded.json``
        into ``out_dir`` (created if needed), each atomically.

        Returns:
            The paths written.

        Example:
            >>> import tempfile
            >>> paths = AggregationResult.empty(AggregationConfig()).write(tempfile.mkdtemp())
            >>> [p.name for p in paths]
            ['items.parquet', 'pairs.jsonl', 'targets.jsonl', 'excluded.json']
        """
        folder = Path(out_dir)
        paths = tuple(folder / name for name in FILES)
        write_parquet(paths[0], self.items)
        write_text(paths[1], _jsonl(self.pairs))
        write_text(paths[2], _jsonl(self.targets))
        write_json(paths[3], [e.to_json() for e in self.excluded])
        return paths
