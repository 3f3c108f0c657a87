"""Benchmark specs and their official scoring rules (RewardBench v1/v2, JudgeBench, RMB, ...)."""

from rewardkit.benchmarks.rollup import BenchmarkScore, SubsetDraws, rollup, subset_draws
from rewardkit.benchmarks.score import item_group, score_benchmark
from rewardkit.benchmarks.spec import (
    BENCHMARKS,
    BenchmarkSpec,
    OverallFormula,
    SectionSpec,
    load_spec,
)
from rewardkit.benchmarks.ties import ties_draws

__all__ = [
    "BENCHMARKS",
    "BenchmarkScore",
    "BenchmarkSpec",
    "OverallFormula",
    "SectionSpec",
    "SubsetDraws",
    "item_group",
    "load_spec",
    "rollup",
    "score_benchmark",
    "subset_draws",
    "ties_draws",
]
