"""Data-parallel training: ``torchrun`` with two CPU processes (Gloo) trains the same model as
one process on the whole batch, and only rank 0 writes."""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from rewardkit.errors import ConfigError
from rewardkit.jobs.train import run_train
from rewardkit.train.config import TrainConfig

pytest.importorskip("transformers")

WORDS = ["bread", "fox", "capital", "reward", "dog", "water", "salt", "paris", "yeast"]


def _pairs(path: Path, n: int, seed: int) -> Path:
    """Chosen responses mention safety, rejected ones a dog, amid random filler."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        filler = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9)))
        rows.append(
            {
                "id": f"p{i}",
                "prompt": f"Question {i}: {filler}?",
                "chosen": f"{filler}. Safety first.",
                "rejected": f"{filler}. The lazy dog.",
            }
        )
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_embed_trainer_refuses_several_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORLD_SIZE", "2")
    data = _pairs(tmp_path / "d.jsonl", 4, 0)
    with pytest.raises(ConfigError, match="runs in one process"):
        run_train(data, TrainConfig(), tmp_path / "m", progress=False)


@pytest.mark.slow
def test_torchrun_two_processes_match_one(tmp_path: Path, llama_builder: object) -> None:
    import numpy as np
    from safetensors.numpy import load_file

    from rewardkit.train.training_log import read_log

    base = llama_builder(tmp_path / "base")  # type: ignore[operator]
    data = _pairs(tmp_path / "train.jsonl", 40, 1)
    args = ["train", "--trainer", "hf", "--base", str(base), "--data", str(data)]
    args += ["--epochs", "2", "--batch-size", "8", "--lr", "1e-3", "--device", "cpu"]
    args += ["--set", "patience=null", "--set", "validation_share=0.2"]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}
    single = subprocess.run(
        [sys.executable, "-m", "rewardkit", *args, "--out", str(tmp_path / "one")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert single.returncode == 0, single.stderr
    launcher = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2"]
    launcher += ["--master_addr", "127.0.0.1", "--master_port", str(_free_port())]
    two = subprocess.run(
        [*launcher, "-m", "rewardkit", *args, "--out", str(tmp_path / "two")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert two.returncode == 0, two.stderr[-3000:]
    assert two.stdout.count("(log: ") == 1  # rank 0 reports, rank 1 stays quiet

    from rewardkit.data.load import load_preferences
    from rewardkit.models.registry import load_model

    one_w = load_file(str(tmp_path / "one" / "model.safetensors"))
    two_w = load_file(str(tmp_path / "two" / "model.safetensors"))
    assert one_w.keys() == two_w.keys()
    one_log, two_log = (read_log(tmp_path / n / "train_log.jsonl") for n in ("one", "two"))
    assert [e["event"] for e in two_log].count("start") == 1
    assert two_log[0]["world_size"] == 2
    epochs = [[e for e in log if e["event"] == "epoch"] for log in (one_log, two_log)]
    # The same global-batch loss and the same gradient norm (a scale error in the all-reduce,
    # invisible to Adam's updates, would show here), up to float32 summation order.
    for key, rtol in (("train_loss", 1e-5), ("grad_norm", 1e-4), ("val_loss", 1e-5)):
        np.testing.assert_allclose(
            [e[key] for e in epochs[1]], [e[key] for e in epochs[0]], rtol=rtol, err_msg=key
        )
    # The two models score the training inputs alike: Adam's near-sign updates of near-zero
    # gradients make weights differ by up to ~lr, the scores only by float noise.
    items = load_preferences(data).items
    prompts = [it.prompt for it in items for _ in it.responses]
    texts = [r for it in items for r in it.responses]
    one, two = (
        load_model(str(tmp_path / n / "model.yaml")).score(prompts, texts)  # type: ignore[union-attr]
        for n in ("one", "two")
    )
    assert float(np.std(one)) > 0.1
    assert float(np.max(np.abs(one - two))) < 1e-3 * float(np.std(one))
