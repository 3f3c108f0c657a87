"""Fixtures of the judge tests: a real ``transformers serve`` with scripted tiny chat models."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from judges.chat_server import ChatServer, TransformersServer, build_scripted_chat


@pytest.fixture(scope="session")
def chat_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChatServer]:
    pytest.importorskip("transformers")
    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")
    root = tmp_path_factory.mktemp("chat")
    verdict_a = build_scripted_chat(root / "verdict-a", "Verdict: A")
    score_4 = build_scripted_chat(root / "score-4", "Score: 4")
    server = TransformersServer(root / "serve.log")
    try:
        yield ChatServer(server, verdict_a, score_4)
    finally:
        server.close()
