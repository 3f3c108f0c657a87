"""Typed options of ``rewardkit guard run|eval`` and ``rewardkit redteam`` (defaults in
``configs/guard.yaml``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from rewardkit.guard.policy import PolicyConfig

__all__ = ["DEFAULT_REFUSAL_LABELS", "GuardConfig"]

#: Label values that mean "refused" (XSTest's full and partial refusal, and plain words).
DEFAULT_REFUSAL_LABELS: tuple[str, ...] = (
    "2_full_refusal",
    "3_partial_refusal",
    "full_refusal",
    "partial_refusal",
    "refusal",
    "refused",
)


class GuardConfig(BaseModel):
    """Options shared by the guard and red-team commands.

    Example:
        >>> GuardConfig().text_columns[:2]
        ['response', 'completion']
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = Field(default=0, ge=0)
    bootstrap: int = Field(default=1000, ge=1)
    confidence: float = Field(default=0.95, gt=0.0, lt=1.0)
    text_columns: list[str] = Field(
        default_factory=lambda: ["response", "completion", "text", "output"],
        description="the first of these columns present holds the response text",
    )
    prompt_column: str = "prompt"
    id_column: str = "id"
    domain_column: str = "domain"
    group_columns: list[str] = Field(
        default_factory=lambda: ["domain", "type"],
        description="columns whose values the rates are also broken down by (when present)",
    )
    label_column: str | None = Field(default=None, description="human label column (eval)")
    positive_labels: list[str] = Field(
        default_factory=lambda: ["1", "true", "yes", "unsafe", "block", "blocked", "toxic"],
        description="label values meaning the check should trip (compared lower-cased)",
    )
    refusal_labels: list[str] = Field(default_factory=lambda: list(DEFAULT_REFUSAL_LABELS))
    unsafe_column: str = "label"
    unsafe_values: list[str] = Field(default_factory=lambda: ["unsafe"])
    strip_id_prefix: str = Field(
        default="", description="removed from response ids before joining them to --prompts"
    )
    refusal_check: str | None = Field(
        default=None,
        description="redteam without a label column: the policy check that decides refusal "
        "(null: the rule-based refusal detector)",
    )
    allow_python: bool = False
    policy: PolicyConfig | None = Field(
        default=None,
        description="a guard policy kept in the same file; --policy FILE reads it from there",
    )
