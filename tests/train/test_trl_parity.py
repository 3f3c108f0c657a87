"""rewardkit's Bradley-Terry loss equals the loss TRL's ``RewardTrainer.compute_loss`` returns.

TRL's own ``compute_loss`` runs unchanged, unbound, on a stand-in ``self`` (args, accelerator
and metrics stubs) and a stand-in model that returns fixed logits: chosen rows first, rejected
rows second, as TRL's ``DataCollatorForPreference`` stacks them. Its loss is
``-logsigmoid(chosen - rejected - margin).mean()`` plus
``center_rewards_coefficient * mean((chosen + rejected) ** 2)`` (trl/trainer/reward_trainer.py,
``RewardTrainer.compute_loss``).
"""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from rewardkit.train.losses import bradley_terry_loss

pytest.importorskip("trl")
torch = pytest.importorskip("torch")

from trl import RewardTrainer  # noqa: E402

from rewardkit.train.loop import bradley_terry_torch  # noqa: E402


class _Accelerator:
    """Single-process stand-ins for the two gathers ``compute_loss`` calls."""

    def gather(self, tensor: Any) -> Any:
        return tensor

    def gather_for_metrics(self, tensor: Any) -> Any:
        return tensor


class _FixedLogits(torch.nn.Module):  # type: ignore[misc]
    """A "model" whose logits are a fixed ``(2n, 1)`` leaf tensor, whatever the inputs."""

    def __init__(self, logits: Any) -> None:
        super().__init__()
        self.logits = logits
        self.seen: dict[str, Any] = {}

    def forward(self, **inputs: Any) -> SimpleNamespace:
        self.seen = inputs
        return SimpleNamespace(logits=self.logits)


def _trl_loss(
    chosen: Any, rejected: Any, margin: Any | None, center: float | None
) -> tuple[Any, Any]:
    """TRL's compute_loss on fixed rewards; returns the loss and the (2n, 1) logits leaf."""
    n = chosen.shape[0]
    logits = torch.cat([chosen, rejected]).reshape(-1, 1).clone().requires_grad_(True)
    model = _FixedLogits(logits)
    stub = SimpleNamespace(
        model=model,
        args=SimpleNamespace(center_rewards_coefficient=center),
        accelerator=_Accelerator(),
        _metrics={"train": defaultdict(list), "eval": defaultdict(list)},
        _total_train_tokens=0,
        _tp_size=1,
    )
    inputs: dict[str, Any] = {
        "input_ids": torch.ones((2 * n, 3), dtype=torch.long),
        "attention_mask": torch.ones((2 * n, 3), dtype=torch.long),
    }
    if margin is not None:
        inputs["margin"] = margin
    loss = RewardTrainer.compute_loss(stub, model, inputs)
    assert model.seen["use_cache"] is False  # TRL's own code ran
    assert stub._metrics["train"]["accuracy"]  # ... including its metric bookkeeping
    return loss, logits


CASES = [
    pytest.param(False, None, id="plain"),
    pytest.param(True, None, id="margin"),
    pytest.param(False, 0.01, id="center"),
    pytest.param(True, 0.5, id="margin+center"),
]


@pytest.mark.parametrize(("with_margin", "center"), CASES)
def test_loss_and_gradients_match_trl(with_margin: bool, center: float | None) -> None:
    rng = np.random.default_rng(3)
    n = 16
    chosen_np = rng.normal(0.5, 2.0, n)
    rejected_np = rng.normal(0.0, 2.0, n)
    margin_np = rng.uniform(0.0, 1.5, n) if with_margin else None
    chosen = torch.tensor(chosen_np, dtype=torch.float64)
    rejected = torch.tensor(rejected_np, dtype=torch.float64)
    margin = torch.tensor(margin_np, dtype=torch.float64) if margin_np is not None else None

    trl_loss, logits = _trl_loss(chosen, rejected, margin, center)
    trl_loss.backward()
    trl_grad = logits.grad.reshape(-1)

    rc = chosen.clone().requires_grad_(True)
    rr = rejected.clone().requires_grad_(True)
    ours = bradley_terry_torch(rc, rr, margin, center_coef=center or 0.0)
    ours.backward()
    assert ours.item() == pytest.approx(trl_loss.item(), abs=1e-12, rel=0)
    np.testing.assert_allclose(rc.grad.numpy(), trl_grad[:n].numpy(), atol=1e-12, rtol=0)
    np.testing.assert_allclose(rr.grad.numpy(), trl_grad[n:].numpy(), atol=1e-12, rtol=0)

    np_loss, g_c, g_r = bradley_terry_loss(chosen_np, rejected_np, margin_np, center or 0.0)
    assert np_loss == pytest.approx(trl_loss.item(), abs=1e-12, rel=0)
    np.testing.assert_allclose(g_c, trl_grad[:n].numpy(), atol=1e-12, rtol=0)
    np.testing.assert_allclose(g_r, trl_grad[n:].numpy(), atol=1e-12, rtol=0)


def test_float32_rewards_match_trl_to_float_precision() -> None:
    """The loop trains on float32 rewards, as TRL does."""
    rng = np.random.default_rng(4)
    chosen = torch.tensor(rng.normal(size=32), dtype=torch.float32)
    rejected = torch.tensor(rng.normal(size=32), dtype=torch.float32)
    margin = torch.tensor(rng.uniform(size=32), dtype=torch.float32)
    trl_loss, _ = _trl_loss(chosen, rejected, margin, 0.1)
    ours = bradley_terry_torch(chosen, rejected, margin, center_coef=0.1)
    assert trl_loss.dtype == ours.dtype == torch.float32
    assert ours.item() == pytest.approx(trl_loss.item(), abs=1e-6, rel=0)
