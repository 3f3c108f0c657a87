"""KL coefficient controllers: fixed, or adaptive towards a target KL (Ziegler et al. 2019;
the update is OpenRLHF's ``AdaptiveKLController``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["KLController"]


@dataclass
class KLController:
    """The KL penalty coefficient ``beta``.

    Fixed when ``target`` is None. Adaptive otherwise: after each rollout batch of
    ``n_steps`` sequences whose mean KL is ``current``,
    ``beta *= 1 + clip(current / target - 1, -0.2, 0.2) * n_steps / horizon``.

    Example:
        >>> ctl = KLController(0.1, target=6.0, horizon=100)
        >>> ctl.update(current=12.0, n_steps=10)
        >>> round(ctl.value, 6)
        0.102
    """

    value: float
    target: float | None = None
    horizon: int = 10000

    def update(self, current: float, n_steps: int) -> None:
        """Adapt ``value`` to the KL measured on the last batch (no-op when fixed)."""
        if self.target is None:
            return
        error = min(max(current / self.target - 1.0, -0.2), 0.2)
        self.value *= 1.0 + error * n_steps / self.horizon

    def state_dict(self) -> dict[str, Any]:
        """What a checkpoint saves."""
        return {"value": self.value, "target": self.target, "horizon": self.horizon}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state_dict`."""
        self.value = float(state["value"])
        self.target = state["target"]
        self.horizon = int(state["horizon"])
