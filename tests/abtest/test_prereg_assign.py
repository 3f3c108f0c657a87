"""Pre-registration hashing and refusals; hash assignment and the sample-ratio check."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import stats

from abtest.helpers import START, experiment, planted_log
from rewardkit.abtest import assign_arms, load_prereg, read_log, srm_check
from rewardkit.abtest.analysis import analyze_log
from rewardkit.cli.main import main
from rewardkit.errors import DataError
from rewardkit.jobs.abtest import run_plan


def _prereg(tmp_path: Path, name: str = "pre.yaml", at: object = None) -> Path:
    when = START - timedelta(days=1) if at is None else at
    return run_plan(experiment(), tmp_path / name, recorded_at=when).path  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["pre.yaml", "pre.json"])
def test_prereg_round_trips_and_its_hash_is_canonical(tmp_path: Path, name: str) -> None:
    pre = load_prereg(_prereg(tmp_path, name))
    assert pre.experiment == experiment()
    body = {k: v for k, v in pre.document.items() if k != "sha256"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert pre.sha256 == hashlib.sha256(text.encode()).hexdigest()
    # YAML and JSON files of the same plan carry the same hash.
    other = load_prereg(_prereg(tmp_path, "other.json" if name.endswith("yaml") else "o.yaml"))
    assert other.sha256 == pre.sha256


@pytest.mark.parametrize(
    ("edit", "value"),
    [
        (("experiment", "metrics", 2, "margin"), 0.05),  # a wider guardrail margin
        (("experiment", "metrics", 0, "mde"), 0.01),
        (("experiment", "alpha"), 0.1),
        (("recorded_at",), "2020-01-01T00:00:00+00:00"),  # backdated
    ],
)
def test_a_tampered_prereg_is_refused(
    tmp_path: Path, edit: tuple[object, ...], value: object
) -> None:
    path = _prereg(tmp_path)
    doc = yaml.safe_load(path.read_text())
    target = doc
    for key in edit[:-1]:
        target = target[key]
    target[edit[-1]] = value
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    with pytest.raises(DataError, match="SHA-256 no longer matches"):
        load_prereg(path)
    planted_log(tmp_path / "log.csv", 200)
    code = main(
        [
            "abtest",
            "analyze",
            "--prereg",
            str(path),
            "--data",
            str(tmp_path / "log.csv"),
            "--out",
            str(tmp_path / "run"),
        ]
    )
    assert code == 2
    assert not (tmp_path / "run").exists()


def test_a_removed_metric_is_refused_too(tmp_path: Path) -> None:
    path = _prereg(tmp_path)
    doc = yaml.safe_load(path.read_text())
    del doc["experiment"]["metrics"][2]  # drop the guardrail after seeing the data
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    with pytest.raises(DataError, match="field 'sha256'"):
        load_prereg(path)


def test_prereg_recorded_after_the_first_unit_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _prereg(tmp_path, at=START + timedelta(minutes=30))
    planted_log(tmp_path / "log.csv", 200)
    pre = load_prereg(path)
    with pytest.raises(DataError, match="after data collection started"):
        analyze_log(pre, read_log(tmp_path / "log.csv", pre.experiment))
    code = main(
        [
            "abtest",
            "analyze",
            "--prereg",
            str(path),
            "--data",
            str(tmp_path / "log.csv"),
            "--out",
            str(tmp_path / "run"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "recorded_at" in err
    assert "Traceback" not in err


def test_plan_never_overwrites_a_prereg(tmp_path: Path) -> None:
    path = _prereg(tmp_path)
    before = path.read_text()
    with pytest.raises(Exception, match="a pre-registration exists"):
        _prereg(tmp_path)
    assert path.read_text() == before


def test_bad_log_rows_name_file_row_and_field(tmp_path: Path) -> None:
    frame = planted_log(tmp_path / "log.csv", 50)
    frame.loc[7, "success"] = 2
    frame.to_csv(tmp_path / "bad.csv", index=False)
    pre = load_prereg(_prereg(tmp_path))
    with pytest.raises(DataError, match=r"bad.csv: row 8: field 'success': binary metric"):
        read_log(tmp_path / "bad.csv", pre.experiment)
    frame = planted_log(tmp_path / "log.csv", 50)
    frame.loc[3, "arm"] = "treatmnet"
    frame.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(DataError, match=r"row 4: field 'arm': unknown arm 'treatmnet'"):
        read_log(tmp_path / "bad.csv", pre.experiment)


def test_assignment_is_deterministic_salted_and_follows_the_split() -> None:
    ids = [f"user-{i}" for i in range(20000)]
    arms = assign_arms(ids, "salt-a", ["c", "t"], [0.3, 0.7])
    assert arms == assign_arms(ids, "salt-a", ["c", "t"], [0.3, 0.7])
    assert arms[:50] == [assign_arms([u], "salt-a", ["c", "t"], [0.3, 0.7])[0] for u in ids[:50]]
    share = arms.count("t") / len(arms)
    lo, hi = stats.binom.interval(0.999, len(ids), 0.7)
    assert lo / len(ids) <= share <= hi / len(ids)
    other = assign_arms(ids, "salt-b", ["c", "t"], [0.3, 0.7])
    agree = np.mean([a == b for a, b in zip(arms, other, strict=True)])
    assert abs(agree - (0.3**2 + 0.7**2)) < 0.02  # independent re-randomisation


def test_srm_detected_on_a_planted_52_48_split_of_10000_units() -> None:
    # 5,200 control and 4,800 treatment units where 50/50 was planned.
    arms = ["control"] * 5200 + ["treatment"] * 4800
    counts = [arms.count("control"), arms.count("treatment")]
    check = srm_check(counts, [0.5, 0.5], alpha=0.001)
    assert check.statistic == pytest.approx(2 * 200**2 / 5000)  # by hand: 16
    assert check.p_value == pytest.approx(stats.chi2.sf(16.0, 1))  # 6.3e-5
    assert check.mismatch
    # The hash assignment with the planned split shows no mismatch.
    ids = [f"unit-{i}" for i in range(10000)]
    fair = assign_arms(ids, "srm", ["control", "treatment"], [0.5, 0.5])
    assert not srm_check([fair.count("control"), fair.count("treatment")], [0.5, 0.5]).mismatch


def test_srm_makes_the_decision_inconclusive(tmp_path: Path) -> None:
    planted_log(tmp_path / "log.csv", 10000, treatment_share=0.48, success=(0.3, 0.4))
    pre = load_prereg(_prereg(tmp_path))
    res = analyze_log(pre, read_log(tmp_path / "log.csv", pre.experiment))
    assert res["srm"]["mismatch"]
    assert res["srm"]["counts"] == [5200, 4800]
    assert res["decision"]["decision"] == "inconclusive"
    assert any("sample-ratio mismatch" in r for r in res["decision"]["reasons"])
