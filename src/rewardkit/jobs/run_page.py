"""The page of one evaluation run: read its directory, compute what the page draws, render it.

Reads ``results.json``, ``manifest.json`` (optional), ``scores.parquet`` (optional) and
``items.parquet`` (optional: each item's labelled tie and the prompt/response previews the item
table shows, so a page rendered from the directory alone has the same cells), and computes the
per-item rows and the reliability bins (raw, and after a calibrator) with the metric code
(:func:`~rewardkit.metrics.pairwise.pair_differences`,
:func:`~rewardkit.metrics.calibration.preference_probs`,
:func:`~rewardkit.metrics.calibration.bin_index`). The
:class:`~rewardkit.report.html.run_doc.RunDocument` goes to
:func:`~rewardkit.report.html.run_page.render_run_page`, which only draws it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rewardkit.calibration.base import Calibrator
from rewardkit.calibration.serialize import from_json
from rewardkit.metrics.calibration import ProbFn, bin_index, preference_probs
from rewardkit.metrics.pairwise import pair_differences, pairwise_outcomes
from rewardkit.report.html.run_doc import ItemRow, Reliability, RunDocument
from rewardkit.report.html.run_page import MAX_ITEM_ROWS, render_run_page, write_run_page

__all__ = [
    "MAX_ITEM_ROWS",
    "load_run_document",
    "reliability",
    "render_run_report",
    "write_run_report",
]

Texts = Mapping[str, tuple[str, str, str]]


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


def _with_texts(items: tuple[ItemRow, ...], texts: Texts) -> tuple[ItemRow, ...]:
    """The rows with the previews of ``texts`` (by item id) instead of items.parquet's."""
    if not texts:
        return items
    return tuple(
        replace(it, prompt=t[0], chosen_text=t[1], rejected_text=t[2])
        if (t := texts.get(it.item_id)) is not None
        else it
        for it in items
    )


def load_run_document(
    run_dir: Path, *, texts: Texts | None = None, calibrator: Calibrator | None = None
) -> RunDocument:
    """Read a run directory written by :func:`rewardkit.jobs.evaluate.run_eval` and compute
    what its page draws.

    Args:
        run_dir: The run directory; ``results.json`` is required, the rest optional.
        texts: Prompt, chosen and rejected previews by item id, instead of the run's
            ``items.parquet``.
        calibrator: Also bin the probabilities of this calibrator (default: the one
            ``results.json`` names, when the metrics were computed with it).

    Returns:
        The document: item rows (with the previews and labelled ties of ``items.parquet``
        when the run wrote one) and the reliability bins of the untied pairs.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "results.json").write_text('{"metrics": {}}')
        >>> doc = load_run_document(d)
        >>> doc.items, doc.reliability
        ((), None)
    """
    run_dir = Path(run_dir)
    results = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    manifest_path = run_dir / "manifest.json"
    manifest = (
        json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    )
    scores_path = run_dir / "scores.parquet"
    if not scores_path.exists():
        return RunDocument(run_dir.name, results, manifest)
    cfg = results.get("config") or {}
    info = _item_info(run_dir / "items.parquet")
    items, diffs = _items(pd.read_parquet(scores_path), float(cfg.get("tie_value", 0.5)), info)
    if not items:
        return RunDocument(run_dir.name, results, manifest)
    n_bins = int(cfg.get("n_bins", 15))
    if calibrator is None and results.get("calibrator"):
        calibrator = from_json(json.dumps(results["calibrator"]))
    calibrated = None
    if calibrator is not None:
        calibrated = reliability(diffs, n_bins, prob=calibrator.predict_proba)
    return RunDocument(
        name=run_dir.name,
        results=results,
        manifest=manifest,
        items=_with_texts(items, texts or {}),
        reliability=reliability(diffs, n_bins),
        calibrated=calibrated,
        calibrator_name="" if calibrator is None else type(calibrator).__name__,
    )


def render_run_report(
    run_dir: Path,
    *,
    max_rows: int = MAX_ITEM_ROWS,
    texts: Texts | None = None,
    calibrator: Calibrator | None = None,
) -> str:
    """Render the HTML report of one evaluation run directory.

    Args:
        run_dir: A directory written by :func:`rewardkit.jobs.evaluate.run_eval` (``results.json``,
            and ``scores.parquet``/``manifest.json`` when present).
        max_rows: Most item rows in the item table; a note says when rows were left out.
        texts: Prompt, chosen and rejected previews by item id, instead of the run's
            ``items.parquet``.
        calibrator: Also draw the reliability diagram after this calibrator (default: the one
            ``results.json`` names, when the metrics were computed with it).

    Returns:
        The HTML document.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "results.json").write_text('{"model": {"spec": "m<1>"}, "metrics": {}}')
        >>> "m&lt;1&gt;" in render_run_report(d)
        True
    """
    doc = load_run_document(run_dir, texts=texts, calibrator=calibrator)
    return render_run_page(doc, max_rows=max_rows)


def write_run_report(
    run_dir: Path,
    *,
    max_rows: int = MAX_ITEM_ROWS,
    texts: Texts | None = None,
    calibrator: Calibrator | None = None,
) -> Path:
    """Write ``run_dir/report.html`` atomically.

    Args:
        run_dir: The run directory.
        max_rows: Most item rows in the item table.
        texts: Previews by item id, instead of the run's ``items.parquet``.
        calibrator: Also draw the reliability diagram after this calibrator.

    Returns:
        The path of the written report.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "results.json").write_text('{"metrics": {}}')
        >>> write_run_report(d).name
        'report.html'
    """
    doc = load_run_document(Path(run_dir), texts=texts, calibrator=calibrator)
    return write_run_page(doc, Path(run_dir) / "report.html", max_rows=max_rows)
