"""Reward-model training: losses, examples, one training loop, the embed and hf trainers.

Torch is imported by the trainers only; ``rewardkit.jobs.train.run_train`` is the entry point.
"""

from rewardkit.train.config import TrainConfig
from rewardkit.train.losses import bradley_terry_loss, regression_loss

__all__ = ["TrainConfig", "bradley_terry_loss", "regression_loss"]
