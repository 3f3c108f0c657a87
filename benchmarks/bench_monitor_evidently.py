"""Cross-check: rewardkit's PSI and normalised Wasserstein against Evidently's on the same data.

Evidently bins numerical PSI by ``np.histogram_bin_edges(ref + cur, "sturges")`` (rewardkit's
default bins are reference deciles), so the PSI comparison hands rewardkit the same edges;
the categorical PSI and the Wasserstein distance need no such alignment. Evidently is not a
rewardkit dependency (0.7.x does not import under pandas 3): run this in an environment that
has it, e.g. ``pip install evidently "pandas<3"`` in a separate virtual environment, then
``PYTHONPATH=src python benchmarks/bench_monitor_evidently.py``.

Prints one line per case: rewardkit's value, Evidently's, and the absolute difference.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rewardkit.monitor.drift import category_drift, psi, wasserstein_normed


def main() -> int:
    from evidently.legacy.calculations.stattests import psi_stat_test, wasserstein_stat_test
    from evidently.legacy.core import ColumnType

    num, cat = ColumnType.Numerical, ColumnType.Categorical
    worst = 0.0
    rng = np.random.default_rng(0)
    cases = [
        ("normal, no shift", rng.normal(size=4000), rng.normal(size=1000)),
        ("normal, +0.3 sd", rng.normal(size=4000), rng.normal(0.3, 1.0, size=1000)),
        ("normal, sd x1.5", rng.normal(size=4000), rng.normal(0.0, 1.5, size=800)),
        ("skewed scores, shift", rng.gamma(2.0, 1.0, 3000), rng.gamma(2.0, 1.2, 1500) + 0.2),
        ("rm scores, mixture", np.r_[rng.normal(-1, 0.5, 2000), rng.normal(1.5, 0.7, 2000)],
         np.r_[rng.normal(-1, 0.5, 500), rng.normal(1.8, 0.7, 1000)]),
    ]  # fmt: skip
    print(f"{'case':24s} {'metric':12s} {'rewardkit':>12s} {'evidently':>12s} {'|diff|':>9s}")
    for name, ref, cur in cases:
        edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")[1:-1]
        ours = {
            "psi": psi(ref, cur, edges=edges),
            "wasserstein": wasserstein_normed(ref, cur),
        }
        theirs = {
            "psi": psi_stat_test(pd.Series(ref), pd.Series(cur), num, 0.1).drift_score,
            "wasserstein": wasserstein_stat_test(
                pd.Series(ref), pd.Series(cur), num, 0.1
            ).drift_score,
        }
        for metric in ours:
            diff = abs(ours[metric] - theirs[metric])
            worst = max(worst, diff)
            print(
                f"{name:24s} {metric:12s} {ours[metric]:12.8f} {theirs[metric]:12.8f} {diff:9.1e}"
            )
        print(f"{name:24s} {'psi deciles':12s} {psi(ref, cur):12.8f} {'(n/a)':>12s}")
    domains = np.array(["math", "code", "chat", "safety"])
    ref_d = domains[rng.choice(4, 4000, p=[0.25, 0.25, 0.25, 0.25])].tolist()
    cur_d = domains[rng.choice(4, 1000, p=[0.15, 0.15, 0.5, 0.2])].tolist()
    ours_c = category_drift(ref_d, cur_d).psi
    theirs_c = psi_stat_test(pd.Series(ref_d), pd.Series(cur_d), cat, 0.1).drift_score
    diff_c = abs(ours_c - theirs_c)
    worst = max(worst, diff_c)
    print(f"{'domain mix':24s} {'psi (cat)':12s} {ours_c:12.8f} {theirs_c:12.8f} {diff_c:9.1e}")
    print(f"largest |difference|: {worst:.2e}")
    return 0 if worst < 1e-9 else 1


if __name__ == "__main__":
    raise SystemExit(main())
