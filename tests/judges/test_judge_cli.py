"""``rewardkit judge rate`` end to end against the stub server: the judge as one more annotator
(``annotations agree`` on its ratings beside the humans'), comparisons from a responses table,
the options a spec file and the CLI give, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from judges.chat_server import free_port
from judges.openai_stub import OpenAIStub, StubConfig, planted_probabilities
from rewardkit.annotations.tables import read_comparisons
from rewardkit.cli.main import main
from rewardkit.jobs.judge import judge_options_for
from rewardkit.judges import JudgeConfig
from rewardkit.models.judge_options import JudgeOptions

SCORES = {"r1": 5, "r2": 4, "r3": 2, "r4": 1, "r5": 3, "r6": 4}


def _responses(tmp_path: Path) -> tuple[Path, Path]:
    """A responses table and its prompts table (the demo's layout)."""
    responses = tmp_path / "responses.csv"
    rows = [
        {"item_id": rid, "prompt_id": f"p{i // 2}", "text": f"answer {rid} [score={score}]"}
        for i, (rid, score) in enumerate(SCORES.items())
    ]
    pd.DataFrame(rows).to_csv(responses, index=False)
    prompts = tmp_path / "prompts.csv"
    pd.DataFrame(
        [{"prompt_id": f"p{i}", "prompt": f"question {i}", "domain": "d"} for i in range(3)]
    ).to_csv(prompts, index=False)
    return responses, prompts


def _expected_by_hand(score: int) -> float:
    mass = {int(t): p for t, p in planted_probabilities(score) if t.isdigit()}
    return sum(k * p for k, p in mass.items()) / sum(mass.values())


def _humans(tmp_path: Path) -> Path:
    rows = []
    for rid, score in SCORES.items():
        pid = f"p{(int(rid[1:]) - 1) // 2}"
        rows.append((rid, pid, "h1", "usefulness", score))
        rows.append((rid, pid, "h2", "usefulness", min(5, score + (rid == "r3"))))
    path = tmp_path / "humans.csv"
    pd.DataFrame(
        rows, columns=["item_id", "prompt_id", "annotator_id", "criterion", "value"]
    ).to_csv(path, index=False)
    return path


def test_judge_ratings_beside_human_ratings_feed_annotations_agree(tmp_path: Path) -> None:
    responses, prompts = _responses(tmp_path)
    out = tmp_path / "ratings.csv"
    with OpenAIStub() as stub:
        args = ["judge", "rate", "--data", str(responses), "--prompts", str(prompts)]
        args += ["--model", "judge:stub-judge", "--judge-url", stub.url, "--mode", "absolute"]
        args += ["--criterion", "usefulness", "--human-ratings", str(_humans(tmp_path))]
        args += ["--out", str(out), "--run-dir", str(tmp_path / "run")]
        assert main(args) == 0
        assert stub.n_requests == len(SCORES)
    ratings = pd.read_csv(out)
    judge = ratings[ratings["annotator_id"] == "judge:stub-judge"]
    assert dict(zip(judge["item_id"], judge["value"], strict=True)) == SCORES
    assert set(ratings["annotator_id"]) == {"h1", "h2", "judge:stub-judge"}
    assert set(judge["domain"]) == {"d"}
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    by_hand = [_expected_by_hand(score) for score in SCORES.values()]
    assert results["criteria"]["usefulness"]["n_expected"] == len(SCORES)
    assert results["criteria"]["usefulness"]["mean_expected"] == pytest.approx(sum(by_hand) / 6)
    judgments = pd.read_parquet(tmp_path / "run" / "judgments.parquet")
    assert judgments["text"].tolist() == [json.dumps({"score": s}) for s in SCORES.values()]
    agree = ["annotations", "agree", "--ratings", str(out), "--out", str(tmp_path / "agree")]
    assert main(agree) == 0
    report = json.loads((tmp_path / "agree" / "results.json").read_text())
    pairs = report["criteria"]["usefulness"]["pairwise_cohen"]
    judge_vs_h1 = next(
        p for p in pairs if {p["rater_a"], p["rater_b"]} == {"h1", "judge:stub-judge"}
    )
    assert judge_vs_h1["kappa"] == 1.0  # the stub judge rates exactly as h1
    assert report["criteria"]["usefulness"]["n_annotators"] == 3


def test_pairwise_on_a_responses_table_writes_comparisons(tmp_path: Path) -> None:
    responses, prompts = _responses(tmp_path)
    rows = pd.read_csv(responses)
    rows["text"] = ["pair-1 [good]", "pair-1 [bad]", "pair-2 [bad]", "pair-2 [good]", "x", "y"]
    rows.to_csv(responses, index=False)
    with OpenAIStub() as stub:
        args = ["judge", "rate", "--data", str(responses), "--prompts", str(prompts)]
        args += ["--model", "judge:stub-judge", "--judge-url", stub.url]
        args += ["--out", str(tmp_path / "c.csv"), "--run-dir", str(tmp_path / "run")]
        assert main(args) == 0
        assert stub.n_requests == 6  # three prompts, one pair each, both orders
    comparisons = read_comparisons(tmp_path / "c.csv")
    assert comparisons[["prompt_id", "item_a", "item_b", "preference"]].values.tolist() == [
        ["p0", "r1", "r2", "a"],
        ["p1", "r3", "r4", "b"],
        ["p2", "r5", "r6", "tie"],
    ]
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    assert results["accuracy"] is None  # unlabelled pairs
    assert results["position_bias"]["consistency"]["value"] == 1.0


def test_options_come_from_config_then_spec_then_cli(tmp_path: Path) -> None:
    config = JudgeConfig(judge={"url": "http://config:1/v1", "retries": 1, "concurrency": 2})
    spec = JudgeOptions(url="http://spec:2/v1", concurrency=3)
    merged = judge_options_for(spec, config, {"concurrency": 9, "timeout": None})
    assert (merged.url, merged.retries, merged.concurrency, merged.timeout) == (
        "http://spec:2/v1",
        1,
        9,
        120.0,
    )


def test_a_yaml_spec_carries_the_judge_options(tmp_path: Path) -> None:
    responses, prompts = _responses(tmp_path)
    with OpenAIStub(StubConfig(prompt_tokens=1_000_000, completion_tokens=0)) as stub:
        spec = tmp_path / "judge.yaml"
        spec.write_text(
            yaml.safe_dump(
                {
                    "model": "judge:stub-judge",
                    "judge": {
                        "url": stub.url,
                        "mode": "absolute",
                        "prices": {"stub-judge": {"input": 0.5, "output": 2.0}},
                    },
                }
            )
        )
        args = ["judge", "rate", "--data", str(responses), "--prompts", str(prompts)]
        args += ["--model", str(spec), "--criterion", "safety"]
        args += ["--out", str(tmp_path / "r.csv"), "--run-dir", str(tmp_path / "run")]
        assert main(args) == 0
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    assert results["mode"] == "absolute"
    assert results["cost_usd"] == pytest.approx(len(SCORES) * 0.5)
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["config"]["judge"]["url"] == stub.url


def test_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    responses, prompts = _responses(tmp_path)
    base = ["judge", "rate", "--data", str(responses), "--prompts", str(prompts)]
    base += ["--out", str(tmp_path / "r.csv"), "--run-dir", str(tmp_path / "run")]
    url = f"http://127.0.0.1:{free_port()}/v1"
    dead = [*base, "--model", "judge:m", "--judge-url", url, "--retries", "0", "--mode", "absolute"]
    assert main(dead) == 2
    err = capsys.readouterr().err
    assert f"error: cannot get an answer from the judge endpoint {url}/chat/completions" in err
    assert err.count("\n") == 1
    assert main([*base, "--model", "baseline:length"]) == 2
    assert "rewardkit judge needs a judge: model" in capsys.readouterr().err
    assert main([*base, "--model", "judge:m", "--concurrency", "0"]) == 2
    assert "invalid judge options: concurrency" in capsys.readouterr().err
    with OpenAIStub() as stub:
        bad = [*base, "--model", "judge:stub-judge", "--judge-url", stub.url, "--mode", "absolute"]
        assert main([*bad, "--criterion", "style"]) == 2
        assert stub.n_requests == 0  # refused before any question
    assert "no rubric for criterion 'style'" in capsys.readouterr().err
    broken = tmp_path / "broken.csv"
    broken.write_text("item_id,prompt_id,text\nr1,p9,hello\n")
    args = ["judge", "rate", "--data", str(broken), "--prompts", str(prompts), "--model", "judge:m"]
    assert main([*args, "--out", str(tmp_path / "r.csv"), "--run-dir", str(tmp_path / "b")]) == 2
    assert (
        f"{broken}: row 1: field 'prompt_id': prompt 'p9' has no row in" in capsys.readouterr().err
    )


def test_the_shipped_config_holds_the_defaults() -> None:
    from rewardkit.config import load_config

    path = Path(__file__).resolve().parents[2] / "configs" / "judge.yaml"
    loaded = load_config(JudgeConfig, path, {})
    assert loaded == JudgeConfig()
    assert set(yaml.safe_load(path.read_text())["judge"]) == set(JudgeOptions.model_fields)


def test_no_cache_asks_afresh_even_when_the_spec_names_a_cache(tmp_path: Path) -> None:
    responses, prompts = _responses(tmp_path)
    with OpenAIStub() as stub:
        spec = tmp_path / "judge.yaml"
        judge = {"url": stub.url, "mode": "absolute", "cache": str(tmp_path / "answers.sqlite")}
        spec.write_text(yaml.safe_dump({"model": "judge:stub-judge", "judge": judge}))
        args = ["judge", "rate", "--data", str(responses), "--prompts", str(prompts)]
        args += ["--model", str(spec), "--criterion", "safety", "--out", str(tmp_path / "r.csv")]
        for run in ("a", "b"):
            assert main([*args, "--run-dir", str(tmp_path / run), "--no-cache"]) == 0
        assert stub.n_requests == 2 * len(SCORES)
        assert not (tmp_path / "answers.sqlite").exists()
        assert main([*args, "--run-dir", str(tmp_path / "c")]) == 0  # the score cache keeps them
        assert main([*args, "--run-dir", str(tmp_path / "d")]) == 0
        assert stub.n_requests == 3 * len(SCORES)


def test_a_criterion_named_twice_is_rated_once(tmp_path: Path) -> None:
    from rewardkit.annotations.tables import Scale, read_ratings

    responses, prompts = _responses(tmp_path)
    with OpenAIStub() as stub:
        args = ["judge", "rate", "--data", str(responses), "--prompts", str(prompts)]
        args += ["--model", "judge:stub-judge", "--judge-url", stub.url, "--mode", "absolute"]
        args += ["--criterion", "safety", "--criterion", "safety"]
        assert (
            main([*args, "--out", str(tmp_path / "r.csv"), "--run-dir", str(tmp_path / "run")]) == 0
        )
        assert stub.n_requests == len(SCORES)
    assert len(read_ratings(tmp_path / "r.csv", scale=Scale(1, 5))) == len(SCORES)
