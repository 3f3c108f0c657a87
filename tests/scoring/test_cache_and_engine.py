"""The score cache, batch planning, and the engine's dedupe, NaN checks and resume."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from rewardkit.data import PreferenceItem, Prompt
from rewardkit.errors import RewardkitError
from rewardkit.scoring import ScoreCache, input_hash, plan_batches, score_items


class CountingModel:
    """Length scores; records every batch it is asked to score."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def score(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> np.ndarray:
        self.calls.append(len(responses))
        return np.array(
            [len(r) + 0.5 * len(str(p)) for p, r in zip(prompts, responses, strict=True)]
        )

    def fingerprint(self) -> str:
        return "counting/v1"


def _items(n: int = 30) -> list[PreferenceItem]:
    return [
        PreferenceItem(
            id=f"i{i}",
            prompt=f"prompt {i % 7}",
            chosen=("c" * (5 + i % 13),),
            rejected=("r" * (3 + i % 5), "same"),
        )
        for i in range(n)
    ]


def test_cache_round_trip_and_info(tmp_path: Path) -> None:
    with ScoreCache(tmp_path / "c.sqlite") as cache:
        cache.put_scores("m1", ["a", "b"], [1.0, 2.5])
        cache.put_scores("m2", ["a"], [9.0])
        cache.put_embeddings("enc", ["a"], np.arange(4, dtype=np.float32)[None])
        assert cache.get_scores("m1", ["a", "b", "c"]) == {"a": 1.0, "b": 2.5}
        assert cache.get_scores("m2", ["b"]) == {}
        np.testing.assert_array_equal(cache.get_embeddings("enc", ["a"])["a"], np.arange(4))
        info = cache.info()
        assert (info.n_scores, info.n_embeddings, info.models) == (3, 1, {"m1": 2, "m2": 1})
        assert cache.clear("m1") == 2
        assert cache.info().n_scores == 1
    mode = ScoreCache(tmp_path / "c.sqlite")._conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_input_hash_distinguishes_roles_and_text() -> None:
    from rewardkit.data import ChatMessage

    user = (ChatMessage("user", "hi"),)
    system = (ChatMessage("system", "hi"),)
    assert input_hash(user, "x") != input_hash(system, "x") != input_hash("hi", "x")


def test_plan_batches_respects_size_and_token_budget() -> None:
    lengths = np.array([10, 200, 30, 190, 20, 25, 180])
    plan = plan_batches(lengths, batch_size=3, max_tokens=400)
    for batch in plan.batches:
        assert len(batch) <= 3
        assert lengths[batch].max() * len(batch) <= 400
    assert sorted(np.concatenate(plan.batches).tolist()) == list(range(7))
    naive = plan_batches(lengths, batch_size=3, sort=False)
    assert plan.padding_efficiency > naive.padding_efficiency


def test_engine_dedupes_caches_and_is_batch_invariant(tmp_path: Path) -> None:
    items = _items()
    model = CountingModel()
    with ScoreCache(tmp_path / "c.sqlite") as cache:
        first = score_items(model, items, batch_size=4, cache=cache, progress=False)
        unique = len({(it.prompt, r) for it in items for r in it.responses})
        assert first.report.n_scored == unique == sum(model.calls) < 90
        assert max(model.calls) <= 4
        model.calls.clear()
        second = score_items(model, items, batch_size=7, cache=cache, progress=False)
        assert model.calls == []  # a second run makes no model calls
        assert second.report.n_cached == unique
    np.testing.assert_array_equal(first.scores, second.scores)
    fresh = score_items(CountingModel(), items, batch_size=1, progress=False).scores
    np.testing.assert_array_equal(first.scores, fresh)
    assert first.scores[0] == len(items[0].chosen[0]) + 0.5 * len("prompt 0")


def test_non_finite_scores_name_the_items() -> None:
    class SometimesNaN(CountingModel):
        def score(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> np.ndarray:
            out = super().score(prompts, responses)
            out[[r == "c" * 9 for r in responses]] = np.inf
            return out

    with pytest.raises(RewardkitError, match=r"non-finite score\(s\) .* item\(s\): i17, i4"):
        score_items(SometimesNaN(), _items(20), progress=False)


SLOW_MODEL = """
import os, time
def score(prompts, responses):
    with open(os.environ["RK_CALLS"], "a") as fh:
        fh.write(f"{len(responses)}\\n")
    time.sleep(float(os.environ.get("RK_SLEEP", "0")))
    return [float(len(r)) for r in responses]
"""


def _eval(
    tmp_path: Path, cache: Path, out: str, calls: Path, sleep: float
) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path),
        "RK_CALLS": str(calls),
        "RK_SLEEP": str(sleep),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rewardkit",
            "eval",
            "--data",
            str(tmp_path / "d.jsonl"),
            "--model",
            "python:slow_rm:score",
            "--batch-size",
            "4",
            "--cache",
            str(cache),
            "--bootstrap",
            "100",
            "--out",
            str(tmp_path / out),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _scored(calls: Path) -> int:
    return sum(int(x) for x in calls.read_text().split()) if calls.exists() else 0


def test_killed_run_resumes_with_only_missing_items(tmp_path: Path) -> None:
    (tmp_path / "slow_rm.py").write_text(SLOW_MODEL)
    rows = [
        {
            "id": f"i{i}",
            "prompt": f"q{i}",
            "chosen": "a" * (i % 17 + 2),
            "rejected": "b" * (i % 11 + 2),
        }
        for i in range(60)
    ]
    (tmp_path / "d.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    cache = tmp_path / "cache.sqlite"
    calls = tmp_path / "calls1.txt"
    proc = _eval(tmp_path, cache, "killed", calls, sleep=0.15)
    deadline = time.time() + 60
    while _scored(calls) < 40 and time.time() < deadline:
        time.sleep(0.05)
    proc.kill()  # SIGKILL: no cleanup, no chance to flush anything
    proc.wait()
    assert not (tmp_path / "killed" / "results.json").exists()
    with ScoreCache(cache) as store:
        committed = store.info().n_scores
    assert 0 < committed < 120
    resumed_calls = tmp_path / "calls2.txt"
    resumed = _eval(tmp_path, cache, "resumed", resumed_calls, sleep=0.0)
    assert resumed.wait(timeout=120) == 0, resumed.stderr.read() if resumed.stderr else ""
    assert _scored(resumed_calls) == 120 - committed  # only the missing inputs
    fresh = _eval(tmp_path, tmp_path / "fresh.sqlite", "fresh", tmp_path / "calls3.txt", 0.0)
    assert fresh.wait(timeout=120) == 0
    a = (tmp_path / "resumed" / "results.json").read_bytes()
    assert a == (tmp_path / "fresh" / "results.json").read_bytes()


def test_cache_from_an_earlier_schema_is_migrated(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE scores (fingerprint TEXT NOT NULL, input_hash TEXT NOT NULL, "
        "score REAL NOT NULL, PRIMARY KEY (fingerprint, input_hash)) WITHOUT ROWID"
    )
    conn.execute("INSERT INTO scores VALUES ('m', 'h', 0.25)")
    conn.commit()
    conn.close()
    with ScoreCache(path) as cache:
        assert cache.get_entries("m", ["h"]) == {"h": (0.25, False)}
        cache.put_scores("m", ["h2"], [1.0], [True])
        assert cache.get_entries("m", ["h2"]) == {"h2": (1.0, True)}
