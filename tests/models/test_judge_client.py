"""The judge's HTTP engineering against a stub OpenAI-format server: retries with backoff on
429/5xx (bounded), Retry-After, deadlines, a clear error when the endpoint is unreachable, the
API key (sent, never shown), bounded concurrency, fields the server refuses."""

from __future__ import annotations

import time

import pytest

from judges.chat_server import free_port
from judges.openai_stub import OpenAIStub, StubConfig
from rewardkit.errors import ConfigError
from rewardkit.models.judge import PairwiseJudge, RubricJudge
from rewardkit.models.judge_client import JudgeEndpointError, chat_url
from rewardkit.models.judge_options import JudgeOptions

FAST = {"backoff": 0.01, "max_backoff": 0.05, "timeout": 10.0}


def _rubric(url: str, **options: object) -> RubricJudge:
    opts = JudgeOptions(url=url, mode="absolute", logprobs=False, **{**FAST, **options})
    return RubricJudge("stub-judge", opts)


def _one_rating(judge: RubricJudge) -> object:
    return judge.rate(["q"], ["fine [score=3]"], "usefulness", progress=False)[0].value


def test_429_and_503_are_retried_then_answered() -> None:
    with OpenAIStub(StubConfig(failures=[429, 503])) as stub:
        judge = _rubric(stub.url, retries=3)
        assert _one_rating(judge) == 3
        assert stub.n_requests == 3  # two planted failures, then the answer
        assert judge.usage.n_requests == 3
        assert judge.usage.n_answers == 1


def test_retries_are_bounded_and_the_error_is_one_line() -> None:
    with OpenAIStub(StubConfig(failures=[503] * 10)) as stub:
        judge = _rubric(stub.url, retries=2)
        with pytest.raises(JudgeEndpointError) as info:
            _one_rating(judge)
        assert stub.n_requests == 3
    message = str(info.value)
    assert "after 3 attempt(s): answered 503: planted 503" in message
    assert "\n" not in message
    assert info.value.status == 503


def test_retry_after_is_honoured_up_to_max_backoff() -> None:
    with OpenAIStub(StubConfig(failures=[429, 429], retry_after="0.4")) as stub:
        judge = _rubric(stub.url, retries=2, max_backoff=1.0)
        started = time.monotonic()
        assert _one_rating(judge) == 3
        assert time.monotonic() - started >= 0.8  # two waits of 0.4 s, not the 0.01 s backoff
        stub.config.failures = [429]
        capped = _rubric(stub.url, retries=1, max_backoff=0.05)
        started = time.monotonic()
        assert _one_rating(capped) == 3
        assert time.monotonic() - started < 0.4


def test_other_refusals_fail_at_once() -> None:
    with OpenAIStub() as stub:
        judge = RubricJudge("no-such-model", JudgeOptions(url=stub.url, mode="absolute", **FAST))
        with pytest.raises(JudgeEndpointError, match="answered 404: model 'no-such-model'"):
            _one_rating(judge)  # type: ignore[arg-type]
        assert stub.n_requests == 1


def test_an_unreachable_endpoint_is_a_clear_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    judge = _rubric(url, retries=1)
    with pytest.raises(JudgeEndpointError) as info:
        _one_rating(judge)
    message = str(info.value)
    assert f"cannot get an answer from the judge endpoint {url}/chat/completions" in message
    assert "after 2 attempt(s): cannot connect" in message
    assert "--judge-url" in message
    assert judge.usage.n_requests == 2


def test_the_deadline_is_per_attempt_and_retried() -> None:
    with OpenAIStub(StubConfig(delay=0.6)) as stub:
        judge = _rubric(stub.url, retries=1, timeout=0.2)
        with pytest.raises(JudgeEndpointError, match=r"no answer within 0\.2 s"):
            _one_rating(judge)
        assert judge.usage.n_requests == 2


def test_the_api_key_is_sent_and_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUDGE_TEST_KEY", "s3cret-value")
    with OpenAIStub(StubConfig(api_key="s3cret-value")) as stub:
        judge = _rubric(stub.url, api_key_env="JUDGE_TEST_KEY")
        assert _one_rating(judge) == 3
        assert stub.headers[0]["Authorization"] == "Bearer s3cret-value"
        shown = repr(judge) + judge.fingerprint() + judge.options.model_dump_json()
        assert "s3cret" not in shown
        monkeypatch.setenv("JUDGE_TEST_KEY", "wrong")
        with pytest.raises(JudgeEndpointError) as info:
            _one_rating(_rubric(stub.url, api_key_env="JUDGE_TEST_KEY"))
    assert "answered 401" in str(info.value)
    assert "api_key_env" in str(info.value)
    assert "wrong" not in str(info.value)
    monkeypatch.delenv("JUDGE_TEST_KEY")
    with pytest.raises(ConfigError, match="JUDGE_TEST_KEY: the environment variable is not set"):
        _rubric(stub.url, api_key_env="JUDGE_TEST_KEY")


def test_concurrency_is_bounded() -> None:
    with OpenAIStub(StubConfig(delay=0.15)) as stub:
        judge = _rubric(stub.url, concurrency=2)
        values = judge.rate(["q"] * 6, [f"r{i} [score=2]" for i in range(6)], "safety", False)
        assert [j.value for j in values] == [2] * 6
        assert stub.max_in_flight == 2


def test_a_refused_response_format_is_dropped_in_auto_mode() -> None:
    config = StubConfig(refuse_fields=("response_format",))
    with OpenAIStub(config) as stub:
        judge = PairwiseJudge("stub-judge", JudgeOptions(url=stub.url, **FAST))
        judged = judge.judge_pairs([("q", "pair-1 [good]", "pair-1 [bad]")], progress=False)
        assert judged[0].outcome == "x"
        assert judged[0].first.how == "pattern"
        assert judge.usage.dropped_fields == ["response_format"]
        assert "response_format" not in stub.bodies[-1]
        strict = PairwiseJudge("stub-judge", JudgeOptions(url=stub.url, structured="json", **FAST))
        with pytest.raises(ConfigError, match="structured: json needs a server that supports"):
            strict.judge_pairs([("q", "pair-1 [good]", "pair-1 [bad]")], progress=False)


def test_credentials_in_the_url_are_refused() -> None:
    with pytest.raises(ConfigError, match="credentials in the URL are refused") as info:
        chat_url("http://user:pw@127.0.0.1:8000/v1")
    assert "pw@" not in str(info.value)
