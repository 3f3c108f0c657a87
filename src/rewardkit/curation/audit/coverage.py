"""Domain coverage checks (how many domains, target coverage, smallest domain) and the
source mix (human-written vs generated responses)."""

from __future__ import annotations

import pandas as pd

from rewardkit.curation.audit.config import AuditConfig
from rewardkit.curation.audit.report import Bound, Check, DomainCount
from rewardkit.curation.audit.tables import require_columns

__all__ = ["domain_checks", "domain_counts", "source_checks"]

_SHOWN = 5


def _names(items: list[str]) -> str:
    more = f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else ""
    return ", ".join(items[:_SHOWN]) + more


def domain_counts(domains: pd.Series) -> tuple[DomainCount, ...]:
    """Items per domain and their share, largest first (ties by name).

    Example:
        >>> domain_counts(pd.Series(["a", "b", "a", "c"]))[0]
        DomainCount(domain='a', n=2, share=0.5)
    """
    counts = domains.astype(str).value_counts()
    total = int(counts.sum())
    rows = sorted(((str(d), int(n)) for d, n in counts.items()), key=lambda x: (-x[1], x[0]))
    return tuple(DomainCount(d, n, n / total) for d, n in rows)


def domain_checks(domains: pd.Series, config: AuditConfig) -> tuple[list[Check], list[DomainCount]]:
    """``domain_count``, ``target_domain_coverage`` (with targets) and
    ``smallest_domain_share`` over the domain of every prompt.

    Args:
        domains: One domain per prompt.
        config: The thresholds.

    Returns:
        The checks and the per-domain counts.

    Example:
        >>> cfg = AuditConfig(min_domains=2, target_domains=["a", "b", "z"])
        >>> checks, _ = domain_checks(pd.Series(["a"] * 9 + ["b"]), cfg)
        >>> [(c.name, c.passed) for c in checks]
        [('domain_count', True), ('target_domain_coverage', False), ('smallest_domain_share', True)]
    """
    counts = list(domain_counts(domains))
    checks = [
        Check.against(
            "domain_count",
            len(counts),
            Bound(low=config.min_domains),
            f"{len(counts)} distinct domains over {len(domains)} prompts",
        )
    ]
    if config.target_domains is not None:
        present = {c.domain for c in counts}
        missing = [d for d in config.target_domains if d not in present]
        extra = sorted(present - set(config.target_domains))
        covered = 1.0 - len(missing) / len(config.target_domains)
        detail = f"{len(config.target_domains) - len(missing)}/{len(config.target_domains)} covered"
        if missing:
            detail += f"; missing: {_names(missing)}"
        if extra:
            detail += f"; not targeted: {_names(extra)}"
        checks.append(
            Check.against(
                "target_domain_coverage", covered, Bound(low=config.min_target_coverage), detail
            )
        )
    if counts:
        smallest = min(counts, key=lambda c: (c.share, c.domain))
        checks.append(
            Check.against(
                "smallest_domain_share",
                smallest.share,
                Bound(low=config.min_domain_share),
                f"smallest domain {smallest.domain!r} has {smallest.n} prompts",
            )
        )
    return checks, counts


def source_checks(responses: pd.DataFrame, config: AuditConfig) -> list[Check]:
    """``source_human_share`` and ``source_generated_share`` of the responses, each within
    ``source_tolerance`` of its target (``target_human_share`` and its complement).

    Args:
        responses: Responses with a ``source`` column (``human`` or ``generated``; other
            values count in the total and are named in the detail).
        config: The thresholds.

    Example:
        >>> r = pd.DataFrame({"source": ["human"] * 6 + ["generated"] * 4})
        >>> [(c.name, c.value, c.passed) for c in source_checks(r, AuditConfig())]
        [('source_human_share', 0.6, True), ('source_generated_share', 0.4, True)]
    """
    require_columns(responses, "responses", ["source"])
    sources = responses["source"].astype(str)
    total = len(sources)
    counts = {str(k): int(v) for k, v in sources.value_counts().sort_index().items()}
    others = sorted(set(counts) - {"human", "generated"})
    detail = ", ".join(f"{k}={v}" for k, v in counts.items()) + f" of {total} responses"
    if others:
        detail += f" (neither human nor generated: {_names(others)})"
    tol = config.source_tolerance
    checks = []
    for source, target in (
        ("human", config.target_human_share),
        ("generated", 1.0 - config.target_human_share),
    ):
        share = counts.get(source, 0) / total if total else 0.0
        bound = Bound(round(max(0.0, target - tol), 9), round(min(1.0, target + tol), 9))
        checks.append(Check.against(f"source_{source}_share", share, bound, detail))
    return checks
