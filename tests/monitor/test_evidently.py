"""PSI and normalised Wasserstein equal Evidently's on the same data (optional: skipped
where Evidently is not installed or does not import; see benchmarks/bench_monitor_evidently.py
for the numbers)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rewardkit.monitor import category_drift, psi, wasserstein_normed

stattests = pytest.importorskip("evidently.legacy.calculations.stattests", exc_type=ImportError)
core = pytest.importorskip("evidently.legacy.core", exc_type=ImportError)


@pytest.mark.parametrize("shift", [0.0, 0.3, 1.0])
def test_numeric_psi_and_wasserstein_equal_evidently(shift: float) -> None:
    rng = np.random.default_rng(7)
    ref, cur = rng.normal(size=3000), rng.normal(shift, 1.2, size=900)
    num = core.ColumnType.Numerical
    edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")[1:-1]
    want_psi = stattests.psi_stat_test(pd.Series(ref), pd.Series(cur), num, 0.1).drift_score
    want_w = stattests.wasserstein_stat_test(pd.Series(ref), pd.Series(cur), num, 0.1).drift_score
    assert psi(ref, cur, edges=edges) == pytest.approx(want_psi, abs=1e-12)
    assert wasserstein_normed(ref, cur) == pytest.approx(want_w, abs=1e-12)


def test_categorical_psi_equals_evidently() -> None:
    rng = np.random.default_rng(8)
    names = np.array(["a", "b", "c"])
    ref = names[rng.choice(3, 2000)].tolist()
    cur = names[rng.choice(3, 500, p=[0.6, 0.3, 0.1])].tolist()
    cat = core.ColumnType.Categorical
    want = stattests.psi_stat_test(pd.Series(ref), pd.Series(cur), cat, 0.1).drift_score
    assert category_drift(ref, cur).psi == pytest.approx(want, abs=1e-12)
