"""Argilla dataset export: a JSON list (or JSON lines) of records with responses per question.

Both record shapes Argilla exports are read:

- v1 ``FeedbackDataset``: ``responses = [{user_id, status, inserted_at, updated_at,
  values: {question: {value}}}]``;
- v2 ``Dataset``: ``responses = {question: [{user_id, value, status}]}``.

The item is the record's ``id`` (or ``external_id``), the prompt ``metadata.prompt_id`` or the
item. A rating question gives a rating, a label question a rating coded from the label (numbers
kept, labels coded 0, 1, ... per question), a ranking question (``[{value, rank}]``) one
comparison per two ranked responses (items ``<record>-<value>``; lower rank preferred, equal
ranks tie). A ``discarded`` response is skipped (recorded), a ``draft`` one too.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path
from typing import Any

from rewardkit.annotations.importers.common import Imported, load_json, where
from rewardkit.errors import DataError

__all__ = ["import_argilla"]


def _responses(record: dict[str, Any], path: Path, rid: str) -> list[dict[str, Any]]:
    """v1 and v2 responses as ``[{user_id, status, inserted_at, updated_at, values}]``."""
    raw = record.get("responses", [])
    if isinstance(raw, list):
        return [r if isinstance(r, dict) else {} for r in raw]
    if not isinstance(raw, dict):
        raise DataError("expected a list or an object", path=path, field=where(rid, "responses"))
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for question, answers in raw.items():
        if not isinstance(answers, list):
            raise DataError("expected a list", path=path, field=where(rid, f"responses.{question}"))
        for a in answers:
            if not isinstance(a, dict):
                continue
            key = (str(a.get("user_id")), str(a.get("status", "submitted")))
            entry = merged.setdefault(key, {"user_id": key[0], "status": key[1], "values": {}})
            entry["values"][question] = {"value": a.get("value")}
    return list(merged.values())


def import_argilla(path: Path) -> Imported:
    """Read an Argilla dataset export.

    Example:
        >>> import json, tempfile
        >>> p = Path(tempfile.mkdtemp()) / "ar.json"
        >>> _ = p.write_text(json.dumps([{"id": "r1", "responses": [{"user_id": "u1",
        ...     "status": "submitted", "values": {"quality": {"value": 5}}}]}]))
        >>> r = import_argilla(p).ratings[0]
        >>> r["item_id"], r["annotator_id"], r["criterion"], r["value"]
        ('r1', 'u1', 'quality', 5.0)
    """
    records = load_json(path)
    if isinstance(records, dict) and isinstance(records.get("records"), list):
        records = records["records"]
    if not isinstance(records, list):
        raise DataError("expected a list of records (Argilla dataset export)", path=path)
    out = Imported()
    for position, record in enumerate(records):
        if not isinstance(record, dict):
            raise DataError("expected an object", path=path, field=where(f"#{position}", "record"))
        rid = str(record.get("id", record.get("external_id", f"#{position}")))
        metadata = record.get("metadata") or {}
        prompt = str(metadata.get("prompt_id", rid)) if isinstance(metadata, dict) else rid
        for k, response in enumerate(_responses(record, path, rid)):
            who = str(response.get("user_id"))
            status = str(response.get("status", "submitted"))
            times = {
                "created_at": response.get("inserted_at"),
                "updated_at": response.get("updated_at"),
                "lead_time": None,
            }
            if status != "submitted":
                out.skipped.append(
                    {
                        "task": rid,
                        "annotator_id": who,
                        "reason": status,
                        "created_at": times["created_at"],
                    }
                )
                continue
            values = response.get("values")
            if not isinstance(values, dict):
                raise DataError(
                    "expected an object", path=path, field=where(rid, f"responses[{k}].values")
                )
            for question, answer in values.items():
                field = f"responses[{k}].values.{question}.value"
                value = answer.get("value") if isinstance(answer, dict) else None
                if isinstance(value, list):
                    _ranking(out, value, rid, prompt, who, times, path, field)
                elif isinstance(value, bool) or value is None or isinstance(value, dict):
                    raise DataError(
                        f"expected a rating, label or ranking, got {value!r}",
                        path=path,
                        field=where(rid, field),
                    )
                else:
                    out.ratings.append(
                        {
                            "item_id": rid,
                            "prompt_id": prompt,
                            "annotator_id": who,
                            "criterion": str(question),
                            "value": out.code(str(question), value),
                            **times,
                        }
                    )
    return out


def _ranking(
    out: Imported,
    value: list[Any],
    rid: str,
    prompt: str,
    who: str,
    times: dict[str, Any],
    path: Path,
    field: str,
) -> None:
    ranks: list[tuple[str, float]] = []
    for entry in value:
        rank = entry.get("rank") if isinstance(entry, dict) else None
        if not isinstance(rank, int | float) or isinstance(rank, bool):
            raise DataError(
                f"expected {{value, rank}} entries, got {entry!r}",
                path=path,
                field=where(rid, field),
            )
        ranks.append((f"{rid}-{entry.get('value')}", float(rank)))
    for (a, ra), (b, rb) in combinations(ranks, 2):
        preference = "tie" if ra == rb else ("a" if ra < rb else "b")
        out.comparisons.append(
            {
                "prompt_id": prompt,
                "item_a": a,
                "item_b": b,
                "annotator_id": who,
                "preference": preference,
                **times,
            }
        )
