"""Generate the demo dataset: prompts, responses, true scores, annotations and preferences."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rewardkit.data.demo import phrases as ph
from rewardkit.data.demo.annotate import compare, make_annotators, rate
from rewardkit.data.demo.compose import (
    N_VARIANTS,
    ResponseSpec,
    compose_prompt,
    compose_response,
    compose_sensitive_prompt,
)
from rewardkit.data.demo.domains import DOMAINS
from rewardkit.data.demo.pairs import build_preferences
from rewardkit.data.demo.quality import (
    CRITERIA,
    MAX_STEPS,
    draw_components,
    true_reward,
    true_scores,
)
from rewardkit.errors import ConfigError

GENERATOR_VERSION = "1.0.0"
"""Bumped whenever the same config would produce different files."""


@dataclass(frozen=True)
class DemoConfig:
    """What to generate. The same config always gives byte-identical files.

    Attributes:
        seed: Seed of every random choice.
        n_prompts: Prompts to generate (spread evenly over the domains).
        responses_per_prompt: Responses per prompt (at least 2).
        n_annotators: Simulated annotators; each rates every response on every criterion.
        human_share: Share of careful human-like responses; the rest are weaker generated ones.
    """

    seed: int = 0
    n_prompts: int = 240
    responses_per_prompt: int = 4
    n_annotators: int = 5
    human_share: float = 0.6

    def __post_init__(self) -> None:
        if self.n_prompts < 1:
            raise ConfigError(f"n_prompts must be >= 1, got {self.n_prompts}")
        if self.responses_per_prompt < 2:
            raise ConfigError(f"responses_per_prompt must be >= 2, got {self.responses_per_prompt}")
        if self.n_annotators < 1:
            raise ConfigError(f"n_annotators must be >= 1, got {self.n_annotators}")
        if not 0.0 <= self.human_share <= 1.0:
            raise ConfigError(f"human_share must be in [0, 1], got {self.human_share}")
        if self.seed < 0:
            raise ConfigError(f"seed must be >= 0, got {self.seed}")


@dataclass(frozen=True, eq=False)
class DemoDataset:
    """The generated tables (pandas DataFrames) and the config that produced them.

    Attributes:
        prompts: ``prompt_id, domain, prompt, sensitive``.
        responses: ``item_id, prompt_id, response_index, domain, text, source`` and the true
            scores ``true_usefulness, true_factuality, true_safety, true_alignment, true_reward``.
        ratings: ``item_id, prompt_id, annotator_id, criterion, value, domain`` (long form).
        comparisons: ``prompt_id, item_a, item_b, annotator_id, preference``.
        preferences: pairs in the native preference layout (see ``pairs.build_preferences``).
        annotators: each annotator's simulated parameters.
        config: The config that produced the dataset.
    """

    prompts: pd.DataFrame
    responses: pd.DataFrame
    ratings: pd.DataFrame
    comparisons: pd.DataFrame
    preferences: pd.DataFrame
    annotators: pd.DataFrame
    config: DemoConfig


def _prompts(config: DemoConfig, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    n = config.n_prompts
    domain_idx = rng.permutation(np.arange(n) % len(DOMAINS))
    rates = np.array([d.sensitive_rate for d in DOMAINS])[domain_idx]
    sensitive = rng.random(n) < rates
    picks = rng.integers(0, 1 << 30, size=(n, 4)).tolist()
    texts: list[str] = []
    items: list[int] = []
    for d_i, risky, (a, b, c, e) in zip(
        domain_idx.tolist(), sensitive.tolist(), picks, strict=True
    ):
        domain = DOMAINS[d_i]
        if risky:
            item = a % len(domain.sensitive)
            texts.append(
                compose_sensitive_prompt(
                    domain,
                    item,
                    b % len(ph.SENSITIVE_LEADS),
                    c % len(ph.PERSONAS),
                    e % len(ph.SENSITIVE_TAILS),
                )
            )
        else:
            item = a % len(domain.topics)
            texts.append(
                compose_prompt(
                    domain, item, b % len(domain.templates), c % len(ph.PERSONAS), e % len(ph.TAILS)
                )
            )
        items.append(item)
    width = max(5, len(str(n)))
    frame = pd.DataFrame(
        {
            "prompt_id": [f"demo-{i:0{width}d}" for i in range(n)],
            "domain": [DOMAINS[i].name for i in domain_idx.tolist()],
            "prompt": texts,
            "sensitive": sensitive,
        }
    )
    return frame, np.column_stack([domain_idx, np.array(items, dtype=np.int64)])


def _domain_table(attr: str) -> np.ndarray:
    return np.array([getattr(d, attr) for d in DOMAINS], dtype=np.float64)


def _responses(
    config: DemoConfig, prompts: pd.DataFrame, keys: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    n, k = config.n_prompts, config.responses_per_prompt
    total = n * k
    domain_idx = np.repeat(keys[:, 0], k)
    item = np.repeat(keys[:, 1], k)
    sensitive = np.repeat(prompts["sensitive"].to_numpy(dtype=bool), k)
    human = np.zeros(total, dtype=bool)
    human[rng.permutation(total)[: round(config.human_share * total)]] = True
    comp = draw_components(rng, human, sensitive, _domain_table("difficulty")[domain_idx])
    scores = np.round(
        true_scores(
            comp,
            _domain_table("fact_stakes")[domain_idx],
            _domain_table("caveat_stakes")[domain_idx],
        ),
        4,
    )
    reward = np.round(true_reward(scores), 4)

    n_steps_pool = np.array([len(d.steps) for d in DOMAINS])[domain_idx]
    width = int(n_steps_pool.max())
    step_keys = np.where(
        np.arange(width)[None, :] < n_steps_pool[:, None], rng.random((total, width)), 2.0
    )
    step_order = np.argsort(step_keys, axis=1)[:, :MAX_STEPS].tolist()
    variants = rng.integers(0, 1 << 30, size=(total, N_VARIANTS)).tolist()
    fields = (
        comp.opener,
        comp.fact,
        comp.overconfident,
        comp.n_steps,
        comp.structured,
        comp.vague,
        comp.caveat,
        comp.padding,
        comp.closing,
        comp.refuse,
        comp.mode,
    )
    rows = zip(*(f.tolist() for f in fields), strict=True)
    texts = [
        compose_response(DOMAINS[d], it, ResponseSpec(*row), v, order)
        for d, it, row, v, order in zip(
            domain_idx.tolist(), item.tolist(), rows, variants, step_order, strict=True
        )
    ]
    prompt_ids = np.repeat(prompts["prompt_id"].to_numpy(dtype=object), k)
    index = np.tile(np.arange(k), n)
    frame = pd.DataFrame(
        {
            "item_id": [f"{p}-r{i}" for p, i in zip(prompt_ids, index.tolist(), strict=True)],
            "prompt_id": prompt_ids,
            "response_index": index,
            "domain": np.repeat(prompts["domain"].to_numpy(dtype=object), k),
            "text": texts,
            "source": np.where(human, "human", "generated"),
        }
    )
    for c, name in enumerate(CRITERIA):
        frame[f"true_{name}"] = scores[:, c]
    frame["true_reward"] = reward
    return frame


def generate_demo(config: DemoConfig) -> DemoDataset:
    """Generate the whole demo dataset in memory (deterministic in ``config``).

    Args:
        config: What to generate; independent random streams (prompts, responses, annotators,
            ratings, comparisons) are spawned from ``config.seed``.

    Returns:
        The tables, with ``config`` attached.

    Example:
        >>> ds = generate_demo(DemoConfig(n_prompts=30, seed=1))
        >>> len(ds.prompts), len(ds.responses), len(ds.ratings)
        (30, 120, 2400)
    """
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(config.seed).spawn(5)]
    prompts, keys = _prompts(config, streams[0])
    responses = _responses(config, prompts, keys, streams[1])
    annotators = make_annotators(config.n_annotators, streams[2])
    true = responses[[f"true_{c}" for c in CRITERIA]].to_numpy(dtype=np.float64)
    values = rate(true, annotators, streams[3])
    ann_ids = np.array([a.annotator_id for a in annotators], dtype=object)
    n_items, m, n_c = values.shape
    per_item = m * n_c
    ratings = pd.DataFrame(
        {
            "item_id": np.repeat(responses["item_id"].to_numpy(dtype=object), per_item),
            "prompt_id": np.repeat(responses["prompt_id"].to_numpy(dtype=object), per_item),
            "annotator_id": np.tile(np.repeat(ann_ids, n_c), n_items),
            "criterion": np.tile(np.array(CRITERIA, dtype=object), n_items * m),
            "value": values.reshape(-1),
            "domain": np.repeat(responses["domain"].to_numpy(dtype=object), per_item),
        }
    )
    k = config.responses_per_prompt
    rewards = responses["true_reward"].to_numpy(dtype=np.float64).reshape(-1, k)
    cmp = compare(rewards, annotators, streams[4])
    item_ids = responses["item_id"].to_numpy(dtype=object)
    comparisons = pd.DataFrame(
        {
            "prompt_id": responses["prompt_id"].to_numpy(dtype=object)[cmp.item_a],
            "item_a": item_ids[cmp.item_a],
            "item_b": item_ids[cmp.item_b],
            "annotator_id": ann_ids[cmp.annotator],
            "preference": cmp.preference.astype(object),
        }
    )
    annotator_frame = pd.DataFrame(
        {
            "annotator_id": [a.annotator_id for a in annotators],
            "profile": [a.profile for a in annotators],
            **{f"bias_{c}": [a.bias[i] for a in annotators] for i, c in enumerate(CRITERIA)},
            "noise_sd": [a.noise_sd for a in annotators],
            "tie_threshold": [a.tie_threshold for a in annotators],
            "careless_rate": [a.careless_rate for a in annotators],
        }
    )
    return DemoDataset(
        prompts=prompts,
        responses=responses,
        ratings=ratings,
        comparisons=comparisons,
        preferences=build_preferences(prompts, responses, k),
        annotators=annotator_frame,
        config=config,
    )
