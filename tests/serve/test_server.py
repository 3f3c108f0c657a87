"""A real ``rewardkit serve`` process over loopback: auth, limits, one-line errors, queue full,
timeouts, failure isolation, metrics, the score cache and a graceful SIGTERM."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from scipy.special import expit

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

Server = Any  # conftest.Server: a running ``rewardkit serve`` (url, log(), terminate())
Metric = Callable[..., float]

TOKEN = "tok-7c1f9e2a-only-in-the-file"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
WAIT = 30.0  # seconds: the bound of every request and poll in this file


@pytest.fixture(scope="module")
def guarded(
    start_module_server: Callable[..., Server], tmp_path_factory: pytest.TempPathFactory
) -> Server:
    """A picky python: model behind a token, with small limits and a 200 ms batching window."""
    token_file = tmp_path_factory.mktemp("auth") / "token"
    token_file.write_text(TOKEN + "\n")
    return start_module_server(
        "--model",
        "python:slow_rm:picky",
        "--no-cache",
        "--token-file",
        str(token_file),
        "--max-body-mb",
        "1",
        "--max-items",
        "8",
        "--max-queue",
        "16",
        "--max-batch-size",
        "8",
        "--max-wait-ms",
        "200",
    )


def post(server: Server, path: str, body: Any, **kwargs: Any) -> httpx.Response:
    headers = kwargs.pop("headers", AUTH)
    return httpx.post(server.url + path, json=body, headers=headers, timeout=WAIT, **kwargs)


def test_bearer_token_is_required_and_never_logged(guarded: Server) -> None:
    body = {"query": ["q\nabc"]}
    missing = post(guarded, "/get_reward", body, headers={})
    wrong = post(guarded, "/get_reward", body, headers={"Authorization": f"Bearer {TOKEN}x"})
    right = post(guarded, "/get_reward", body)
    assert (missing.status_code, missing.json()) == (401, {"error": "missing bearer token"})
    assert missing.headers["www-authenticate"] == "Bearer"
    assert (wrong.status_code, wrong.json()) == (401, {"error": "invalid bearer token"})
    assert right.status_code == 200
    assert right.json() == {"rewards": [3.0], "scores": [3.0], "extra_logs": {}}
    assert httpx.get(guarded.url + "/metrics", timeout=WAIT).status_code == 401
    assert httpx.get(guarded.url + "/health", timeout=WAIT).status_code == 200
    assert TOKEN not in guarded.log()


def test_a_50_mb_body_is_413(guarded: Server) -> None:
    big = b'{"query": ["' + b"x" * (50 << 20) + b'"]}'
    answer = httpx.post(guarded.url + "/get_reward", content=big, headers=AUTH, timeout=WAIT)
    assert answer.status_code == 413
    assert answer.json()["error"].endswith("exceeds the limit of 1048576 bytes (--max-body-mb)")

    def chunks() -> Any:  # no Content-Length: counted while it streams in
        for _ in range(4):
            yield b"x" * (512 << 10)

    streamed = httpx.post(guarded.url + "/get_reward", content=chunks(), headers=AUTH, timeout=WAIT)
    assert streamed.status_code == 413


def test_too_many_inputs_is_413(guarded: Server) -> None:
    answer = post(guarded, "/get_reward", {"prompts": ["q"] * 9, "responses": ["a"] * 9})
    assert answer.status_code == 413
    assert answer.json() == {"error": "9 inputs in one request; the limit is 8 (--max-items)"}


@pytest.mark.parametrize(
    ("content", "status", "error"),
    [
        (b'{"query": ["q\\na"', 400, "malformed JSON: Expecting ',' delimiter at line 1 column 18"),
        (b"[]", 400, "the body must be a JSON object, got list"),
        (b'{"query": [1]}', 422, "query[0]: expected a string, got number"),
        (b'{"items": []}', 422, "query: missing field"),
    ],
)
def test_bad_bodies_get_one_clear_line(
    guarded: Server, content: bytes, status: int, error: str
) -> None:
    answer = httpx.post(guarded.url + "/get_reward", content=content, headers=AUTH, timeout=WAIT)
    assert answer.status_code == status
    assert answer.json()["error"].startswith(error)


def test_a_failing_input_fails_only_its_own_request(guarded: Server, metric: Metric) -> None:
    bodies = {
        "good": {"prompts": ["q", "q"], "responses": ["abc", "de"]},
        "nan": {"prompts": ["q"], "responses": ["nan"]},
        "boom": {"prompts": ["q"], "responses": ["boom"]},
        "also good": {"query": ["q\nfghij"]},
    }
    hold = {"prompts": ["q"], "responses": ["wait"]}
    before = metric(
        httpx.get(guarded.url + "/metrics", headers=AUTH).text, "rewardkit_inputs_total"
    )
    with ThreadPoolExecutor(5) as pool:
        # A slow request holds the worker, so the four queue up and share the next round.
        holder = pool.submit(post, guarded, "/get_reward", hold)
        wait_until(  # queued, then taken by the worker, which sleeps over it
            guarded,
            metric,
            lambda m: m("rewardkit_inputs_total") == before + 1 and m("rewardkit_queue_depth") == 0,
        )
        futures = {k: pool.submit(post, guarded, "/get_reward", b) for k, b in bodies.items()}
        wait_until(guarded, metric, lambda m: m("rewardkit_queue_depth") == 5)
        answers = {k: f.result(WAIT) for k, f in futures.items()}
        assert holder.result(WAIT).json()["rewards"] == [4.0]
    assert answers["good"].json()["rewards"] == [3.0, 2.0]
    assert answers["also good"].json()["rewards"] == [5.0]
    assert answers["nan"].status_code == 422
    assert "returned 1 non-finite score(s)" in answers["nan"].json()["error"]
    assert answers["boom"].status_code == 500
    assert answers["boom"].json() == {"error": "internal error: RuntimeError: boom"}
    text = httpx.get(guarded.url + "/metrics", headers=AUTH, timeout=WAIT).text
    # The four shared one round, which failed and was scored again request by request.
    assert metric(text, "rewardkit_rounds_split_total") == 1
    assert httpx.get(guarded.url + "/health", timeout=WAIT).json()["status"] == "ok"


def test_score_gives_pair_probabilities(guarded: Server) -> None:
    body = {"items": [{"id": "a", "prompt": "q", "chosen": "abc", "rejected": ["a", "abcd"]}]}
    answer = post(guarded, "/score", body).json()
    assert answer["probability"] == "sigmoid(score difference)"
    assert answer["items"] == [
        {
            "id": "a",
            "chosen_scores": [3.0],
            "rejected_scores": [1.0, 4.0],
            "probabilities": [[pytest.approx(expit(2.0)), pytest.approx(expit(-1.0))]],
        }
    ]


def test_metrics_count_requests_inputs_and_batches(guarded: Server, metric: Metric) -> None:
    before = httpx.get(guarded.url + "/metrics", headers=AUTH, timeout=WAIT).text
    for n in (1, 2, 3):
        assert post(
            guarded, "/get_reward", {"prompts": ["p"] * n, "responses": ["r"] * n}
        ).is_success
    after = httpx.get(guarded.url + "/metrics", headers=AUTH, timeout=WAIT).text
    ok = {"endpoint": "/get_reward", "status": "200"}

    def grew(name: str, labels: dict[str, str] | None = None) -> float:
        return metric(after, name, labels) - metric(before, name, labels)

    assert grew("rewardkit_requests_total", ok) == 3
    assert grew("rewardkit_inputs_total") == 6
    assert grew("rewardkit_batch_size_sum") == 6
    assert grew("rewardkit_request_latency_seconds_count", {"endpoint": "/get_reward"}) == 3
    assert grew("rewardkit_model_inputs_total") == 3  # "r" after "p" is one distinct input
    assert metric(after, "rewardkit_queue_depth") == 0
    assert metric(after, "rewardkit_requests_in_progress") == 0


def test_repeated_texts_come_from_the_cache(
    start_server: Callable[..., Server], tmp_path: Path, metric: Metric
) -> None:
    server = start_server("--model", "python:slow_rm:picky", "--cache", str(tmp_path / "c.sqlite"))
    body = {"prompts": ["q", "q", "z"], "responses": ["abc", "de", "abc"]}
    first = post(server, "/get_reward", body, headers={}).json()["rewards"]
    second = post(server, "/get_reward", body, headers={}).json()["rewards"]
    assert first == second == [3.0, 2.0, 3.0]
    text = httpx.get(server.url + "/metrics", timeout=WAIT).text
    assert metric(text, "rewardkit_model_inputs_total") == 3
    assert metric(text, "rewardkit_cache_hits_total") == 3


def wait_until(
    server: Server, metric: Metric, ready: Callable[[Callable[[str], float]], bool]
) -> None:
    """Poll ``/metrics`` (bounded in time) until ``ready(value_of_metric)`` holds."""
    deadline = time.monotonic() + WAIT
    text = ""
    while time.monotonic() < deadline:
        text = httpx.get(server.url + "/metrics", headers=AUTH, timeout=WAIT).text
        if ready(lambda name, text=text: metric(text, name)):
            return
        time.sleep(0.02)
    raise AssertionError(f"the server never reached the expected state:\n{text}")


def test_a_full_queue_answers_503_with_retry_after(
    start_server: Callable[..., Server], metric: Metric, env_with: Callable[..., dict[str, str]]
) -> None:
    server = start_server(
        "--model",
        "python:slow_rm:score",
        "--no-cache",
        *("--max-batch-size", "1", "--max-wait-ms", "0", "--max-queue", "2", "--max-items", "2"),
        env=env_with(SLOW_RM_DELAY="1.0"),
    )
    body = {"prompts": ["q"], "responses": ["abc"]}
    with ThreadPoolExecutor(2) as pool:
        running = pool.submit(post, server, "/get_reward", body, headers={})
        wait_until(  # queued, then taken by the worker
            server,
            metric,
            lambda m: m("rewardkit_inputs_total") == 1 and m("rewardkit_queue_depth") == 0,
        )
        queued = pool.submit(
            post,
            server,
            "/get_reward",
            {"prompts": ["q", "q"], "responses": ["a", "b"]},
            headers={},
        )
        wait_until(server, metric, lambda m: m("rewardkit_queue_depth") == 2)
        refused = post(server, "/get_reward", body, headers={})
        assert refused.status_code == 503
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.json()["error"].startswith("the queue is full (2 of 2 inputs waiting)")
        assert running.result(WAIT).json()["rewards"] == [3.0]
        assert queued.result(WAIT).json()["rewards"] == [1.0, 1.0]


def test_a_request_not_scored_in_time_is_504(
    start_server: Callable[..., Server], env_with: Callable[..., dict[str, str]]
) -> None:
    server = start_server(
        "--model",
        "python:slow_rm:score",
        "--no-cache",
        "--request-timeout",
        "0.3",
        env=env_with(SLOW_RM_DELAY="1.0"),
    )
    answer = post(server, "/get_reward", {"query": ["q\nabc"]}, headers={})
    assert answer.status_code == 504
    assert answer.json() == {"error": "not scored within 0.3 s (--request-timeout)"}
    assert httpx.get(server.url + "/health", timeout=WAIT).status_code == 200


def test_sigterm_under_load_answers_every_accepted_request(
    start_server: Callable[..., Server], metric: Metric, env_with: Callable[..., dict[str, str]]
) -> None:
    server = start_server(
        "--model",
        "python:slow_rm:score",
        "--no-cache",
        *("--max-batch-size", "2", "--max-wait-ms", "0"),
        env=env_with(SLOW_RM_DELAY="0.3"),
    )
    n = 8
    bodies = [
        {"prompts": ["q"] * (1 + i % 2), "responses": ["x" * (i + 1)] * (1 + i % 2)}
        for i in range(n)
    ]
    with ThreadPoolExecutor(n) as pool:
        futures = [pool.submit(post, server, "/get_reward", b, headers={}) for b in bodies]
        total = sum(len(b["responses"]) for b in bodies)
        # Every request accepted (its inputs counted at the queue) while some still wait.
        wait_until(
            server,
            metric,
            lambda m: m("rewardkit_inputs_total") == total and m("rewardkit_queue_depth") > 0,
        )
        code = server.terminate(timeout=WAIT)
        answers = [f.result(WAIT) for f in futures]
    assert code == 0
    assert [a.status_code for a in answers] == [200] * n
    assert [a.json()["rewards"] for a in answers] == [
        [float(i + 1)] * (1 + i % 2) for i in range(n)
    ]
    assert "Shutting down" in server.log()
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url + "/health", timeout=2.0)


def test_cli_errors_are_one_line(tmp_path: Path, env_with: Callable[..., dict[str, str]]) -> None:
    import subprocess
    import sys

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "rewardkit", "serve", *args],
            capture_output=True,
            text=True,
            timeout=120,
            env=env_with(),
            check=False,
        )

    empty = tmp_path / "token"
    empty.write_text("\n")
    cases = {
        (
            "--model",
            "baseline:length",
            "--token-file",
            str(empty),
        ): f"{empty}: the token file is empty",
        (
            "--model",
            "baseline:length",
            "--max-items",
            "10",
            "--max-queue",
            "5",
        ): "max_items (10) must not exceed max_queue (5)",
        (
            "--model",
            "baseline:length",
            "--calibrated",
        ): "--calibrated: no calibrator.json beside baseline:length",
        ("--model", "nope:x"): "unknown model scheme 'nope'",
    }
    for args, message in cases.items():
        done = cli(*args)
        assert done.returncode == 2, done.stderr
        assert message in done.stderr
        assert "Traceback" not in done.stderr
