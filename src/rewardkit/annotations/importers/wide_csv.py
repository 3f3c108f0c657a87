"""Wide tables: one row per item and one column per annotator (or annotator x criterion,
``<annotator><sep><criterion>``), and the published human studies read as shipped.

A plain wide table goes through :func:`rewardkit.annotations.layouts.read_layout` (its
``wide`` layout and :class:`~rewardkit.annotations.layouts.WideColumns`); with ``separator``
each annotator column ``a1:quality`` is split into annotator ``a1`` and criterion
``quality``. ``layout`` = ``pandalm``, ``qags``, ``squality`` or ``eks`` reads those studies'
files as published (several files for ``eks``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rewardkit.annotations.importers.common import Imported
from rewardkit.annotations.layouts import WideColumns, read_layout
from rewardkit.errors import DataError

__all__ = ["import_wide"]


def import_wide(
    paths: Sequence[Path],
    *,
    layout: str | None = None,
    columns: WideColumns | None = None,
    criterion: str | None = None,
    separator: str | None = None,
) -> Imported:
    """Long-form ratings of a wide table or a published study.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "w.csv"
        >>> _ = p.write_text("item_id,a1:safety,a2:safety\\ni1,4,5\\n")
        >>> [(r["annotator_id"], r["criterion"], r["value"])
        ...  for r in import_wide([p], separator=":").ratings]
        [('a1', 'safety', 4.0), ('a2', 'safety', 5.0)]
    """
    wide = layout or "wide"
    frame = read_layout(
        list(paths),
        wide,
        columns=columns or WideColumns(),
        criterion=criterion if criterion or separator is None else "-",
    )
    out = Imported()
    for row in frame.to_dict("records"):
        annotator, crit = str(row["annotator_id"]), str(row["criterion"])
        if separator is not None:
            annotator, sep, crit = annotator.rpartition(separator)
            if not sep or not annotator:
                raise DataError(
                    f"annotator column {row['annotator_id']!r} has no {separator!r} between "
                    "annotator and criterion",
                    path=paths[0],
                    field=str(row["annotator_id"]),
                )
        value = out.code(crit, row["value"]) if row["value"] is not None else None
        out.ratings.append(
            {
                "item_id": str(row["item_id"]),
                "prompt_id": str(row["prompt_id"]),
                "annotator_id": annotator,
                "criterion": crit,
                "value": value,
                "created_at": None,
                "updated_at": None,
                "lead_time": None,
                **({"domain": row["domain"]} if "domain" in row else {}),
            }
        )
    return out
