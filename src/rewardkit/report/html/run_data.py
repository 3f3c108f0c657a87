"""Read an evaluation run directory and derive what the HTML pages draw.

Reads ``results.json``, ``manifest.json`` (optional), ``scores.parquet`` (optional) and
``items.parquet`` (optional: each item's labelled tie and the prompt/response previews the item
table shows, so a page rendered from the directory alone has the same cells) and computes
per-item rows, the reliability bins and the chosen/rejected score lists, reusing the
metric code (:func:`~rewardkit.metrics.pairwise.pair_differences`,
:func:`~rewardkit.metrics.calibration.preference_probs`,
:func:`~rewardkit.metrics.calibration.bin_index`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rewardkit.metrics.calibration import ProbFn, bin_index, preference_probs
from rewardkit.metrics.pairwise import pair_differences, pairwise_outcomes
from rewardkit.report.html.svg import Interval

__all__ = ["ItemRow", "Reliability", "RunData", "estimate", "load_run", "reliability"]


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
    prompt: str = ""  # previews from items.parquet (untrusted text: escape when rendering)
    chosen_text: str = ""
    rejected_text: str = ""


@dataclass(frozen=True)
class Reliability:
    """Per-bin mean predicted probability, observed frequency and count."""

    mean_pred: tuple[float | None, ...]
    observed: tuple[float | None, ...]
    counts: tuple[int, ...]


@dataclass(frozen=True)
class RunData:
    """Everything one run directory holds that the pages need."""

    name: str
    results: dict[str, Any]
    manifest: dict[str, Any]
    items: tuple[ItemRow, ...] = field(default=())
    pair_diffs: tuple[float, ...] = field(default=())


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


def reliability(diffs: Any, n_bins: int = 15, prob: ProbFn | None = None) -> Reliability:
    """Reliability bins of ``p = sigmoid(d)`` (or a calibrator's ``prob``) over both
    orientations of every pair.

    Args:
        diffs: ``s_chosen - s_rejected`` per pair.
        n_bins: Number of equal-width bins on [0, 1].
        prob: Calibrated ``p(first preferred | d)``; default ``sigmoid``.

    Returns:
        The per-bin mean prediction, observed frequency (``None`` when empty) and count.

    Example:
        >>> r = reliability([0.0], n_bins=2)
        >>> r.counts, r.observed
        ((0, 2), (None, 0.5))
    """
    probs, labels = preference_probs(diffs, prob)
    b = bin_index(probs, n_bins)
    counts = np.bincount(b, minlength=n_bins)
    p_sum = np.bincount(b, weights=probs, minlength=n_bins)
    y_sum = np.bincount(b, weights=labels, minlength=n_bins)
    mean: list[float | None] = []
    obs: list[float | None] = []
    for k in range(n_bins):
        c = int(counts[k])
        mean.append(float(p_sum[k] / c) if c else None)
        obs.append(float(y_sum[k] / c) if c else None)
    return Reliability(tuple(mean), tuple(obs), tuple(int(c) for c in counts))


_TEXT_COLUMNS = ("prompt", "chosen", "rejected")


def _item_info(path: Path) -> dict[str, tuple[bool, str, str, str]]:
    """Per item id: (labelled tie, prompt, chosen, rejected previews) from ``items.parquet``."""
    if not path.exists():
        return {}
    frame = pd.read_parquet(path)
    ties = frame["tie"].to_numpy(dtype=bool) if "tie" in frame else np.zeros(len(frame), dtype=bool)
    texts = [
        frame[c].fillna("").astype(str).tolist() if c in frame else [""] * len(frame)
        for c in _TEXT_COLUMNS
    ]
    ids = frame["item_id"].astype(str).tolist()
    return {
        item_id: (bool(ties[k]), texts[0][k], texts[1][k], texts[2][k])
        for k, item_id in enumerate(ids)
    }


def _items(
    frame: pd.DataFrame, tie_value: float, info: dict[str, tuple[bool, str, str, str]]
) -> tuple[tuple[ItemRow, ...], tuple[float, ...]]:
    """Item rows, and the score differences of the pairs of untied items (the pairs the
    calibration metrics use)."""
    frame = frame[np.isfinite(frame["score"].to_numpy(dtype=np.float64))]
    if frame.empty:
        return (), ()
    codes, uniques = pd.factorize(frame["item_id"].astype(str), sort=False)
    scores = frame["score"].to_numpy(dtype=np.float64)
    chosen = frame["is_chosen"].to_numpy(dtype=bool)
    outcomes = pairwise_outcomes(scores, codes, chosen, len(uniques), tie_value=tie_value)
    tied = np.array([info.get(str(u), (False,))[0] for u in uniques], dtype=bool)
    untied = ~tied[codes]
    _, diffs = pair_differences(scores[untied], codes[untied], chosen[untied])
    order = np.argsort(codes, kind="stable")
    subsets = frame["subset"].astype(str).to_numpy() if "subset" in frame else None
    domains = frame["domain"].astype(str).to_numpy() if "domain" in frame else None
    split = np.flatnonzero(np.diff(codes[order])) + 1
    rows: list[ItemRow] = []
    for k, idx in enumerate(np.split(order, split)):
        first = int(idx[0])
        item_id = str(uniques[k])
        tie, prompt, chosen_text, rejected_text = info.get(item_id, (False, "", "", ""))
        rows.append(
            ItemRow(
                item_id=item_id,
                subset="" if subsets is None else str(subsets[first]),
                domain="" if domains is None else str(domains[first]),
                chosen=tuple(float(scores[i]) for i in idx if chosen[i]),
                rejected=tuple(float(scores[i]) for i in idx if not chosen[i]),
                outcome=None if tie or np.isnan(outcomes[k]) else float(outcomes[k]),
                tie=tie,
                prompt=prompt,
                chosen_text=chosen_text,
                rejected_text=rejected_text,
            )
        )
    return tuple(rows), tuple(float(d) for d in diffs)


def load_run(run_dir: Path) -> RunData:
    """Read a run directory written by :func:`rewardkit.evaluate.run_eval`.

    Args:
        run_dir: The run directory; ``results.json`` is required, the rest optional.

    Returns:
        The run's documents, item rows (with the previews and labelled ties of
        ``items.parquet`` when the run wrote one) and the pair differences of untied items.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "results.json").write_text('{"metrics": {}}')
        >>> load_run(d).items
        ()
    """
    run_dir = Path(run_dir)
    results = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    manifest_path = run_dir / "manifest.json"
    manifest = (
        json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    )
    items: tuple[ItemRow, ...] = ()
    diffs: tuple[float, ...] = ()
    scores_path = run_dir / "scores.parquet"
    if scores_path.exists():
        tie = (results.get("config") or {}).get("tie_value", 0.5)
        info = _item_info(run_dir / "items.parquet")
        items, diffs = _items(pd.read_parquet(scores_path), float(tie), info)
    return RunData(run_dir.name, results, manifest, items, diffs)
