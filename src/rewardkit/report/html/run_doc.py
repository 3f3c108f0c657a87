"""The document the page of one evaluation run draws, and the JSON estimate it formats.

:func:`rewardkit.jobs.run_page.load_run_document` reads a run directory and computes this
document (item rows, reliability bins before and after a calibrator);
:func:`~rewardkit.report.html.run_page.render_run_page` only draws it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rewardkit.report.html.svg import Interval

__all__ = ["ItemRow", "Reliability", "RunDocument", "estimate"]


@dataclass(frozen=True)
class ItemRow:
    """One item of the item-level table."""

    item_id: str
    subset: str
    domain: str
    chosen: tuple[float, ...]
    rejected: tuple[float, ...]
    outcome: float | None
    tie: bool = False  # labelled a tie: left out of accuracy
    prompt: str = ""  # previews (untrusted text: escape when rendering)
    chosen_text: str = ""
    rejected_text: str = ""


@dataclass(frozen=True)
class Reliability:
    """Per-bin mean predicted probability, observed frequency and count."""

    mean_pred: tuple[float | None, ...]
    observed: tuple[float | None, ...]
    counts: tuple[int, ...]


@dataclass(frozen=True)
class RunDocument:
    """Everything the page of one eval run draws, already computed.

    Attributes:
        name: The run directory's name (the title when results.json names no model).
        results: ``results.json``.
        manifest: ``manifest.json`` (empty when absent).
        items: Item rows in first-seen order (empty when the run has no ``scores.parquet``).
        reliability: Bins of ``sigmoid(d)`` over both orientations of every untied pair
            (``None`` without items).
        calibrated: Bins of the calibrator's probability (``None`` without a calibrator).
        calibrator_name: The calibrator's class name (``""`` without one).
    """

    name: str
    results: dict[str, Any]
    manifest: dict[str, Any] = field(default_factory=dict)
    items: tuple[ItemRow, ...] = ()
    reliability: Reliability | None = None
    calibrated: Reliability | None = None
    calibrator_name: str = ""


def _float(x: Any) -> float | None:
    return None if x is None else float(x)


def estimate(label: str, est: dict[str, Any] | None) -> Interval:
    """An :class:`Interval` from a results.json estimate ``{value, ci: [lo, hi], n}``.

    Args:
        label: The row label.
        est: The estimate (``None`` gives an empty row).

    Returns:
        The interval.

    Example:
        >>> estimate("acc", {"value": 0.5, "ci": [0.4, None], "n": 3})
        Interval(label='acc', value=0.5, low=0.4, high=None, n=3)
    """
    if not est:
        return Interval(label, None, None, None, 0)
    ci = [*(est.get("ci") or []), None, None]
    return Interval(
        label, _float(est.get("value")), _float(ci[0]), _float(ci[1]), int(est.get("n", 0))
    )
