"""Bias probes: controlled counterfactual pairs that differ in one property (length,
formatting, tone, agreement, refusal, key-fact position, typos), and how strongly an RM
prefers the variant, with bootstrap CIs and paired comparisons across RMs."""

from rewardkit.probes.analysis import (
    PairedDifference,
    ProbeOutcome,
    ProbeResult,
    ProbeScores,
    analyse_probes,
    paired_differences,
)
from rewardkit.probes.config import DEFAULT_PROBES, ProbeConfig
from rewardkit.probes.pairs import ProbePair, ProbeSet, build_probe_pairs
from rewardkit.probes.transforms import PROBES, Probe, Variant
from rewardkit.probes.xstest import XSTEST_PROBES, xstest_pairs

__all__ = [
    "DEFAULT_PROBES",
    "PROBES",
    "XSTEST_PROBES",
    "PairedDifference",
    "Probe",
    "ProbeConfig",
    "ProbeOutcome",
    "ProbePair",
    "ProbeResult",
    "ProbeScores",
    "ProbeSet",
    "Variant",
    "analyse_probes",
    "build_probe_pairs",
    "paired_differences",
    "xstest_pairs",
]
