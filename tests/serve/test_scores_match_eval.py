"""Over loopback, with a real HTTP client against a real server: ``/get_reward`` and
``/score`` give the scores ``rewardkit eval`` gives for the same texts (to 1e-5), for an
``embed:`` model and a tiny ``hf:`` classifier, whatever the concurrency and however the
requests are merged into batches; pair probabilities come from the calibrator beside the model.
"""

from __future__ import annotations

import asyncio
import json
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest

from rewardkit.calibration import TemperatureScaling, save_calibrator
from rewardkit.cli.main import main
from rewardkit.data import PreferenceItem
from rewardkit.serve.client import AsyncRewardClient, RewardClient

pytest.importorskip("fastapi")
pytest.importorskip("transformers")

Server = Any  # conftest.Server
WAIT = 60.0  # seconds: the bound of every request in this file
ATOL = 1e-5


def preference_rows() -> list[dict[str, Any]]:
    """Items of varied lengths (so batches mix lengths); two with conversation prompts."""
    rows: list[dict[str, Any]] = []
    for i in range(10):
        rows.append(
            {
                "id": f"s{i}",
                "prompt": f"Question {i}: how do I cook dish number {i}?" + " Be brief." * (i % 3),
                "chosen": "Heat the pan, add oil, then cook it slowly. " * (1 + i % 4),
                "rejected": ["No idea.", " Just order food." * (1 + i % 2)],
            }
        )
    for i in range(2):
        rows.append(
            {
                "id": f"m{i}",
                "prompt": [
                    {"role": "user", "content": f"Name a capital, number {i}."},
                    {"role": "assistant", "content": "Which continent?"},
                    {"role": "user", "content": "Europe."},
                ],
                "chosen": "Paris is the capital of France.",
                "rejected": "Bananas." * (i + 1),
            }
        )
    return rows


def eval_scores(tmp_path: Path, spec: str) -> list[tuple[Any, str, float]]:
    """(prompt as JSON, response, score) of every response, as ``rewardkit eval`` scores them."""
    rows = preference_rows()
    data = tmp_path / "pairs.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    run = tmp_path / "eval-run"
    args = ["eval", "--data", str(data), "--model", spec, "--out", str(run)]
    assert main([*args, "--no-cache", "--bootstrap", "10"]) == 0
    scores = pd.read_parquet(run / "scores.parquet")
    by_key = {(r.item_id, int(r.response_index)): float(r.score) for r in scores.itertuples()}
    out = []
    for row in rows:
        responses = [row["chosen"]] if isinstance(row["chosen"], str) else row["chosen"]
        rejected = row["rejected"] if isinstance(row["rejected"], list) else [row["rejected"]]
        for j, response in enumerate([*responses, *rejected]):
            out.append((row["prompt"], response, by_key[(row["id"], j)]))
    return out


async def concurrent_rewards(url: str, inputs: list[tuple[Any, str, float]]) -> list[float]:
    """Every input scored once by 12 concurrent clients, in random groups of 1-4, half of the
    string-prompt groups sent the way OpenRLHF sends them (query + prompts)."""
    rng = random.Random(3)
    order = list(range(len(inputs)))
    rng.shuffle(order)
    groups: list[list[int]] = []
    while order:
        size = rng.randint(1, 4)
        groups.append(order[:size])
        order = order[size:]
    got: dict[int, float] = {}
    queue: asyncio.Queue[list[int]] = asyncio.Queue()
    for g in groups:
        queue.put_nowait(g)

    async def worker(seed: int) -> None:
        async with AsyncRewardClient(url, timeout=WAIT, retries=0) as client:
            while not queue.empty():
                group = queue.get_nowait()
                prompts = [inputs[i][0] for i in group]
                responses = [inputs[i][1] for i in group]
                if seed % 2 and all(isinstance(p, str) for p in prompts):
                    queries = [p + r for p, r in zip(prompts, responses, strict=True)]
                    values = await client.get_reward(queries, prompts)
                else:
                    values = await client.rewards(prompts, responses)
                got.update(zip(group, values.tolist(), strict=True))

    await asyncio.wait_for(asyncio.gather(*(worker(s) for s in range(12))), timeout=WAIT * 4)
    return [got[i] for i in range(len(inputs))]


@pytest.mark.parametrize("kind", ["embed", "hf"])
def test_served_scores_equal_eval_scores_whatever_the_concurrency(
    kind: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    start_server: Callable[..., Server],
    metric: Callable[..., float],
) -> None:
    folder = request.getfixturevalue("embed_model" if kind == "embed" else "tiny_classifier")
    spec = f"{kind}:{folder}"
    inputs = eval_scores(tmp_path, spec)
    expected = np.array([s for _, _, s in inputs])
    server = start_server(
        "--model", spec, "--no-cache", "--max-batch-size", "8", "--max-wait-ms", "20"
    )
    with RewardClient(server.url, timeout=WAIT, retries=0) as client:
        one_by_one = [client.rewards([p], [r])[0] for p, r, _ in inputs]
        answers = client.score([item_of(row) for row in preference_rows()])
    together = asyncio.run(concurrent_rewards(server.url, inputs))
    np.testing.assert_allclose(one_by_one, expected, rtol=0, atol=ATOL)
    np.testing.assert_allclose(together, expected, rtol=0, atol=ATOL)
    native = [s for a in answers for s in (*a.chosen_scores, *a.rejected_scores)]
    np.testing.assert_allclose(native, expected, rtol=0, atol=ATOL)
    text = httpx.get(server.url + "/metrics", timeout=WAIT).text
    # No cache: the model scored every input in each of the three passes ...
    assert metric(text, "rewardkit_model_inputs_total") == 3 * len(inputs)
    # ... and concurrent requests were merged: some rounds held several requests.
    rounds = metric(text, "rewardkit_round_requests_count")
    assert metric(text, "rewardkit_round_requests_sum") > rounds


def item_of(row: dict[str, Any]) -> PreferenceItem:
    def texts(value: str | list[str]) -> tuple[str, ...]:
        return (value,) if isinstance(value, str) else tuple(value)

    return PreferenceItem(row["id"], row["prompt"], texts(row["chosen"]), texts(row["rejected"]))


def test_score_probabilities_come_from_the_calibrator_beside_the_model(
    embed_model: Path, tmp_path: Path, start_server: Callable[..., Server]
) -> None:
    folder = tmp_path / "calibrated"
    shutil.copytree(embed_model, folder)
    calibrator = TemperatureScaling().fit([0.3, -0.2, 1.5, 0.7])
    save_calibrator(calibrator, folder / "calibrator.json")
    server = start_server("--model", f"embed:{folder}", "--no-cache")
    item = PreferenceItem("x", "How do I bake bread?", ("Knead, proof, bake.",), ("No.", "Buy it."))
    with RewardClient(server.url, timeout=WAIT) as client:
        (answer,) = client.score([item])
        raw = client.rewards([item.prompt] * 3, list(item.responses))
        body = client.request(
            "POST", "/score", {"items": [{"prompt": "q", "chosen": "a", "rejected": "b"}]}
        )
    assert body["probability"] == "TemperatureScaling calibrator"
    diffs = raw[0] - raw[1:]
    np.testing.assert_allclose(answer.probabilities, [calibrator.predict_proba(diffs)], atol=1e-9)
    assert not np.allclose(answer.probabilities, [1 / (1 + np.exp(-diffs))], atol=1e-3)
