"""Probe pairs from preference items: each item's first chosen response, transformed by each
probe, checked, and kept or dropped with a counted reason."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from rewardkit.data.records import PreferenceItem, Prompt
from rewardkit.metrics import rng_for
from rewardkit.probes.text import sentences
from rewardkit.probes.transforms import PROBES, Variant

__all__ = ["ProbePair", "ProbeSet", "build_probe_pairs"]


@dataclass(frozen=True)
class ProbePair:
    """One counterfactual pair: ``variant`` has the probe's property, ``base`` has not.

    Attributes:
        probe: Probe name.
        source_id: Id of the item (or prompt) the pair was built from.
        domain: Its domain (``subset`` when it has none, else ``"all"``).
        prompt: The prompt both responses answer.
        base: The response without the property.
        variant: The response with it.
    """

    probe: str
    source_id: str
    domain: str
    prompt: Prompt
    base: str
    variant: str

    @property
    def length_change(self) -> int:
        """Characters the variant adds (negative when shorter)."""
        return len(self.variant) - len(self.base)


@dataclass(frozen=True)
class ProbeSet:
    """The pairs of every probe, and per probe how many items were dropped and why."""

    pairs: dict[str, tuple[ProbePair, ...]]
    dropped: dict[str, dict[str, int]] = field(default_factory=dict)
    n_source: int = 0


def _domain(item: PreferenceItem) -> str:
    return item.domain or item.subset or "all"


def build_probe_pairs(
    items: Sequence[PreferenceItem], probes: Sequence[str], *, seed: int = 0
) -> ProbeSet:
    """Transform each item's first chosen response with each probe (seeded per probe and item)
    and keep the pairs that pass the probe's check.

    Example:
        >>> item = PreferenceItem(id="1", prompt="Capital of France?",
        ...     chosen=("Paris is the capital. It is large.",), rejected=("Rome.",))
        >>> s = build_probe_pairs([item], ["position", "formatting"])
        >>> s.pairs["position"][0].variant, s.dropped["formatting"]
        ('It is large. Paris is the capital.', {})
    """
    pairs: dict[str, list[ProbePair]] = {name: [] for name in probes}
    dropped: dict[str, Counter[str]] = {name: Counter() for name in probes}
    for name in probes:
        probe = PROBES.get(name)
        for item in items:
            sents = sentences(item.chosen[0]) if item.chosen else []
            if not sents:
                dropped[name]["empty answer"] += 1
                continue
            made = probe.make(item.prompt, sents, rng_for(seed, "probe", name, item.id))
            if isinstance(made, str):
                dropped[name][made] += 1
                continue
            problem = _checked(probe.check, sents, made)
            if problem is not None:
                dropped[name][f"failed check: {problem}"] += 1
                continue
            pairs[name].append(
                ProbePair(name, item.id, _domain(item), made.prompt, made.base, made.variant)
            )
    return ProbeSet(
        {k: tuple(v) for k, v in pairs.items()},
        {k: dict(sorted(v.items())) for k, v in dropped.items()},
        len(items),
    )


def _checked(check: object, sents: list[str], made: Variant) -> str | None:
    assert callable(check)
    result = check(sents, made)
    return None if result is None else str(result)
