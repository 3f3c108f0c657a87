"""``rewardkit bon`` in-process: good input, comparisons, and one-line errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bon_data import write_candidates

from rewardkit.cli import bon_cmd  # noqa: F401  (registers the command until main.py imports it)
from rewardkit.cli.main import main

QUALITY = "python:bon_models:quality"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "cands.jsonl"
    write_candidates(path, n_prompts=40)
    return path


def _run(args: list[str]) -> int:
    return main(["bon", *args, "--bootstrap", "100", "--no-cache"])


def test_bon_command_compares_proxies(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    code = _run(
        [
            "--data",
            str(data),
            "--proxy",
            QUALITY,
            "--proxy",
            "baseline:length",
            "--gold-scores",
            "from-data",
            "--out",
            str(out),
            "--seed",
            "3",
        ]
    )
    assert code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "best-of-n on cands.jsonl: 40 prompts" in text
    assert f"gamma({QUALITY}) - gamma(baseline:length)" in text
    assert "by domain" in text
    assert "by subset" in text
    res = json.loads((out / "results.json").read_text())
    assert res["proxy"] == QUALITY
    assert res["gamma"]["value"] == pytest.approx(0.0, abs=1e-12)
    assert [p["spec"] for p in res["proxies"]] == [QUALITY, "baseline:length"]
    assert res["config"]["seed"] == 3
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["command"] == "bon"
    assert manifest["ended_at"] is not None


def test_bon_command_with_gold_model_and_group_by(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    code = _run(
        [
            "--data",
            str(data),
            "--proxy",
            "baseline:length",
            "--gold",
            QUALITY,
            "--out",
            str(out),
            "--group-by",
            "domain",
            "--n-max",
            "4",
        ]
    )
    assert code == 0
    res = json.loads((out / "results.json").read_text())
    assert list(res["proxies"][0]["groups"]) == ["domain"]
    assert res["curves"]["n"] == [1, 2, 3, 4]
    assert res["gold"] == {
        "source": "model",
        "spec": QUALITY,
        "fingerprint": res["gold"]["fingerprint"],
    }


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            ["--proxy", "baseline:length", "--gold-scores", "from-data"],
            "nope.jsonl: file not found",
        ),
        (["--proxy", "nosuch:x", "--gold-scores", "from-data"], "unknown model scheme"),
        (
            ["--proxy", "baseline:length", "--gold-scores", "gold-missing.jsonl"],
            "gold-missing.jsonl: gold scores file not found",
        ),
        (["--proxy", "baseline:length"], "give exactly one gold signal"),
    ],
)
def test_bon_command_bad_input_is_one_line(
    extra: list[str],
    expected: str,
    data: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    target = "nope.jsonl" if "file not found" in expected and "gold" not in expected else str(data)
    code = _run(["--data", target, *extra, "--out", str(tmp_path / "run")])
    err = capsys.readouterr().err
    assert code == 2
    assert expected in " ".join(err.split())
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_bon_command_gold_scores_missing_response(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [json.loads(line) for line in data.read_text().splitlines()]
    wide = [{"item_id": r["id"], "scores": r["chosen_scores"] + r["rejected_scores"]} for r in rows]
    wide[4]["scores"] = wide[4]["scores"][:-1]  # one response short
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(w) + "\n" for w in wide))
    code = _run(
        [
            "--data",
            str(data),
            "--proxy",
            "baseline:length",
            "--gold-scores",
            str(gold),
            "--out",
            str(tmp_path / "run"),
        ]
    )
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2
    assert f"{gold}: row 5: field 'scores': expected" in err


def test_bon_command_items_with_too_few_candidates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(json.dumps({"prompt": "q", "chosen": "a", "rejected": "bb"}) + "\n")
    code = _run(
        [
            "--data",
            str(pairs),
            "--proxy",
            "baseline:length",
            "--gold-scores",
            "from-labels",
            "--out",
            str(tmp_path / "run"),
        ]
    )
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2
    assert "pairs.jsonl: every item has 2 candidate responses" in err
    empty = tmp_path / "empty.jsonl"
    empty.write_text(json.dumps({"prompt": "q", "chosen": ["a"], "rejected": []}) + "\n")
    code = _run(
        [
            "--data",
            str(empty),
            "--proxy",
            "baseline:length",
            "--gold-scores",
            "from-labels",
            "--out",
            str(tmp_path / "run"),
        ]
    )
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2
    assert "empty.jsonl: row 1: field 'rejected'" in err
