"""Plain-Python (no torch) transcriptions of PPO's formulas, one loop per definition; they
wrote ``tests/golden/ppo_core.json`` (``python tests/rl/ppo/ppo_hand_reference.py`` rewrites it)
and the golden tests check that file against both this and the tensor code."""

from __future__ import annotations

import json
import math
from pathlib import Path

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "ppo_core.json"


def gae(rewards, values, mask, gamma, lam):  # type: ignore[no-untyped-def]
    adv_rows, ret_rows = [], []
    for r, v, m in zip(rewards, values, mask, strict=True):
        n = int(sum(m))  # the episode ends after the n-th token
        adv = [0.0] * len(r)
        running = 0.0
        for t in range(n - 1, -1, -1):
            next_v = v[t + 1] if t + 1 < n else 0.0
            delta = r[t] + gamma * next_v - v[t]
            running = delta + gamma * lam * running
            adv[t] = running
        adv_rows.append(adv)
        ret_rows.append([a + (v[t] if t < n else 0.0) for t, a in enumerate(adv)])
    return adv_rows, ret_rows


def kl(logp, ref, estimator):  # type: ignore[no-untyped-def]
    out = []
    for a, b in zip(logp, ref, strict=True):
        x = a - b
        v = {"k1": x, "k2": x * x / 2, "k3": math.exp(-x) - 1 + x}[estimator]
        out.append(max(-10.0, min(10.0, v)))
    return out


def masked_mean(x, mask):  # type: ignore[no-untyped-def]
    num = sum(a * m for ra, rm in zip(x, mask, strict=True) for a, m in zip(ra, rm, strict=True))
    return num / sum(m for rm in mask for m in rm)


def whiten(x, mask):  # type: ignore[no-untyped-def]
    mean = masked_mean(x, mask)
    var = masked_mean([[(a - mean) ** 2 for a in r] for r in x], mask)
    return [
        [(a - mean) / math.sqrt(var) * m for a, m in zip(ra, rm, strict=True)]
        for ra, rm in zip(x, mask, strict=True)
    ]


def policy_loss(logp, old, adv, mask, eps):  # type: ignore[no-untyped-def]
    losses, clipped = [], []
    for ra, ro, rd in zip(logp, old, adv, strict=True):
        lr, cr = [], []
        for a, o, d in zip(ra, ro, rd, strict=True):
            ratio = math.exp(a - o)
            s1, s2 = ratio * d, min(max(ratio, 1 - eps), 1 + eps) * d
            lr.append(-min(s1, s2))
            cr.append(1.0 if s2 < s1 else 0.0)
        losses.append(lr)
        clipped.append(cr)
    return masked_mean(losses, mask), masked_mean(clipped, mask)


def value_loss(values, old, returns, mask, clip):  # type: ignore[no-untyped-def]
    rows = []
    for rv, ro, rr in zip(values, old, returns, strict=True):
        row = []
        for v, o, r in zip(rv, ro, rr, strict=True):
            e = (v - r) ** 2
            if clip is not None:
                vc = o + min(max(v - o, -clip), clip)
                e = max(e, (vc - r) ** 2)
            row.append(e)
        rows.append(row)
    return 0.5 * masked_mean(rows, mask)


def token_rewards(score, kl_rows, coef, mask):  # type: ignore[no-untyped-def]
    out = []
    for s, rk, rm in zip(score, kl_rows, mask, strict=True):
        n = int(sum(rm))
        out.append(
            [
                (-coef * k + (s if t == n - 1 else 0.0)) * m
                for t, (k, m) in enumerate(zip(rk, rm, strict=True))
            ]
        )
    return out


def adaptive(value, target, horizon, updates):  # type: ignore[no-untyped-def]
    trace = []
    for current, n in updates:
        err = min(max(current / target - 1, -0.2), 0.2)
        value = value * (1 + err * n / horizon)
        trace.append(value)
    return trace


def build() -> dict:  # type: ignore[type-arg]
    rewards = [[0.0, 0.0, 1.0], [0.5, 1.0, 0.0], [0.0, 2.0, 0.0]]
    values = [[0.1, 0.2, 0.3], [0.4, 0.5, 9.0], [-0.3, 7.0, 8.0]]
    mask = [[1, 1, 1], [1, 1, 0], [1, 0, 0]]
    gae_cases = []
    for gamma, lam in [(1.0, 1.0), (1.0, 0.95), (0.9, 0.5), (0.99, 0.0)]:
        adv, ret = gae(rewards, values, mask, gamma, lam)
        gae_cases.append({"gamma": gamma, "lam": lam, "advantages": adv, "returns": ret})
    logp = [-1.0, -2.0, -0.5, 0.0, -3.0]
    ref = [-1.5, -1.0, -0.5, -20.0, 9.0]
    x = [[1.0, 3.0, 7.0], [2.0, -4.0, 100.0]]
    xmask = [[1, 1, 1], [1, 1, 0]]
    pl_logp = [[-1.0, -0.5, -2.0], [-0.1, -3.0, -1.0]]
    pl_old = [[-1.3, -0.9, -1.5], [-0.1, -2.0, -1.0]]
    pl_adv = [[1.0, -2.0, 0.5], [0.3, -1.5, -7.0]]
    pl_mask = [[1, 1, 1], [1, 1, 0]]
    loss, frac = policy_loss(pl_logp, pl_old, pl_adv, pl_mask, 0.2)
    v_new = [[1.0, 0.2, -0.4], [2.0, 0.0, 5.0]]
    v_old = [[0.0, 0.1, 0.0], [1.8, 0.3, 0.0]]
    v_ret = [[1.5, 0.0, -1.0], [1.0, 1.0, 9.0]]
    kl_rows = [[0.2, -0.1, 0.4], [0.3, 0.5, 0.0]]
    return {
        "source": "tests/rl/ppo/ppo_hand_reference.py (plain-Python loops of the definitions)",
        "gae": {"rewards": rewards, "values": values, "mask": mask, "cases": gae_cases},
        "kl": {
            "logp": logp,
            "ref": ref,
            **{e: kl(logp, ref, e) for e in ("k1", "k2", "k3")},
        },
        "whiten": {"x": x, "mask": xmask, "expected": whiten(x, xmask)},
        "policy_loss": {
            "logp": pl_logp,
            "old": pl_old,
            "advantages": pl_adv,
            "mask": pl_mask,
            "eps_clip": 0.2,
            "loss": loss,
            "clip_frac": frac,
        },
        "value_loss": {
            "values": v_new,
            "old": v_old,
            "returns": v_ret,
            "mask": pl_mask,
            "cases": [
                {"value_clip": c, "loss": value_loss(v_new, v_old, v_ret, pl_mask, c)}
                for c in (0.5, 0.2, None)
            ],
        },
        "token_rewards": {
            "score": [2.0, -1.0],
            "kl": kl_rows,
            "kl_coef": 0.05,
            "mask": pl_mask,
            "expected": token_rewards([2.0, -1.0], kl_rows, 0.05, pl_mask),
        },
        "adaptive_kl": {
            "init": 0.1,
            "target": 6.0,
            "horizon": 100,
            "updates": [[12.0, 10], [6.0, 10], [3.0, 5], [0.0, 20], [6.6, 50]],
            "values": adaptive(
                0.1, 6.0, 100, [(12.0, 10), (6.0, 10), (3.0, 5), (0.0, 20), (6.6, 50)]
            ),
        },
    }


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(build(), indent=1) + "\n")
