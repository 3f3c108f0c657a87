"""`rewardkit compare`: two runs on shared items, overall and by subset."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rewardkit.cli.main import main
from rewardkit.config import EvalConfig
from rewardkit.jobs.evaluate import run_eval


def test_compare_length_with_random_and_with_itself(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {
            "id": f"i{i}",
            "prompt": "q",
            "chosen": "c" * (20 + i % 9),
            "rejected": "r" * 10,
            "subset": ["x", "y"][i % 2],
        }
        for i in range(300)
    ]
    data = tmp_path / "d.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    run_eval(data, "baseline:length", EvalConfig(bootstrap=100), tmp_path / "len")
    run_eval(data, "baseline:random", EvalConfig(bootstrap=100), tmp_path / "rnd")
    assert (
        main(
            [
                "compare",
                str(tmp_path / "len"),
                str(tmp_path / "rnd"),
                "--out",
                str(tmp_path / "cmp"),
                "--bootstrap",
                "300",
            ]
        )
        == 0
    )
    result = json.loads((tmp_path / "cmp" / "results.json").read_text())
    assert result["n_shared"] == 300
    assert result["overall"]["accuracy_a"] == 1.0
    assert result["overall"]["verdict"] == "A better"
    assert set(result["by_subset"]) == {"x", "y"}
    assert main(["compare", str(tmp_path / "len"), str(tmp_path / "len")]) == 0
    assert "no significant difference" in capsys.readouterr().out
    assert main(["compare", str(tmp_path / "len"), str(tmp_path)]) == 2


def test_planted_five_point_gain_on_3000_items_is_significant(tmp_path: Path) -> None:
    import pandas as pd

    rng = np.random.default_rng(11)
    n = 3000
    rows = [{"id": f"i{i}", "prompt": "q", "chosen": "a", "rejected": "b"} for i in range(n)]
    data = tmp_path / "d.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    correct_b = rng.random(n) < 0.70
    correct_a = correct_b.copy()
    wrong = np.flatnonzero(~correct_b)
    correct_a[rng.choice(wrong, size=150, replace=False)] = True  # +5 points for A
    for name, correct in (("a", correct_a), ("b", correct_b)):
        table = pd.DataFrame(
            {
                "item_id": np.repeat([r["id"] for r in rows], 2),
                "response_index": np.tile([0, 1], n),
                "score": np.stack([np.where(correct, 1.0, 0.0), np.full(n, 0.5)], 1).ravel(),
            }
        )
        table.to_parquet(tmp_path / f"{name}.parquet")
        run_eval(
            data,
            f"scores:{tmp_path / f'{name}.parquet'}",
            EvalConfig(bootstrap=100),
            tmp_path / f"run-{name}",
        )
    assert (
        main(
            [
                "compare",
                str(tmp_path / "run-a"),
                str(tmp_path / "run-b"),
                "--out",
                str(tmp_path / "cmp"),
            ]
        )
        == 0
    )
    result = json.loads((tmp_path / "cmp" / "results.json").read_text())["overall"]
    assert result["difference"]["value"] == pytest.approx(0.05)
    assert result["verdict"] == "A better"
    assert result["mcnemar"]["p_value"] < 1e-6
    assert (result["mcnemar"]["b"], result["mcnemar"]["c"]) == (150, 0)


def _correctness_run(tmp_path: Path, name: str, correct: dict[str, list[bool]]) -> Path:
    """An eval run whose item i of subset s is right exactly when ``correct[s][i]``."""
    import pandas as pd

    rows, records = [], []
    for subset, flags in correct.items():
        for i, ok in enumerate(flags):
            item_id = f"{subset}-{i}"
            rows.append(
                {"id": item_id, "prompt": "q", "chosen": "a", "rejected": "b", "subset": subset}
            )
            records += [
                {"item_id": item_id, "response_index": 0, "score": 1.0 if ok else 0.0},
                {"item_id": item_id, "response_index": 1, "score": 0.5},
            ]
    data = tmp_path / "d.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    pd.DataFrame(records).to_parquet(tmp_path / f"{name}.parquet")
    out = tmp_path / f"run-{name}"
    run_eval(data, f"scores:{tmp_path / f'{name}.parquet'}", EvalConfig(bootstrap=200), out)
    return out


def test_subset_verdicts_are_adjusted_for_multiplicity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Four subsets of 30: McNemar (b, c) = (12, 0), (8, 1), (9, 1), (0, 0); exact p-values
    0.000488, 0.0391, 0.0215, 1. Unadjusted s1-s3 are significant; Holm keeps s1 only
    (0.00195, 0.0781, 0.0645, 1); BH keeps s1 and s3 (0.00195, 0.0521, 0.0430, 1)."""
    from statsmodels.stats.multitest import multipletests

    base = [i % 2 == 0 for i in range(30)]
    wrong = [i for i in range(30) if not base[i]]

    def changed(gain: int, lose: int) -> list[bool]:
        flags = list(base)
        for i in wrong[:gain]:
            flags[i] = True
        for i in [i for i in range(30) if base[i]][:lose]:
            flags[i] = False
        return flags

    b_run = _correctness_run(tmp_path, "b", {s: base for s in ("s1", "s2", "s3", "s4")})
    a_run = _correctness_run(
        tmp_path,
        "a",
        {"s1": changed(12, 0), "s2": changed(8, 1), "s3": changed(9, 1), "s4": base},
    )
    verdicts = {}
    for method in ("none", "holm", "bh"):
        out = tmp_path / f"cmp-{method}"
        assert main(["compare", str(a_run), str(b_run), "--adjust", method, "--out", str(out)]) == 0
        doc = json.loads((out / "results.json").read_text())
        verdicts[method] = {k: v["verdict"] for k, v in doc["by_subset"].items()}
        raw = [doc["by_subset"][s]["mcnemar"]["p_value"] for s in ("s1", "s2", "s3", "s4")]
        adjusted = [doc["by_subset"][s]["p_adjusted"] for s in ("s1", "s2", "s3", "s4")]
        if method != "none":
            want = multipletests(raw, method={"holm": "holm", "bh": "fdr_bh"}[method])[1]
            np.testing.assert_allclose(adjusted, want, rtol=0, atol=1e-12)
        assert doc["multiplicity"]["method"] == method
        assert doc["multiplicity"]["n_comparisons"] == 4
    better = "A better"
    assert verdicts["none"] == {"s1": better, "s2": better, "s3": better, "s4": NO_DIFF}
    assert verdicts["holm"] == {"s1": better, "s2": NO_DIFF, "s3": NO_DIFF, "s4": NO_DIFF}
    assert verdicts["bh"] == {"s1": better, "s2": NO_DIFF, "s3": better, "s4": NO_DIFF}
    holm = json.loads((tmp_path / "cmp-holm" / "results.json").read_text())
    assert holm["by_subset"]["s2"]["verdict_unadjusted_ci"] == better  # what used to print
    out = capsys.readouterr().out
    assert "Holm-adjusted over 4 comparisons" in " ".join(out.split())
    assert main(["compare", str(a_run), str(b_run), "--adjust", "sidak"]) == 2


NO_DIFF = "no significant difference"


def test_compare_uses_only_the_items_each_run_scored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Labelled ties are out of each run's accuracy, so they are out of the comparison; the
    console says what each run left out."""
    rows = [
        {"id": f"i{i}", "prompt": "q", "chosen": "c" * (5 + i % 4), "rejected": "r" * 6}
        for i in range(20)
    ]
    rows += [
        {"id": f"t{i}", "prompt": "q", "chosen": "x" * i, "rejected": "y", "tie": True}
        for i in range(1, 7)
    ]
    rows.append({"id": "bad", "prompt": "q", "chosen": "a"})  # no rejected: skipped
    data = tmp_path / "d.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    cfg = EvalConfig(bootstrap=100, skip_invalid=True)
    run_eval(data, "baseline:length", cfg, tmp_path / "len")
    run_eval(data, "baseline:random", cfg, tmp_path / "rnd")
    out = tmp_path / "cmp"
    assert main(["compare", str(tmp_path / "len"), str(tmp_path / "rnd"), "--out", str(out)]) == 0
    doc = json.loads((out / "results.json").read_text())
    assert doc["n_shared"] == 20  # 26 before: the 6 labelled ties came back in
    assert doc["overall"]["n"] == 20
    len_acc = json.loads((tmp_path / "len" / "results.json").read_text())["metrics"]["accuracy"]
    assert doc["overall"]["accuracy_a"] == pytest.approx(len_acc["value"])
    assert doc["runs"]["a"]["n_ties_excluded"] == 6
    assert doc["runs"]["a"]["n_skipped"] == 1
    printed = " ".join(capsys.readouterr().out.split())
    assert "20 items scored, 6 labelled ties excluded, 1 rows skipped" in printed
    assert "compared: 20 items scored by both runs" in printed
    # A run without items.parquet cannot say which items were labelled ties: one clear error.
    (tmp_path / "rnd" / "items.parquet").unlink()
    assert main(["compare", str(tmp_path / "len"), str(tmp_path / "rnd")]) == 2
    assert "items.parquet" in capsys.readouterr().err


def test_compare_tie_value_override_and_mismatch_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {"id": f"i{i}", "prompt": "q", "chosen": "c" * (3 + i % 3), "rejected": "r" * 4}
        for i in range(30)
    ]  # lengths 3, 4, 5 vs 4: a third of the pairs are score ties
    data = tmp_path / "d.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    run_eval(data, "baseline:length", EvalConfig(bootstrap=50), tmp_path / "half")
    run_eval(data, "baseline:length", EvalConfig(bootstrap=50, tie_value=0.0), tmp_path / "zero")
    out = tmp_path / "cmp"
    assert main(["compare", str(tmp_path / "half"), str(tmp_path / "zero"), "--out", str(out)]) == 0
    doc = json.loads((out / "results.json").read_text())
    assert doc["overall"]["accuracy_a"] == pytest.approx(15 / 30)
    assert doc["overall"]["accuracy_b"] == pytest.approx(10 / 30)
    assert "credit a score tie differently" in capsys.readouterr().err
    argv = ["compare", str(tmp_path / "half"), str(tmp_path / "zero"), "--tie-value", "0"]
    assert main([*argv, "--out", str(out)]) == 0
    doc = json.loads((out / "results.json").read_text())
    assert doc["overall"]["accuracy_a"] == doc["overall"]["accuracy_b"] == pytest.approx(1 / 3)
    assert doc["warnings"] == []
