"""Training options that cannot train are refused when read (issue 14): non-finite or absurd
learning rates, hidden widths below 1, non-finite regularisation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rewardkit.cli.main import main
from rewardkit.errors import ConfigError
from rewardkit.jobs.train import load_train_config
from rewardkit.train.config import MAX_LEARNING_RATE, TrainConfig, parse_sets


@pytest.mark.parametrize(
    ("flags", "sets", "message"),
    [
        ({"learning_rate": float("inf")}, [], "learning_rate: Input should be a finite number"),
        ({"learning_rate": float("nan")}, [], "learning_rate: Input should be a finite number"),
        ({"learning_rate": 1e300}, [], "learning_rate: Input should be less than or equal to 1"),
        ({}, ["head.kind=mlp", "head.hidden=[-5]"], "head.hidden.0: Input should be greater"),
        ({}, ["head.kind=mlp", "head.hidden=[64, 0]"], "head.hidden.1: Input should be greater"),
        ({}, ["weight_decay=.inf"], "weight_decay: Input should be a finite number"),
        ({}, ["max_grad_norm=.nan"], "max_grad_norm: Input should be a finite number"),
        ({}, ["lora.dropout=.nan"], "lora.dropout: Input should be a finite number"),
    ],
)
def test_refused_when_read(flags: dict[str, float], sets: list[str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_train_config(None, flags, parse_sets(sets))


def test_valid_bounds_still_accepted() -> None:
    assert TrainConfig(learning_rate=MAX_LEARNING_RATE).lr == 1.0
    assert TrainConfig(head={"kind": "mlp", "hidden": [1, 512]}).head.hidden == (1, 512)


def test_train_lr_inf_exits_2_before_reading_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "p.jsonl"
    data.write_text(json.dumps({"prompt": "q", "chosen": "a", "rejected": "b"}) + "\n")
    for lr in ("inf", "1e300"):
        code = main(["train", "--data", str(data), "--out", str(tmp_path / "m"), "--lr", lr])
        assert code == 2
        err = capsys.readouterr().err
        assert err.startswith("error: invalid training configuration: learning_rate")
        assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "m").exists()
