"""Overoptimization watched during a PPO run: held-out samples scored by proxy and gold,
Gao et al.'s RL form fitted to each against sqrt(KL), the gold peak and the early stop."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from rewardkit.data.records import Prompt
from rewardkit.rl.ppo.config import PPOConfig
from rewardkit.rl.ppo.overopt import early_stop_index, fit_rl_form, gold_peak_index

__all__ = ["evaluate_samples", "overoptimization"]


def evaluate_samples(
    trainer: Any, held: list[Prompt], gold_fn: Any, step: int, config: PPOConfig
) -> dict[str, Any]:
    """Sample the held-out prompts with the current policy and score them by proxy and gold:
    one evaluation (step, KL to the reference, d = sqrt(KL), mean proxy and gold)."""
    from rewardkit.rl.ppo.trainer import step_seed

    # The same generator seed at every evaluation: curves differ by the policy, not the draw.
    texts, kl = trainer.evaluate(held, step_seed(config.seed, 0, 2))
    proxy = float(np.mean(trainer.reward.raw(held, texts)))
    gold = float(np.mean(gold_fn.raw(held, texts)))
    return {"step": step, "kl": kl, "d": math.sqrt(max(kl, 0.0)), "proxy": proxy, "gold": gold}


def overoptimization(evaluations: list[dict[str, Any]], config: PPOConfig) -> dict[str, Any]:
    """The overoptimization section of results.json (gains relative to the first evaluation,
    the initial policy)."""
    evals = [dict(e) for e in evaluations]
    base_proxy, base_gold = evals[0]["proxy"], evals[0]["gold"]
    for e in evals:
        e["proxy_gain"] = e["proxy"] - base_proxy
        e["gold_gain"] = e["gold"] - base_gold
    d = [e["d"] for e in evals]
    fits: dict[str, Any] = {}
    for name in ("proxy", "gold"):
        try:
            fit = fit_rl_form(d, [e[f"{name}_gain"] for e in evals])
        except ValueError:
            fits[name] = None
            continue
        grid = [max(d) * i / 40 for i in range(41)]
        fits[name] = {
            "alpha": fit.alpha,
            "beta": fit.beta,
            "peak_d": fit.peak_d,
            "r2": fit.r2,
            "curve_d": grid,
            "curve": [float(v) for v in fit.predict(grid)],
        }
    peak = evals[gold_peak_index([e["gold"] for e in evals])]
    stop = (
        None
        if config.early_stop_patience is None
        else early_stop_index(
            [e["gold"] for e in evals], [e["proxy"] for e in evals], config.early_stop_patience
        )
    )
    return {
        "evaluations": evals,
        "fits": fits,
        "gold_peak": {"step": peak["step"], "d": peak["d"], "gold": peak["gold"]},
        "early_stop_step": None if stop is None else evals[stop]["step"],
        "early_stop_patience": config.early_stop_patience,
        "eval_every": config.eval_every,
        "conventions": "gains are relative to the initial policy (the step-0 evaluation); "
        "d = sqrt(mean k1 KL per sequence) on the held-out prompts",
    }
