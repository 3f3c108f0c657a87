"""Response components (what a response contains) and the true scores they imply.

Each response gets a latent quality ``q`` in [0, 1] (careful human answers: Beta(6, 2); weaker
generated ones: Beta(2.2, 2.6)). ``q`` and the domain's difficulty set the odds of each component:
a correct, wrong or missing key fact; practical steps; a caveat; padding; vague filler;
overconfidence; sycophancy; a needless refusal; and, for risky requests, a safe reply, a bare
refusal, a hedged or a full unsafe compliance. Verbosity is drawn independently of quality, so
length is only a partial signal.

The true per-criterion scores (1-5) are a fixed function of the components and the domain's
stakes (:func:`true_scores`), never drawn on their own, so every score difference is visible in
the text. The true reward is ``REWARD_WEIGHTS @ scores``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

CRITERIA: tuple[str, ...] = ("usefulness", "factuality", "safety", "alignment")
REWARD_WEIGHTS: tuple[float, ...] = (0.30, 0.25, 0.25, 0.20)
"""Weights of usefulness, factuality, safety and alignment in the true reward (sum to 1)."""

MAX_STEPS = 4
# Opener, fact, closing and sensitive-mode codes.
OPEN_NONE, OPEN_DIRECT, OPEN_FILLER, OPEN_SYCOPHANT = 0, 1, 2, 3
FACT_MISSING, FACT_CORRECT, FACT_WRONG = 0, 1, 2
CLOSE_NONE, CLOSE_FOLLOWUP, CLOSE_HONEST = 0, 1, 2
MODE_NONE, MODE_SAFE, MODE_REFUSE, MODE_HEDGED, MODE_COMPLY = -1, 0, 1, 2, 3

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class Components:
    """Per-response generation choices (arrays of equal length)."""

    quality: FloatArray
    verbosity: IntArray  # 0 concise, 1 normal, 2 verbose
    opener: IntArray
    fact: IntArray
    overconfident: BoolArray
    n_steps: IntArray
    structured: BoolArray
    vague: IntArray
    caveat: BoolArray
    padding: IntArray
    closing: IntArray
    refuse: BoolArray  # needless refusal of a benign prompt
    mode: IntArray  # risky requests only; MODE_NONE elsewhere


def draw_components(
    rng: np.random.Generator, human: BoolArray, sensitive: BoolArray, difficulty: FloatArray
) -> Components:
    """Draw every response's components from its latent quality (vectorized).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> c = draw_components(rng, np.array([True, False]), np.array([False, False]),
        ...                     np.array([0.5, 0.5]))
        >>> c.fact.shape
        (2,)
    """
    n = human.shape[0]
    q = np.where(human, rng.beta(6.0, 2.0, n), rng.beta(2.2, 2.6, n))
    bad = 1.0 - q
    u = rng.random((n, 10))
    p_concise, p_verbose = 0.4 - 0.2 * q, 0.15 + 0.2 * q
    verbosity = np.select([u[:, 9] < p_concise, u[:, 9] < 1.0 - p_verbose], [0, 1], 2)

    refuse = ~sensitive & ~human & (u[:, 0] < 0.12 * bad**2)
    p_correct = np.clip(0.15 + 0.85 * q - 0.3 * difficulty * bad, 0.02, 0.98)
    p_wrong = (1.0 - p_correct) * (0.3 + 0.6 * difficulty)
    fact = np.where(
        u[:, 1] < p_correct,
        FACT_CORRECT,
        np.where(u[:, 1] < p_correct + p_wrong, FACT_WRONG, FACT_MISSING),
    )
    cap = np.array([1, 3, MAX_STEPS])[verbosity]
    n_steps = rng.binomial(cap, 0.35 + 0.6 * q).astype(np.int64)
    structured = (n_steps >= 2) & (u[:, 2] < 0.15 + 0.7 * q)
    vague = rng.binomial(2, 0.6 * bad).astype(np.int64)
    padded = u[:, 3] < 0.5 * bad**1.5
    extra_pad = rng.binomial(2, np.array([0.05, 0.3, 0.6])[verbosity])
    padding = np.where(padded, 1 + extra_pad, 0).astype(np.int64)
    caveat = u[:, 4] < 0.1 + 0.85 * q
    overconfident = u[:, 5] < 0.5 * bad**1.5
    p_syco = 0.3 * bad
    p_filler = 0.45 * bad * (verbosity > 0)
    opener = np.select(
        [u[:, 6] < p_syco, u[:, 6] < p_syco + p_filler, u[:, 6] < p_syco + p_filler + 0.35],
        [OPEN_SYCOPHANT, OPEN_FILLER, OPEN_DIRECT],
        OPEN_NONE,
    )
    closing = np.select(
        [u[:, 7] < 0.35 * q, u[:, 7] < 0.35 * q + 0.3], [CLOSE_HONEST, CLOSE_FOLLOWUP], CLOSE_NONE
    )
    p_safe = np.clip(1.2 * q - 0.1, 0.02, 0.98)
    rest = (u[:, 8] - p_safe) / (1.0 - p_safe)
    mode = np.select(
        [~sensitive, u[:, 8] < p_safe, rest < 0.45, rest < 0.65],
        [MODE_NONE, MODE_SAFE, MODE_REFUSE, MODE_HEDGED],
        MODE_COMPLY,
    )
    return Components(
        quality=q,
        verbosity=verbosity,
        opener=opener.astype(np.int64),
        fact=fact.astype(np.int64),
        overconfident=overconfident,
        n_steps=n_steps,
        structured=structured,
        vague=vague,
        caveat=caveat,
        padding=padding,
        closing=closing.astype(np.int64),
        refuse=refuse,
        mode=mode.astype(np.int64),
    )


_STEP_GAIN = np.array([0.0, 0.8, 1.25, 1.5, 1.6])
# Base scores of risky-request replies: safe reply, bare refusal, hedged, full compliance.
_MODE_BASE = np.array(
    [[4.2, 4.5, 5.0, 4.8], [2.0, 4.0, 4.5, 3.4], [2.8, 3.0, 1.8, 1.6], [3.0, 2.8, 1.1, 1.2]]
)
_REFUSAL_SCORES = np.array([1.3, 3.8, 4.9, 2.0])


def _as_float(mask: BoolArray) -> FloatArray:
    return mask.astype(np.float64)


def true_scores(c: Components, fact_stakes: FloatArray, caveat_stakes: FloatArray) -> FloatArray:
    """True usefulness, factuality, safety and alignment (columns, 1-5) of each response.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> c = draw_components(rng, np.ones(3, bool), np.zeros(3, bool), np.full(3, 0.5))
        >>> true_scores(c, np.ones(3), np.ones(3)).shape
        (3, 4)
    """
    f = _as_float
    correct, wrong = f(c.fact == FACT_CORRECT), f(c.fact == FACT_WRONG)
    missing = f(c.fact == FACT_MISSING)
    syco, filler = f(c.opener == OPEN_SYCOPHANT), f(c.opener == OPEN_FILLER)
    honest, followup = f(c.closing == CLOSE_HONEST), f(c.closing == CLOSE_FOLLOWUP)
    over, cav, pad = f(c.overconfident), f(c.caveat), c.padding.astype(np.float64)
    vague = c.vague.astype(np.float64)

    use = (
        1.6
        + _STEP_GAIN[c.n_steps]
        + 1.0 * correct
        + 0.15 * wrong
        + 0.3 * f(c.structured)
        + 0.2 * cav
        - 0.3 * vague
        - 0.3 * pad
        - 0.3 * filler
        - 0.1 * syco
        + 0.15 * followup
        + 0.1 * honest
    )
    fac = 4.7 - 0.65 * missing - 1.8 * fact_stakes * wrong - 0.5 * over - 0.4 * over * wrong
    fac = fac - 0.1 * vague
    saf = 4.8 - 0.9 * caveat_stakes * (1 - cav) - 0.8 * caveat_stakes * wrong
    saf = saf - 0.3 * caveat_stakes * over
    ali = 4.4 - 1.2 * syco - 0.8 * over - 0.2 * pad - 0.2 * filler + 0.4 * honest - 0.2 * wrong
    scores = np.stack([use, fac, saf, ali], axis=1)

    scores[c.refuse] = _REFUSAL_SCORES
    risky = c.mode != MODE_NONE
    if risky.any():
        base = _MODE_BASE[c.mode[risky]].copy()
        guarded = (c.mode[risky] <= MODE_REFUSE).astype(np.float64)
        base[:, 0] += 0.2 * cav[risky] * guarded - 0.3 * pad[risky] - 0.3 * filler[risky]
        base[:, 2] += 0.3 * cav[risky] * guarded
        base[:, 3] -= 1.0 * syco[risky] + 0.2 * pad[risky]
        scores[risky] = base
    return np.clip(scores, 1.0, 5.0)


def true_reward(scores: FloatArray) -> FloatArray:
    """The true reward: ``REWARD_WEIGHTS``-weighted mean of the four criterion scores.

    Example:
        >>> float(true_reward(np.array([[5.0, 5.0, 5.0, 5.0]]))[0])
        5.0
    """
    return np.asarray(scores @ np.array(REWARD_WEIGHTS), dtype=np.float64)
