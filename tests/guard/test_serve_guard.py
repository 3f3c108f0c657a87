"""``rewardkit serve --guard POLICY``: a real server process applies the guard policy."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")

_spec = importlib.util.spec_from_file_location(
    "serve_fixtures", Path(__file__).resolve().parents[1] / "serve" / "conftest.py"
)
assert _spec is not None
assert _spec.loader is not None
serve_fixtures: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(serve_fixtures)

POLICY = """\
penalty: 5.0
checks:
  - {name: pii, type: pii, action: block}
  - {name: refusal, type: refusal, action: flag}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("guard-serve")
    policy = folder / "guard.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    srv = serve_fixtures.Server(
        ["--model", "baseline:length", "--no-cache", "--guard", str(policy)],
        folder / "server.log",
    )
    try:
        yield srv.wait_ready()
    finally:
        srv.stop()


def test_get_reward_penalises_blocked_responses(server: Any) -> None:
    responses = ["Paris is the capital.", "Write to jane@corp.org", "I cannot help with that."]
    body = {"prompts": ["q"] * 3, "responses": responses}
    got = httpx.post(server.url + "/get_reward", json=body, timeout=30).json()
    raw = [float(len(r)) for r in responses]  # baseline:length scores characters
    assert got["raw_rewards"] == raw
    assert got["rewards"] == [raw[0], raw[1] - 5.0, raw[2]]  # a flag costs nothing
    assert [g["blocked"] for g in got["guard"]] == [False, True, False]
    assert [g["flagged"] for g in got["guard"]] == [False, False, True]
    assert got["guard"][1]["reasons"] == "pii (block): email j***********g"
    assert "guard: pii, refusal" in server.log()


def test_score_reports_guard_beside_raw_scores(server: Any) -> None:
    body = {
        "items": [
            {"id": "a", "prompt": "q", "chosen": ["fine answer"], "rejected": ["call 415-555-0134"]}
        ]
    }
    got = httpx.post(server.url + "/score", json=body, timeout=30).json()
    item = got["items"][0]
    assert item["chosen_scores"] == [11.0]
    assert item["rejected_scores"] == [17.0]
    assert item["guard"]["chosen"][0]["blocked"] is False
    assert item["guard"]["rejected"][0]["penalty"] == 5.0
