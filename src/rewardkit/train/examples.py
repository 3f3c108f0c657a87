"""Training examples: preference items expanded into index pairs over a table of unique inputs.

A k-way item (several chosen, several rejected responses) becomes every chosen x rejected pair;
labelled ties are left out. Regression examples are responses with a scalar target (an item's
``chosen_scores`` / ``rejected_scores``, e.g. the aggregated reward from the annotations).
Inputs are deduplicated so each (prompt, response) is encoded once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rewardkit.data.records import PreferenceItem, Prompt, prompt_text
from rewardkit.errors import DataError


@dataclass(frozen=True)
class InputTable:
    """Unique (prompt, response) inputs; examples refer to them by row index."""

    prompts: tuple[Prompt, ...]
    responses: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.responses)


@dataclass(frozen=True)
class PairExamples:
    """Pairs ``chosen[i]`` preferred over ``rejected[i]`` (indices into ``inputs``)."""

    inputs: InputTable
    chosen: np.ndarray
    rejected: np.ndarray
    margin: np.ndarray
    group: np.ndarray  # prompt key of each pair, for leak-free validation splits

    def __len__(self) -> int:
        return int(self.chosen.size)

    def subset(self, mask: np.ndarray) -> PairExamples:
        return PairExamples(
            self.inputs, self.chosen[mask], self.rejected[mask], self.margin[mask], self.group[mask]
        )


@dataclass(frozen=True)
class TargetExamples:
    """Responses ``index[i]`` with scalar regression targets ``target[i]``."""

    inputs: InputTable
    index: np.ndarray
    target: np.ndarray
    group: np.ndarray

    def __len__(self) -> int:
        return int(self.index.size)

    def subset(self, mask: np.ndarray) -> TargetExamples:
        return TargetExamples(self.inputs, self.index[mask], self.target[mask], self.group[mask])


Examples = PairExamples | TargetExamples


def prompt_key(prompt: Prompt) -> str:
    return hashlib.sha256(prompt_text(prompt).encode("utf-8")).hexdigest()[:16]


class _Interner:
    def __init__(self) -> None:
        self.index: dict[tuple[str, str], int] = {}
        self.prompts: list[Prompt] = []
        self.responses: list[str] = []

    def __call__(self, prompt: Prompt, response: str) -> int:
        key = (prompt_text(prompt), response)
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.responses)
            self.prompts.append(prompt)
            self.responses.append(response)
        return found

    def table(self) -> InputTable:
        return InputTable(tuple(self.prompts), tuple(self.responses))


def pair_examples(items: Sequence[PreferenceItem], *, use_margin: bool = True) -> PairExamples:
    """Every chosen x rejected pair of every untied item.

    Example:
        >>> item = PreferenceItem("1", "q", ("a", "b"), ("c",), margin=0.5)
        >>> ex = pair_examples([item])
        >>> len(ex), len(ex.inputs), ex.margin.tolist()
        (2, 3, [0.5, 0.5])
    """
    intern = _Interner()
    chosen: list[int] = []
    rejected: list[int] = []
    margin: list[float] = []
    group: list[str] = []
    for item in items:
        if item.tie:
            continue
        key = prompt_key(item.prompt)
        m = float(item.margin) if use_margin and item.margin is not None else 0.0
        for c in item.chosen:
            for r in item.rejected:
                chosen.append(intern(item.prompt, c))
                rejected.append(intern(item.prompt, r))
                margin.append(m)
                group.append(key)
    if not chosen:
        raise DataError("no untied chosen/rejected pairs to train on")
    return PairExamples(
        intern.table(),
        np.asarray(chosen, dtype=np.int64),
        np.asarray(rejected, dtype=np.int64),
        np.asarray(margin, dtype=np.float64),
        np.asarray(group),
    )


def target_examples(items: Sequence[PreferenceItem]) -> TargetExamples:
    """One example per response that has a score (``chosen_scores`` / ``rejected_scores``)."""
    intern = _Interner()
    index: list[int] = []
    target: list[float] = []
    group: list[str] = []
    for item in items:
        key = prompt_key(item.prompt)
        for responses, scores in (
            (item.chosen, item.chosen_scores),
            (item.rejected, item.rejected_scores),
        ):
            if scores is None:
                continue
            for response, score in zip(responses, scores, strict=True):
                index.append(intern(item.prompt, response))
                target.append(float(score))
                group.append(key)
    if not index:
        raise DataError(
            "regression needs scored responses (chosen_scores / rejected_scores); none found",
            field="chosen_scores",
        )
    return TargetExamples(
        intern.table(),
        np.asarray(index, dtype=np.int64),
        np.asarray(target, dtype=np.float64),
        np.asarray(group),
    )


def split_by_group(examples: Examples, share: float, seed: int) -> tuple[Examples, Examples | None]:
    """Hold out ``share`` of the prompts (all their examples) for validation, deterministically.

    Example:
        >>> items = [PreferenceItem(str(i), f"q{i}", ("a",), ("b",)) for i in range(10)]
        >>> train, val = split_by_group(pair_examples(items), 0.2, seed=0)
        >>> len(train), len(val)
        (8, 2)
    """
    groups = np.unique(examples.group)
    n_val = round(share * groups.size)
    if share <= 0 or n_val == 0 or n_val >= groups.size:
        return examples, None
    rng = np.random.default_rng([seed, 7919])
    held = set(rng.choice(groups, size=n_val, replace=False).tolist())
    mask = np.array([g in held for g in examples.group], dtype=bool)
    return examples.subset(~mask), examples.subset(mask)


def examples_hash(examples: Examples) -> str:
    """Content hash of the examples (inputs and labels), written to the training log."""
    h = hashlib.sha256()
    for prompt, response in zip(examples.inputs.prompts, examples.inputs.responses, strict=True):
        h.update(prompt_text(prompt).encode("utf-8") + b"\x00" + response.encode("utf-8") + b"\x01")
    if isinstance(examples, PairExamples):
        arrays = [examples.chosen, examples.rejected, examples.margin]
    else:
        arrays = [examples.index, examples.target]
    for array in arrays:
        h.update(np.ascontiguousarray(array).tobytes())
    return h.hexdigest()
