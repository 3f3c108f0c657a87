"""The scoring engine: flatten items into (prompt, response) inputs, score them in batches."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np
import pandas as pd
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from rewardkit.data.records import PreferenceItem, Prompt
from rewardkit.errors import RewardkitError
from rewardkit.models.protocol import ItemScoringModel, RewardModel


def flatten(items: Sequence[PreferenceItem]) -> tuple[list[Prompt], list[str]]:
    """The prompts and responses of ``items`` in score order (chosen, then rejected, per item)."""
    prompts: list[Prompt] = []
    responses: list[str] = []
    for item in items:
        for response in item.responses:
            prompts.append(item.prompt)
            responses.append(response)
    return prompts, responses


def _progress(enabled: bool) -> Progress:
    return Progress(
        TextColumn("[bold]scoring"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        disable=not enabled,
        transient=True,
    )


def score_items(
    model: RewardModel | ItemScoringModel,
    items: Sequence[PreferenceItem],
    *,
    batch_size: int = 64,
    progress: bool | None = None,
) -> np.ndarray:
    """Score every response of every item; returns one float per response, in score order.

    A batch holds whole items, so chosen and rejected responses of a prompt are scored together.

    Example:
        >>> from rewardkit.models import LengthBaseline
        >>> item = PreferenceItem(id="1", prompt="q", chosen=("long",), rejected=("x",))
        >>> score_items(LengthBaseline(), [item]).tolist()
        [4.0, 1.0]
    """
    if batch_size < 1:
        raise RewardkitError("--batch-size must be at least 1")
    total = sum(len(it.responses) for it in items)
    if isinstance(model, ItemScoringModel):
        scores = model.score_items(items)
    else:
        show = sys.stderr.isatty() if progress is None else progress
        parts: list[np.ndarray] = []
        with _progress(show) as bar:
            task = bar.add_task("scoring", total=total, rate="")
            start = 0
            while start < len(items):
                batch = items[start : start + batch_size]
                prompts, responses = flatten(batch)
                out = np.asarray(model.score(prompts, responses), dtype=np.float64).reshape(-1)
                if out.shape[0] != len(responses):
                    raise RewardkitError(
                        f"model {model.fingerprint()} returned {out.shape[0]} "
                        f"scores for {len(responses)} responses"
                    )
                parts.append(out)
                start += batch_size
                speed = bar.tasks[0].speed
                bar.update(
                    task, advance=len(responses), rate=f"{speed:.0f} responses/s" if speed else ""
                )
        scores = np.concatenate(parts) if parts else np.empty(0)
    if scores.shape != (total,):
        raise RewardkitError(
            f"model {model.fingerprint()} returned {scores.shape} scores for {total} responses"
        )
    bad = ~np.isfinite(scores)
    if bad.any():
        raise RewardkitError(
            f"model {model.fingerprint()} returned {int(bad.sum())} non-finite score(s)"
        )
    return scores


def scores_frame(items: Sequence[PreferenceItem], scores: np.ndarray) -> pd.DataFrame:
    """The scores table (DESIGN "Scores"): item_id, response_index, is_chosen, score."""
    item_ids: list[str] = []
    indices: list[int] = []
    chosen: list[bool] = []
    for item in items:
        for i in range(len(item.responses)):
            item_ids.append(item.id)
            indices.append(i)
            chosen.append(i < len(item.chosen))
    return pd.DataFrame(
        {
            "item_id": pd.Series(item_ids, dtype="string"),
            "response_index": np.asarray(indices, dtype=np.int32),
            "is_chosen": np.asarray(chosen, dtype=bool),
            "score": np.asarray(scores, dtype=np.float64),
        }
    )
