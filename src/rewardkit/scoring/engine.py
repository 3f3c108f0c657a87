"""The scoring engine: cache look-up, length-sorted batches, executors, progress, resume.

Inputs are (prompt, response) pairs flattened from items in score order (chosen then
rejected, item by item). Identical inputs are scored once. Items are taken in chunks (their
responses stay together in one chunk); within a chunk inputs are sorted by token length and cut
into batches, so padding stays small. Each finished batch is written to the score cache at once,
so an interrupted run resumes where it stopped and loses at most the batches in flight.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from rewardkit.data.records import PreferenceItem, Prompt, prompt_text
from rewardkit.data.score_layout import ScoreLayout
from rewardkit.errors import RewardkitError
from rewardkit.models.protocol import (
    CachingModel,
    ItemScoringModel,
    RewardModel,
    uses_score_cache,
)
from rewardkit.models.tokenized import TokenizingModel
from rewardkit.scoring.batching import plan_batches
from rewardkit.scoring.cache import ScoreCache, input_hash
from rewardkit.scoring.executors import Batch, Executor, LocalExecutor


@dataclass(frozen=True)
class ScoringReport:
    """What a scoring pass did. ``n_truncated`` is None for models that do not tokenize."""

    n_inputs: int
    n_unique: int
    n_cached: int
    n_scored: int
    n_batches: int
    n_truncated: int | None
    padding_efficiency: float | None
    seconds: float


@dataclass(frozen=True)
class Scored:
    scores: np.ndarray
    report: ScoringReport


def flatten(items: Sequence[PreferenceItem]) -> tuple[list[Prompt], list[str], np.ndarray]:
    """Prompts, responses and owning item position of every input, in score order."""
    prompts = [item.prompt for item in items for _ in item.responses]
    responses = [response for item in items for response in item.responses]
    return prompts, responses, ScoreLayout.of(items).item_index


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


def _check_finite(
    scores: np.ndarray,
    positions: np.ndarray,
    owner: np.ndarray,
    items: Sequence[PreferenceItem],
    fingerprint: str,
) -> None:
    bad = ~np.isfinite(scores)
    if bad.any():
        ids = sorted({items[int(owner[p])].id for p in positions[bad]})
        shown = ", ".join(ids[:10]) + (" ..." if len(ids) > 10 else "")
        raise RewardkitError(
            f"model {fingerprint} returned {int(bad.sum())} non-finite "
            f"score(s) (NaN or inf) for item(s): {shown}"
        )


def score_items(
    model: RewardModel | ItemScoringModel,
    items: Sequence[PreferenceItem],
    *,
    batch_size: int = 32,
    max_tokens: int | None = None,
    cache: ScoreCache | None = None,
    executor: Executor | None = None,
    chunk_items: int = 2048,
    progress: bool | None = None,
) -> Scored:
    """Score every response of every item; one float per response, in score order.

    Example:
        >>> from rewardkit.models import LengthBaseline
        >>> item = PreferenceItem(id="1", prompt="q", chosen=("long",), rejected=("x",))
        >>> score_items(LengthBaseline(), [item]).scores.tolist()
        [4.0, 1.0]
    """
    if batch_size < 1:
        raise RewardkitError("--batch-size must be at least 1")
    started = time.perf_counter()
    prompts, responses, owner = flatten(items)
    n = len(responses)
    fingerprint = model.fingerprint()
    if not uses_score_cache(model):
        cache = None  # cheaper to recompute than to look up
    if cache is not None and isinstance(model, CachingModel):
        # models with intermediate results (embeddings, a judge's answers) cache them too
        model.attach_cache(cache)
    if isinstance(model, ItemScoringModel):
        scores = np.asarray(model.score_items(items), dtype=np.float64)
        if scores.shape != (n,):
            raise RewardkitError(
                f"model {fingerprint} returned {scores.shape} scores for {n} responses"
            )
        _check_finite(scores, np.arange(n), owner, items, fingerprint)
        return Scored(
            scores, ScoringReport(n, n, 0, n, 0, None, None, time.perf_counter() - started)
        )
    hashes = [input_hash(p, r) for p, r in zip(prompts, responses, strict=True)]
    entries = cache.get_entries(fingerprint, hashes) if cache else {}
    known = {h: score for h, (score, _) in entries.items()}
    first: dict[str, int] = {}
    for pos, h in enumerate(hashes):
        if h not in known:
            first.setdefault(h, pos)
    todo = np.fromiter(first.values(), dtype=np.int64, count=len(first))
    n_cached = sum(1 for h in dict.fromkeys(hashes) if h in known)
    todo_prompts = [prompts[int(p)] for p in todo]
    todo_responses = [responses[int(p)] for p in todo]
    n_truncated: int | None = None
    truncated = np.zeros(len(todo), dtype=bool)
    if isinstance(model, TokenizingModel):
        info = model.token_lengths(todo_prompts, todo_responses)
        lengths, truncated = info.lengths, info.truncated
        n_truncated = int(truncated.sum()) + sum(1 for _, cut in entries.values() if cut)
    else:
        lengths = np.asarray(
            [
                len(prompt_text(p)) + len(r)
                for p, r in zip(todo_prompts, todo_responses, strict=True)
            ],
            dtype=np.int64,
        )
    # Chunks of whole items (longest items first), length-sorted batches inside each chunk.
    todo_owner = owner[todo]
    item_len = np.zeros(len(items), dtype=np.int64)
    np.maximum.at(item_len, todo_owner, lengths)
    item_order = np.argsort(-item_len, kind="stable")
    rank = np.empty_like(item_order)
    rank[item_order] = np.arange(len(item_order))
    chunk_of = rank[todo_owner] // chunk_items
    batches: list[Batch] = []
    real = padded = 0
    for chunk in np.unique(chunk_of):
        local = np.flatnonzero(chunk_of == chunk)
        plan = plan_batches(lengths[local], batch_size=batch_size, max_tokens=max_tokens)
        real += plan.real_tokens
        padded += plan.padded_tokens
        for b in plan.batches:
            sel = local[b]
            batches.append(
                (sel, [todo_prompts[int(i)] for i in sel], [todo_responses[int(i)] for i in sel])
            )
    computed: dict[str, float] = {}
    runner = executor or LocalExecutor()
    show = sys.stderr.isatty() if progress is None else progress
    with _progress(show) as bar:
        task = bar.add_task("scoring", total=len(todo), rate="")
        for sel, out in runner.run(model, batches):
            out = np.asarray(out, dtype=np.float64).reshape(-1)
            if out.shape[0] != len(sel):
                raise RewardkitError(
                    f"model {fingerprint} returned {out.shape[0]} scores for {len(sel)} responses"
                )
            _check_finite(out, todo[sel], owner, items, fingerprint)
            batch_hashes = [hashes[int(todo[i])] for i in sel]
            if cache is not None:
                cache.put_scores(fingerprint, batch_hashes, out, truncated[sel])
            computed.update(zip(batch_hashes, out.tolist(), strict=True))
            speed = bar.tasks[0].speed
            bar.update(task, advance=len(sel), rate=f"{speed:.1f} inputs/s" if speed else "")
    scores = np.asarray([known[h] if h in known else computed[h] for h in hashes], dtype=np.float64)
    report = ScoringReport(
        n_inputs=n,
        n_unique=len(set(hashes)),
        n_cached=n_cached,
        n_scored=len(todo),
        n_batches=len(batches),
        n_truncated=n_truncated,
        padding_efficiency=real / padded if padded else None,
        seconds=time.perf_counter() - started,
    )
    return Scored(scores, report)


def scores_frame(items: Sequence[PreferenceItem], scores: np.ndarray) -> pd.DataFrame:
    """The scores table (DESIGN "Scores"): item_id, response_index, is_chosen, score, plus the
    item's subset and domain (empty when absent) so runs can be compared by section."""
    key = ScoreLayout.of(items).key_columns(items)
    return pd.DataFrame(
        {
            "item_id": key["item_id"],
            "response_index": key["response_index"],
            "is_chosen": key["is_chosen"],
            "score": np.asarray(scores, dtype=np.float64),
            "subset": key["subset"],
            "domain": key["domain"],
        }
    )
