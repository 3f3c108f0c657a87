"""The loop under real signals and bad gradients: SIGTERM mid-run checkpoints at the next
optimizer step and the rerun ends where an uninterrupted run ends; a non-finite gradient
skips its step instead of spreading NaN."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from rewardkit.runs.output import staging_path
from rewardkit.train.config import TrainConfig
from rewardkit.train.examples import InputTable, PairExamples
from rewardkit.train.loop import run_loop
from rewardkit.train.training_log import TrainingLog, read_log

WORDS = ["bread", "fox", "capital", "reward", "dog", "water", "salt", "paris", "yeast"]


def _pairs(path: Path, n: int) -> Path:
    rng = np.random.default_rng(0)
    rows = []
    for i in range(n):
        filler = " ".join(rng.choice(WORDS, size=int(rng.integers(3, 9))))
        rows.append(
            {
                "prompt": f"Question {i}: {filler}?",
                "chosen": f"{filler}. Safety first.",
                "rejected": f"{filler}. The lazy dog.",
            }
        )
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.mark.slow
def test_sigterm_checkpoints_at_a_step_and_the_rerun_matches(
    tmp_path: Path, llama_builder: object
) -> None:
    base = llama_builder(tmp_path / "base")  # type: ignore[operator]
    data = _pairs(tmp_path / "train.jsonl", 600)
    args = [sys.executable, "-m", "rewardkit", "train", "--trainer", "hf", "--base", str(base)]
    args += ["--data", str(data), "--epochs", "3", "--batch-size", "4", "--lr", "1e-3"]
    args += ["--device", "cpu", "--set", "patience=null"]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    full = subprocess.run([*args, "--out", str(tmp_path / "full")], env=env, capture_output=True)
    assert full.returncode == 0, full.stderr[-2000:]

    out = tmp_path / "stopped"
    proc = subprocess.Popen([*args, "--out", str(out)], env=env, stderr=subprocess.PIPE)
    stage = staging_path(out)  # a run works there and replaces OUT when complete
    log = stage / "train_log.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait for epoch 1 to end, then stop inside epoch 2
        if log.exists() and any(e["event"] == "epoch" for e in read_log(log)):
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr[-2000:]
    events = read_log(log)
    stop = [e for e in events if e["event"] == "interrupted"]
    assert len(stop) == 1
    assert stop[0]["signal"] == "SIGTERM"
    assert not out.exists()
    state = json.loads((stage / "checkpoint" / "state.json").read_text())["loop"]
    assert (state["epoch"], state["batch"], state["step"]) == (
        stop[0]["epoch"],
        stop[0]["batch"],
        stop[0]["step"],
    )
    assert state["epoch"] < 3

    again = subprocess.run([*args, "--out", str(out)], env=env, capture_output=True)
    assert again.returncode == 0, again.stderr[-2000:]
    assert (out / "model.safetensors").read_bytes() == (
        tmp_path / "full" / "model.safetensors"
    ).read_bytes()


class _TableScorer:
    """Rewards from a linear layer over fixed features; row 0's features are NaN."""

    def __init__(self) -> None:
        torch.manual_seed(0)
        self.features = torch.randn(8, 3)
        self.features[0] = float("nan")
        self.module = torch.nn.Linear(3, 1)

    def score(self, rows: np.ndarray) -> torch.Tensor:
        out: torch.Tensor = self.module(self.features[torch.as_tensor(rows)])[:, 0]
        return out

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)


def test_nonfinite_gradient_skips_the_step(tmp_path: Path) -> None:
    scorer = _TableScorer()
    inputs = InputTable(tuple("p" * 8), tuple(str(i) for i in range(8)))
    pairs = PairExamples(
        inputs,
        chosen=np.array([0, 2, 4, 6]),
        rejected=np.array([1, 3, 5, 7]),
        margin=np.zeros(4),
        group=np.array(["a", "b", "c", "d"]),
    )
    config = TrainConfig(epochs=2, batch_size=1, patience=None, learning_rate=0.1)
    with TrainingLog(tmp_path / "log.jsonl") as log:
        result = run_loop(scorer, pairs, None, config, tmp_path / "m", log, {}, progress=False)
    assert torch.isfinite(scorer.module.weight).all()
    skipped = [e for e in read_log(tmp_path / "log.jsonl") if e["event"] == "nonfinite_gradient"]
    assert len(skipped) == 2  # the poisoned pair, once per epoch
    assert all(np.isfinite(h["grad_norm"]) for h in result.history)
