"""Coverage and bias audit of a dataset: every check states its threshold and its verdict.

Checks: domain count, target-domain coverage and the smallest domain's share; the mix of
human-written and generated responses; annotator workload and leniency; per-domain label
shifts; length bias of chosen vs rejected responses.

Example:
    >>> import pandas as pd
    >>> prefs = pd.DataFrame({"chosen": ["a much longer answer"] * 3, "rejected": ["no"] * 3})
    >>> report = audit(preferences=prefs)
    >>> report.passed, [c.name for c in report.flagged]
    (False, ['length_chosen_longer', 'length_ratio'])
"""

from rewardkit.curation.audit.annotators import annotator_checks, leniency_offsets
from rewardkit.curation.audit.config import AuditConfig
from rewardkit.curation.audit.coverage import domain_checks, domain_counts, source_checks
from rewardkit.curation.audit.labels import label_checks, label_means
from rewardkit.curation.audit.length import length_checks, pair_lengths
from rewardkit.curation.audit.report import (
    AUDIT_SCHEMA,
    AnnotatorStat,
    AuditReport,
    Bound,
    Check,
    DomainCount,
    LabelMean,
)
from rewardkit.curation.audit.run import audit, audit_demo_folder

__all__ = [
    "AUDIT_SCHEMA",
    "AnnotatorStat",
    "AuditConfig",
    "AuditReport",
    "Bound",
    "Check",
    "DomainCount",
    "LabelMean",
    "annotator_checks",
    "audit",
    "audit_demo_folder",
    "domain_checks",
    "domain_counts",
    "label_checks",
    "label_means",
    "length_checks",
    "leniency_offsets",
    "pair_lengths",
    "source_checks",
]
