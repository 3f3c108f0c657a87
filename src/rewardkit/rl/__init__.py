"""Reward models as optimisation targets: best-of-n overoptimization and gamma; PPO."""

from rewardkit.rl.bon import BonConfig
from rewardkit.rl.ppo import PPOConfig

__all__ = ["BonConfig", "PPOConfig"]
