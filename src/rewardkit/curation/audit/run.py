"""Run every audit check that the given tables allow."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rewardkit.curation.audit.annotators import annotator_checks
from rewardkit.curation.audit.config import AuditConfig
from rewardkit.curation.audit.coverage import domain_checks, source_checks
from rewardkit.curation.audit.labels import label_checks
from rewardkit.curation.audit.length import length_checks
from rewardkit.curation.audit.report import (
    AnnotatorStat,
    AuditReport,
    Check,
    DomainCount,
    LabelMean,
)
from rewardkit.curation.audit.tables import require_columns
from rewardkit.curation.splits.demo import read_table
from rewardkit.errors import DataError

__all__ = ["audit", "audit_demo_folder"]


def _rating_domains(ratings: pd.DataFrame, prompts: pd.DataFrame | None) -> pd.DataFrame | None:
    """Ratings with a ``domain`` column: their own, or joined from prompts by ``prompt_id``."""
    if "domain" in ratings.columns:
        return ratings
    if prompts is None or "prompt_id" not in ratings.columns or "domain" not in prompts.columns:
        return None
    domain_of = dict(zip(prompts["prompt_id"].astype(str), prompts["domain"], strict=True))
    return ratings.assign(domain=ratings["prompt_id"].astype(str).map(domain_of))


def audit(
    prompts: pd.DataFrame | None = None,
    responses: pd.DataFrame | None = None,
    ratings: pd.DataFrame | None = None,
    preferences: pd.DataFrame | None = None,
    *,
    config: AuditConfig | None = None,
) -> AuditReport:
    """Audit coverage and biases of a dataset; each check states its threshold and verdict.

    Checks run when their table is given (otherwise they are listed in ``skipped``):

    - domains of ``prompts`` (or of ``preferences`` without prompts): ``domain_count``,
      ``target_domain_coverage`` (with ``config.target_domains``), ``smallest_domain_share``;
    - ``responses``: ``source_human_share``, ``source_generated_share``;
    - ``ratings``: ``annotator_load_ratio``, ``annotator_leniency``, and ``label_shift``
      (ratings need a ``domain``, their own or joined from prompts by ``prompt_id``);
    - ``preferences``: ``length_chosen_longer``, ``length_ratio``.

    Args:
        prompts: ``prompt_id``, ``domain``.
        responses: ``source`` (``human`` or ``generated``).
        ratings: ``item_id``, ``annotator_id``, ``criterion``, ``value``, ``domain`` or
            ``prompt_id``.
        preferences: ``chosen``, ``rejected`` (texts), optional ``domain`` and ``tie``.
        config: The thresholds (defaults: see :class:`AuditConfig`).

    Returns:
        The report; ``report.passed`` is ``True`` when no check flags the data.

    Raises:
        DataError: A given table lacks a column its checks need.

    Example:
        >>> prefs = pd.DataFrame({"chosen": ["a longer answer", "ok"],
        ...                       "rejected": ["short", "a longer one"]})
        >>> report = audit(preferences=prefs)
        >>> report.passed, [c.name for c in report.checks]
        (True, ['length_chosen_longer', 'length_ratio'])
    """
    cfg = config if config is not None else AuditConfig()
    checks: list[Check] = []
    skipped: list[str] = []
    domains: list[DomainCount] = []
    annotators: list[AnnotatorStat] = []
    means: list[LabelMean] = []

    if prompts is not None:
        require_columns(prompts, "prompts", ["domain"])
        found, domains = domain_checks(prompts["domain"], cfg)
        checks += found
    elif preferences is not None and "domain" in preferences.columns:
        found, domains = domain_checks(preferences["domain"].fillna("(none)"), cfg)
        checks += found
    else:
        skipped.append("domain checks: no prompts table (nor preferences with a domain)")

    if responses is not None:
        checks += source_checks(responses, cfg)
    else:
        skipped.append("source mix: no responses table")

    if ratings is not None:
        found, annotators = annotator_checks(ratings, cfg)
        checks += found
        with_domain = _rating_domains(ratings, prompts)
        if with_domain is not None:
            found, means = label_checks(with_domain, cfg)
            checks += found
        else:
            skipped.append("label shift: ratings have no domain (nor prompt_id and prompts)")
    else:
        skipped.append("annotator and label checks: no ratings table")

    if preferences is not None:
        checks += length_checks(preferences, cfg)
    else:
        skipped.append("length bias: no preferences table")

    return AuditReport(
        checks=tuple(checks),
        domains=tuple(domains),
        annotators=tuple(annotators),
        label_means=tuple(means),
        skipped=tuple(skipped),
    )


def audit_demo_folder(data_dir: str | Path, config: AuditConfig | None = None) -> AuditReport:
    """Audit the JSONL tables of a demo-style folder (each of prompts, responses, ratings and
    preferences that exists).

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "responses.jsonl").write_text('{"source": "human"}\\n' * 3
        ...                                        + '{"source": "generated"}\\n' * 2)
        >>> audit_demo_folder(d).passed
        True
    """
    root = Path(data_dir)
    if not root.is_dir():
        raise DataError("not a folder", path=root)
    tables: dict[str, pd.DataFrame | None] = {}
    for name in ("prompts", "responses", "ratings", "preferences"):
        path = root / f"{name}.jsonl"
        tables[name] = read_table(path) if path.is_file() else None
    return audit(
        tables["prompts"],
        tables["responses"],
        tables["ratings"],
        tables["preferences"],
        config=config,
    )
