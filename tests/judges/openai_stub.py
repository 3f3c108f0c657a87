"""A small OpenAI-compatible chat server for tests: exact ``/v1/chat/completions`` answers
(``logprobs.content[].top_logprobs``, ``usage``, ``response_format``), planted judges, and
planted failures (429, 5xx, 400 for unsupported fields), on a loopback port.

The judge it plays reads markers in the question:

- pairwise: ``[good]`` and ``[bad]`` inside the two responses; it names the position of
  ``[good]`` (``tie`` when both or neither appear), unless the pair's ``pair-N`` tag is in
  ``biased``: then it names position A whatever is shown (a planted position bias);
- absolute: ``[score=N]`` inside the response; it answers ``N`` and, when asked, gives the
  log-probabilities of :func:`planted_probabilities` at the score token.

Every chat request is counted (:attr:`OpenAIStub.n_requests`) and kept (:attr:`bodies`).
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_SCORE = re.compile(r"\[score=([1-5])\]")
_PAIR = re.compile(r"\bpair-(\d+)\b")
_TOKEN = re.compile(r"\s*[A-Za-z]+|\s*\d|\s*[^\sA-Za-z\d]+")


def planted_probabilities(score: int) -> list[tuple[str, float]]:
    """The top alternatives the stub gives at the score token of ``score``: 0.6 on the score,
    0.3 on its upper neighbour (lower for 5), 0.05 on the other neighbour (or 3), 0.05 on a
    word."""
    up = score + 1 if score < 5 else score - 1
    other = score - 1 if 1 < score < 5 else 3
    return [(str(score), 0.6), (str(up), 0.3), (str(other), 0.05), ("Score", 0.05)]


@dataclass
class StubConfig:
    """How the stub behaves."""

    model: str = "stub-judge"
    structured: bool = True
    logprobs: bool = True
    refuse_fields: tuple[str, ...] = ()
    failures: list[int] = field(default_factory=list)
    retry_after: str | None = None
    delay: float = 0.0
    biased: frozenset[str] = frozenset()
    garble_first: bool = False
    garble_always: bool = False
    api_key: str | None = None
    prompt_tokens: int = 100
    completion_tokens: int = 10


class OpenAIStub:
    """The server; use as a context manager (``url`` is the ``/v1`` base URL)."""

    def __init__(self, config: StubConfig | None = None) -> None:
        self.config = config or StubConfig()
        self.n_requests = 0
        self.bodies: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._send(200, {"status": "ok"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path != "/v1/chat/completions":
                    self._send(404, {"error": {"message": f"no route {self.path}"}})
                    return
                with stub._lock:
                    stub.n_requests += 1
                    stub.in_flight += 1
                    stub.max_in_flight = max(stub.max_in_flight, stub.in_flight)
                    failure = stub.config.failures.pop(0) if stub.config.failures else None
                try:
                    if stub.config.delay:
                        time.sleep(stub.config.delay)
                    try:
                        body = json.loads(raw)
                    except ValueError:  # a client that gave up mid-request
                        self._send(400, {"error": {"message": "body is not JSON"}})
                        return
                    with stub._lock:
                        stub.bodies.append(body)
                        stub.headers.append(dict(self.headers.items()))
                    status, doc, extra = stub.answer(body, dict(self.headers.items()), failure)
                    self._send(status, doc, extra)
                finally:
                    with stub._lock:
                        stub.in_flight -= 1

            def _send(
                self, status: int, doc: dict[str, Any], extra: dict[str, str] | None = None
            ) -> None:
                data = json.dumps(doc).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (extra or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> OpenAIStub:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the judge ---------------------------------------------------------------------------

    def answer(
        self, body: dict[str, Any], headers: dict[str, str], failure: int | None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        cfg = self.config
        if failure is not None:
            extra = {"Retry-After": cfg.retry_after} if cfg.retry_after else {}
            return failure, {"error": {"message": f"planted {failure}"}}, extra
        if cfg.api_key is not None and headers.get("Authorization") != f"Bearer {cfg.api_key}":
            return 401, {"error": {"message": "invalid api key"}}, {}
        for name in cfg.refuse_fields:
            if name in body:
                return 400, {"error": {"message": f"{name} is not supported"}}, {}
        if body.get("model") != cfg.model:
            return 404, {"error": {"message": f"model {body.get('model')!r} not found"}}, {}
        messages = body["messages"]
        question = next(m["content"] for m in messages if m["role"] == "user")
        repair = sum(m["role"] == "user" for m in messages) > 1
        structured = cfg.structured and "response_format" in body
        score = _SCORE.search(question)
        if cfg.garble_always or (cfg.garble_first and not repair):
            text = "Both answers have merits; I cannot decide."
        elif score is not None:
            n = int(score.group(1))
            text = json.dumps({"score": n}) if structured else f"Clear enough.\nScore: {n}"
        else:
            verdict = self.verdict(question)
            text = json.dumps({"verdict": verdict}) if structured else f"Fine.\nVerdict: {verdict}"
        choice: dict[str, Any] = {
            "index": 0,
            "message": {"role": "assistant", "content": text},
            "logprobs": None,
            "finish_reason": "stop",
        }
        if body.get("logprobs") and cfg.logprobs:
            choice["logprobs"] = {"content": self.logprobs(text, int(body.get("top_logprobs", 0)))}
        doc = {
            "id": f"chatcmpl-{self.n_requests}",
            "object": "chat.completion",
            "created": 0,
            "model": cfg.model,
            "choices": [choice],
            "usage": {
                "prompt_tokens": cfg.prompt_tokens,
                "completion_tokens": cfg.completion_tokens,
                "total_tokens": cfg.prompt_tokens + cfg.completion_tokens,
            },
        }
        return 200, doc, {}

    def verdict(self, question: str) -> str:
        tag = _PAIR.search(question)
        if tag is not None and f"pair-{tag.group(1)}" in self.config.biased:
            return "A"
        good, bad = question.find("[good]"), question.find("[bad]")
        if good < 0 or bad < 0:
            return "tie"
        return "A" if good < bad else "B"

    @staticmethod
    def logprobs(text: str, top: int) -> list[dict[str, Any]]:
        tokens = _TOKEN.findall(text)
        assert "".join(tokens) == text, (tokens, text)
        out = []
        for tok in tokens:
            stripped = tok.strip()
            if stripped.isdigit() and len(stripped) == 1:
                alternatives = [
                    (tok.replace(stripped, alt) if alt.isdigit() else alt, p)
                    for alt, p in planted_probabilities(int(stripped))
                ]
            else:
                alternatives = [(tok, 1.0)]
            entries = [
                {"token": t, "logprob": math.log(p), "bytes": list(t.encode())}
                for t, p in alternatives[: max(top, 1)]
            ]
            out.append({**entries[0], "top_logprobs": entries if top else []})
        return out
