"""Preference pairs from the generated responses, in rewardkit's native (RewardBench) layout."""

from __future__ import annotations

import numpy as np
import pandas as pd

MIN_MARGIN = 0.25
"""Smallest true-reward difference for two responses of a prompt to form a preference pair."""

SOURCE = "rewardkit-demo"

_SUBSETS = np.array(["generated-vs-generated", "human-vs-generated", "human-vs-human"])


def build_preferences(prompts: pd.DataFrame, responses: pd.DataFrame, k: int) -> pd.DataFrame:
    """Every pair of responses of a prompt whose true rewards differ by at least ``MIN_MARGIN``.

    ``responses`` must hold ``k`` rows per prompt, in prompt order. The chosen response is the
    one with the higher true reward; ``margin`` is the reward difference and
    ``chosen_scores``/``rejected_scores`` hold each side's true reward.

    Example:
        >>> from rewardkit.data.demo import DemoConfig, generate_demo
        >>> ds = generate_demo(DemoConfig(n_prompts=5))
        >>> bool((build_preferences(ds.prompts, ds.responses, 4)["margin"] >= MIN_MARGIN).all())
        True
    """
    n = len(prompts)
    reward = responses["true_reward"].to_numpy(dtype=np.float64).reshape(n, k)
    first, second = np.triu_indices(k, 1)
    diff = reward[:, first] - reward[:, second]  # (n, n_pairs)
    p_idx, pair = np.nonzero(np.abs(diff) >= MIN_MARGIN)
    i, j = first[pair], second[pair]
    forward = diff[p_idx, pair] > 0
    chosen = p_idx * k + np.where(forward, i, j)
    rejected = p_idx * k + np.where(forward, j, i)

    item_ids = responses["item_id"].to_numpy(dtype=object)
    texts = responses["text"].to_numpy(dtype=object)
    rewards = responses["true_reward"].to_numpy(dtype=np.float64)
    human = (responses["source"] == "human").to_numpy()
    prompt_ids = prompts["prompt_id"].to_numpy(dtype=object)
    ids = [f"{pid}-r{a}-r{b}" for pid, a, b in zip(prompt_ids[p_idx], i, j, strict=True)]
    subset = _SUBSETS[human[chosen].astype(np.int64) + human[rejected].astype(np.int64)]
    return pd.DataFrame(
        {
            "id": ids,
            "prompt": prompts["prompt"].to_numpy(dtype=object)[p_idx],
            "chosen": texts[chosen],
            "rejected": texts[rejected],
            "subset": subset,
            "domain": prompts["domain"].to_numpy(dtype=object)[p_idx],
            "source": SOURCE,
            "margin": np.round(rewards[chosen] - rewards[rejected], 4),
            "chosen_scores": [[float(x)] for x in rewards[chosen]],
            "rejected_scores": [[float(x)] for x in rewards[rejected]],
            "chosen_item": item_ids[chosen],
            "rejected_item": item_ids[rejected],
        }
    )
