"""Seeded simulation of monitored streams: false-alarm rate and detection power.

Stationary streams, a 0.3 sd score shift in one domain and a 10-point accuracy drop in one
domain, 500 streams each (8 windows, 4 domains, 500 rows per domain per window, a reference of
2000 rows per domain, drift from window 4), for several seeds and both corrections. Run with
``python benchmarks/bench_monitor_streams.py``.
"""

from __future__ import annotations

import time

import numpy as np

from rewardkit.monitor import AlertRule, MonitorConfig
from rewardkit.monitor.streams import simulate_streams

STREAMS = dict(n_streams=500, n_windows=8, n_domains=4, n_per_domain=500, n_reference=2000)
DRIFT_AT, CONSECUTIVE = 4, 2


def main() -> None:
    print(f"{'correction':10s} {'seed':>4s} {'false alarm':>11s} {'shift found':>11s} "
          f"{'shift other':>11s} {'acc found':>9s} {'acc other':>9s} {'seconds':>7s}")  # fmt: skip
    for correction in ("holm", "bh", "none"):
        cfg = MonitorConfig(
            alpha=0.05,
            correction=correction,  # type: ignore[arg-type]
            rules=[
                AlertRule(metric="score_mean_shift", threshold=0.1, consecutive=CONSECUTIVE),
                AlertRule(metric="accuracy_drop", threshold=0.05, min_n=50),
            ],
        )
        for seed in range(3):
            t0 = time.perf_counter()
            calm = simulate_streams(cfg, **STREAMS, drift_at=DRIFT_AT, seed=100 + seed)
            shift = simulate_streams(
                cfg, **STREAMS, drift_at=DRIFT_AT, shift_sd=0.3, seed=200 + seed
            )
            drop = simulate_streams(
                cfg, **STREAMS, drift_at=DRIFT_AT, accuracy_drop=0.1, seed=300 + seed
            )
            secs = time.perf_counter() - t0
            found = shift.alerted("score_mean_shift", "d0", by_window=DRIFT_AT + CONSECUTIVE - 1)
            other = max(shift.alerted("score_mean_shift", f"d{k}").mean() for k in (1, 2, 3))
            acc = drop.alerted("accuracy_drop", "d0")
            acc_other = max(drop.alerted("accuracy_drop", f"d{k}").mean() for k in (1, 2, 3))
            print(f"{correction:10s} {seed:4d} {calm.any_alert().mean():11.3f} "
                  f"{np.mean(found):11.3f} {other:11.3f} {np.mean(acc):9.3f} {acc_other:9.3f} "
                  f"{secs:7.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
