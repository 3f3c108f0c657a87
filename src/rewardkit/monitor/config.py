"""Options of ``rewardkit monitor`` (see ``configs/monitor.yaml``): windows, statistics, rules.

Alert rules name a metric, an effect threshold, how many consecutive windows must breach it and
the smallest sample a window needs to be judged. A window breaches a rule when its effect is at
least ``threshold`` **and** the metric's test is significant after the multiplicity correction
(``correction`` over every (rule, segment, window) test of the run, at level ``alpha``): the
threshold keeps alerts to shifts that matter, the test keeps the chance of any false alert in a
stationary stream at or below ``alpha``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["METRICS", "AlertRule", "MetricName", "MonitorConfig", "default_rules"]

MetricName = Literal[
    "score_psi",
    "score_wasserstein",
    "score_ks",
    "score_mean_shift",
    "accuracy_drop",
    "domain_mix_psi",
    "script_mix_psi",
    "response_length_psi",
    "prompt_length_psi",
]

#: Each metric: what its effect is, and which test gives its p-value.
METRICS: dict[str, tuple[str, str]] = {
    "score_psi": ("PSI of the scores (reference-quantile bins)", "KS"),
    "score_wasserstein": ("Wasserstein distance of the scores / reference sd", "KS"),
    "score_ks": ("KS statistic D of the scores", "KS"),
    "score_mean_shift": ("|mean shift| of the scores / reference sd", "Welch t"),
    "accuracy_drop": ("reference accuracy - window accuracy (labelled rows)", "one-sided z"),
    "domain_mix_psi": ("PSI of the domain shares", "chi-square"),
    "script_mix_psi": ("PSI of the shares of response scripts (latin, cjk, ...)", "chi-square"),
    "response_length_psi": ("PSI of response lengths (characters)", "KS"),
    "prompt_length_psi": ("PSI of prompt lengths (characters)", "KS"),
}

#: Metrics measured on the whole window only (a mix over domains has no per-domain value).
OVERALL_ONLY = frozenset({"domain_mix_psi", "script_mix_psi"})


class AlertRule(BaseModel):
    """One alert rule.

    Example:
        >>> AlertRule(metric="score_psi", threshold=0.1).consecutive
        1
    """

    model_config = ConfigDict(extra="forbid")

    metric: MetricName
    threshold: float = Field(ge=0.0, description="smallest effect that can raise an alert")
    consecutive: int = Field(default=1, ge=1, description="breaching windows in a row")
    min_n: int = Field(default=100, ge=2, description="rows a window (and segment) needs")
    segments: Literal["all", "domains", "both"] = Field(
        default="both", description="the whole window, each domain, or both"
    )


def default_rules() -> list[AlertRule]:
    """The rules used when the config names none (Evidently's 0.1 for PSI and Wasserstein).

    Example:
        >>> [r.metric for r in default_rules()][:2]
        ['score_psi', 'score_wasserstein']
    """
    return [
        AlertRule(metric="score_psi", threshold=0.1, consecutive=1),
        AlertRule(metric="score_wasserstein", threshold=0.1, consecutive=1),
        AlertRule(metric="score_mean_shift", threshold=0.1, consecutive=1),
        AlertRule(metric="accuracy_drop", threshold=0.05, consecutive=1, min_n=50),
        AlertRule(metric="domain_mix_psi", threshold=0.1, segments="all"),
        AlertRule(metric="response_length_psi", threshold=0.1, segments="all"),
    ]


class MonitorConfig(BaseModel):
    """Everything ``rewardkit monitor`` needs besides its input files.

    Example:
        >>> MonitorConfig(window_by="time", window_every="6h").window_every
        '6h'
    """

    model_config = ConfigDict(extra="forbid")

    window_by: Literal["count", "time"] = "count"
    window_size: int = Field(default=1000, ge=2, description="rows per window (window_by=count)")
    window_every: str = Field(default="1D", description="window length (window_by=time)")
    alpha: float = Field(default=0.05, gt=0.0, lt=1.0, description="false-alarm rate per run")
    correction: Literal["holm", "bh", "none"] = "holm"
    psi_bins: int = Field(default=10, ge=2)
    psi_floor: float = Field(default=1e-4, gt=0.0, lt=0.1)
    quantiles: tuple[float, ...] = (0.1, 0.5, 0.9)
    bootstrap: int = Field(default=1000, ge=10)
    confidence: float = Field(default=0.95, gt=0.0, lt=1.0)
    seed: int = Field(default=0, ge=0)
    rules: list[AlertRule] = Field(default_factory=default_rules)
