"""What a judge is asked about: responses to rate and pairs to compare, read from files.

- A **responses table** (any format the readers take) has ``item_id``, ``response`` (or
  ``text``), and the prompt either as a ``prompt`` column or through ``prompt_id`` and a
  prompts table (``prompt_id, prompt[, domain]``, as ``rewardkit demo`` writes them);
  ``prompt_id`` defaults to the item id, ``domain`` is optional.
- **Preference data** (chosen/rejected, any layout ``eval`` reads): every response of an item is
  a response to rate (``<id>/chosen/<i>``, ``<id>/rejected/<j>``, the item id as prompt id),
  and every (chosen, rejected) pair is a pair to compare, labelled: the chosen one should win.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rewardkit.data.readers import read_rows
from rewardkit.data.records import PreferenceItem, Prompt
from rewardkit.errors import DataError
from rewardkit.models.judge_verdicts import Outcome, round_robin

__all__ = [
    "PairTask",
    "ResponseTask",
    "is_preference_data",
    "pair_tasks_from_items",
    "pair_tasks_from_responses",
    "read_response_tasks",
    "response_tasks_from_items",
]


@dataclass(frozen=True)
class ResponseTask:
    """One response to rate: its ids, prompt and text."""

    item_id: str
    prompt_id: str
    prompt: Prompt
    response: str
    domain: str | None = None


@dataclass(frozen=True)
class PairTask:
    """Two responses to one prompt to compare; ``label`` is the expected outcome (``x``: the
    first should win, ``tie``), None when unknown. ``unit`` is what the bootstrap resamples."""

    unit: str
    prompt: Prompt
    id_x: str
    x: str
    id_y: str
    y: str
    label: Outcome | None = None


def is_preference_data(rows: Sequence[dict[str, Any]]) -> bool:
    """Whether rows look like preference data (they carry ``chosen`` and ``rejected``)."""
    return bool(rows) and "chosen" in rows[0] and "rejected" in rows[0]


def _text(row: dict[str, Any], key: str, path: Path) -> str:
    value = row.get(key)
    if value is None or (isinstance(value, float) and value != value):
        raise DataError("missing value", path=path, row=row.get("__row__"), field=key)
    if isinstance(value, (list, dict, bool)):
        raise DataError("expected a text", path=path, row=row.get("__row__"), field=key)
    return str(value)


def _prompts(path: Path) -> dict[str, tuple[str, str | None]]:
    out: dict[str, tuple[str, str | None]] = {}
    for row in read_rows(path):
        pid = _text(row, "prompt_id", path)
        if pid in out:
            raise DataError(
                f"duplicate prompt_id {pid!r}", path=path, row=row["__row__"], field="prompt_id"
            )
        domain = row.get("domain")
        out[pid] = (_text(row, "prompt", path), None if domain in (None, "") else str(domain))
    return out


def read_response_tasks(path: Path, prompts: Path | None = None) -> list[ResponseTask]:
    """The responses of a responses table (with its prompts table, if any).

    Raises:
        DataError: A missing column or value, a duplicate item id, or a prompt id the prompts
            table lacks: file, row and field named.

    Example:
        >>> import tempfile, json
        >>> p = Path(tempfile.mkdtemp()) / "r.jsonl"
        >>> _ = p.write_text(json.dumps({"item_id": "i1", "prompt": "q", "response": "a"}))
        >>> read_response_tasks(p)[0]
        ResponseTask(item_id='i1', prompt_id='i1', prompt='q', response='a', domain=None)
    """
    rows = read_rows(path)
    if not rows:
        raise DataError("no rows (empty file)", path=path)
    texts = _prompts(prompts) if prompts is not None else None
    out: list[ResponseTask] = []
    seen: set[str] = set()
    for row in rows:
        item_id = _text(row, "item_id", path)
        if item_id in seen:
            raise DataError(
                f"duplicate item_id {item_id!r}", path=path, row=row["__row__"], field="item_id"
            )
        seen.add(item_id)
        prompt_id = str(row["prompt_id"]) if row.get("prompt_id") not in (None, "") else item_id
        key = "response" if "response" in row else "text"
        domain = row.get("domain")
        if texts is None:
            prompt = _text(row, "prompt", path)
        elif prompt_id not in texts:
            raise DataError(
                f"prompt {prompt_id!r} has no row in {prompts}",
                path=path,
                row=row["__row__"],
                field="prompt_id",
            )
        else:
            prompt, domain = texts[prompt_id][0], domain or texts[prompt_id][1]
        out.append(
            ResponseTask(
                item_id=item_id,
                prompt_id=prompt_id,
                prompt=prompt,
                response=_text(row, key, path),
                domain=None if domain in (None, "") else str(domain),
            )
        )
    return out


def _response_ids(item: PreferenceItem) -> list[str]:
    return [f"{item.id}/chosen/{i}" for i in range(len(item.chosen))] + [
        f"{item.id}/rejected/{j}" for j in range(len(item.rejected))
    ]


def response_tasks_from_items(items: Sequence[PreferenceItem]) -> list[ResponseTask]:
    """Every response of every preference item, as a response to rate.

    Example:
        >>> [t.item_id for t in response_tasks_from_items(
        ...     [PreferenceItem("p1", "q", ("a",), ("b", "c"))])]
        ['p1/chosen/0', 'p1/rejected/0', 'p1/rejected/1']
    """
    return [
        ResponseTask(rid, item.id, item.prompt, text, item.domain)
        for item in items
        for rid, text in zip(_response_ids(item), item.responses, strict=True)
    ]


def pair_tasks_from_items(items: Sequence[PreferenceItem]) -> list[PairTask]:
    """Every (chosen, rejected) pair of every item, labelled (a tie item: ``tie``).

    Example:
        >>> [(t.id_x, t.id_y, t.label) for t in pair_tasks_from_items(
        ...     [PreferenceItem("p1", "q", ("a",), ("b",))])]
        [('p1/chosen/0', 'p1/rejected/0', 'x')]
    """
    out = []
    for item in items:
        ids = _response_ids(item)
        n_chosen = len(item.chosen)
        label: Outcome = "tie" if item.tie else "x"
        for i, x in enumerate(item.chosen):
            for j, y in enumerate(item.rejected):
                out.append(PairTask(item.id, item.prompt, ids[i], x, ids[n_chosen + j], y, label))
    return out


def pair_tasks_from_responses(tasks: Sequence[ResponseTask]) -> list[PairTask]:
    """Every pair of responses to the same prompt (unlabelled), in table order.

    Example:
        >>> ts = [ResponseTask("a", "p", "q", "1"), ResponseTask("b", "p", "q", "2"),
        ...       ResponseTask("c", "r", "s", "3")]
        >>> [(t.id_x, t.id_y) for t in pair_tasks_from_responses(ts)]
        [('a', 'b')]
    """
    by_prompt: dict[str, list[ResponseTask]] = {}
    for task in tasks:
        by_prompt.setdefault(task.prompt_id, []).append(task)
    out = []
    for prompt_id, group in by_prompt.items():
        for i, j in round_robin(len(group)):
            a, b = group[i], group[j]
            out.append(PairTask(prompt_id, a.prompt, a.item_id, a.response, b.item_id, b.response))
    return out
