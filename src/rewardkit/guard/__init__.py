"""Guardrails: post-generation checks (refusal, toxicity, PII, compliance rules, RM gate)
composed into a policy, their error rates against human labels, and red-team evaluation."""

from rewardkit.guard.base import (
    CHECK_TYPES,
    Check,
    CheckOptions,
    CheckType,
    GuardItem,
    Verdict,
    check_texts,
)
from rewardkit.guard.evaluate import (
    DetectionMetrics,
    DetectorComparison,
    Sweep,
    compare_detectors,
    detection_metrics,
    threshold_sweep,
)
from rewardkit.guard.policy import (
    GuardPolicy,
    GuardResult,
    apply_guard,
    load_policy,
    policy_from_mapping,
)
from rewardkit.guard.redteam import ModelRates, RedteamResult, redteam_rates
from rewardkit.guard.refusal import RefusalDetector, RefusalOptions
from rewardkit.guard.variants import VARIANT_KINDS, Variant, make_variants

__all__ = [
    "CHECK_TYPES",
    "VARIANT_KINDS",
    "Check",
    "CheckOptions",
    "CheckType",
    "DetectionMetrics",
    "DetectorComparison",
    "GuardItem",
    "GuardPolicy",
    "GuardResult",
    "ModelRates",
    "RedteamResult",
    "RefusalDetector",
    "RefusalOptions",
    "Sweep",
    "Variant",
    "Verdict",
    "apply_guard",
    "check_texts",
    "compare_detectors",
    "detection_metrics",
    "load_policy",
    "make_variants",
    "policy_from_mapping",
    "redteam_rates",
    "threshold_sweep",
]
