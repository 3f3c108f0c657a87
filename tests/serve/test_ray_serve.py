"""``rewardkit serve --ray``: a Ray Serve deployment of the same app (two replicas on a local Ray
with fractional CPUs) answers the same scores as the scoring engine in this process."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rewardkit.data import PreferenceItem
from rewardkit.models import load_model
from rewardkit.scoring import score_items
from rewardkit.serve.client import RewardClient

pytest.importorskip("ray.serve")
pytest.importorskip("fastapi")
pytestmark = pytest.mark.slow

Server = Any  # conftest.Server
WAIT = 120.0


def test_ray_serve_replicas_answer_the_engines_scores(
    embed_model: Path, start_server: Callable[..., Server], tmp_path: Path
) -> None:
    spec = f"embed:{embed_model}"
    prompts = [f"Question {i}: what is {i} plus {i}?" for i in range(16)]
    responses = [f"It is {2 * i}." + " I am sure." * (i % 4) for i in range(16)]
    items = [
        PreferenceItem(str(i), p, (r,), ())
        for i, (p, r) in enumerate(zip(prompts, responses, strict=True))
    ]
    expected = score_items(load_model(spec), items).scores
    token = tmp_path / "token"
    token.write_text("ray-token\n")
    server = start_server(
        "--model",
        spec,
        "--ray",
        "--replicas",
        "2",
        "--replica-cpus",
        "0.5",
        "--no-cache",
        "--token-file",
        str(token),
    )
    with RewardClient(server.url, timeout=WAIT, token="ray-token", retries=0) as client:
        groups = [list(range(i, min(i + 3, 16))) for i in range(0, 16, 3)]

        def ask(group: list[int]) -> tuple[list[int], np.ndarray]:
            return group, client.rewards([prompts[i] for i in group], [responses[i] for i in group])

        with ThreadPoolExecutor(4) as pool:
            got = dict(
                pair for g, v in pool.map(ask, groups) for pair in zip(g, v.tolist(), strict=True)
            )
    np.testing.assert_allclose([got[i] for i in range(16)], expected, rtol=0, atol=1e-5)
    with (
        RewardClient(server.url, timeout=WAIT, retries=0) as anonymous,
        pytest.raises(Exception, match="401"),
    ):
        anonymous.rewards(prompts[:1], responses[:1])
    assert server.terminate(timeout=WAIT) == 0
