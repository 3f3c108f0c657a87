"""Judge-vs-human label agreement: checked against scikit-learn and by hand, and on the real
XSTest v2 labels (GPT-4 as judge, two human annotators) against that folder's README."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score, confusion_matrix

from rewardkit.cli.main import main
from rewardkit.jobs.judge_agree import run_agree, short_names
from rewardkit.judges import INVALID, JudgeConfig, label_agreement
from shared_data import shared_path

MODELS = ("gpt4", "llama2new", "llama2orig", "mistralinstruct")


def test_accuracy_kappa_and_confusion_match_sklearn_with_invalid_labels() -> None:
    rng = np.random.default_rng(3)
    labels = ["comply", "partial", "refuse"]
    human = rng.choice(labels, size=300).tolist()
    judge = [
        h if rng.random() < 0.7 else str(rng.choice([*labels, "I cannot help"])) for h in human
    ]
    res = label_agreement(judge, human, n_resamples=300)
    mapped = [j if j in labels else INVALID for j in judge]
    assert res.overall.n_matches == sum(j == h for j, h in zip(judge, human, strict=True))
    assert res.overall.accuracy.value == pytest.approx(res.overall.n_matches / 300)
    assert res.overall.n_invalid == judge.count("I cannot help")
    assert res.overall.kappa.value == pytest.approx(cohen_kappa_score(human, mapped), abs=1e-12)
    expected = confusion_matrix(human, mapped, labels=[*labels, INVALID])[:3]
    assert [list(r) for r in res.overall.confusion] == expected.tolist()
    est = res.overall.kappa
    assert est.ci_low < est.value < est.ci_high


def test_groups_and_categories_slice_the_rows() -> None:
    human = ["a", "b", "a", "b", "a", "a"]
    judge = ["a", "b", "b", "b", "a", "x"]
    groups = ["m1", "m1", "m1", "m2", "m2", "m2"]
    res = label_agreement(judge, human, groups=groups, categories=list("uuvvvv"), n_resamples=50)
    by_group = {g.name: (g.n, g.n_matches, g.n_invalid) for g in res.by_group}
    assert by_group == {"m1": (3, 2, 0), "m2": (3, 2, 1)}
    by_category = {g.name: (g.n, g.n_matches) for g in res.by_category}
    assert by_category == {"u": (2, 2), "v": (4, 2)}
    assert res.by_category[0].kappa.value == pytest.approx(cohen_kappa_score(human[:2], judge[:2]))


def test_units_are_resampled_together() -> None:
    # The same 40 prompts judged for two models: 40 units, not 80 rows.
    rng = np.random.default_rng(0)
    human = rng.choice(["y", "n"], size=80).tolist()
    judge = [h if rng.random() < 0.8 else ("n" if h == "y" else "y") for h in human]
    units = [f"p{i % 40}" for i in range(80)]
    clustered = label_agreement(judge, human, units=units, n_resamples=200)
    rows = label_agreement(judge, human, n_resamples=200)
    assert (clustered.overall.accuracy.n, rows.overall.accuracy.n) == (40, 80)
    assert clustered.overall.accuracy.value == rows.overall.accuracy.value
    assert clustered.overall.kappa.value == rows.overall.kappa.value


def test_perfect_agreement_has_a_point_interval() -> None:
    res = label_agreement(["a", "b"] * 20, ["a", "b"] * 20, n_resamples=100)
    assert (res.overall.kappa.value, res.overall.kappa.ci_low, res.overall.kappa.ci_high) == (
        1.0,
        1.0,
        1.0,
    )


def test_short_names_tell_files_apart() -> None:
    stems = [f"xstest_v2_completions_{m}_gpteval" for m in MODELS]
    assert short_names(stems) == list(MODELS)
    assert short_names(["a", "a"]) == ["a", "a"]


def _readme_figures(readme: Path) -> dict[str, float]:
    """``GPT-4 judge = final label`` per model, from the README's table."""
    figures = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0] in MODELS:
            figures[cells[0]] = float(re.sub(r"[^\d.]", "", cells[4]))
    assert sorted(figures) == sorted(MODELS)
    return figures


@pytest.mark.shared_data
def test_xstest_judge_agreement_reproduces_the_readme(tmp_path: Path) -> None:
    folder = shared_path("xstest-v2")
    files = [folder / f"xstest_v2_completions_{m}_gpteval.csv" for m in MODELS]
    run = run_agree(
        files,
        "gpt4_label",
        "final_label",
        JudgeConfig(bootstrap=500),
        tmp_path / "run",
        category_column="type",
        id_column="id",
    )
    readme = _readme_figures(folder / "README.md")
    frames = {m: pd.read_csv(f) for m, f in zip(MODELS, files, strict=True)}
    by_group = {g.name: g for g in run.agreement.by_group}
    assert list(by_group) == list(MODELS)
    for model, frame in frames.items():
        g = by_group[model]
        assert round(g.accuracy.value, 3) == readme[model]  # the README's figure, exactly
        assert g.n_matches == int((frame["gpt4_label"] == frame["final_label"]).sum())
        assert g.n == 450
        mapped = frame["gpt4_label"].where(
            frame["gpt4_label"].isin(frame["final_label"].unique()), INVALID
        )
        assert g.kappa.value == pytest.approx(cohen_kappa_score(frame["final_label"], mapped))
        assert g.kappa.ci_low < g.kappa.value < g.kappa.ci_high
        assert g.accuracy.ci_low < g.accuracy.value < g.accuracy.ci_high
    # GPT-4 answered 11 of mistralinstruct's rows with prose instead of a label.
    assert by_group["mistralinstruct"].n_invalid == 11
    pooled = pd.concat(frames.values())
    categories = {c.name: c for c in run.agreement.by_category}
    assert len(categories) == pooled["type"].nunique() == 18
    for name, c in categories.items():
        rows = pooled[pooled["type"] == name]
        assert c.n == len(rows) == 100
        assert c.kappa.n == 25  # the 25 prompts of the type, each answered by four models
        mapped = rows["gpt4_label"].where(rows["gpt4_label"].isin(run.agreement.labels), INVALID)
        expected = cohen_kappa_score(rows["final_label"], mapped)
        if np.isnan(expected):
            assert np.isnan(c.kappa.value)
        else:
            assert c.kappa.value == pytest.approx(expected)
    assert run.results_json["groups"] == list(MODELS)
    assert (tmp_path / "run" / "results.json").is_file()


@pytest.mark.shared_data
def test_judge_agree_cli_on_xstest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = shared_path("xstest-v2")
    args = ["judge", "agree", "--judge-column", "gpt4_label", "--human-column", "final_label"]
    for model in MODELS:
        args += ["--labels", str(folder / f"xstest_v2_completions_{model}_gpteval.csv")]
    args += ["--category-column", "type", "--id-column", "id", "--bootstrap", "200"]
    assert main([*args, "--out", str(tmp_path / "run")]) == 0
    out = capsys.readouterr()
    assert "gpt4" in out.out
    assert "0.9356" in out.out  # 421 / 450
    assert "11 judge label(s) are not one of the human labels" in out.err


def test_judge_agree_errors_name_file_row_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("id,judge,human\n1,yes,yes\n2,no,\n")
    base = ["judge", "agree", "--labels", str(path), "--out", str(tmp_path / "run")]
    assert main([*base, "--judge-column", "judge", "--human-column", "human"]) == 2
    assert f"{path}: row 2: field 'human': missing human label" in capsys.readouterr().err
    assert main([*base, "--judge-column", "verdict", "--human-column", "human"]) == 2
    err = capsys.readouterr().err
    assert f"{path}: field 'verdict': no column 'verdict'; found id, judge, human" in err
    assert "Traceback" not in err
