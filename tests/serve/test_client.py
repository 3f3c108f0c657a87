"""The reward client: one reused connection, retries with backoff on 503 (Retry-After), no
retry on 4xx, timeouts, a token that is sent but never shown."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

pytest.importorskip("httpx")

from rewardkit.models import http_client
from rewardkit.serve.client import (
    AsyncRewardClient,
    RewardClient,
    RewardServerError,
)


class Plan:
    """Answers to give, in order (then 200 with rewards = lengths); what was received."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, dict[str, str], dict[str, Any]]] = []
        self.delay = 0.0
        self.bodies: list[dict[str, Any]] = []
        self.auth: list[str | None] = []
        self.connections = 0
        self.paths: list[str] = []
        self.lock = threading.Lock()


def raw_http(status: str, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    head = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Connection: close"]
    head += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def misbehave(sock: socket.socket, path: str, body: dict[str, Any]) -> None:
    """Answers a well-behaved server never gives (paths under ``/raw/``)."""
    kind = path.split("?")[0].removeprefix("/raw/").removesuffix("/get_reward")
    ok = json.dumps({"rewards": [float(len(r)) for r in body.get("responses", [])]}).encode()
    try:
        if kind == "drip":  # one byte every 0.2 s: each read is quick, the whole never ends
            for byte in raw_http("200 OK", ok) * 50:
                sock.sendall(bytes([byte]))
                time.sleep(0.2)
        elif kind == "huge":
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 400000000\r\n\r\n" + b"[" * 1000)
        elif kind == "endless":
            sock.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            for _ in range(2000):
                sock.sendall(b"10000\r\n" + b"7" * 65536 + b"\r\n")
        elif kind == "same-origin":
            sock.sendall(raw_http("307 Temporary Redirect", b"", {"Location": "/ok?x=1"}))
        elif kind == "post-to-get":
            sock.sendall(raw_http("302 Found", b"", {"Location": "/ok"}))
        elif kind == "other-host":
            sock.sendall(raw_http("307 Temporary Redirect", b"", {"Location": "http://evil.test/"}))
        elif kind == "nested":
            sock.sendall(raw_http("200 OK", b'{"rewards": [[1.0]]}'))
        elif kind == "escapes":
            sock.sendall(
                raw_http("400 Bad Request", b"bad \x1b[2J\x1b]0;owned\x07 request\nline two")
            )
        elif kind == "not-http":
            sock.sendall(b"SSH-2.0-OpenSSH_9.6\r\nProtocol mismatch.\r\n\r\n")
        elif kind == "short":
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b'{"rewards": [')
    except OSError:
        return  # the client gave up: fine


def make_handler(plan: Plan) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse is visible

        def setup(self) -> None:
            super().setup()
            with plan.lock:
                plan.connections += 1

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            plan.paths.append(self.path)
            if self.path.startswith("/raw/"):
                self.close_connection = True
                return misbehave(self.connection, self.path, body)
            with plan.lock:
                plan.bodies.append(body)
                plan.auth.append(self.headers.get("Authorization"))
                answer = plan.answers.pop(0) if plan.answers else None
            if plan.delay:
                time.sleep(plan.delay)
            if answer is None:
                texts = body.get("responses") or body.get("query") or []
                answer = (200, {}, {"rewards": [float(len(t)) for t in texts]})
            status, headers, payload = answer
            data = json.dumps(payload).encode()
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            return

    return Handler


@pytest.fixture
def plan() -> Iterator[tuple[Plan, str]]:
    p = Plan()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(p))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield p, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The client's backoff waits, recorded instead of slept."""
    waited: list[float] = []

    async def record(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr(http_client, "_async_sleep", record)
    return waited


def busy(retry_after: str | None = "2") -> tuple[int, dict[str, str], dict[str, Any]]:
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    return 503, headers, {"error": "the queue is full"}


def test_retries_on_503_honouring_retry_after(plan: tuple[Plan, str], sleeps: list[float]) -> None:
    p, url = plan
    p.answers = [busy("2"), busy(None)]
    with RewardClient(url, retries=3, backoff=0.5) as client:
        assert client.get_reward(["q\nabc"]).tolist() == [5.0]
    # first wait: max(backoff 0.5, Retry-After 2); second: backoff doubled, no Retry-After
    assert sleeps == [2.0, 1.0]
    assert len(p.bodies) == 3


def test_gives_up_after_the_retries_with_the_last_answer(
    plan: tuple[Plan, str], sleeps: list[float]
) -> None:
    p, url = plan
    p.answers = [busy("1")] * 4
    with (
        RewardClient(url, retries=2, backoff=0.1) as client,
        pytest.raises(RewardServerError) as info,
    ):
        client.get_reward(["q\na"])
    assert info.value.status == 503
    assert str(info.value) == (
        f"cannot reach reward server at {url}/get_reward after 3 attempt(s): "
        "answered 503: the queue is full"
    )
    assert sleeps == [1.0, 1.0]


def test_client_errors_fail_at_once_with_the_servers_message(
    plan: tuple[Plan, str], sleeps: list[float]
) -> None:
    p, url = plan
    p.answers = [(422, {}, {"error": "query[0]: expected a string, got number"})]
    with RewardClient(url) as client, pytest.raises(RewardServerError) as info:
        client.get_reward(["q\na"])
    assert info.value.status == 422
    assert str(info.value) == (
        f"reward server {url}/get_reward answered 422: query[0]: expected a string, got number"
    )
    assert sleeps == []
    assert len(p.bodies) == 1


def test_one_connection_serves_every_request(plan: tuple[Plan, str]) -> None:
    p, url = plan
    with RewardClient(url) as client:
        for i in range(5):
            client.rewards(["q"], ["a" * i])
    assert p.connections == 1
    assert len(p.bodies) == 5


def test_token_is_sent_as_bearer_and_never_shown(plan: tuple[Plan, str]) -> None:
    p, url = plan
    client = RewardClient(url, token="s3cret-token")
    client.rewards(["q"], ["a"], query_separator="\n")
    client.close()
    assert p.auth == ["Bearer s3cret-token"]
    assert p.bodies == [{"prompts": ["q"], "responses": ["a"], "query": ["q\na"]}]
    assert "s3cret" not in repr(client)


def test_a_slow_server_times_out_and_is_retried(
    plan: tuple[Plan, str], sleeps: list[float]
) -> None:
    p, url = plan
    p.delay = 0.5
    with (
        RewardClient(url, timeout=0.1, retries=1) as client,
        pytest.raises(
            RewardServerError, match=r"after 2 attempt\(s\): did not answer within 0.1 s"
        ),
    ):
        client.get_reward(["q\na"])
    assert len(sleeps) == 1


def test_an_unreachable_server_fails_with_one_line(sleeps: list[float]) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    with RewardClient(url, retries=2) as client, pytest.raises(RewardServerError) as info:
        client.health()
    assert info.value.status is None
    assert "after 3 attempt(s): cannot connect to" in str(info.value)
    assert sleeps == [0.5, 1.0]


def test_wrong_answers_are_refused(plan: tuple[Plan, str], sleeps: list[float]) -> None:
    p, url = plan
    p.answers = [(200, {}, {"rewards": [1.0, 2.0]}), (200, {}, {"scores": [1.0]})]
    with RewardClient(url) as client:
        with pytest.raises(RewardServerError, match="returned 2 rewards for 1 inputs"):
            client.get_reward(["q\na"])
        with pytest.raises(RewardServerError, match="unexpected answer"):
            client.get_reward(["q\na"])


def test_async_client_retries_the_same_way(plan: tuple[Plan, str], sleeps: list[float]) -> None:
    p, url = plan
    p.answers = [busy("1")]

    async def run() -> list[float]:
        async with AsyncRewardClient(url, retries=1) as client:
            values: list[float] = (await client.rewards(["q"], ["abc"])).tolist()
            return values

    assert asyncio.run(run()) == [3.0]
    assert sleeps == [1.0]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("drip", "did not answer within 1 s"),
        ("huge", "announced a 400000000-byte answer; the limit is 1052672 bytes"),
        ("endless", "sent more than 1052672 bytes"),
        ("post-to-get", "answered 302, a redirect to"),
        ("other-host", "another host or scheme: refused"),
        ("nested", "sent rewards[0] = a list; expected a flat list of numbers"),
        ("escapes", r"answered 400: bad \x1b[2J\x1b]0;owned\x07 request\nline two"),
        ("not-http", "not valid HTTP"),
        ("short", "sent a short answer: 13 of 100 bytes"),
    ],
)
def test_a_misbehaving_server_ends_in_one_line_within_the_deadline(
    plan: tuple[Plan, str], sleeps: list[float], path: str, message: str
) -> None:
    _, url = plan
    started = time.monotonic()
    with (
        RewardClient(f"{url}/raw/{path}", timeout=1.0, retries=0) as client,
        pytest.raises(RewardServerError) as info,
    ):
        client.rewards(["q"], ["a"])
    assert message in str(info.value)
    assert "\n" not in str(info.value)
    assert time.monotonic() - started < 1.0 + 1.0  # the deadline plus scheduling slack


def test_same_origin_307_is_followed_and_the_query_kept(plan: tuple[Plan, str]) -> None:
    p, url = plan
    with RewardClient(f"{url}/raw/same-origin/get_reward?variant=b", timeout=5.0) as client:
        assert client.url == f"{url}/raw/same-origin"
        assert client.rewards(["q"], ["abc"]).tolist() == [3.0]
    assert p.paths == ["/raw/same-origin/get_reward?variant=b", "/ok?x=1"]
    assert p.bodies[-1] == {"prompts": ["q"], "responses": ["abc"]}  # the POST and its body


def test_threads_share_one_blocking_client(plan: tuple[Plan, str]) -> None:
    _, url = plan
    with RewardClient(url, timeout=5.0) as client, ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda n: client.rewards(["q"], ["a" * n]).tolist(), range(8)))
    assert got == [[float(n)] for n in range(8)]
