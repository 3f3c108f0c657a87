"""PPO against a rewardkit reward model, on one machine (one GPU or the CPU).

This package's ``__init__`` imports no torch: the tensor modules (``core``, ``policy``,
``rollout``, ``trainer``) are imported by path and need the ``train`` extra
(``pip install 'rewardkit[train]'``).
"""

from rewardkit.rl.ppo.config import PPOConfig
from rewardkit.rl.ppo.kl_control import KLController
from rewardkit.rl.ppo.overopt import RLFit, early_stop_index, fit_rl_form, gold_peak_index

__all__ = [
    "KLController",
    "PPOConfig",
    "RLFit",
    "early_stop_index",
    "fit_rl_form",
    "gold_peak_index",
]
