"""Probe transformations, their checks, the statistics and the planted-RM must-shows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rewardkit.cli.main import main
from rewardkit.data.records import PreferenceItem
from rewardkit.jobs.probe import run_probe
from rewardkit.metrics import percentile_ci, resample_counts, rng_for
from rewardkit.probes import (
    DEFAULT_PROBES,
    PROBES,
    ProbeConfig,
    ProbeScores,
    Variant,
    analyse_probes,
    build_probe_pairs,
    paired_differences,
)
from rewardkit.probes.text import words

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "probe_pairs.json"
ITEM = PreferenceItem(
    id="g1",
    prompt="How do I make tea?",
    chosen=(
        "## Tea\n- **Boil** fresh water first.\n- Steep the leaves for three minutes.\n"
        "Then remove them and enjoy",
    ),
    rejected=("Tea.",),
    domain="kitchen",
)


def _flags(run_results: dict[str, object]) -> list[str]:
    return sorted(name for name, r in run_results.items() if r.flagged)  # type: ignore[attr-defined]


def test_planted_bullet_rm_is_flagged_on_formatting_only(
    source: Path, planted: str, tmp_path: Path
) -> None:
    run = run_probe(source, [planted], ProbeConfig(bootstrap=200, no_cache=True), tmp_path / "r")
    res = run.results[planted]
    assert _flags(res) == ["formatting"]
    fmt = res["formatting"]
    assert fmt.controlled.shift.ci_low > 0  # 3 bullets per variant: +1.5 exactly
    assert fmt.shift.value == pytest.approx(1.5)
    assert fmt.preference.value == 1.0
    for name in DEFAULT_PROBES:
        if name != "formatting":
            assert res[name].shift.value == 0.0, name


def test_length_baseline_is_flagged_on_length_only(source: Path, tmp_path: Path) -> None:
    run = run_probe(
        source, ["baseline:length"], ProbeConfig(bootstrap=200, no_cache=True), tmp_path / "r"
    )
    res = run.results["baseline:length"]
    assert _flags(res) == ["length"]
    # formatting and refusal change the length by construction: the raw shift shows the
    # length baseline's preference, the length-controlled shift removes it exactly
    assert res["formatting"].shift.ci_low > 0
    assert res["refusal"].shift.ci_high < 0
    assert res["formatting"].controlled.shift.value == 0.0
    assert res["refusal"].controlled.shift.value == 0.0
    for name in ("hedging", "sycophancy", "position", "typos"):
        assert res[name].shift.value == 0.0  # length-neutral to the character


def test_every_pair_passes_its_check_and_golden_pairs() -> None:
    built = build_probe_pairs([ITEM], DEFAULT_PROBES, seed=0)
    got = {name: [p.base, p.variant] for name, pairs in built.pairs.items() for p in pairs}
    assert set(got) == set(DEFAULT_PROBES)
    assert got == json.loads(GOLDEN.read_text())
    assert built.pairs["formatting"][0].domain == "kitchen"


def test_checks_reject_what_the_probe_did_not_do() -> None:
    sents = ["Boil fresh water first.", "Steep the leaves."]
    base = " ".join(sents)
    bad = {
        "length": Variant("q", base, base + " The water must be salted."),
        "formatting": Variant("q", base, "- Boil water.\n- Steep the leaves."),
        "hedging": Variant("q", "Perhaps this is right. " + base, "Clearly this is right. x"),
        "sycophancy": Variant("q", "You are wrong. " + base, "You are right. " + base + "!"),
        "refusal": Variant("q", base, "Boiling water is dangerous."),
        "position": Variant("q", base, "Steep the leaves. Boil water first."),
        "typos": Variant("q", base, base.replace("fresh", "frexh")),
    }
    for name, variant in bad.items():
        assert PROBES.get(name).check(sents, variant) is not None, name


def test_items_that_do_not_fit_are_dropped_and_counted() -> None:
    one = PreferenceItem(id="1", prompt="q", chosen=("Yes.",), rejected=("No.",))
    empty = PreferenceItem(id="2", prompt="q", chosen=("",), rejected=("No.",))
    built = build_probe_pairs([one, empty], ["formatting", "position", "length"])
    assert built.dropped["formatting"] == {
        "empty answer": 1,
        "formatting: fewer than 2 sentences": 1,
    }
    assert built.dropped["position"]["position: fewer than 2 distinct sentences"] == 1
    assert len(built.pairs["length"]) == 1


def test_transformations_are_seeded() -> None:
    a = build_probe_pairs([ITEM], ["typos", "length"], seed=1).pairs
    b = build_probe_pairs([ITEM], ["typos", "length"], seed=1).pairs
    assert a == b
    assert words(a["typos"][0].variant) != words(a["typos"][0].base)


def test_statistics_match_a_hand_computation() -> None:
    rng = np.random.default_rng(3)
    n, nl, b = 30, 25, 400
    length = ProbeScores(
        np.zeros(nl), rng.normal(2.0, 1.0, nl), rng.uniform(10, 50, nl), ("x",) * nl
    )
    dl = rng.uniform(0, 20, n)
    fmt = ProbeScores(
        np.zeros(n), rng.normal(0.5, 1.0, n), dl, tuple("ab"[i % 2] for i in range(n))
    )
    margins = rng.normal(1.0, 0.5, 50)
    res, margin, slope = analyse_probes(
        {"length": length, "formatting": fmt}, margins, bootstrap=b, seed=7
    )
    d = fmt.variant - fmt.base
    s = length.shift.sum() / length.length_change.sum()
    assert slope.value == pytest.approx(s)
    r = res["formatting"]
    assert r.shift.value == pytest.approx(d.mean())
    assert r.preference.value == pytest.approx(np.mean((d > 0) + 0.5 * (d == 0)))
    assert r.controlled.shift.value == pytest.approx(np.mean(d - s * dl))
    assert margin.value == pytest.approx(margins.mean())
    assert r.relative is not None
    assert r.relative.value == pytest.approx(np.mean(d - s * dl) / margins.mean())
    # the interval: the same count matrices, written out by hand
    cl = resample_counts(nl, b, rng_for(7, "probe", "length"))
    ct = resample_counts(n, b, rng_for(7, "probe", "formatting"))
    slopes = (cl @ length.shift) / (cl @ length.length_change)
    lo, hi = percentile_ci((ct @ d - slopes * (ct @ dl)) / n)
    assert (r.controlled.shift.ci_low, r.controlled.shift.ci_high) == pytest.approx((lo, hi))
    assert set(r.domains) == {"a", "b"}
    sub = (d - s * dl)[::2]
    assert r.domains["a"].shift.value == pytest.approx(sub.mean())


def test_paired_difference_resamples_the_same_pairs() -> None:
    ps_a = ProbeScores(np.zeros(6), np.array([1.0, 1, 1, 1, -1, -1]), np.zeros(6), ("x",) * 6)
    ps_b = ProbeScores(np.zeros(6), np.array([1.0, -1, -1, -1, -1, -1]), np.zeros(6), ("x",) * 6)
    a, _, _ = analyse_probes({"typos": ps_a}, np.ones(6), bootstrap=300)
    b, _, _ = analyse_probes({"typos": ps_b}, np.ones(6), bootstrap=300)
    (diff,) = paired_differences({"a": a, "b": b}, bootstrap=300)
    per = a["typos"].outcomes - b["typos"].outcomes
    counts = resample_counts(6, 300, rng_for(0, "probe", "typos"))
    assert diff.difference.value == pytest.approx(0.5)
    assert (diff.difference.ci_low, diff.difference.ci_high) == pytest.approx(
        percentile_ci(counts @ per / 6)
    )
    assert diff.difference.ci_low >= 0  # paired: b never beats a on the same pair


def test_cli_writes_results_and_page(source: Path, planted: str, tmp_path: Path) -> None:
    out = tmp_path / "run"
    argv = [
        "probe",
        "--data",
        str(source),
        "--model",
        planted,
        "--model",
        "baseline:length",
        "--bootstrap",
        "100",
        "--no-cache",
        "--out",
        str(out),
    ]
    assert main(argv) == 0
    doc = json.loads((out / "results.json").read_text())
    row = next(r for r in doc["fingerprint"] if r["probe"] == "formatting")
    assert row[planted]["flagged"]
    assert not row["baseline:length"]["flagged"]
    cmp = next(c for c in doc["comparisons"] if c["probe"] == "formatting")
    assert cmp["preference_difference"]["value"] == pytest.approx(0.5)
    html = (out / "report.html").read_text()
    assert "bias fingerprint" in html
    assert "flagged" in html


def test_unknown_probe_is_one_line(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "probe",
        "--data",
        str(source),
        "--model",
        "baseline:length",
        "--probe",
        "nope",
        "--out",
        str(tmp_path / "r"),
    ]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "unknown probe(s) nope" in err
    assert len(err.strip().splitlines()) == 1
