"""Against a real OpenAI-compatible server started here: ``transformers serve`` with scripted
tiny chat models (one always answers "Verdict: A", one "Score: 4"). That server ignores
``response_format`` and ``logprobs``, so the judge falls back to the strict pattern; request
counts come from the server's own access log."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml

from judges.chat_server import ChatServer
from rewardkit.cli.main import main
from rewardkit.models.judge import PairwiseJudge, RubricJudge
from rewardkit.models.judge_options import JudgeOptions

pytestmark = pytest.mark.slow


def _settled(chat: ChatServer) -> int:
    """The server's request count once its access log stops growing (bounded wait)."""
    last, deadline = chat.server.count(), time.monotonic() + 10
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = chat.server.count()
        if now == last:
            return now
        last = now
    return last


def _pairs(path: Path, n: int) -> Path:
    rows = [
        {"id": f"p{i}", "prompt": f"Question {i}?", "chosen": f"good {i}", "rejected": f"bad {i}"}
        for i in range(n)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_pairwise_both_orders_through_a_real_server(chat_server: ChatServer) -> None:
    before = _settled(chat_server)
    judge = PairwiseJudge(
        str(chat_server.verdict_a), JudgeOptions(url=chat_server.server.url, max_tokens=16)
    )
    judged = judge.judge_pairs([("2+2?", "4", "5"), ("Capital of France?", "Paris", "Rome")])
    assert _settled(chat_server) - before == 4  # two pairs, both orders
    for pair in judged:
        assert (pair.first.text, pair.second.text) == ("Verdict: A", "Verdict: A")
        assert (pair.first.how, pair.second.how) == ("pattern", "pattern")  # no JSON schema
        assert pair.pattern == "AA"  # a judge that always names position A ...
        assert pair.outcome == "tie"  # ... is position-inconsistent: a tie
        assert pair.first.prompt_tokens > 0
        assert pair.first.completion_tokens > 0
    assert judge.usage.n_requests == 4


def test_absolute_scores_through_a_real_server(chat_server: ChatServer) -> None:
    judge = RubricJudge(
        str(chat_server.score_4),
        JudgeOptions(url=chat_server.server.url, mode="absolute", max_tokens=16),
    )
    judged = judge.rate(["How do I boil an egg?"], ["Boil it for 8 minutes."], "usefulness")
    assert judged[0].value == 4
    assert judged[0].expected is None  # the server ignores logprobs
    assert judge.score(["q"], ["a"]).tolist() == [4.0]


def test_judge_rate_rerun_makes_zero_http_calls(chat_server: ChatServer, tmp_path: Path) -> None:
    responses = tmp_path / "responses.jsonl"
    rows = [
        {"item_id": f"r{i}", "prompt_id": "p", "prompt": "Hi?", "response": f"Hello {i}"}
        for i in range(3)
    ]
    responses.write_text("".join(json.dumps(r) + "\n" for r in rows))
    args = ["judge", "rate", "--data", str(responses), "--model", f"judge:{chat_server.score_4}"]
    args += ["--judge-url", chat_server.server.url, "--mode", "absolute", "--max-tokens", "16"]
    args += ["--criterion", "usefulness", "--criterion", "safety"]
    args += ["--cache", str(tmp_path / "cache.sqlite"), "--annotator", "tiny-judge"]
    before = _settled(chat_server)
    assert (
        main([*args, "--out", str(tmp_path / "oa" / "r.csv"), "--run-dir", str(tmp_path / "a")])
        == 0
    )
    first = _settled(chat_server)
    assert first - before == 6  # 3 responses x 2 criteria
    assert (
        main([*args, "--out", str(tmp_path / "ob" / "r.csv"), "--run-dir", str(tmp_path / "b")])
        == 0
    )
    assert _settled(chat_server) == first  # the rerun asked the server nothing
    assert (tmp_path / "oa" / "r.csv").read_bytes() == (tmp_path / "ob" / "r.csv").read_bytes()
    results = [json.loads((tmp_path / d / "results.json").read_text()) for d in "ab"]
    assert results[0] == results[1]
    assert results[0]["criteria"]["safety"]["mean_score"] == 4.0
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["judge_usage"]["n_requests"] == 0
    assert manifest["judge_usage"]["n_cached"] == 6


@pytest.mark.parametrize("mode", ["pairwise", "absolute"])
def test_eval_with_a_judge_model_and_its_rerun(
    chat_server: ChatServer, tmp_path: Path, mode: str
) -> None:
    model = chat_server.verdict_a if mode == "pairwise" else chat_server.score_4
    spec = tmp_path / "judge.yaml"
    options = {"url": chat_server.server.url, "mode": mode, "max_tokens": 16}
    if mode == "pairwise":
        # eval hands its score cache to item-scoring models only once scoring/engine.py
        # attaches it to them (see the report); the spec names the file meanwhile.
        options["cache"] = str(tmp_path / "judge-answers.sqlite")
    spec.write_text(yaml.safe_dump({"model": f"judge:{model}", "judge": options}))
    data = _pairs(tmp_path / "pairs.jsonl", 4)
    args = ["eval", "--data", str(data), "--model", str(spec), "--bootstrap", "100"]
    args += ["--cache", str(tmp_path / "scores.sqlite")]
    before = _settled(chat_server)
    assert main([*args, "--out", str(tmp_path / "run1")]) == 0
    first = _settled(chat_server)
    # pairwise: 4 pairs asked in both orders; absolute: 8 responses rated once each
    assert first - before == 8
    results = json.loads((tmp_path / "run1" / "results.json").read_text())
    # "Verdict: A" in both orders is a tie for every pair; "Score: 4" ties every pair too
    assert results["metrics"]["accuracy"]["value"] == 0.5
    assert main([*args, "--out", str(tmp_path / "run2")]) == 0
    assert _settled(chat_server) == first  # the rerun made zero HTTP calls
    again = json.loads((tmp_path / "run2" / "results.json").read_text())
    assert again["metrics"] == results["metrics"]
