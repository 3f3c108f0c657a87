"""Vectorised simulation of many monitored streams: false-alarm rate and detection power.

Each stream has a reference sample and ``n_windows`` windows, ``n_domains`` domains with
``n_per_domain`` rows per window; scores are standard normal per domain and labels are
Bernoulli(``accuracy``) spot checks. From window ``drift_at`` on, domain ``drift_domain``'s
scores shift by ``shift_sd`` reference sds and its accuracy drops by ``accuracy_drop``.

The tests and the alert decision are the monitor's own (:func:`~rewardkit.monitor.shift.
welch_p`, :func:`~rewardkit.monitor.shift.drop_p`, KS through scipy,
:func:`~rewardkit.monitor.alerts.decide` with the run's multiplicity correction), evaluated on
summary statistics of all streams at once; only the per-stream correction loops.
Supported rule metrics: ``score_mean_shift``, ``accuracy_drop``, ``score_ks``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from rewardkit.errors import ConfigError
from rewardkit.monitor.alerts import decide
from rewardkit.monitor.config import MonitorConfig
from rewardkit.monitor.shift import drop_p, welch_p

__all__ = ["SIMULATED_METRICS", "StreamResult", "simulate_streams"]

SIMULATED_METRICS = frozenset({"score_mean_shift", "accuracy_drop", "score_ks"})


@dataclass(frozen=True)
class StreamResult:
    """Alerts of every simulated stream.

    Attributes:
        segments: ``"all"`` then ``"d0"``, ``"d1"``, ...
        metrics: The rule metric of each rule, in config order.
        alerts: ``(streams, rules, segments, windows)`` booleans: an alert fired there.
        drift_at: First drifted window.
        drift_domain: Index of the drifted domain (segment ``1 + drift_domain``).
    """

    segments: tuple[str, ...]
    metrics: tuple[str, ...]
    alerts: np.ndarray
    drift_at: int
    drift_domain: int

    def any_alert(self) -> np.ndarray:
        """Per stream: any alert at all (the false-alarm event of a stationary stream)."""
        return np.asarray(self.alerts.any(axis=(1, 2, 3)))

    def alerted(self, metric: str, segment: str, by_window: int | None = None) -> np.ndarray:
        """Per stream: ``metric`` alerted on ``segment`` (at or before ``by_window``).

        Only windows from ``drift_at`` on count, so an earlier false alarm is no detection.
        """
        r = self.metrics.index(metric)
        s = self.segments.index(segment)
        hit = self.alerts[:, r, s, self.drift_at :]
        if by_window is not None:
            hit = hit[:, : max(0, by_window - self.drift_at + 1)]
        return np.asarray(hit.any(axis=1))


def _summary(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    return x.mean(axis=-1), x.var(axis=-1, ddof=1), x.shape[-1]


def simulate_streams(
    config: MonitorConfig,
    *,
    n_streams: int = 500,
    n_windows: int = 8,
    n_domains: int = 4,
    n_per_domain: int = 500,
    n_reference: int = 2000,
    accuracy: float = 0.8,
    drift_at: int = 4,
    drift_domain: int = 0,
    shift_sd: float = 0.0,
    accuracy_drop: float = 0.0,
    seed: int = 0,
) -> StreamResult:
    """Simulate ``n_streams`` monitored streams and decide their alerts with ``config``.

    Args:
        config: Rules (metrics in :data:`SIMULATED_METRICS`), ``alpha`` and ``correction``.
        n_streams: Independent streams.
        n_windows: Windows per stream.
        n_domains: Domains (segments ``d0``, ``d1``, ...).
        n_per_domain: Rows per domain per window.
        n_reference: Reference rows per domain.
        accuracy: Accuracy of the RM on spot checks before drift.
        drift_at: First drifted window.
        drift_domain: The drifted domain.
        shift_sd: Score shift of the drifted domain, in reference sds.
        accuracy_drop: Accuracy drop of the drifted domain (0.1 = 10 points).
        seed: Seed of the simulation.

    Returns:
        A :class:`StreamResult`.

    Example:
        >>> from rewardkit.monitor.config import AlertRule
        >>> cfg = MonitorConfig(rules=[AlertRule(metric="score_mean_shift", threshold=0.1)])
        >>> res = simulate_streams(cfg, n_streams=4, n_windows=3, n_per_domain=100,
        ...                        n_reference=100, drift_at=1, shift_sd=2.0)
        >>> bool(res.alerted("score_mean_shift", "d0", by_window=1).all())
        True
    """
    bad = [r.metric for r in config.rules if r.metric not in SIMULATED_METRICS]
    if bad:
        raise ConfigError(f"the stream simulation cannot evaluate rule metric(s) {bad}")
    rng = np.random.default_rng(seed)
    s, w, d, n, m = n_streams, n_windows, n_domains, n_per_domain, n_reference
    ref = rng.standard_normal((s, 1, d, m))
    cur = rng.standard_normal((s, w, d, n))
    cur[:, drift_at:, drift_domain, :] += shift_sd
    ref_ok = (rng.random((s, 1, d, m)) < accuracy).astype(np.float64)
    p_cur = np.full((w, d), accuracy)
    p_cur[drift_at:, drift_domain] -= accuracy_drop
    cur_ok = (rng.random((s, w, d, n)) < p_cur[None, :, :, None]).astype(np.float64)

    def pooled(x: np.ndarray) -> np.ndarray:
        """The whole-window segment: every domain's rows together, (S, W, 1, D * n)."""
        return x.reshape(x.shape[0], x.shape[1], 1, -1)

    segments = ("all", *(f"d{k}" for k in range(d)))
    per_metric: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for metric in {r.metric for r in config.rules}:
        effects, pvals = [], []
        for r_x, c_x, r_y, c_y in (
            (pooled(ref), pooled(cur), pooled(ref_ok), pooled(cur_ok)),
            (ref, cur, ref_ok, cur_ok),
        ):
            if metric == "score_mean_shift":
                mr, vr, nr = _summary(r_x)
                mc, vc, nc = _summary(c_x)
                effects.append(np.abs(mc - mr) / np.sqrt(r_x.var(axis=-1)))
                pvals.append(welch_p(mr, vr, nr, mc, vc, nc))
            elif metric == "accuracy_drop":
                mr, vr, nr = _summary(r_y)
                mc, vc, nc = _summary(c_y)
                effects.append(mr - mc)
                pvals.append(drop_p(mr, vr, nr, mc, vc, nc))
            else:
                ks = stats.ks_2samp(r_x, c_x, axis=-1)
                effects.append(np.asarray(ks.statistic))
                pvals.append(np.asarray(ks.pvalue))
        effect = np.broadcast_to(np.concatenate(effects, axis=2), (s, w, d + 1))
        p = np.broadcast_to(np.concatenate(pvals, axis=2), (s, w, d + 1))
        per_metric[metric] = (effect, p)

    rules = config.rules
    n_rules = len(rules)
    alerts = np.zeros((s, n_rules, d + 1, w), dtype=bool)
    seg_n = np.array([n * d, *([n] * d)])
    ref_n = np.array([m * d, *([m] * d)])
    thresholds = np.repeat([r.threshold for r in rules], d + 1)
    consecutive = np.repeat([r.consecutive for r in rules], d + 1)
    use = np.zeros((n_rules, d + 1), dtype=bool)
    for i, r in enumerate(rules):
        if r.segments in ("all", "both"):
            use[i, 0] = True
        if r.segments in ("domains", "both"):
            use[i, 1:] = True
        use[i] &= (seg_n >= r.min_n) & (ref_n >= r.min_n)
    tested = np.repeat(use.reshape(-1, 1), w, axis=1)
    for k in range(s):
        eff = np.stack([per_metric[r.metric][0][k].T for r in rules]).reshape(-1, w)
        p = np.stack([per_metric[r.metric][1][k].T for r in rules]).reshape(-1, w)
        dec = decide(
            eff,
            p,
            tested,
            thresholds,
            consecutive,
            alpha=config.alpha,
            method=config.correction,
        )
        alerts[k] = dec.alert.reshape(n_rules, d + 1, w)
    return StreamResult(
        segments=segments,
        metrics=tuple(r.metric for r in rules),
        alerts=alerts,
        drift_at=drift_at,
        drift_domain=drift_domain,
    )
