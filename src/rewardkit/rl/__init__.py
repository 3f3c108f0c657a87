"""Reward models as optimisation targets: best-of-n overoptimization and gamma."""

from rewardkit.rl.bon import BonConfig

__all__ = ["BonConfig"]
