"""Load preference items from any supported file, with validation and a skip report."""

from __future__ import annotations

import warnings as warnings_module
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rewardkit.data.fields import FieldReader
from rewardkit.data.layouts import CONVERTERS, LAYOUTS, detect_layout
from rewardkit.data.readers import LoneSurrogateWarning, Row, detect_file_format, read_rows
from rewardkit.data.records import PreferenceItem
from rewardkit.errors import DataError


@dataclass(frozen=True)
class SkippedRow:
    row: int
    field: str | None
    reason: str


@dataclass(frozen=True)
class LoadReport:
    """What a load read, converted, skipped and warned about. Nothing is dropped silently.

    ``empty_responses`` counts responses that are empty or only whitespace (kept and scored: a
    model may answer nothing) and ``empty_response_items`` the items holding at least one; both
    also make one line of ``warnings``.
    """

    path: str
    file_format: str
    layout: str
    n_rows: int
    n_items: int
    skipped: tuple[SkippedRow, ...] = ()
    identical_pairs: int = 0
    warnings: tuple[str, ...] = field(default=())
    empty_responses: int = 0
    empty_response_items: int = 0

    @property
    def skipped_by_reason(self) -> dict[str, int]:
        return dict(sorted(Counter(s.reason for s in self.skipped).items()))


@dataclass(frozen=True)
class LoadResult:
    items: tuple[PreferenceItem, ...]
    report: LoadReport


def _read_noting_surrogates(path: Path, split: str | None) -> tuple[list[Row], list[str]]:
    """The rows of ``path``, and the readers' lone-surrogate notes as report warnings (other
    warnings pass through)."""
    with warnings_module.catch_warnings(record=True) as caught:
        warnings_module.simplefilter("always")
        rows = read_rows(path, split)
    notes = []
    for w in caught:
        if issubclass(w.category, LoneSurrogateWarning):
            notes.append(str(w.message))
        else:
            warnings_module.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return rows, notes


def load_preferences(
    path: str | Path,
    *,
    layout: str | None = None,
    split: str | None = None,
    skip_invalid: bool = False,
) -> LoadResult:
    """Read, detect, validate and convert preference items.

    With ``skip_invalid=False`` (the default) the first invalid row raises :class:`DataError`
    naming file, row and field. With ``skip_invalid=True`` invalid rows are skipped and each is
    recorded in the report. A chosen response identical to a rejected one is kept and counted
    as a warning (a model can only tie on it); so is an empty response (a model may answer
    nothing), counted in ``report.empty_responses``. Only CSV cells may hold JSON-encoded
    lists (``'["a", "b"]'``) for list-typed fields; in every other format a string is one value.
    Lone surrogates in JSON text are replaced by U+FFFD and counted in ``report.warnings``.

    Example:
        >>> import tempfile, json
        >>> p = Path(tempfile.mkdtemp()) / "pairs.jsonl"
        >>> _ = p.write_text(json.dumps({"prompt": "2+2?", "chosen": "4", "rejected": "5"}))
        >>> res = load_preferences(p)
        >>> res.items[0].chosen, res.report.layout
        (('4',), 'rewardbench')
    """
    p = Path(path)
    file_format = detect_file_format(p) if p.exists() else "missing"
    rows, notes = _read_noting_surrogates(p, split)
    if not rows:
        raise DataError("no rows (empty file)", path=p)
    if layout is None:
        layout = detect_layout(rows, p)
    elif layout not in CONVERTERS:
        raise DataError(f"unknown layout {layout!r}; available: {', '.join(LAYOUTS)}", path=p)
    convert = CONVERTERS[layout]
    items: list[PreferenceItem] = []
    skipped: list[SkippedRow] = []
    seen_ids: dict[str, int] = {}
    stem = p.name.split(".")[0]
    for row in rows:
        name = str(row.get("__file__", ""))
        # CSV text cells are told by the file name (a folder's rows name their own file); the
        # Arrow rows of a saved dataset (a folder, no file name) are typed.
        arrow = file_format == "hf" and not name
        reader = FieldReader(row, p / name if name else p, text_cells=False if arrow else None)
        lineno = reader.lineno or 0
        source_file = row.get("__file__")
        default_id = f"{source_file.split('.')[0] if source_file else stem}-{lineno}"
        try:
            item = convert(reader, default_id)
            if item.id in seen_ids:
                raise reader.error(
                    "id", f"duplicate id {item.id!r} (first seen on row {seen_ids[item.id]})"
                )
        except DataError as exc:
            if not skip_invalid:
                raise
            skipped.append(SkippedRow(lineno, exc.field, exc.message))
            continue
        seen_ids[item.id] = lineno
        items.append(item)
    if not items:
        raise DataError(f"all {len(rows)} rows are invalid; first: {skipped[0].reason}", path=p)
    identical = sum(1 for it in items if set(it.chosen) & set(it.rejected))
    empty = [sum(1 for r in it.responses if not r.strip()) for it in items]
    n_empty, empty_items = sum(empty), sum(1 for n in empty if n)
    warnings: list[str] = list(notes)
    if identical:
        warnings.append(
            f"{identical} item(s) have a chosen response identical to a rejected "
            "one; a model can only tie on them"
        )
    if n_empty:
        warnings.append(
            f"{n_empty} empty response(s) in {empty_items} item(s) are scored as given "
            "(a model may answer nothing)"
        )
    if skipped:
        warnings.append(
            f"{len(skipped)} invalid row(s) skipped: "
            + ", ".join(
                f"{reason} ({n})" for reason, n in Counter(s.reason for s in skipped).items()
            )
        )
    report = LoadReport(
        path=str(p),
        file_format=file_format,
        layout=layout,
        n_rows=len(rows),
        n_items=len(items),
        skipped=tuple(skipped),
        identical_pairs=identical,
        warnings=tuple(warnings),
        empty_responses=n_empty,
        empty_response_items=empty_items,
    )
    return LoadResult(items=tuple(items), report=report)
