"""Drift monitoring of a deployed reward model: windows of a scored log against a reference.

Statistics (:mod:`~rewardkit.monitor.drift`, :mod:`~rewardkit.monitor.shift`), windowing,
alert rules with multiplicity control (:mod:`~rewardkit.monitor.alerts`), the whole analysis
(:func:`analyse`) and simulated deployment traffic with planted drift
(:mod:`~rewardkit.monitor.simulate`).
"""

from rewardkit.monitor.alerts import Decision, decide
from rewardkit.monitor.analyse import ALL, SCHEMA_VERSION, analyse
from rewardkit.monitor.config import METRICS, AlertRule, MonitorConfig, default_rules
from rewardkit.monitor.drift import (
    PSI_FLOOR,
    CategoryDrift,
    KsResult,
    bin_shares,
    category_drift,
    ks_test,
    psi,
    psi_from_shares,
    quantile_edges,
    wasserstein_normed,
)
from rewardkit.monitor.log import read_scored_log, validate_log
from rewardkit.monitor.shift import drop_p, mean_shift, quantile_shift, welch_p
from rewardkit.monitor.windows import Window, make_windows

__all__ = [
    "ALL",
    "METRICS",
    "PSI_FLOOR",
    "SCHEMA_VERSION",
    "AlertRule",
    "CategoryDrift",
    "Decision",
    "KsResult",
    "MonitorConfig",
    "Window",
    "analyse",
    "bin_shares",
    "category_drift",
    "decide",
    "default_rules",
    "drop_p",
    "ks_test",
    "make_windows",
    "mean_shift",
    "psi",
    "psi_from_shares",
    "quantile_edges",
    "quantile_shift",
    "read_scored_log",
    "validate_log",
    "wasserstein_normed",
    "welch_p",
]
