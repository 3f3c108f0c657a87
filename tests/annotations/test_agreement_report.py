"""agreement_report on long-form ratings: structure, numbers, determinism and JSON form."""

from __future__ import annotations

import json
import math

import krippendorff
import numpy as np
import pandas as pd
import pytest

from rewardkit.annotations.agreement import (
    ALL,
    AgreementReport,
    agreement_report,
    alpha,
    alpha_ci,
    cohen_kappa,
    counts_from_matrix,
    fleiss_kappa,
    target_verdict,
)
from rewardkit.metrics import Estimate, rng_for

VALUES = [1, 2, 3, 4, 5]
CRITERIA = ["factuality", "safety"]


def _ratings(seed: int = 0, n_items: int = 60, n_ann: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for c, noise in zip(CRITERIA, (0.5, 1.2), strict=True):
        true = rng.integers(1, 6, n_items)
        for i in range(n_items):
            for a in range(n_ann):
                if rng.random() < 0.15:
                    continue
                bias = 1.0 if a == 0 else 0.0  # annotator a0 is lenient
                value = float(np.clip(np.rint(true[i] + bias + rng.normal(0, noise)), 1, 5))
                rows.append(
                    {
                        "item_id": f"i{i:03d}",
                        "prompt_id": f"p{i // 2}",
                        "annotator_id": f"a{a}",
                        "criterion": c,
                        "value": value,
                        "domain": ["chat", "code"][i % 2],
                    }
                )
    return pd.DataFrame(rows)


def _matrix(frame: pd.DataFrame, criterion: str) -> np.ndarray:
    part = frame[frame["criterion"] == criterion]
    wide = part.pivot(index="item_id", columns="annotator_id", values="value").sort_index()
    return wide.sort_index(axis=1).to_numpy(dtype=np.float64)


@pytest.fixture(scope="module")
def ratings() -> pd.DataFrame:
    return _ratings()


@pytest.fixture(scope="module")
def report(ratings: pd.DataFrame) -> AgreementReport:
    return agreement_report(ratings, level="ordinal", values=VALUES, n_resamples=300, seed=3)


def test_per_criterion_numbers_match_the_coefficients(
    ratings: pd.DataFrame, report: AgreementReport
) -> None:
    assert [c.criterion for c in report.criteria] == CRITERIA
    for c in report.criteria:
        data = _matrix(ratings, c.criterion)
        ref = krippendorff.alpha(
            reliability_data=data.T, level_of_measurement="ordinal", value_domain=VALUES
        )
        assert c.alpha.value == pytest.approx(ref, abs=1e-9)
        expected = alpha_ci(
            data, "ordinal", VALUES, n_resamples=300, rng=rng_for(3, "alpha", c.criterion, ALL)
        )
        assert c.alpha == expected  # the documented stream
        assert c.fleiss_kappa.value == pytest.approx(
            fleiss_kappa(counts_from_matrix(data, VALUES)), abs=1e-12
        )
        assert c.n_items == 60
        assert c.n_annotators == 4
        assert c.n_ratings == int((ratings["criterion"] == c.criterion).sum())
        assert c.verdict == target_verdict(c.alpha, 0.6)


def test_pairwise_kappas(ratings: pd.DataFrame, report: AgreementReport) -> None:
    c = report.criterion("safety")
    data = _matrix(ratings, "safety")
    assert [(p.rater_a, p.rater_b) for p in c.pairwise][:3] == [
        ("a0", "a1"),
        ("a0", "a2"),
        ("a0", "a3"),
    ]
    assert len(c.pairwise) == 6
    p = c.pairwise[-1]  # a2 vs a3
    assert p.n == int((~np.isnan(data[:, 2]) & ~np.isnan(data[:, 3])).sum())
    assert p.kappa == pytest.approx(cohen_kappa(data[:, 2], data[:, 3], VALUES))
    assert p.kappa_linear == pytest.approx(cohen_kappa(data[:, 2], data[:, 3], VALUES, "linear"))
    assert p.kappa_quadratic == pytest.approx(
        cohen_kappa(data[:, 2], data[:, 3], VALUES, "quadratic")
    )


def test_domains(ratings: pd.DataFrame, report: AgreementReport) -> None:
    c = report.criterion("factuality")
    assert [d.domain for d in c.by_domain] == ["chat", "code"]
    part = ratings[(ratings["criterion"] == "factuality") & (ratings["domain"] == "code")]
    assert c.by_domain[1].n_items == 30
    assert c.by_domain[1].alpha.value == pytest.approx(
        alpha(_matrix(part, "factuality"), "ordinal", VALUES), abs=1e-12
    )
    no_domains = agreement_report(
        ratings, level="ordinal", values=VALUES, n_resamples=50, by_domain=False
    )
    assert no_domains.criteria[0].by_domain == ()


def test_disagreements_and_leniency(ratings: pd.DataFrame, report: AgreementReport) -> None:
    c = report.criterion("safety")
    data = _matrix(ratings, "safety")
    spread = np.nanmax(data, axis=1) - np.nanmin(data, axis=1)
    rated = (~np.isnan(data)).sum(axis=1)
    assert len(c.disagreements) == int(((spread >= 2) & (rated >= 2)).sum())
    spreads = [f.spread for f in c.disagreements]
    assert spreads == sorted(spreads, reverse=True)
    flag = c.disagreements[0]
    assert flag.spread == max(v for _, v in flag.ratings) - min(v for _, v in flag.ratings)
    assert flag.domain in ("chat", "code")
    # a0 rates one point higher: most lenient; offset against the mean of the others.
    lenient = {a.annotator_id: a for a in c.leniency}
    assert max(lenient, key=lambda k: lenient[k].mean_offset) == "a0"
    offsets = []
    for row in data:
        if not np.isnan(row[0]) and (~np.isnan(row[1:])).sum() >= 1:
            offsets.append(row[0] - np.nanmean(row[1:]))
    assert lenient["a0"].n == len(offsets)
    assert lenient["a0"].mean_offset == pytest.approx(np.mean(offsets), abs=1e-12)


def test_overall_pools_criteria_and_resamples_items(
    ratings: pd.DataFrame, report: AgreementReport
) -> None:
    stacked = np.vstack([_matrix(ratings, c) for c in CRITERIA])
    assert report.overall.value == pytest.approx(alpha(stacked, "ordinal", VALUES), abs=1e-12)
    assert report.overall.n == 60  # items, each resampled with all its criteria
    assert report.overall.ci_low < report.overall.value < report.overall.ci_high


def test_deterministic_json(ratings: pd.DataFrame, report: AgreementReport) -> None:
    again = agreement_report(ratings, level="ordinal", values=VALUES, n_resamples=300, seed=3)
    text = json.dumps(report.to_json())
    assert text == json.dumps(again.to_json())
    doc = json.loads(text)
    assert list(doc) == [
        "level",
        "values",
        "target",
        "confidence",
        "n_resamples",
        "seed",
        "spread_threshold",
        "overall",
        "criteria",
    ]
    assert list(doc["criteria"]) == CRITERIA
    safety = doc["criteria"]["safety"]
    assert list(safety)[:6] == [
        "n_items",
        "n_annotators",
        "n_ratings",
        "alpha",
        "verdict",
        "fleiss_kappa",
    ]
    assert safety["alpha"]["ci"] == [
        report.criteria[1].alpha.ci_low,
        report.criteria[1].alpha.ci_high,
    ]
    other_seed = agreement_report(ratings, level="ordinal", values=VALUES, n_resamples=300, seed=4)
    assert other_seed.criteria[0].alpha.ci_low != report.criteria[0].alpha.ci_low


def test_nan_becomes_null() -> None:
    frame = pd.DataFrame(
        {
            "item_id": ["i1", "i1", "i2"],
            "prompt_id": ["p", "p", "p"],
            "annotator_id": ["a", "b", "a"],
            "criterion": ["c", "c", "c"],
            "value": [3.0, 3.0, 2.0],
        }
    )
    with pytest.warns(RuntimeWarning):  # every resample is undefined: BootstrapWarning
        rep = agreement_report(frame, level="interval", values=VALUES, n_resamples=20)
    doc = rep.to_json()
    json.dumps(doc, allow_nan=False)
    assert doc["criteria"]["c"]["alpha"]["value"] is None  # no variation: undefined
    assert doc["criteria"]["c"]["verdict"] == "undefined"
    assert doc["criteria"]["c"]["leniency"][0]["n"] == 1
    assert doc["criteria"]["c"]["by_domain"] == {}


def test_verdicts() -> None:
    assert target_verdict(Estimate(0.7, 0.65, 0.75, 9), 0.6) == "meets target"
    assert target_verdict(Estimate(0.5, 0.45, 0.55, 9), 0.6) == "below target"
    assert target_verdict(Estimate(0.62, 0.55, 0.7, 9), 0.6) == "CI straddles target"
    assert target_verdict(Estimate(0.58, 0.5, 0.65, 9), 0.6) == "CI straddles target"
    assert target_verdict(Estimate(math.nan, math.nan, math.nan, 0), 0.6) == "undefined"


def test_errors(ratings: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="lack column"):
        agreement_report(ratings.drop(columns="criterion"), level="interval", values=VALUES)
    bad = ratings.copy()
    bad.loc[3, "value"] = 7.0
    with pytest.raises(ValueError, match="outside the declared values"):
        agreement_report(bad, level="interval", values=VALUES)
    dup = pd.concat([ratings, ratings.iloc[[0]]], ignore_index=True)
    with pytest.raises(ValueError, match="duplicate"):
        agreement_report(dup, level="interval", values=VALUES)


def _scale_ratings(values: list[float], n_items: int = 12, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        [
            {
                "item_id": f"i{i}",
                "prompt_id": "p",
                "annotator_id": f"a{a}",
                "criterion": "c",
                "value": float(rng.choice(values)),
            }
            for i in range(n_items)
            for a in range(3)
        ]
    )


def test_fleiss_kappa_is_omitted_on_a_0_100_scale() -> None:
    values = list(range(101))
    frame = _scale_ratings(values)
    rep = agreement_report(frame, level="interval", values=values, n_resamples=50)
    c = rep.criterion("c")
    assert c.fleiss_kappa is None
    assert dict(c.omitted)["fleiss_kappa"].startswith(
        "Fleiss' kappa omitted: it treats each of the 101 scale points as an unordered category"
    )
    doc = c.to_json()
    assert doc["fleiss_kappa"] is None
    assert list(doc["omitted"]) == ["fleiss_kappa"]  # type: ignore[arg-type]
    assert c.alpha.value == pytest.approx(  # alpha is still reported, and right
        krippendorff.alpha(
            reliability_data=_matrix(frame, "c").T,
            level_of_measurement="interval",
            value_domain=values,
        ),
        abs=1e-9,
    )
    assert len(c.leniency) == 3


@pytest.mark.parametrize(
    ("level", "n_points", "fleiss"),
    [
        ("interval", 11, True),  # 0-10: still a handful of categories
        ("interval", 12, False),
        ("ordinal", 12, False),
        ("nominal", 101, True),  # declared nominal: categories by definition
    ],
)
def test_fleiss_omission_boundary(level: str, n_points: int, fleiss: bool) -> None:
    values = list(range(n_points))
    rep = agreement_report(
        _scale_ratings(values),
        level=level,  # type: ignore[arg-type]
        values=values,
        n_resamples=20,
    )
    c = rep.criterion("c")
    assert (c.fleiss_kappa is not None) is fleiss
    assert ("fleiss_kappa" in dict(c.omitted)) is not fleiss


def test_leniency_is_omitted_on_nominal_codes() -> None:
    frame = _scale_ratings([0, 1, 2])
    rep = agreement_report(frame, level="nominal", values=[0, 1, 2], n_resamples=50)
    c = rep.criterion("c")
    assert c.leniency == ()
    assert dict(c.omitted) == {
        "leniency": "leniency omitted: a mean offset needs ordered values, and the nominal "
        "codes 0, 1, 2 have no order"
    }
    assert c.fleiss_kappa is not None
    counts = counts_from_matrix(_matrix(frame, "c"), [0, 1, 2])
    assert c.fleiss_kappa.value == pytest.approx(fleiss_kappa(counts), abs=1e-12)
    binary = agreement_report(
        _scale_ratings([0, 1]), level="nominal", values=[0, 1], n_resamples=50
    ).criterion("c")
    assert len(binary.leniency) == 3  # two codes: the offset is a difference in rates
    assert binary.omitted == ()


def test_nothing_is_omitted_on_a_likert_scale(report: AgreementReport) -> None:
    assert all(c.omitted == () and c.fleiss_kappa is not None for c in report.criteria)
    assert report.to_json()["criteria"]["safety"]["omitted"] == {}  # type: ignore[index]
