"""Exact and near-duplicate detection (normalisation + MinHash LSH) and cross-split leak finding.

Example:
    >>> from rewardkit.curation.dedup import DedupConfig, dedup
    >>> res = dedup(["a", "b"], ["The same text.", "the SAME text"], DedupConfig())
    >>> res.kept_ids, res.n_exact
    (('a',), 1)
"""

from rewardkit.curation.dedup.config import DedupConfig
from rewardkit.curation.dedup.core import dedup, find_leaks
from rewardkit.curation.dedup.lsh import lsh_params
from rewardkit.curation.dedup.normalize import normalize_text
from rewardkit.curation.dedup.preferences import dedup_preferences
from rewardkit.curation.dedup.result import DedupResult, DuplicateKind, DuplicatePair, Leak, Removed
from rewardkit.curation.dedup.shingles import shingle_set

__all__ = [
    "DedupConfig",
    "DedupResult",
    "DuplicateKind",
    "DuplicatePair",
    "Leak",
    "Removed",
    "dedup",
    "dedup_preferences",
    "find_leaks",
    "lsh_params",
    "normalize_text",
    "shingle_set",
]
