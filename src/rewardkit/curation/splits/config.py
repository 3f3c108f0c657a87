"""Options of the leak-free split (shares, seed, held-out domains)."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from rewardkit.errors import ConfigError

__all__ = ["SPLIT_NAMES", "SplitConfig", "check_holdout_domains"]

SPLIT_NAMES: tuple[str, ...] = ("train", "validation", "test", "holdout")
"""Every split a group can land in, in the order files and manifests list them."""


class SplitConfig(BaseModel):
    """How groups (prompts) are divided between train, validation, test and holdout.

    Built directly, an invalid value raises pydantic's ``ValidationError`` (a ``ValueError``);
    loaded with :func:`rewardkit.config.load_config` it raises
    :class:`~rewardkit.errors.ConfigError`. Named holdout domains are checked against the data
    by :func:`check_holdout_domains` when the split is assigned.

    Attributes:
        test_share: Share of each non-holdout domain's groups that goes to ``test``, in [0, 1).
        validation_share: Share that goes to ``validation``, in [0, 1).
        seed: Seeds the per-domain permutations and the draw of holdout domains.
        holdout_domains: Domains held out entirely (all their groups go to ``holdout``).
        n_holdout_domains: Further domains, drawn by the seed among the others, held out too.

    Example:
        >>> cfg = SplitConfig(test_share=0.25, holdout_domains=["legal"])
        >>> cfg.test_share, cfg.train_share, cfg.holdout_domains
        (0.25, 0.75, ['legal'])
        >>> try:
        ...     SplitConfig(test_share=0.6, validation_share=0.4)
        ... except ValueError as exc:
        ...     print("must sum below 1" in str(exc))
        True
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    test_share: float = Field(default=0.2, ge=0.0, lt=1.0)
    validation_share: float = Field(default=0.0, ge=0.0, lt=1.0)
    seed: int = Field(default=0, ge=0)
    holdout_domains: list[str] = Field(default_factory=list)
    n_holdout_domains: int = Field(default=0, ge=0)

    @field_validator("holdout_domains")
    @classmethod
    def _check_names(cls, names: list[str]) -> list[str]:
        if any(not name.strip() for name in names):
            raise ValueError("holdout_domains: domain names must not be empty")
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"holdout_domains: repeated names: {', '.join(repeated)}")
        return names

    @model_validator(mode="after")
    def _check_shares(self) -> SplitConfig:
        total = self.test_share + self.validation_share
        if total >= 1.0:
            raise ValueError(
                f"test_share + validation_share must sum below 1, got {total:.6g} "
                "(train would be empty)"
            )
        return self

    @property
    def train_share(self) -> float:
        """What remains for ``train`` in each non-holdout domain."""
        return 1.0 - self.test_share - self.validation_share


def check_holdout_domains(config: SplitConfig, known: Iterable[str]) -> None:
    """Fail when a named holdout domain is absent, or too few domains remain to draw from.

    Args:
        config: The split options.
        known: The domains present in the data.

    Raises:
        ConfigError: Naming the unknown domains and listing the known ones, or when holding
            out ``n_holdout_domains`` more would leave no domain for training.

    Example:
        >>> try:
        ...     check_holdout_domains(SplitConfig(holdout_domains=["law"]), ["legal", "math"])
        ... except ConfigError as exc:
        ...     print(exc)
        holdout_domains name domains absent from the data: law (known domains: legal, math)
    """
    known_set = set(known)
    unknown = [name for name in config.holdout_domains if name not in known_set]
    if unknown:
        raise ConfigError(
            f"holdout_domains name domains absent from the data: {', '.join(unknown)} "
            f"(known domains: {', '.join(sorted(known_set)) or 'none'})"
        )
    left = len(known_set) - len(config.holdout_domains)
    if config.n_holdout_domains >= left:
        raise ConfigError(
            f"n_holdout_domains={config.n_holdout_domains} leaves no domain for training: "
            f"{len(known_set)} domains, {len(config.holdout_domains)} named in holdout_domains"
        )
