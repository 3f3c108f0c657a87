"""``rewardkit compare RUN_A RUN_B``: two evaluation runs on the items both of them scored.

An item enters the comparison when both runs scored it for accuracy: it is in both runs'
``scores.parquet`` (rows a run skipped are not) and neither run's ``items.parquet`` labels it a
tie (labelled ties are left out of accuracy, so they are left out here too). The overall verdict
is the paired bootstrap CI of the difference; per-subset and per-domain verdicts come from
McNemar p-values adjusted for multiplicity over all those groups together (Holm by default).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rewardkit.data.run_files import check_eval_run
from rewardkit.errors import DataError
from rewardkit.metrics import AdjustMethod, adjust_pvalues, describe_adjustment, pairwise_outcomes
from rewardkit.metrics.paired import PairedComparison, paired_comparison
from rewardkit.runs import write_json
from rewardkit.runs.output import StagedOutput

__all__ = [
    "GroupVerdict",
    "RunComparison",
    "RunOutcomes",
    "compare_runs",
    "load_outcomes",
]

ITEMS_FILE = "items.parquet"
NO_DIFFERENCE = "no significant difference"


@dataclass(frozen=True)
class RunOutcomes:
    """Per-item pairwise outcomes of the items one run scored, with its data counts."""

    model: str
    frame: pd.DataFrame  # item_id (index), outcome, subset, domain, n_responses
    tie_value: float
    n_items: int  # items the run loaded (labelled ties included)
    n_ties_excluded: int
    n_skipped: int  # rows the run skipped as invalid
    n_truncated: int | None

    def counts_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "n_items": self.n_items,
            "n_scored": len(self.frame),
            "n_ties_excluded": self.n_ties_excluded,
            "n_skipped": self.n_skipped,
            "n_truncated": self.n_truncated,
            "tie_value": self.tie_value,
        }


def _labelled_ties(run_dir: Path, results: dict[str, Any]) -> set[str]:
    """Ids of the items the run labelled ties (left out of its accuracy)."""
    path = run_dir / ITEMS_FILE
    if path.is_file():
        items = pd.read_parquet(path, columns=["item_id", "tie"])
        return set(items.loc[items["tie"].to_numpy(dtype=bool), "item_id"].astype(str))
    if int(results.get("n_ties_excluded") or 0):
        raise DataError(
            "the run left labelled ties out of its accuracy but has no items.parquet to say "
            "which (written by rewardkit eval since items.parquet exists): re-run eval",
            path=path,
        )
    return set()


def load_outcomes(run_dir: Path, *, tie_value: float | None = None) -> RunOutcomes:
    """Per-item accuracy outcomes of the items a run scored, from its run directory.

    Args:
        run_dir: An eval run directory (``scores.parquet``, ``results.json``, and
            ``items.parquet`` when the data had labelled ties).
        tie_value: Credit for a score tie; ``None`` uses the run's own (``results.json``).

    Returns:
        The outcomes (labelled ties left out) and the run's counts.

    Raises:
        DataError: A file is missing or the labelled ties cannot be identified.
    """
    scores_path, results_path = run_dir / "scores.parquet", run_dir / "results.json"
    for path in (scores_path, results_path):
        if not path.is_file():
            raise DataError(
                "not an eval run directory (scores.parquet and results.json are needed)", path=path
            )
    checked = check_eval_run(run_dir, need_scores=True, strict=True)
    results = checked.results
    credit = float(results["config"]["tie_value"]) if tie_value is None else tie_value
    assert checked.scores is not None  # need_scores=True
    scores = checked.scores
    ties = _labelled_ties(run_dir, results)
    if ties:
        scores = scores[~scores["item_id"].astype(str).isin(ties)].reset_index(drop=True)
    for column in ("subset", "domain"):
        if column not in scores.columns:
            scores[column] = ""
    codes, ids = pd.factorize(scores["item_id"].astype(str), sort=False)
    outcomes = pairwise_outcomes(
        scores["score"].to_numpy(np.float64),
        codes,
        scores["is_chosen"].to_numpy(bool),
        len(ids),
        tie_value=credit,
    )
    first = scores.groupby(codes).first()
    frame = pd.DataFrame(
        {
            "outcome": outcomes,
            "subset": first["subset"].astype(str).to_numpy(),
            "domain": first["domain"].astype(str).to_numpy(),
            "n_responses": np.bincount(codes, minlength=len(ids)),
        },
        index=pd.Index(ids, name="item_id"),
    )
    data = results.get("data") or {}
    return RunOutcomes(
        model=str(results["model"]["spec"]),
        frame=frame,
        tie_value=credit,
        n_items=int(results.get("n_items", len(ids) + len(ties))),
        n_ties_excluded=int(results.get("n_ties_excluded") or 0),
        n_skipped=int(data.get("n_skipped") or 0),
        n_truncated=data.get("n_truncated"),
    )


@dataclass(frozen=True)
class GroupVerdict:
    """One subset's or domain's comparison, with its multiplicity-adjusted verdict.

    ``verdict`` is "A better" / "B better" when the adjusted McNemar p-value is below ``alpha``
    (direction from the sign of the accuracy difference), else "no significant difference".
    """

    comparison: PairedComparison
    p_adjusted: float
    alpha: float

    @property
    def verdict(self) -> str:
        d = self.comparison.difference.value
        if self.p_adjusted < self.alpha and d != 0:
            return "A better" if d > 0 else "B better"
        return NO_DIFFERENCE

    def to_json(self) -> dict[str, object]:
        return {
            **self.comparison.to_json(),
            "p_adjusted": self.p_adjusted,
            "verdict": self.verdict,
            "verdict_unadjusted_ci": self.comparison.verdict,
        }


@dataclass(frozen=True)
class RunComparison:
    model_a: str
    model_b: str
    n_only_a: int
    n_only_b: int
    overall: PairedComparison
    by_subset: dict[str, GroupVerdict]
    by_domain: dict[str, GroupVerdict]
    adjust: AdjustMethod = "holm"
    alpha: float = 0.05
    run_a: dict[str, Any] = field(default_factory=dict)
    run_b: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def n_groups(self) -> int:
        return len(self.by_subset) + len(self.by_domain)

    @property
    def multiplicity(self) -> str:
        """The sentence the output states about the per-group verdicts."""
        return (
            "per-subset and per-domain verdicts: McNemar p-values "
            + describe_adjustment(self.adjust, self.n_groups, self.alpha)
            + "; the overall verdict is the paired bootstrap CI"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "command": "compare",
            "model_a": self.model_a,
            "model_b": self.model_b,
            "n_shared": self.overall.n,
            "n_only_a": self.n_only_a,
            "n_only_b": self.n_only_b,
            "runs": {"a": self.run_a, "b": self.run_b},
            "multiplicity": {
                "method": self.adjust,
                "n_comparisons": self.n_groups,
                "alpha": self.alpha,
                "test": "McNemar",
                "statement": self.multiplicity,
            },
            "overall": self.overall.to_json(),
            "by_subset": {k: v.to_json() for k, v in self.by_subset.items()},
            "by_domain": {k: v.to_json() for k, v in self.by_domain.items()},
            "warnings": list(self.warnings),
        }


def compare_runs(
    run_a: Path,
    run_b: Path,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    adjust: AdjustMethod = "holm",
    tie_value: float | None = None,
) -> RunComparison:
    """Paired bootstrap CI of the accuracy difference and McNemar's test, overall and per
    subset and domain, on the items both runs scored (same id and number of responses).

    Args:
        run_a: First eval run directory.
        run_b: Second eval run directory.
        n_resamples: Bootstrap resamples.
        confidence: Coverage of the CIs; ``1 - confidence`` is the level of every verdict.
        seed: Bootstrap seed.
        adjust: Multiplicity adjustment of the per-group McNemar p-values: ``holm``
            (family-wise error), ``bh`` (false discovery rate) or ``none``.
        tie_value: Credit for a score tie in both runs; ``None`` keeps each run's own.

    Returns:
        The comparison; ``warnings`` notes runs scored with different tie credits.
    """
    a = load_outcomes(run_a, tie_value=tie_value)
    b = load_outcomes(run_b, tie_value=tie_value)
    shared = a.frame.index.intersection(b.frame.index, sort=False).sort_values()
    fa, fb = a.frame.loc[shared], b.frame.loc[shared]
    same = fa["n_responses"].to_numpy() == fb["n_responses"].to_numpy()
    if not same.all():
        raise DataError(
            f"{int((~same).sum())} shared item id(s) have a different number of "
            "responses in the two runs; are they the same data?",
            path=run_b,
        )
    if len(shared) == 0:
        raise DataError("the two runs share no scored item ids", path=run_b)
    alpha = 1.0 - confidence

    def compare(mask: np.ndarray, label: str) -> PairedComparison:
        return paired_comparison(
            fa["outcome"].to_numpy()[mask],
            fb["outcome"].to_numpy()[mask],
            n_resamples=n_resamples,
            confidence=confidence,
            seed=seed,
            label=label,
        )

    def groups(column: str) -> dict[str, PairedComparison]:
        values = fa[column].to_numpy()
        names = sorted({v for v in values if v})
        if len(names) < 2:
            return {}
        return {name: compare(values == name, f"{column}:{name}") for name in names}

    raw = {("subset", k): v for k, v in groups("subset").items()}
    raw |= {("domain", k): v for k, v in groups("domain").items()}
    p_adj = adjust_pvalues([c.mcnemar.p_value for c in raw.values()], adjust)
    verdicts = {
        key: GroupVerdict(c, float(p), alpha)
        for (key, c), p in zip(raw.items(), p_adj, strict=True)
    }
    warnings = []
    if tie_value is None and a.tie_value != b.tie_value:
        warnings.append(
            f"the runs credit a score tie differently (A {a.tie_value:g}, B {b.tie_value:g}); "
            "pass --tie-value to compare them under one rule"
        )
    return RunComparison(
        model_a=a.model,
        model_b=b.model,
        n_only_a=len(a.frame) - len(shared),
        n_only_b=len(b.frame) - len(shared),
        overall=compare(np.ones(len(shared), dtype=bool), "all"),
        by_subset={name: v for (kind, name), v in verdicts.items() if kind == "subset"},
        by_domain={name: v for (kind, name), v in verdicts.items() if kind == "domain"},
        adjust=adjust,
        alpha=alpha,
        run_a=a.counts_json(),
        run_b=b.counts_json(),
        warnings=tuple(warnings),
    )


def write_comparison(result: RunComparison, out: Path) -> Path:
    """Write ``results.json`` of a comparison to the run directory ``out`` (transactionally: a
    failed write leaves an earlier comparison there intact); returns its path."""
    with StagedOutput(out, "compare") as stage:
        write_json(stage.path / "results.json", result.to_json())
    return out / "results.json"
