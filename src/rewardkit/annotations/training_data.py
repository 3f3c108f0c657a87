"""Aggregated annotations as reward-model training data, with the texts joined in.

``aggregate`` works on ids; training needs texts. Given the responses table (``item_id,
prompt_id, text``) and the prompts table (``prompt_id, prompt`` and optionally ``domain``),
this writes

- ``preferences.jsonl``: one pair per aggregated (chosen, rejected) pair, with its ``margin``
  (the pairwise Bradley-Terry objective);
- ``scored.jsonl``: one k-way item per prompt: its top-ranked response as chosen, the others
  as rejected, each with its aggregated ``final`` score in ``chosen_scores`` /
  ``rejected_scores`` (the regression objective, and gold scores for ``bon --gold-scores
  from-data``).

Both load with the default layout, so ``rewardkit train --data`` takes them as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from rewardkit.annotations.aggregate.result import AggregationResult
from rewardkit.data.records import PreferenceItem
from rewardkit.data.writers import write_preferences
from rewardkit.errors import DataError

__all__ = ["TextTables", "pair_items", "read_texts", "scored_items", "write_training_data"]


@dataclass(frozen=True)
class TextTables:
    """Texts by id: response text, its prompt id, prompt text and domain."""

    response: Mapping[str, str]
    prompt_of_item: Mapping[str, str]
    prompt: Mapping[str, str]
    domain: Mapping[str, str]


def _table(path: Path, needed: tuple[str, ...]) -> pd.DataFrame:
    from rewardkit.curation.splits import read_table

    frame = read_table(path)
    for column in needed:
        if column not in frame.columns:
            raise DataError(f"missing column {column!r}", path=path, field=column)
    return frame


def _mapping(frame: pd.DataFrame, key: str, value: str, path: Path) -> dict[str, str]:
    """``key -> value`` with one row per key and no missing values (file, row, field named)."""
    out: dict[str, str] = {}
    for row, (k, v) in enumerate(zip(frame[key], frame[value], strict=True), start=1):
        if pd.isna(k) or pd.isna(v):
            field = key if pd.isna(k) else value
            raise DataError("missing value", path=path, row=row, field=field)
        if str(k) in out:
            raise DataError(f"duplicate {key} {k!r}", path=path, row=row, field=key)
        out[str(k)] = str(v)
    return out


def read_texts(responses: Path, prompts: Path) -> TextTables:
    """Read the responses and prompts tables (any format the readers take); a missing text
    or id, or an id given twice, stops with its file, row and field. Missing domains stay
    missing."""
    r = _table(responses, ("item_id", "prompt_id", "text"))
    p = _table(prompts, ("prompt_id", "prompt"))
    domain: dict[str, str] = {}
    if "domain" in p.columns:
        domain = {
            str(k): str(v)
            for k, v in zip(p["prompt_id"], p["domain"], strict=True)
            if not pd.isna(v)
        }
    return TextTables(
        response=_mapping(r, "item_id", "text", responses),
        prompt_of_item=_mapping(r, "item_id", "prompt_id", responses),
        prompt=_mapping(p, "prompt_id", "prompt", prompts),
        domain=domain,
    )


def _text(texts: TextTables, item_id: str, source: str, prompt_id: str | None = None) -> str:
    if item_id not in texts.response:
        raise DataError(f"item {item_id!r} of the {source} has no row in the responses table")
    if prompt_id is not None and texts.prompt_of_item[item_id] != prompt_id:
        raise DataError(
            f"item {item_id!r} belongs to prompt {texts.prompt_of_item[item_id]!r} in the "
            f"responses table but to {prompt_id!r} in the {source}"
        )
    return texts.response[item_id]


def _prompt(texts: TextTables, prompt_id: str) -> str:
    if prompt_id not in texts.prompt:
        raise DataError(f"prompt {prompt_id!r} has no row in the prompts table")
    return texts.prompt[prompt_id]


def pair_items(result: AggregationResult, texts: TextTables) -> list[PreferenceItem]:
    """The aggregated pairs with texts and margins (``subset="annotated"``).

    Example:
        >>> import pandas as pd
        >>> from types import SimpleNamespace
        >>> res = SimpleNamespace(pairs=pd.DataFrame(
        ...     {"prompt_id": ["p"], "chosen": ["a"], "rejected": ["b"], "margin": [0.3]}))
        >>> t = TextTables({"a": "yes", "b": "no"}, {"a": "p", "b": "p"}, {"p": "q?"}, {})
        >>> item = pair_items(res, t)[0]  # type: ignore[arg-type]
        >>> item.id, item.chosen, item.rejected, item.margin
        ('a>b', ('yes',), ('no',), 0.3)
    """
    items = []
    for row in result.pairs.to_dict(orient="records"):
        prompt_id, chosen, rejected = (
            str(row["prompt_id"]),
            str(row["chosen"]),
            str(row["rejected"]),
        )
        items.append(
            PreferenceItem(
                id=f"{chosen}>{rejected}",
                prompt=_prompt(texts, prompt_id),
                chosen=(_text(texts, chosen, "pairs", prompt_id),),
                rejected=(_text(texts, rejected, "pairs", prompt_id),),
                domain=texts.domain.get(prompt_id),
                subset="annotated",
                margin=float(row["margin"]),
            )
        )
    return items


def scored_items(result: AggregationResult, texts: TextTables) -> list[PreferenceItem]:
    """One item per prompt with at least two aggregated responses: the top-ranked one chosen,
    the rest rejected, every response's ``final`` score attached."""
    frame = result.items.sort_values(["prompt_id", "rank_in_prompt"], kind="stable")
    items = []
    for prompt_id, group in frame.groupby("prompt_id", sort=True):
        ids = [str(i) for i in group["item_id"]]
        finals = [float(x) for x in group["final"]]
        if len(ids) < 2:
            continue
        responses = [_text(texts, i, "aggregated items", str(prompt_id)) for i in ids]
        items.append(
            PreferenceItem(
                id=str(prompt_id),
                prompt=_prompt(texts, str(prompt_id)),
                chosen=(responses[0],),
                rejected=tuple(responses[1:]),
                domain=texts.domain.get(str(prompt_id)),
                subset="annotated",
                chosen_scores=(finals[0],),
                rejected_scores=tuple(finals[1:]),
            )
        )
    return items


def write_training_data(
    result: AggregationResult, responses: Path, prompts: Path, out: Path
) -> dict[str, Path]:
    """Write ``preferences.jsonl`` and ``scored.jsonl`` into ``out``; returns their paths."""
    texts = read_texts(responses, prompts)
    return {
        "preferences": write_preferences(pair_items(result, texts), out / "preferences.jsonl"),
        "scored": write_preferences(scored_items(result, texts), out / "scored.jsonl"),
    }
