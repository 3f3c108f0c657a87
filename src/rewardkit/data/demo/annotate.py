"""The simulated annotation campaign: annotator profiles, Likert ratings and pairwise comparisons.

A rating is ``round(clip(true + bias_c + noise, 1, 5))`` with the annotator's own per-criterion
bias and noise level; with probability ``careless_rate`` the annotator answers uniformly at
random instead. A comparison perceives the true reward difference plus the annotator's noise,
says ``tie`` when the perceived difference is below the annotator's tie threshold, and is
also careless at the same rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from rewardkit.data.demo.quality import CRITERIA

COMPARISONS_PER_PAIR = 3
"""Annotators who judge each pair of responses of a prompt (fewer if fewer annotators exist)."""


@dataclass(frozen=True)
class AnnotatorProfile:
    """Simulation parameters of one annotator."""

    annotator_id: str
    profile: str
    bias: tuple[float, float, float, float]  # usefulness, factuality, safety, alignment
    noise_sd: float
    tie_threshold: float
    careless_rate: float


_BASE_PROFILES: tuple[tuple[str, tuple[float, float, float, float], float, float, float], ...] = (
    ("calibrated", (0.0, 0.0, 0.0, 0.0), 0.35, 0.20, 0.01),
    ("lenient", (0.5, 0.45, 0.4, 0.45), 0.40, 0.25, 0.02),
    ("noisy", (0.1, -0.1, 0.0, 0.1), 0.80, 0.10, 0.05),
    ("strict-on-safety", (-0.15, 0.0, -0.35, -0.2), 0.40, 0.20, 0.02),
    ("fact-checker", (0.0, -0.2, 0.0, 0.0), 0.30, 0.15, 0.01),
)


def make_annotators(n: int, rng: np.random.Generator) -> tuple[AnnotatorProfile, ...]:
    """The first ``n`` annotators: five fixed profiles, then randomly drawn ones.

    Annotator ``ann02`` is the notably lenient one and ``ann03`` the notably noisy one.

    Example:
        >>> [a.profile for a in make_annotators(3, np.random.default_rng(0))]
        ['calibrated', 'lenient', 'noisy']
    """
    width = max(2, len(str(n)))
    out: list[AnnotatorProfile] = []
    for i in range(n):
        if i < len(_BASE_PROFILES):
            name, bias, sd, tie, careless = _BASE_PROFILES[i]
        else:
            b = rng.normal(0.0, 0.25, 4).round(2)
            name, bias = "drawn", (float(b[0]), float(b[1]), float(b[2]), float(b[3]))
            sd = round(float(rng.uniform(0.4, 0.8)), 2)
            tie = round(float(rng.uniform(0.1, 0.3)), 2)
            careless = round(float(rng.uniform(0.0, 0.05)), 3)
        out.append(AnnotatorProfile(f"ann{i + 1:0{width}d}", name, bias, sd, tie, careless))
    return tuple(out)


def rate(
    true: NDArray[np.float64], annotators: tuple[AnnotatorProfile, ...], rng: np.random.Generator
) -> NDArray[np.int64]:
    """Likert ratings, shape ``(n_items, n_annotators, 4)``, every value in 1..5.

    Example:
        >>> anns = make_annotators(2, np.random.default_rng(0))
        >>> rate(np.full((3, 4), 3.0), anns, np.random.default_rng(1)).shape
        (3, 2, 4)
    """
    bias = np.array([a.bias for a in annotators])  # (A, 4)
    sd = np.array([a.noise_sd for a in annotators])[None, :, None]
    careless = np.array([a.careless_rate for a in annotators])[None, :, None]
    n, m = true.shape[0], len(annotators)
    shape = (n, m, len(CRITERIA))
    noisy = true[:, None, :] + bias[None, :, :] + rng.normal(0.0, 1.0, shape) * sd
    values = np.rint(np.clip(noisy, 1.0, 5.0)).astype(np.int64)
    random_values = rng.integers(1, 6, shape)
    return np.where(rng.random(shape) < careless, random_values, values)


@dataclass(frozen=True)
class Comparisons:
    """Pairwise judgements: flat response indices, annotator indices and the preference."""

    item_a: NDArray[np.int64]
    item_b: NDArray[np.int64]
    annotator: NDArray[np.int64]
    preference: NDArray[np.str_]


def compare(
    rewards: NDArray[np.float64],
    annotators: tuple[AnnotatorProfile, ...],
    rng: np.random.Generator,
) -> Comparisons:
    """Judge every pair of responses of each prompt; ``rewards`` has shape (n_prompts, k).

    Each pair goes to ``COMPARISONS_PER_PAIR`` distinct annotators, listed in annotator order;
    which response is shown as ``a`` is random.

    Example:
        >>> anns = make_annotators(5, np.random.default_rng(0))
        >>> c = compare(np.array([[1.0, 4.0, 2.0]]), anns, np.random.default_rng(1))
        >>> len(c.preference)
        9
    """
    n, k = rewards.shape
    m = len(annotators)
    per_pair = min(COMPARISONS_PER_PAIR, m)
    first, second = np.triu_indices(k, 1)
    prompt = np.repeat(np.arange(n), len(first))
    i = np.tile(first, n)
    j = np.tile(second, n)
    n_pairs = len(prompt)
    chosen_annotators = np.sort(np.argsort(rng.random((n_pairs, m)), axis=1)[:, :per_pair], axis=1)
    swap = rng.random((n_pairs, per_pair)) < 0.5
    a_idx = np.where(swap, j[:, None], i[:, None])
    b_idx = np.where(swap, i[:, None], j[:, None])
    p = prompt[:, None]
    diff = rewards[p, a_idx] - rewards[p, b_idx]
    sd = np.array([a.noise_sd for a in annotators])[chosen_annotators]
    tie = np.array([a.tie_threshold for a in annotators])[chosen_annotators]
    careless = np.array([a.careless_rate for a in annotators])[chosen_annotators]
    perceived = diff + rng.normal(0.0, 1.0, diff.shape) * sd
    labels = np.array(["a", "b", "tie"])
    judged = np.where(np.abs(perceived) < tie, 2, np.where(perceived > 0, 0, 1))
    guessed = rng.integers(0, 3, diff.shape)
    final = np.where(rng.random(diff.shape) < careless, guessed, judged)
    return Comparisons(
        item_a=(p * k + a_idx).ravel(),
        item_b=(p * k + b_idx).ravel(),
        annotator=chosen_annotators.ravel().astype(np.int64),
        preference=labels[final.ravel()],
    )
