"""`rewardkit annotations agree|aggregate|simulate` end to end on small files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from rewardkit.cli.main import main

WIDE = """item_id,prompt_id,criterion,domain,ann1,ann2,ann3
i1,p1,usefulness,math,5,5,4
i2,p1,usefulness,math,1,2,1
i3,p2,usefulness,law,3,3,4
i4,p2,usefulness,law,4,5,5
i5,p3,usefulness,law,2,1,2
i6,p3,usefulness,law,1,5,
"""


def test_agree_on_a_wide_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "r.csv").write_text(WIDE)
    code = main(
        [
            "annotations",
            "agree",
            "--ratings",
            str(tmp_path / "r.csv"),
            "--out",
            str(tmp_path / "run"),
            "--bootstrap",
            "200",
            "--level",
            "interval",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "usefulness" in out
    assert "run directory" in out
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    assert results["quorum"]["excluded"][0]["item_id"] == "i6"  # 2 annotators < quorum of 3
    assert results["criteria"]["usefulness"]["n_items"] == 5
    assert results["criteria"]["usefulness"]["alpha"]["value"] > 0.6


def test_agree_rejects_values_outside_the_scale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "r.csv").write_text(
        WIDE.replace("i5,p3,usefulness,law,2,1,2", "i5,p3,usefulness,law,2,1,7")
    )
    assert (
        main(
            [
                "annotations",
                "agree",
                "--ratings",
                str(tmp_path / "r.csv"),
                "--out",
                str(tmp_path / "run"),
            ]
        )
        == 2
    )
    assert "outside the declared scale 1-5" in capsys.readouterr().err


def test_aggregate_with_comparisons(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text(WIDE)
    (tmp_path / "c.csv").write_text(
        "prompt_id,item_a,item_b,annotator_id,preference\n"
        "p1,i1,i2,ann1,a\np1,i1,i2,ann2,a\np2,i3,i4,ann1,b\np2,i3,i4,ann2,tie\n"
    )
    code = main(
        [
            "annotations",
            "aggregate",
            "--ratings",
            str(tmp_path / "r.csv"),
            "--comparisons",
            str(tmp_path / "c.csv"),
            "--weight",
            "usefulness=1",
            "--alpha",
            "0.5",
            "--out",
            str(tmp_path / "agg"),
        ]
    )
    assert code == 0
    items = pd.read_parquet(tmp_path / "agg" / "items.parquet").set_index("item_id")
    assert items.loc["i1", "final"] == pytest.approx(0.5 * (14 / 3 - 1) / 4 + 0.5 * 1.0)
    pairs = [json.loads(x) for x in (tmp_path / "agg" / "pairs.jsonl").read_text().splitlines()]
    assert {"prompt_id": "p1", "chosen": "i1", "rejected": "i2"}.items() <= pairs[0].items()
    results = json.loads((tmp_path / "agg" / "results.json").read_text())
    assert results["n_excluded"] == 1
    assert (
        main(
            [
                "annotations",
                "aggregate",
                "--ratings",
                str(tmp_path / "r.csv"),
                "--weight",
                "usefulness",
                "--out",
                str(tmp_path / "bad"),
            ]
        )
        == 2
    )


def test_simulate_prints_expected_alpha(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "annotations",
                "simulate",
                "--annotators",
                "3",
                "--annotators",
                "6",
                "--items",
                "200",
                "--simulations",
                "20",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "expected alpha" in out
    assert "P(alpha >= 0.6)" in out


def test_usage_and_input_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "r.csv").write_text(WIDE)
    (tmp_path / "half.csv").write_text(
        WIDE.replace("i1,p1,usefulness,math,5,5,4", "i1,p1,usefulness,math,4.5,5,4")
    )
    (tmp_path / "c.csv").write_text(
        "prompt_id,item_a,item_b,annotator_id,preference\np1,i1,i2,ann1,a\np1,i2,i1,ann1,b\n"
    )
    cases = [
        (["annotations", "agree", "--bogus"], "No such option"),
        (["annotations", "agree"], "Missing option"),
        (
            [
                "annotations",
                "agree",
                "--ratings",
                str(tmp_path / "half.csv"),
                "--out",
                str(tmp_path / "o1"),
            ],
            "not points of the declared scale 1-5",
        ),
        (
            [
                "annotations",
                "agree",
                "--ratings",
                str(tmp_path / "r.csv"),
                "--min-annotations",
                "9",
                "--out",
                str(tmp_path / "o2"),
            ],
            "no item has the quorum of 9",
        ),
        (
            [
                "annotations",
                "aggregate",
                "--ratings",
                str(tmp_path / "r.csv"),
                "--comparisons",
                str(tmp_path / "c.csv"),
                "--out",
                str(tmp_path / "o3"),
            ],
            "more than once",
        ),
        (
            [
                "annotations",
                "aggregate",
                "--ratings",
                str(tmp_path / "r.csv"),
                "--scale",
                "0.5-5.5",
                "--out",
                str(tmp_path / "o4"),
            ],
            "integer Likert scale",
        ),
        (["annotations", "simulate", "--annotators", "1"], "at least 2 annotators"),
    ]
    for argv, message in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert message in err, (argv, err)
        assert "Traceback" not in err


def test_aggregate_writes_training_data_with_texts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--responses/--prompts join the texts in: preferences.jsonl is pairs.jsonl with texts
    and margins, scored.jsonl one item per prompt with every response's final score; both
    load as training data."""
    from rewardkit.data.demo import DemoConfig, generate_demo, write_demo
    from rewardkit.data.load import load_preferences

    data = write_demo(generate_demo(DemoConfig(seed=2, n_prompts=40)), tmp_path / "data")
    out = tmp_path / "agg"
    args = ["annotations", "aggregate", "--ratings", str(data["ratings"])]
    args += ["--comparisons", str(data["comparisons"]), "--out", str(out)]
    texts = ["--responses", str(data["responses"]), "--prompts", str(data["prompts"])]
    assert main([*args, *texts]) == 0
    assert "training data:" in capsys.readouterr().out
    responses = pd.read_json(data["responses"], lines=True).set_index("item_id")
    pairs = pd.read_json(out / "pairs.jsonl", lines=True)
    loaded = load_preferences(out / "preferences.jsonl").items
    assert len(loaded) == len(pairs) > 0
    for item, row in zip(loaded, pairs.to_dict(orient="records"), strict=True):
        assert item.chosen == (responses.loc[row["chosen"], "text"],)
        assert item.rejected == (responses.loc[row["rejected"], "text"],)
        assert item.margin == pytest.approx(row["margin"])
    items = pd.read_parquet(out / "items.parquet")
    scored = load_preferences(out / "scored.jsonl").items
    assert len(scored) == items["prompt_id"].nunique()
    for item in scored:
        group = items[items["prompt_id"] == item.id].sort_values("rank_in_prompt")
        assert item.chosen == (responses.loc[group["item_id"].iloc[0], "text"],)
        expected = group["final"].tolist()
        got = [*(item.chosen_scores or ()), *(item.rejected_scores or ())]
        assert got == pytest.approx(expected)
    results = json.loads((out / "results.json").read_text())
    assert results["training_data"] == {
        "preferences": "preferences.jsonl",
        "scored": "scored.jsonl",
    }

    assert main([*args, "--responses", str(data["responses"])]) == 2
    assert "--responses and --prompts go together" in capsys.readouterr().err
    short = tmp_path / "short.jsonl"
    short.write_text("\n".join(data["responses"].read_text().splitlines()[1:]) + "\n")
    assert main([*args, "--responses", str(short), "--prompts", str(data["prompts"])]) == 2
    assert "has no row in the responses table" in capsys.readouterr().err


def _agree(tmp_path: Path, *args: str) -> int:
    return main(["annotations", "agree", *args, "--bootstrap", "50", "--out", str(tmp_path / "a")])


def _results(tmp_path: Path) -> dict[str, object]:
    return json.loads((tmp_path / "a" / "results.json").read_text())  # type: ignore[no-any-return]


def test_agree_wide_layout_options_and_file_argument(tmp_path: Path) -> None:
    """A wide table with its own column names, given as the FILE argument."""
    (tmp_path / "w.csv").write_text(
        "uid,topic,judge_a,judge_b,judge_c,comment\n"
        "u1,math,5,5,4,ok\nu2,math,1,2,1,\nu3,law,3,3,4,x\nu4,law,4,5,5,\n"
    )
    args = ["--layout", "wide", "--item-column", "uid", "--annotator-columns", "judge_*"]
    args += ["--domain-column", "topic", "--criterion", "usefulness", "--level", "interval"]
    assert _agree(tmp_path, str(tmp_path / "w.csv"), *args) == 0
    results = _results(tmp_path)
    assert results["layout"] == "wide"
    usefulness = results["criteria"]["usefulness"]  # type: ignore[index]
    assert (usefulness["n_items"], usefulness["n_annotators"]) == (4, 3)
    assert set(usefulness["by_domain"]) == {"law", "math"}
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["config"]["wide_columns"]["annotators"] == ["judge_*"]


def test_named_layout_sets_scale_and_level_and_explains_omissions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {"idx": i, "instruction": "i", "response1": "a", "response2": "b"}
        | {"annotator1": x, "annotator2": y, "annotator3": z}
        for i, (x, y, z) in enumerate([(1, 1, 1), (2, 2, 2), (0, 0, 1), (2, 2, 1), (1, 1, 0)])
    ]
    (tmp_path / "testset.json").write_text(json.dumps(rows))
    assert _agree(tmp_path, "--layout", "pandalm", str(tmp_path / "testset.json")) == 0
    results = _results(tmp_path)
    assert (results["level"], results["values"]) == ("nominal", [0.0, 1.0, 2.0])
    preference = results["criteria"]["preference"]  # type: ignore[index]
    assert preference["leniency"] == []
    assert "leniency" in preference["omitted"]
    captured = capsys.readouterr()
    assert "warning: leniency omitted: a mean offset needs ordered values" in captured.err
    assert "annotator leniency" not in captured.out
    # An explicit option wins over what the layout implies.
    assert (
        _agree(
            tmp_path, "--layout", "pandalm", str(tmp_path / "testset.json"), "--level", "ordinal"
        )
        == 0
    )
    assert _results(tmp_path)["level"] == "ordinal"


def test_fleiss_is_omitted_on_a_0_100_scale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "r.csv").write_text(
        "item_id,prompt_id,a1,a2,a3\ni1,p,10,20,15\ni2,p,80,90,70\ni3,p,50,40,60\ni4,p,0,5,10\n"
    )
    args = ["--scale", "0-100", "--level", "interval", "--criterion", "usefulness"]
    assert _agree(tmp_path, "--ratings", str(tmp_path / "r.csv"), *args) == 0
    captured = capsys.readouterr()
    assert "omitted" in captured.out  # the Fleiss column
    assert "warning: Fleiss' kappa omitted: it treats each of the 101 scale points" in captured.err
    assert _results(tmp_path)["criteria"]["usefulness"]["fleiss_kappa"] is None  # type: ignore[index]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--layout", "tall"], "--layout 'tall': expected one of long, wide, pandalm"),
        (["--layout", "qags", "--item-column", "idx"], "describe the wide layout, not qags"),
    ],
)
def test_layout_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    (tmp_path / "r.csv").write_text(WIDE)
    assert _agree(tmp_path, str(tmp_path / "r.csv"), *args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
