"""``report/`` renders computed documents: it imports no statistics, model or calibrator code
and no numeric library, and its run page draws exactly the document it is given; the job
(:mod:`rewardkit.jobs.run_page`) computes that document from a run directory."""

from __future__ import annotations

import ast
import json
import math
from pathlib import Path

import pandas as pd

from rewardkit.calibration.temperature import TemperatureScaling
from rewardkit.jobs.run_page import load_run_document
from rewardkit.report.html import ItemRow, Reliability, RunDocument, render_run_page

REPORT = Path(__file__).resolve().parents[2] / "src" / "rewardkit" / "report"

# What report/ may import from the package: itself, the ground floor's file writers and
# errors, and the result types its console tables format (no function of metrics/).
ALLOWED_PACKAGES = ("rewardkit.report", "rewardkit.runs", "rewardkit.errors")
RESULT_TYPES = {("rewardkit.metrics", "Estimate"), ("rewardkit.metrics", "EvaluationResult")}
NUMERIC = {"numpy", "pandas", "scipy", "sklearn", "torch", "pyarrow"}


def _imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) of every import in ``path`` (name "" for ``import module``)."""
    found: list[tuple[str, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.module, a.name) for a in node.names]
        elif isinstance(node, ast.Import):
            found += [(a.name, "") for a in node.names]
    return found


def test_report_imports_no_computation() -> None:
    bad = []
    for path in sorted(REPORT.rglob("*.py")):
        for module, name in _imports(path):
            top = module.split(".")[0]
            if top in NUMERIC:
                bad.append(f"{path.name}: {module}")
            elif (
                top == "rewardkit"
                and not module.startswith(ALLOWED_PACKAGES)
                and (module, name) not in RESULT_TYPES
            ):
                bad.append(f"{path.name}: {module}.{name}")
    assert bad == []


def _run_dir(tmp_path: Path, results: dict[str, object]) -> Path:
    """Two items with score differences 0 and ln 3 (the second one's chosen scores lower)."""
    run = tmp_path / "run"
    run.mkdir()
    (run / "results.json").write_text(json.dumps(results), encoding="utf-8")
    pd.DataFrame(
        {
            "item_id": ["a", "a", "b", "b"],
            "score": [1.0, 1.0, 0.0, math.log(3.0)],
            "is_chosen": [True, False, True, False],
        }
    ).to_parquet(run / "scores.parquet")
    return run


def _bins(probs: list[float], labels: list[int], n_bins: int) -> Reliability:
    """Hand binning: bin k is [k/n, (k+1)/n), the last also holds 1."""
    mean, obs, counts = [], [], []
    for k in range(n_bins):
        inside = [
            (p, y)
            for p, y in zip(probs, labels, strict=True)
            if k / n_bins <= p < (k + 1) / n_bins or (k == n_bins - 1 and p == 1.0)
        ]
        counts.append(len(inside))
        mean.append(sum(p for p, _ in inside) / len(inside) if inside else None)
        obs.append(sum(y for _, y in inside) / len(inside) if inside else None)
    return Reliability(tuple(mean), tuple(obs), tuple(counts))


def _close(a: Reliability | None, b: Reliability) -> bool:
    assert a is not None
    pairs = list(zip(a.mean_pred + a.observed, b.mean_pred + b.observed, strict=True))
    same_none = all((x is None) == (y is None) for x, y in pairs)
    return (
        a.counts == b.counts
        and same_none
        and all(math.isclose(x, y) for x, y in pairs if x is not None and y is not None)
    )


def test_run_document_bins_match_a_hand_computation(tmp_path: Path) -> None:
    # d = 0 and -ln 3: p(chosen first) = 1/2 and 1/4, both orientations (labels 1 then 0).
    run = _run_dir(tmp_path, {"config": {"n_bins": 2}, "metrics": {}})
    doc = load_run_document(run)
    assert [it.outcome for it in doc.items] == [0.5, 0.0]
    assert _close(doc.reliability, _bins([0.5, 0.25, 0.5, 0.75], [1, 1, 0, 0], 2))
    assert doc.calibrated is None
    assert doc.calibrator_name == ""


def test_run_document_applies_the_calibrator_results_json_names(tmp_path: Path) -> None:
    cal = TemperatureScaling()
    cal.temperature_ = 0.5  # p = sigmoid(2 d)
    results = {"config": {"n_bins": 4}, "metrics": {}, "calibrator": json.loads(cal.to_json())}
    doc = load_run_document(_run_dir(tmp_path, results))
    p = 1.0 / (1.0 + 3.0**2)  # sigmoid(-2 ln 3) = 1/10
    assert _close(doc.calibrated, _bins([0.5, p, 0.5, 1 - p], [1, 1, 0, 0], 4))
    assert doc.calibrator_name == "TemperatureScaling"


def test_run_page_draws_the_document_it_is_given() -> None:
    item = ItemRow("i<1>", "s", "d", (2.0,), (1.0,), 1.0, prompt="q", chosen_text="c")
    doc = RunDocument(
        "run",
        {"model": {"spec": "m"}, "metrics": {}, "config": {"n_bins": 2}},
        items=(item,),
        reliability=Reliability((0.3, None), (0.4, None), (7, 0)),
        calibrated=Reliability((0.2, 0.9), (0.1, 0.8), (1, 1)),
        calibrator_name="MyCalibrator",
    )
    html = render_run_page(doc)
    assert "i&lt;1&gt;" in html
    assert '<span class="ok">correct</span>' in html
    assert "After the MyCalibrator calibrator (fitted here)" in html
    assert html.count("<circle") == 3  # one non-empty raw bin, two calibrated bins
