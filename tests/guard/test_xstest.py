"""XSTest v2 (../shared/data/xstest-v2): the README's human figures reproduced by the red-team
job, and the rule-based refusal detector against the human labels next to the XSTest authors'
string-match baseline, with a paired test."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar
from statsmodels.stats.proportion import proportion_confint

from guard.xstest_baseline import strmatch_refusal
from rewardkit.guard import RefusalDetector, check_texts, compare_detectors, detection_metrics
from rewardkit.guard.config import GuardConfig
from rewardkit.jobs.redteam import run_redteam
from shared_data import shared_path

pytestmark = pytest.mark.shared_data

MODELS = ("gpt4", "llama2new", "llama2orig", "mistralinstruct")
GOLDEN = Path(__file__).parents[1] / "golden" / "guard" / "xstest_strmatch_labels.json"
# The folder README's table: refusal on safe prompts, compliance on unsafe prompts (human
# final_label; refusal = full or partial).
README = {
    "gpt4": (21, 1),
    "llama2new": (74, 0),
    "llama2orig": (149, 0),
    "mistralinstruct": (4, 128),
}


def _completions(model: str) -> pd.DataFrame:
    path = shared_path("xstest-v2", f"xstest_v2_completions_{model}_gpteval.csv")
    frame = pd.read_csv(path, keep_default_na=False)
    frame["unsafe"] = frame["type"].str.startswith("contrast_")
    frame["human_refusal"] = frame["final_label"] != "1_full_compliance"
    return frame


def test_redteam_job_reproduces_the_readme_rates(tmp_path: Path) -> None:
    folder = shared_path("xstest-v2")
    files = [folder / f"xstest_v2_completions_{m}_gpteval.csv" for m in MODELS]
    cfg = GuardConfig(label_column="final_label", strip_id_prefix="v2-", bootstrap=500)
    run = run_redteam(files, cfg, tmp_path / "rt", prompts=folder / "xstest_prompts.csv")
    for m in MODELS:
        rates = run.result.rates(m)
        refused_safe, complied_unsafe = README[m]
        assert (rates.n_safe, rates.n_unsafe) == (250, 200)
        assert rates.refused_safe == refused_safe
        assert rates.complied_unsafe == complied_unsafe
        over = rates.over_refusal_rate
        assert over.value == refused_safe / 250
        assert over.ci_low <= over.value <= over.ci_high
        doc = rates.to_json()
        lo, hi = proportion_confint(refused_safe, 250, alpha=0.05, method="wilson")
        assert doc["over_refusal_rate"]["wilson_ci"] == pytest.approx([lo, hi], abs=1e-12)
        lo, hi = proportion_confint(complied_unsafe, 200, alpha=0.05, method="wilson")
        assert doc["violation_rate"]["wilson_ci"] == pytest.approx([lo, hi], abs=1e-12)
    # the paper's split for llama2orig: 38.0 % full + 21.6 % partial refusal of safe prompts
    orig = _completions("llama2orig")
    safe_labels = orig.loc[~orig["unsafe"], "final_label"].value_counts()
    assert (safe_labels["2_full_refusal"], safe_labels["3_partial_refusal"]) == (95, 54)
    # the system prompt is the only difference of llama2orig and llama2new: paired, on safe
    pair = next(
        c
        for c in run.results_json["comparisons"]
        if {c["a"], c["b"]} == {"llama2new", "llama2orig"}
    )
    comp = pair["over_refusal_rate"]
    new, old = _completions("llama2new"), _completions("llama2orig")
    a = new.loc[~new["unsafe"], "human_refusal"].to_numpy()
    b = old.loc[~old["unsafe"], "human_refusal"].to_numpy()
    ref = sm_mcnemar(
        [[np.sum(a & b), np.sum(a & ~b)], [np.sum(~a & b), np.sum(~a & ~b)]],
        exact=False,
        correction=True,
    )
    assert comp["mcnemar"]["p_value"] == pytest.approx(ref.pvalue, rel=1e-9)
    assert comp["difference"]["value"] == pytest.approx((a.sum() - b.sum()) / 250)
    assert comp["difference"]["ci"][1] < 0  # the original system prompt refuses more


def test_baseline_reimplementation_matches_the_authors_published_labels() -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))["models"]
    for m in MODELS:
        frame = _completions(m)
        ours = frame["completion"].map(strmatch_refusal)
        assert sorted(frame.loc[ours, "id"]) == sorted(golden[m]["refusal_ids"])
        assert int((ours & ~frame["unsafe"]).sum()) == golden[m]["refusal_safe"]
        assert int((ours & frame["unsafe"]).sum()) == golden[m]["refusal_unsafe"]


def _predictions() -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    detector = RefusalDetector()
    out = {}
    for m in MODELS:
        frame = _completions(m)
        mine = np.array([v.tripped for v in check_texts(detector, frame["completion"].tolist())])
        base = frame["completion"].map(strmatch_refusal).to_numpy(bool)
        out[m] = (mine, base, frame["human_refusal"].to_numpy(bool))
    return out


def test_rule_detector_against_humans_and_the_string_match_baseline() -> None:
    preds = _predictions()
    for m, (mine, base, truth) in preds.items():
        for pred in (mine, base):
            met = detection_metrics(pred, truth, n_resamples=300, label=m)
            tp = int(np.sum(pred & truth))
            assert met.tp == tp
            assert met.precision.value == pytest.approx(tp / pred.sum())
            assert met.recall.value == pytest.approx(tp / truth.sum())
            for est in (met.precision, met.recall):
                assert est.ci_low <= est.value <= est.ci_high
        comp = compare_detectors(mine, base, truth, names=("rules", "strmatch"), n_resamples=500)
        a, b = mine == truth, base == truth
        ref = sm_mcnemar(
            [[np.sum(a & b), np.sum(a & ~b)], [np.sum(~a & b), np.sum(~a & ~b)]],
            exact=(np.sum(a != b) < 25),
            correction=True,
        )
        assert comp.accuracy.mcnemar.p_value == pytest.approx(ref.pvalue, rel=1e-9)
    # recall: the documented patterns catch refusals that do not open with the authors' prefixes
    for m in ("gpt4", "llama2orig", "mistralinstruct"):
        mine, base, truth = preds[m]
        comp = compare_detectors(mine, base, truth, n_resamples=500, label=m)
        assert comp.recall.difference.ci_low > 0, m
    # pooled over the four models (1,800 completions): the rule detector is more accurate
    mine, base, truth = (np.concatenate([p[i] for p in preds.values()]) for i in range(3))
    pooled = compare_detectors(mine, base, truth, names=("rules", "strmatch"), n_resamples=1000)
    assert pooled.verdict == "rules better"
    assert pooled.accuracy.mcnemar.p_value < 0.01
