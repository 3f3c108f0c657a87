"""Options of near-duplicate detection (MinHash LSH over word or character shingles)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DedupConfig"]


class DedupConfig(BaseModel):
    """How texts are shingled, sketched, matched and which duplicate is kept.

    Attributes:
        shingle: ``word`` (n-grams of the normalised words) or ``char`` (n-grams of the
            normalised characters, spaces included).
        shingle_size: n of the n-grams (3 suits words, about 5 suits characters). A text
            shorter than n has one shingle: the whole normalised text.
        threshold: Jaccard similarity of shingle sets at or above which two texts are
            near-duplicates.
        num_perm: MinHash permutations (signature length).
        seed: Seeds the MinHash permutations (datasketch's ``MinHash(seed=...)``).
        verify: Check every LSH candidate with the exact Jaccard of the shingle sets, keep
            only pairs at or above ``threshold`` and report that exact similarity. With
            ``False`` the MinHash estimate (share of equal signature values) is used instead,
            both to accept a pair and as its reported similarity.
        keep: Which member of a duplicate cluster is kept: ``first`` keeps the earliest in
            input order; ``longest`` keeps the longest original text (in characters), the
            earliest among equally long ones.

    Example:
        >>> cfg = DedupConfig(shingle="char", shingle_size=5)
        >>> cfg.threshold, cfg.num_perm, cfg.keep
        (0.8, 128, 'first')
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    shingle: Literal["word", "char"] = "word"
    shingle_size: int = Field(default=3, ge=1, description="n of the shingle n-grams")
    threshold: float = Field(default=0.8, gt=0.0, le=1.0, description="Jaccard threshold")
    num_perm: int = Field(default=128, ge=4, le=4096, description="MinHash permutations")
    seed: int = Field(default=1, ge=0, description="seed of the MinHash permutations")
    verify: bool = True
    keep: Literal["first", "longest"] = "first"
