"""Coverage and bias audit: each check has a threshold and a verdict; planted biases are flagged."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from rewardkit.curation.audit import (
    AuditConfig,
    Bound,
    Check,
    audit,
    audit_demo_folder,
    leniency_offsets,
    pair_lengths,
)
from rewardkit.data.demo import DemoConfig, generate_demo, write_demo
from rewardkit.errors import DataError


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    write_demo(generate_demo(DemoConfig(n_prompts=110, seed=4)), out)
    return out


def pairs(n: int, longer_fraction: float, seed: int = 0) -> pd.DataFrame:
    """``n`` pairs; in a ``longer_fraction`` of them the chosen response is the longer one."""
    rng = np.random.default_rng(seed)
    rows = []
    n_longer = round(n * longer_fraction)
    for i in range(n):
        short = "x" * int(rng.integers(50, 200))
        long = short + "y" * int(rng.integers(1, 100))
        chosen, rejected = (long, short) if i < n_longer else (short, long)
        rows.append({"prompt": f"p{i}", "chosen": chosen, "rejected": rejected})
    return pd.DataFrame(rows)


def test_length_biased_dataset_is_flagged() -> None:
    report = audit(preferences=pairs(200, 0.8))
    check = report.check("length_chosen_longer")
    assert not check.passed
    assert check.value == pytest.approx(0.8)
    assert (check.threshold.low, check.threshold.high) == (0.35, 0.65)
    assert not report.passed
    assert "length_chosen_longer" in [c.name for c in report.flagged]
    # Biased the other way (shorter always wins) is flagged too.
    assert not audit(preferences=pairs(200, 0.1)).check("length_chosen_longer").passed


def test_balanced_dataset_passes() -> None:
    report = audit(preferences=pairs(200, 0.5))
    assert report.check("length_chosen_longer").passed
    assert report.check("length_ratio").passed
    assert report.passed


def test_equal_lengths_count_half_and_ties_are_skipped() -> None:
    prefs = pd.DataFrame(
        {
            "chosen": ["aaaa", "bbbb", "long one here"],
            "rejected": ["cccc", "dddd", "x"],
            "tie": [False, False, True],
        }
    )
    chosen, rejected = pair_lengths(prefs)
    assert (chosen.tolist(), rejected.tolist()) == ([4, 4], [4, 4])
    check = audit(preferences=prefs).check("length_chosen_longer")
    assert check.value == 0.5
    assert check.passed


def test_demo_source_mix_passes_at_target(demo_dir: Path) -> None:
    report = audit_demo_folder(demo_dir, AuditConfig(target_human_share=0.6))
    human = report.check("source_human_share")
    assert human.passed
    assert human.value == pytest.approx(0.6, abs=0.05)
    assert (human.threshold.low, human.threshold.high) == (0.55, 0.65)
    assert report.check("source_generated_share").passed
    # Off target, it flags.
    skewed = audit_demo_folder(demo_dir, AuditConfig(target_human_share=0.9))
    assert not skewed.check("source_human_share").passed


def test_every_check_has_threshold_and_verdict(demo_dir: Path) -> None:
    cfg = AuditConfig(target_domains=["medical", "legal", "astronomy"], min_domains=5)
    report = audit_demo_folder(demo_dir, cfg)
    names = [c.name for c in report.checks]
    assert names == [
        "domain_count",
        "target_domain_coverage",
        "smallest_domain_share",
        "source_human_share",
        "source_generated_share",
        "annotator_load_ratio",
        "annotator_leniency",
        "label_shift",
        "length_chosen_longer",
        "length_ratio",
    ]
    for c in report.checks:
        assert c.threshold.low is not None or c.threshold.high is not None
        assert c.passed == c.threshold.contains(c.value)
        assert c.detail
    coverage = report.check("target_domain_coverage")
    assert not coverage.passed
    assert coverage.value == pytest.approx(2 / 3)
    assert "astronomy" in coverage.detail
    assert report.skipped == ()
    assert sum(d.n for d in report.domains) == 110


def test_report_json_is_stable_and_complete(demo_dir: Path) -> None:
    one = audit_demo_folder(demo_dir).to_json()
    two = audit_demo_folder(demo_dir).to_json()
    assert one == two
    data = json.loads(one)
    assert data["schema"] == "rewardkit.audit/1"
    assert data["passed"] == all(c["passed"] for c in data["checks"])
    assert all({"name", "value", "threshold", "passed", "detail"} <= set(c) for c in data["checks"])
    assert {a["annotator_id"] for a in data["annotators"]} == {f"ann0{i}" for i in range(1, 6)}


def test_annotator_load_and_leniency_flags() -> None:
    rng = np.random.default_rng(1)
    rows = []
    for item in range(60):
        truth = int(rng.integers(2, 5))
        for ann in ("a", "b", "c"):
            value = truth + (1 if ann == "c" else 0)  # c rates one point higher
            rows.append(
                {
                    "item_id": f"i{item}",
                    "annotator_id": ann,
                    "criterion": "u",
                    "value": value,
                    "domain": "d",
                }
            )
    for item in range(100):  # "b" also rates a pile of items alone: lopsided load
        rows.append(
            {
                "item_id": f"solo{item}",
                "annotator_id": "b",
                "criterion": "u",
                "value": 3,
                "domain": "d",
            }
        )
    ratings = pd.DataFrame(rows)
    offsets = leniency_offsets(ratings)
    assert offsets["c"] == pytest.approx(1.0)
    assert offsets["a"] == pytest.approx(-0.5)
    report = audit(ratings=ratings)
    load = report.check("annotator_load_ratio")
    assert load.value == pytest.approx(160 / 60)
    assert not load.passed
    leniency = report.check("annotator_leniency")
    assert leniency.value == pytest.approx(1.0)
    assert not leniency.passed
    assert "'c'" in leniency.detail


def test_label_shift_flags_an_outlying_domain() -> None:
    rows = [
        {
            "item_id": f"{d}{i}",
            "annotator_id": "a",
            "criterion": "safety",
            "domain": d,
            "value": 1 if d == "weird" else 4 + i % 2,
        }
        for d in ("x", "y", "z", "weird")
        for i in range(20)
    ]
    report = audit(ratings=pd.DataFrame(rows))
    shift = report.check("label_shift")
    assert not shift.passed
    assert "'weird'" in shift.detail


def test_domain_checks_from_preferences_and_smallest_domain() -> None:
    prefs = pairs(100, 0.5).assign(domain=["big"] * 99 + ["tiny"])
    report = audit(preferences=prefs, config=AuditConfig(min_domains=2))
    assert report.check("domain_count").passed
    smallest = report.check("smallest_domain_share")
    assert smallest.value == pytest.approx(0.01)
    assert not smallest.passed
    assert "'tiny'" in smallest.detail


def test_missing_tables_are_skipped_and_bad_tables_fail() -> None:
    report = audit(responses=pd.DataFrame({"source": ["human"] * 3 + ["generated"] * 2}))
    assert [c.name for c in report.checks] == ["source_human_share", "source_generated_share"]
    assert len(report.skipped) == 3
    with pytest.raises(DataError, match="lacks column"):
        audit(responses=pd.DataFrame({"text": ["a"]}))


def test_check_rendering_and_config_validation() -> None:
    c = Check.against("length_ratio", 1.5, Bound(0.8, 1.25), "mean 150 vs 100")
    assert str(c) == "FLAG length_ratio = 1.5 (threshold in [0.8, 1.25]): mean 150 vs 100"
    with pytest.raises(ValidationError):
        AuditConfig(chosen_longer_range=(0.7, 0.3))
    with pytest.raises(ValidationError):
        AuditConfig(target_domains=[])
    with pytest.raises(ValidationError):
        AuditConfig(bogus=1)  # type: ignore[call-arg]
