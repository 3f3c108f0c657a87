"""End-to-end analyses of planted logs: the decision follows the pre-registered rule."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest

from abtest.helpers import START, experiment, planted_log
from rewardkit.abtest import ExperimentConfig, load_prereg, read_log
from rewardkit.abtest.analysis import analyze_log
from rewardkit.abtest.inference import two_proportion
from rewardkit.cli.main import main
from rewardkit.jobs.abtest import run_plan
from rewardkit.metrics.multiplicity import adjust_pvalues


def _analyse(tmp_path: Path, cfg: ExperimentConfig | None = None, **log: object) -> dict:
    pre = run_plan(cfg or experiment(), tmp_path / "pre.yaml", recorded_at=START - timedelta(1))
    planted_log(tmp_path / "log.csv", **log)  # type: ignore[arg-type]
    prereg = load_prereg(pre.path)
    return analyze_log(prereg, read_log(tmp_path / "log.csv", prereg.experiment))


def _metric(res: dict, name: str) -> dict:
    return next(m for m in res["metrics"] if m["name"] == name)


def test_planted_improvement_with_a_safe_guardrail_ships(tmp_path: Path) -> None:
    res = _analyse(tmp_path, n=8000)
    success = _metric(res, "success")
    frame = pd.read_csv(tmp_path / "log.csv")
    c, t = frame[frame.arm == "control"], frame[frame.arm == "treatment"]
    ref = two_proportion(c.success.sum(), len(c), t.success.sum(), len(t))
    assert success["p_value"] == pytest.approx(float(ref.p_value))
    assert success["difference"]["value"] == pytest.approx(t.success.mean() - c.success.mean())
    raw = [_metric(res, m)["p_value"] for m in ("success", "score")]
    adjusted = [_metric(res, m)["p_adjusted"] for m in ("success", "score")]
    assert adjusted == pytest.approx(adjust_pvalues(raw, "holm").tolist())
    assert _metric(res, "violation")["noninferiority"]["noninferior"]
    assert res["decision"]["decision"] == "ship"


def test_a_guardrail_beyond_its_margin_vetoes_the_launch(tmp_path: Path) -> None:
    res = _analyse(tmp_path, n=8000, violation=(0.02, 0.05))
    ni = _metric(res, "violation")["noninferiority"]
    assert ni["inferior"]
    assert ni["harm_ci"][0] > 0.01
    assert _metric(res, "success")["significant"]  # the primary improved, and still:
    assert res["decision"] == {
        "decision": "don't ship",
        "reasons": ["guardrail violation worse than its margin"],
    }


def test_a_significantly_worse_primary_is_dont_ship(tmp_path: Path) -> None:
    res = _analyse(tmp_path, n=8000, success=(0.36, 0.30))
    assert res["decision"]["decision"] == "don't ship"
    assert "primary metric success significantly worse" in res["decision"]["reasons"]


def test_no_effect_is_inconclusive(tmp_path: Path) -> None:
    res = _analyse(tmp_path, n=2000, success=(0.3, 0.3))
    assert res["decision"]["decision"] == "inconclusive"


def test_all_rule_needs_every_primary(tmp_path: Path) -> None:
    # success improves, score does not: "any" ships, "all" does not.
    res_any = _analyse(tmp_path / "a", n=8000)
    res_all = _analyse(tmp_path / "b", cfg=experiment(primary="all"), n=8000)
    assert not _metric(res_any, "score")["significant"]
    assert res_any["decision"]["decision"] == "ship"
    assert res_all["decision"]["decision"] == "inconclusive"


def test_cuped_uses_the_covariate_and_narrows_the_interval(tmp_path: Path) -> None:
    res = _analyse(tmp_path, n=4000, score_shift=0.1)
    score = _metric(res, "score")
    assert score["cuped"]["covariate"] == "score_pre"
    assert score["cuped"]["theta"] == pytest.approx(1.0, abs=0.05)
    assert score["cuped"]["variance_reduction"] == pytest.approx(0.8, abs=0.03)  # 1/(1+0.25)
    lo, hi = score["difference"]["ci"]
    assert lo < 0.1 < hi
    assert hi - lo < 0.5 * (2 * 1.96 * (1.25 * 2 / 2000) ** 0.5)  # without CUPED: var 1.25
    assert score["significant"]


def test_sequential_design_is_more_conservative_than_fixed(tmp_path: Path) -> None:
    fixed = _analyse(tmp_path / "f", n=8000)
    seq = _analyse(tmp_path / "s", cfg=experiment("sequential"), n=8000)
    f, s = _metric(fixed, "success"), _metric(seq, "success")
    assert s["test"].startswith("mSPRT")
    assert s["sequential"]["looks"] == 80
    assert s["p_value"] >= f["p_value"]
    assert s["difference"]["ci"][0] < f["difference"]["ci"][0]
    assert s["difference"]["ci"][1] > f["difference"]["ci"][1]
    assert _metric(seq, "success")["significant"]
    # The price of peeking at will: the confidence sequence of the guardrail is wider than the
    # fixed interval, and at this size it cannot yet show non-inferiority.
    assert fixed["decision"]["decision"] == "ship"
    assert seq["decision"] == {
        "decision": "inconclusive",
        "reasons": ["guardrail violation not shown non-inferior"],
    }


def test_cli_plan_assign_analyze_write_results_and_page(tmp_path: Path) -> None:
    cfg = tmp_path / "exp.yaml"
    cfg.write_text(json.dumps(experiment().model_dump(mode="json")))
    pre = tmp_path / "pre.yaml"
    assert main(["abtest", "plan", "--config", str(cfg), "--out", str(pre)]) == 0
    units = tmp_path / "units.csv"
    pd.DataFrame({"unit_id": [f"u{i}" for i in range(1000)]}).to_csv(units, index=False)
    assert (
        main(
            [
                "abtest",
                "assign",
                "--prereg",
                str(pre),
                "--units",
                str(units),
                "--out",
                str(tmp_path / "assign"),
            ]
        )
        == 0
    )
    assigned = pd.read_csv(tmp_path / "assign" / "assignments.csv")
    assert set(assigned.arm) == {"control", "treatment"}
    srm = json.loads((tmp_path / "assign" / "results.json").read_text())["srm"]
    assert srm["counts"] == [
        int((assigned.arm == "control").sum()),
        int((assigned.arm == "treatment").sum()),
    ]
    # The plan's time is now: the log must start later.
    frame = planted_log(tmp_path / "log.csv", 3000)
    later = pd.Timestamp.now(tz="UTC") + pd.Timedelta(minutes=1)
    frame["timestamp"] = [(later + pd.Timedelta(minutes=i)).isoformat() for i in range(3000)]
    frame.to_csv(tmp_path / "log.csv", index=False)
    for run in ("r1", "r2"):
        assert (
            main(
                [
                    "abtest",
                    "analyze",
                    "--prereg",
                    str(pre),
                    "--data",
                    str(tmp_path / "log.csv"),
                    "--out",
                    str(tmp_path / run),
                ]
            )
            == 0
        )
    r1 = (tmp_path / "r1" / "results.json").read_bytes()
    assert r1 == (tmp_path / "r2" / "results.json").read_bytes()
    doc = json.loads(r1)
    page = (tmp_path / "r1" / "report.html").read_text()
    assert f">{doc['decision']['decision']}</span>" in page.replace("&#x27;", "'")
    assert doc["preregistration"]["sha256"] in page
