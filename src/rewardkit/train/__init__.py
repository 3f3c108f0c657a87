"""Reward-model training (for now: a linear Bradley-Terry head on frozen embeddings)."""

from rewardkit.train.embed_trainer import train_embed_linear
from rewardkit.train.linear_head import fit_linear_bt

__all__ = ["fit_linear_bt", "train_embed_linear"]
