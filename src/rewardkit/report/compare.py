"""``rewardkit compare RUN_A RUN_B``: two evaluation runs on the items they share."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rewardkit.errors import DataError
from rewardkit.metrics import pairwise_outcomes
from rewardkit.metrics.paired import PairedComparison, paired_comparison


@dataclass(frozen=True)
class RunOutcomes:
    """Per-item pairwise outcomes of one run, with the item's subset and domain."""

    model: str
    frame: pd.DataFrame  # item_id (index), outcome, subset, domain, n_responses


def load_outcomes(run_dir: Path) -> RunOutcomes:
    """Per-item accuracy outcomes from a run's scores.parquet and results.json."""
    scores_path, results_path = run_dir / "scores.parquet", run_dir / "results.json"
    for path in (scores_path, results_path):
        if not path.is_file():
            raise DataError(
                "not an eval run directory (scores.parquet and results.json are needed)", path=path
            )
    results = json.loads(results_path.read_text())
    scores = pd.read_parquet(scores_path)
    for column in ("subset", "domain"):
        if column not in scores.columns:
            scores[column] = ""
    codes, ids = pd.factorize(scores["item_id"].astype(str), sort=False)
    outcomes = pairwise_outcomes(
        scores["score"].to_numpy(np.float64),
        codes,
        scores["is_chosen"].to_numpy(bool),
        len(ids),
        tie_value=float(results["config"]["tie_value"]),
    )
    first = scores.groupby(codes).first()
    frame = pd.DataFrame(
        {
            "outcome": outcomes,
            "subset": first["subset"].astype(str).to_numpy(),
            "domain": first["domain"].astype(str).to_numpy(),
            "n_responses": np.bincount(codes),
        },
        index=pd.Index(ids, name="item_id"),
    )
    return RunOutcomes(model=str(results["model"]["spec"]), frame=frame)


@dataclass(frozen=True)
class RunComparison:
    model_a: str
    model_b: str
    n_only_a: int
    n_only_b: int
    overall: PairedComparison
    by_subset: dict[str, PairedComparison]
    by_domain: dict[str, PairedComparison]

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "command": "compare",
            "model_a": self.model_a,
            "model_b": self.model_b,
            "n_shared": self.overall.n,
            "n_only_a": self.n_only_a,
            "n_only_b": self.n_only_b,
            "overall": self.overall.to_json(),
            "by_subset": {k: v.to_json() for k, v in self.by_subset.items()},
            "by_domain": {k: v.to_json() for k, v in self.by_domain.items()},
        }


def compare_runs(
    run_a: Path, run_b: Path, *, n_resamples: int = 1000, confidence: float = 0.95, seed: int = 0
) -> RunComparison:
    """Paired bootstrap CI of the accuracy difference and McNemar's test, overall and per
    subset and domain, on the items both runs scored (same id and number of responses)."""
    a, b = load_outcomes(run_a), load_outcomes(run_b)
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
        raise DataError("the two runs share no item ids", path=run_b)

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

    return RunComparison(
        model_a=a.model,
        model_b=b.model,
        n_only_a=len(a.frame) - len(shared),
        n_only_b=len(b.frame) - len(shared),
        overall=compare(np.ones(len(shared), dtype=bool), "all"),
        by_subset=groups("subset"),
        by_domain=groups("domain"),
    )
