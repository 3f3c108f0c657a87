"""The versioned ``results.json`` document of an evaluation run."""

from __future__ import annotations

from typing import Any

from rewardkit.data.load import LoadReport
from rewardkit.metrics import EvaluationResult, GroupResult, MetricConfig

__all__ = ["SCHEMA_VERSION", "evaluation_json"]

SCHEMA_VERSION = 1


def _group_json(groups: dict[str, GroupResult]) -> dict[str, Any]:
    return {
        name: {"n": g.n, **{k: est.to_json() for k, est in g.metrics.as_dict().items()}}
        for name, g in groups.items()
    }


def evaluation_json(
    result: EvaluationResult,
    *,
    model: str,
    fingerprint: str,
    data: LoadReport,
    config: MetricConfig,
    n_truncated: int | None = None,
    probabilities: str | None = "sigmoid(score difference)",
    probabilities_note: str = "",
) -> dict[str, Any]:
    """The results document. It holds no timestamps or absolute paths, so the same inputs and
    seed give byte-identical files (times live in ``manifest.json``).

    ``probabilities`` names what ECE, Brier and log-loss were computed from (``None``: they do
    not apply to these scores and are absent from ``metrics``); ``probabilities_note`` says so
    in a sentence."""
    return {
        "schema_version": SCHEMA_VERSION,
        "command": "eval",
        "model": {"spec": model, "fingerprint": fingerprint},
        "data": {
            "file": data.path.replace("\\", "/").rsplit("/", 1)[-1],
            "format": data.file_format,
            "layout": data.layout,
            "n_rows": data.n_rows,
            "n_skipped": len(data.skipped),
            "skipped_by_reason": data.skipped_by_reason,
            "identical_pairs": data.identical_pairs,
            "n_truncated": n_truncated,
        },
        "config": {
            "seed": config.seed,
            "n_resamples": config.n_resamples,
            "confidence": config.confidence,
            "tie_value": config.tie_value,
            "tie_margin": config.tie_margin,
            "n_bins": config.n_bins,
            "ci_method": "percentile bootstrap over items",
        },
        "calibration_metrics": {"probabilities": probabilities, "note": probabilities_note},
        "n_items": result.n_items,
        "n_pairs": result.n_pairs,
        "n_ties_excluded": result.n_ties_excluded,
        "metrics": {k: est.to_json() for k, est in result.metrics.as_dict().items()},
        "by_subset": _group_json(result.by_subset),
        "by_domain": _group_json(result.by_domain),
    }
