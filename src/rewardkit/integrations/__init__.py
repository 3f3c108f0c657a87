"""Bridges from a rewardkit reward model to the RL engines people scale on.

- :mod:`rewardkit.integrations.trl`: ``reward_funcs`` for TRL's ``GRPOTrainer`` and
  ``RLOOTrainer`` (:func:`~rewardkit.integrations.trl.reward_function`, and
  :func:`~rewardkit.integrations.trl.async_reward_function` for ``http:`` reward servers).
- :mod:`rewardkit.integrations.verl`: verl's ``custom_reward_function``
  (``compute_score(data_source, solution_str, ground_truth, extra_info)``).
- OpenRLHF needs no code here: it calls ``rewardkit serve`` through ``--remote_rm_url``.

All of them score through :class:`~rewardkit.integrations.scorer.RewardScorer`: the model spec
loaded once, the scoring engine (length-sorted batches, the score cache), the calibrator saved
beside the model when asked for, and an optional clip.

Neither TRL nor verl is imported here: the bridges only follow their calling conventions.
"""

from rewardkit.integrations.scorer import Calibration, RewardScorer, calibrated_rewards

__all__ = ["Calibration", "RewardScorer", "calibrated_rewards"]
