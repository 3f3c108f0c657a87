"""Best-of-n analyses per group (domain, subset) of the candidate sets, each with its own
bootstrap stream."""

from __future__ import annotations

from collections.abc import Sequence

from rewardkit.data.records import PreferenceItem
from rewardkit.rl.bon.analysis import BonAnalysis, analyse
from rewardkit.rl.bon.config import BonConfig
from rewardkit.rl.bon.estimator import FloatArray

__all__ = ["analyse_groups", "group_names"]


def group_names(items: Sequence[PreferenceItem], kind: str) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for i, it in enumerate(items):
        name = getattr(it, kind)
        if name:
            groups.setdefault(str(name), []).append(i)
    return dict(sorted(groups.items()))


def analyse_groups(
    items: Sequence[PreferenceItem],
    gold: list[FloatArray],
    proxies: dict[str, list[FloatArray]],
    config: BonConfig,
) -> dict[str, dict[str, dict[str, BonAnalysis]]]:
    out: dict[str, dict[str, dict[str, BonAnalysis]]] = {spec: {} for spec in proxies}
    for kind in config.group_by:
        names = group_names(items, kind)
        if len(names) < 2 and sum(map(len, names.values())) == len(items):
            continue  # one group holding everything repeats the overall analysis
        for spec in proxies:
            out[spec][kind] = {}
        for name, idx in names.items():
            res = analyse(
                [[scores[i] for i in idx] for scores in proxies.values()],
                [gold[i] for i in idx],
                n_max=config.n_max,
                n_resamples=config.bootstrap,
                confidence=config.confidence,
                seed=config.seed,
                stream=("bon", kind, name),
            )
            for spec, a in zip(proxies, res, strict=True):
                out[spec][kind][name] = a
    return out
