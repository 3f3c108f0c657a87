"""Reward models as optimisation targets: best-of-n overoptimization and gamma."""

from rewardkit.rl.bon import BonConfig, BonRun, run_bon

__all__ = ["BonConfig", "BonRun", "run_bon"]
