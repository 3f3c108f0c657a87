"""Reward-model training: losses and a linear Bradley-Terry head on frozen embeddings."""

from rewardkit.train.embed_trainer import train_embed_linear
from rewardkit.train.linear_head import fit_linear_bt
from rewardkit.train.losses import bradley_terry_loss, regression_loss

__all__ = ["bradley_terry_loss", "fit_linear_bt", "regression_loss", "train_embed_linear"]
