"""The judge as a model, against the stub OpenAI-format server: both orders, JSON schema and
pattern answers, the repair question, G-Eval expected scores (by hand), the response cache
(a rerun sends nothing), round-robin item scores."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from judges.openai_stub import OpenAIStub, StubConfig, planted_probabilities
from rewardkit.data.records import PreferenceItem
from rewardkit.models.judge import MIDPOINT, PairwiseJudge, RubricJudge, from_spec
from rewardkit.models.judge_options import JudgeOptions, TokenPrice
from rewardkit.models.options import ModelOptions
from rewardkit.models.spec import ModelSpec
from rewardkit.scoring import ScoreCache

FAST = {"backoff": 0.01, "max_backoff": 0.05, "timeout": 10.0}
PAIRS = [("Which?", f"pair-{i} [good] yes", f"pair-{i} [bad] no") for i in range(3)]


def _pairwise(url: str, **options: object) -> PairwiseJudge:
    return PairwiseJudge("stub-judge", JudgeOptions(url=url, **{**FAST, **options}))


def _rubric(url: str, **options: object) -> RubricJudge:
    return RubricJudge("stub-judge", JudgeOptions(url=url, mode="absolute", **{**FAST, **options}))


def _by_hand(score: int) -> float:
    """Expected score of the stub's planted distribution, renormalised over the digits."""
    mass = {int(t): p for t, p in planted_probabilities(score) if t.isdigit()}
    return sum(k * p for k, p in mass.items()) / sum(mass.values())


@pytest.mark.parametrize("structured", [True, False])
def test_pairwise_asks_both_orders_and_reads_json_or_the_pattern(structured: bool) -> None:
    with OpenAIStub(StubConfig(structured=structured)) as stub:
        judge = _pairwise(stub.url)
        judged = judge.judge_pairs(PAIRS, progress=False)
        assert stub.n_requests == 2 * len(PAIRS)
        users = [b["messages"][-1]["content"] for b in stub.bodies]
    assert [p.outcome for p in judged] == ["x", "x", "x"]
    assert [(p.first.value, p.second.value) for p in judged] == [("A", "B")] * 3
    assert {p.first.how for p in judged} == {"json" if structured else "pattern"}
    # each pair was shown once with x first and once with y first
    for i in range(3):
        shown = sorted(u.index("[good]") < u.index("[bad]") for u in users if f"pair-{i} " in u)
        assert shown == [False, True]
    assert all(p.first.text and p.second.text for p in judged)  # raw judge text kept


def test_an_unreadable_answer_gets_one_repair_question() -> None:
    with OpenAIStub(StubConfig(garble_first=True, structured=False)) as stub:
        judge = _pairwise(stub.url)
        judged = judge.judge_pairs(PAIRS[:1], progress=False)
        repairs = [b for b in stub.bodies if len(b["messages"]) > 2]
    assert stub.n_requests == 4  # two questions, each with one repair
    assert judged[0].outcome == "x"
    assert judged[0].first.how == "repair"
    assert judged[0].first.text == "Both answers have merits; I cannot decide."
    assert judged[0].first.repair_text == "Fine.\nVerdict: A"
    assert judge.usage.n_repairs == 2
    messages = repairs[0]["messages"]
    assert messages[-2] == {"role": "assistant", "content": judged[0].first.text}
    assert messages[-1]["content"] == judge.engine.template.repair


def test_still_unreadable_after_repair_is_a_tie_or_the_midpoint_and_warned() -> None:
    with OpenAIStub(StubConfig(garble_always=True)) as stub:
        judge = _pairwise(stub.url)
        with pytest.warns(UserWarning, match="1 of 1 pair\\(s\\) had an unreadable verdict"):
            judged = judge.judge_pairs(PAIRS[:1], progress=False)
        assert stub.n_requests == 4  # bounded: one repair each, no more
        assert judged[0].outcome == "tie"
        assert judged[0].pattern == "invalid"
        rubric = _rubric(stub.url)
        with pytest.warns(UserWarning, match="scored 3, the middle of the scale"):
            scores = rubric.score(["q"], ["[score=5]"])
    assert scores.tolist() == [MIDPOINT]
    assert judge.usage.n_unreadable == 2


@pytest.mark.parametrize("structured", [True, False])
@pytest.mark.parametrize("score", [1, 4, 5])
def test_absolute_expected_score_from_logprobs_by_hand(structured: bool, score: int) -> None:
    with OpenAIStub(StubConfig(structured=structured)) as stub:
        judge = _rubric(stub.url)
        judged = judge.rate(["q"], [f"answer [score={score}]"], "factuality", progress=False)
        assert stub.bodies[0]["logprobs"] is True
        assert stub.bodies[0]["top_logprobs"] == 5
        assert judge.score(["q"], [f"answer [score={score}]"])[0] == pytest.approx(_by_hand(score))
    assert judged[0].value == score
    assert judged[0].expected == pytest.approx(_by_hand(score), abs=1e-12)
    assert sum(judged[0].probabilities or ()) == pytest.approx(1.0)


def test_without_logprobs_the_score_is_the_integer_read() -> None:
    with OpenAIStub(StubConfig(logprobs=False)) as stub:
        judge = _rubric(stub.url)
        assert judge.score(["q", "q"], ["[score=2]", "[score=5]"]).tolist() == [2.0, 5.0]
        no_ask = _rubric(stub.url, logprobs=False)
        no_ask.score(["q"], ["[score=2]"])
        assert "logprobs" not in stub.bodies[-1]


def test_a_rerun_sends_nothing_and_reads_the_same_judgments(tmp_path: Path) -> None:
    cache = tmp_path / "scores.sqlite"
    with OpenAIStub() as stub:
        first = _pairwise(stub.url, cache=str(cache)).judge_pairs(PAIRS, progress=False)
        sent = stub.n_requests
        again = _pairwise(stub.url, cache=str(cache))
        second = again.judge_pairs(PAIRS, progress=False)
        assert stub.n_requests == sent == 6
    assert again.usage.n_requests == 0
    assert again.usage.n_cached == 6
    assert [(p.first, p.second) for p in second] == [
        (
            type(p.first)(**{**p.first.__dict__, "cached": True}),
            type(p.second)(**{**p.second.__dict__, "cached": True}),
        )
        for p in first
    ]


def test_the_cache_key_holds_the_template_and_the_endpoint_model(tmp_path: Path) -> None:
    cache = str(tmp_path / "scores.sqlite")
    template = tmp_path / "mine.yaml"
    template.write_text("user: $prompt | $response_a | $response_b\nrepair: Verdict line only.\n")
    with OpenAIStub() as stub:
        _pairwise(stub.url, cache=cache).judge_pairs(PAIRS[:1], progress=False)
        _pairwise(stub.url, cache=cache, template=str(template)).judge_pairs(PAIRS[:1], False)
        assert stub.n_requests == 4  # another template: asked afresh
        _pairwise(stub.url, cache=cache, temperature=0.5).judge_pairs(PAIRS[:1], False)
        assert stub.n_requests == 6  # other decoding settings: asked afresh
        stub.config.model = "other-judge"
        other = PairwiseJudge("other-judge", JudgeOptions(url=stub.url, cache=cache, **FAST))
        other.judge_pairs(PAIRS[:1], progress=False)
        assert stub.n_requests == 8  # another endpoint model: asked afresh


def test_answers_live_in_the_score_cache_file_attached(tmp_path: Path) -> None:
    with OpenAIStub() as stub, ScoreCache(tmp_path / "scores.sqlite") as cache:
        judge = _pairwise(stub.url)
        judge.attach_cache(cache)
        judge.judge_pairs(PAIRS[:1], progress=False)
        rerun = _pairwise(stub.url)
        rerun.attach_cache(cache)
        rerun.judge_pairs(PAIRS[:1], progress=False)
        assert stub.n_requests == 2
        cache.put_scores("m", ["h"], [1.0])  # the score cache keeps working beside the table
        assert cache.get_scores("m", ["h"]) == {"h": 1.0}


def test_tokens_and_cost_are_counted_from_the_price_config() -> None:
    prices = {"stub-judge": TokenPrice(input=2.0, output=8.0)}
    with OpenAIStub(StubConfig(prompt_tokens=1000, completion_tokens=50)) as stub:
        judge = _pairwise(stub.url, prices=prices)
        judge.judge_pairs(PAIRS, progress=False)
    usage = judge.usage
    assert (usage.prompt_tokens, usage.completion_tokens) == (6000, 300)
    assert usage.cost_usd == pytest.approx((6000 * 2.0 + 300 * 8.0) / 1e6)


def test_items_are_scored_round_robin_by_copeland() -> None:
    items = [
        PreferenceItem("p", "q", ("pair-1 [good] a",), ("pair-1 [bad] b", "pair-1 [bad] c")),
        PreferenceItem("r", "q", ("pair-2 plain",), ("pair-2 [good] d",)),
    ]
    with OpenAIStub() as stub:
        scores = _pairwise(stub.url).score_items(items)
        assert stub.n_requests == 2 * (3 + 1)
    # p: the chosen beats both rejected (2), the two rejected tie (0.5 each);
    # r: one [good] against an unmarked response: the stub says tie in both orders.
    np.testing.assert_array_equal(scores, [2.0, 0.5, 0.5, 0.5, 0.5])


def test_from_spec_picks_the_mode_and_the_fingerprint_names_what_changes_scores() -> None:
    pairwise = from_spec(ModelSpec.of("judge:m", ModelOptions()))
    absolute = from_spec(ModelSpec.of("judge:m", ModelOptions(judge=JudgeOptions(mode="absolute"))))
    assert isinstance(pairwise, PairwiseJudge)
    assert isinstance(absolute, RubricJudge)
    safety = from_spec(
        ModelSpec.of(
            "judge:m", ModelOptions(judge=JudgeOptions(mode="absolute", criterion="safety"))
        )
    )
    assert len({pairwise.fingerprint(), absolute.fingerprint(), safety.fingerprint()}) == 3
