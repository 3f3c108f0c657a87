"""The typed experiment configuration that ``rewardkit abtest plan`` reads (``exp.yaml``) and
that a pre-registration freezes.

A metric is ``binary`` (a 0/1 outcome per unit: task success, safety violation, refusal) or
``continuous`` (RM score, length). Its ``role`` is ``primary`` (tested for an improvement in
its ``direction``; Holm across the primary metrics) or ``guardrail`` (tested for
non-inferiority: it may not get worse by more than ``margin``, in the metric's own units).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["DecisionRule", "ExperimentConfig", "MetricSpec", "SequentialSpec"]


class MetricSpec(BaseModel):
    """One metric of the experiment.

    Attributes:
        name: Column of the data log holding each unit's outcome.
        kind: ``binary`` (0/1) or ``continuous``.
        role: ``primary`` or ``guardrail``.
        direction: ``increase`` when larger is better (task success), ``decrease`` when
            smaller is better (safety violations, refusals).
        baseline: Control rate of a binary metric (used for planning).
        sd: Standard deviation of a continuous metric (used for planning).
        mde: Minimum detectable effect of a primary metric, absolute (rate points as a
            fraction, or the continuous metric's units); also the mSPRT mixing scale.
        margin: Non-inferiority margin of a guardrail (absolute, > 0): the treatment may be
            worse than control by less than this.
        covariate: Column with the unit's pre-period value of the metric (CUPED).

    Example:
        >>> MetricSpec(name="success", kind="binary", baseline=0.3, mde=0.02).role
        'primary'
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    kind: Literal["binary", "continuous"]
    role: Literal["primary", "guardrail"] = "primary"
    direction: Literal["increase", "decrease"] = "increase"
    baseline: float | None = Field(default=None, gt=0.0, lt=1.0)
    sd: float | None = Field(default=None, gt=0.0)
    mde: float | None = Field(default=None, gt=0.0)
    margin: float | None = Field(default=None, gt=0.0)
    covariate: str | None = None

    @model_validator(mode="after")
    def _check(self) -> MetricSpec:
        if self.kind == "binary" and self.baseline is None:
            raise ValueError(f"metric {self.name!r}: a binary metric needs baseline")
        if self.kind == "continuous" and self.sd is None:
            raise ValueError(f"metric {self.name!r}: a continuous metric needs sd")
        if self.role == "primary" and self.mde is None:
            raise ValueError(f"metric {self.name!r}: a primary metric needs mde")
        if self.role == "guardrail" and self.margin is None:
            raise ValueError(f"metric {self.name!r}: a guardrail metric needs margin")
        return self

    @property
    def sign(self) -> float:
        """+1 when an increase is good, -1 when a decrease is good."""
        return 1.0 if self.direction == "increase" else -1.0


class SequentialSpec(BaseModel):
    """mSPRT settings (used when ``design: sequential``).

    Attributes:
        tau: Standard deviation of the normal mixture over the effect, per metric name; a
            metric not named uses its ``mde`` (primary) or ``margin`` (guardrail).
        look_every: Units between two looks at the data (the p-value is always valid, so looks
            may be as frequent as wanted; this only sets how often the path is evaluated).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: Literal["msprt"] = "msprt"
    tau: dict[str, float] = Field(default_factory=dict)
    look_every: int = Field(default=100, ge=1)


class DecisionRule(BaseModel):
    """The decision rule fixed by the pre-registration.

    * **don't ship**: a primary metric is significantly worse (Holm-adjusted two-sided
      p < alpha, estimate in the bad direction), or a guardrail is shown inferior (its
      (1 - 2 guardrail_alpha) interval lies entirely beyond the margin).
    * **ship**: otherwise, when ``primary: any`` and at least one primary metric is
      significantly better (``all``: every one), and every guardrail is shown non-inferior
      (one-sided p < guardrail_alpha), and no sample-ratio mismatch was found.
    * **inconclusive**: everything else (including a sample-ratio mismatch, p < srm_alpha).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    primary: Literal["any", "all"] = "any"
    adjust: Literal["holm", "none"] = "holm"
    guardrail_alpha: float = Field(default=0.025, gt=0.0, lt=0.5)
    srm_alpha: float = Field(default=0.001, gt=0.0, lt=1.0)


class ExperimentConfig(BaseModel):
    """An experiment (see ``configs/abtest.yaml``).

    Example:
        >>> cfg = ExperimentConfig(
        ...     name="x", metrics=[MetricSpec(name="s", kind="binary", baseline=0.3, mde=0.02)]
        ... )
        >>> cfg.arms, cfg.split
        (['control', 'treatment'], [0.5, 0.5])
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    design: Literal["fixed", "sequential", "paired"] = "fixed"
    alpha: float = Field(default=0.05, gt=0.0, lt=0.5)
    power: float = Field(default=0.8, gt=0.5, lt=1.0)
    arms: list[str] = Field(default_factory=lambda: ["control", "treatment"])
    split: list[float] = Field(default_factory=lambda: [0.5, 0.5])
    salt: str = "rewardkit"
    metrics: list[MetricSpec] = Field(min_length=1)
    decision: DecisionRule = Field(default_factory=DecisionRule)
    sequential: SequentialSpec = Field(default_factory=SequentialSpec)

    @model_validator(mode="after")
    def _check(self) -> ExperimentConfig:
        if len(self.arms) != 2 or len(set(self.arms)) != 2:
            raise ValueError("arms: exactly two distinct names (control first, then treatment)")
        if len(self.split) != 2 or min(self.split) <= 0 or abs(sum(self.split) - 1.0) > 1e-9:
            raise ValueError("split: two positive shares summing to 1")
        names = [m.name for m in self.metrics]
        if len(set(names)) != len(names):
            raise ValueError("metrics: names must be unique")
        if not any(m.role == "primary" for m in self.metrics):
            raise ValueError("metrics: at least one primary metric")
        return self

    @property
    def ratio(self) -> float:
        """Allocation ratio n_treatment / n_control."""
        return self.split[1] / self.split[0]

    def primary(self) -> list[MetricSpec]:
        return [m for m in self.metrics if m.role == "primary"]

    def guardrails(self) -> list[MetricSpec]:
        return [m for m in self.metrics if m.role == "guardrail"]
