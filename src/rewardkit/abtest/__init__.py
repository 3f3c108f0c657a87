"""A/B tests of policies: plan, pre-register, assign, analyse and decide.

* :mod:`~rewardkit.abtest.power`: sample sizes per arm (two proportions via Cohen's h; t test).
* :mod:`~rewardkit.abtest.prereg`: hashed pre-registration files, refused when edited or
  recorded after the data started.
* :mod:`~rewardkit.abtest.assign`: salted hash assignment; sample-ratio-mismatch check.
* :mod:`~rewardkit.abtest.inference`, :mod:`~rewardkit.abtest.sequential`,
  :mod:`~rewardkit.abtest.paired`: fixed-horizon, mSPRT and paired tests.
* :mod:`~rewardkit.abtest.analysis`, :mod:`~rewardkit.abtest.decision`: the pre-registered
  analysis and decision; :mod:`~rewardkit.abtest.simulate`: error-rate simulations.
"""

from rewardkit.abtest.analysis import analyze_log, analyze_replay
from rewardkit.abtest.assign import SRMCheck, assign_arms, hash_position, srm_check
from rewardkit.abtest.decision import Decision, MetricVerdict, decide
from rewardkit.abtest.log import ExperimentLog, OutcomeTable, outcome_table, read_log, rows_to_log
from rewardkit.abtest.power import Plan, plan_experiment
from rewardkit.abtest.prereg import (
    Preregistration,
    build_prereg,
    canonical_sha256,
    dump_prereg,
    load_prereg,
    verify_prereg,
)
from rewardkit.abtest.spec import DecisionRule, ExperimentConfig, MetricSpec, SequentialSpec
from rewardkit.abtest.xstest import is_xstest, xstest_outcomes

__all__ = [
    "Decision",
    "DecisionRule",
    "ExperimentConfig",
    "ExperimentLog",
    "MetricSpec",
    "MetricVerdict",
    "OutcomeTable",
    "Plan",
    "Preregistration",
    "SRMCheck",
    "SequentialSpec",
    "analyze_log",
    "analyze_replay",
    "assign_arms",
    "build_prereg",
    "canonical_sha256",
    "decide",
    "dump_prereg",
    "hash_position",
    "is_xstest",
    "load_prereg",
    "outcome_table",
    "plan_experiment",
    "read_log",
    "rows_to_log",
    "srm_check",
    "verify_prereg",
    "xstest_outcomes",
]
