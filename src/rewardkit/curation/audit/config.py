"""Thresholds of the coverage and bias audit."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["AuditConfig"]


class AuditConfig(BaseModel):
    """The threshold of every audit check (each check reports the one it used).

    Attributes:
        target_domains: Domains the data should cover; ``None`` skips the coverage check.
        min_domains: Fewest distinct domains the data should have.
        min_target_coverage: Smallest fraction of ``target_domains`` present.
        min_domain_share: Smallest share of prompts any one domain should have.
        target_human_share: Wanted share of human-written responses (the rest generated).
        source_tolerance: Largest allowed distance of the human (and generated) share from
            its target.
        max_load_ratio: Largest allowed ratio of the busiest to the idlest annotator's
            number of ratings.
        max_leniency: Largest allowed mean offset of one annotator's ratings from the mean
            of the other annotators on the same item and criterion (scale points).
        max_label_shift: Largest allowed distance of a domain's mean rating on a criterion
            from the criterion's overall mean, in standard deviations of that criterion.
        min_cell_ratings: Domain and criterion cells with fewer ratings are not checked for
            label shift (too noisy); they are still reported.
        chosen_longer_range: Allowed range of the fraction of pairs whose chosen response
            is longer (ties count half); outside it the data rewards length.
        length_ratio_range: Allowed range of mean chosen length over mean rejected length.

    Example:
        >>> cfg = AuditConfig(target_domains=["math", "law"], min_domains=2)
        >>> cfg.chosen_longer_range, cfg.max_leniency
        ((0.35, 0.65), 0.5)
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    target_domains: list[str] | None = None
    min_domains: int = Field(default=20, ge=1)
    min_target_coverage: float = Field(default=1.0, gt=0.0, le=1.0)
    min_domain_share: float = Field(default=0.02, ge=0.0, lt=1.0)
    target_human_share: float = Field(default=0.6, ge=0.0, le=1.0)
    source_tolerance: float = Field(default=0.05, ge=0.0, le=1.0)
    max_load_ratio: float = Field(default=2.0, ge=1.0)
    max_leniency: float = Field(default=0.5, gt=0.0)
    max_label_shift: float = Field(default=1.0, gt=0.0)
    min_cell_ratings: int = Field(default=10, ge=1)
    chosen_longer_range: tuple[float, float] = (0.35, 0.65)
    length_ratio_range: tuple[float, float] = (0.8, 1.25)

    @field_validator("target_domains")
    @classmethod
    def _check_targets(cls, names: list[str] | None) -> list[str] | None:
        if names is not None and not names:
            raise ValueError("target_domains: name at least one domain, or leave it unset")
        if names is not None and len(set(names)) != len(names):
            raise ValueError("target_domains: repeated names")
        return names

    @model_validator(mode="after")
    def _check_ranges(self) -> AuditConfig:
        for name in ("chosen_longer_range", "length_ratio_range"):
            low, high = getattr(self, name)
            if not 0.0 <= low < high:
                raise ValueError(f"{name}: need 0 <= low < high, got ({low}, {high})")
        if self.chosen_longer_range[1] > 1.0:
            raise ValueError("chosen_longer_range: a fraction cannot exceed 1")
        return self
