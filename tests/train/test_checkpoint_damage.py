"""A damaged training checkpoint is one clear error on resume, not a traceback (issue 14)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from rewardkit.errors import ConfigError  # noqa: E402
from rewardkit.train.checkpoint import (  # noqa: E402
    OPTIMIZER,
    STATE,
    WEIGHTS,
    LoopState,
    load_checkpoint,
    save_checkpoint,
)


def _parts() -> tuple[torch.nn.Module, torch.optim.Optimizer]:
    module = torch.nn.Linear(3, 1)
    optimizer = torch.optim.AdamW(module.parameters(), lr=1e-2)
    module(torch.ones(2, 3)).sum().backward()
    optimizer.step()
    return module, optimizer


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:40])


@pytest.mark.parametrize(
    "damage",
    [
        lambda folder: _truncate(folder / WEIGHTS),
        lambda folder: _truncate(folder / OPTIMIZER),
        lambda folder: (folder / STATE).write_text('{"loop": {"epoch": 1'),
        lambda folder: (folder / STATE).write_text(json.dumps({"fingerprint": {"d": "x"}})),
        lambda folder: (folder / WEIGHTS).unlink(),
    ],
)
def test_damaged_checkpoint_is_one_error(tmp_path: Path, damage: Callable[[Path], None]) -> None:
    module, optimizer = _parts()
    folder = tmp_path / "checkpoint"
    save_checkpoint(folder, module, optimizer, None, LoopState(epoch=1), {"d": "x"})
    load_checkpoint(folder, *_parts(), None, {"d": "x"})  # intact: loads
    damage(folder)
    with pytest.raises(ConfigError, match=r"a damaged checkpoint .* use --overwrite") as info:
        load_checkpoint(folder, *_parts(), None, {"d": "x"})
    assert "\n" not in str(info.value)
