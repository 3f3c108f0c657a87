"""Alert decisions: effect threshold, multiplicity-corrected test, consecutive windows, min n.

The family of tests is every (rule, segment, window) of one run whose window is large enough
(``min_n``) and whose test is defined. Holm (the default) controls the family-wise error rate,
i.e. the probability that a run over a stationary stream raises *any* alert, at ``alpha``
under any dependence between the tests; that matters here because every window is compared
with the same reference sample, so the tests are dependent and Benjamini-Hochberg's
independence/positive-dependence condition is not guaranteed. ``bh`` (false discovery rate) is
available for long logs where some false alerts among many true ones are acceptable.

Requiring ``consecutive`` breaching windows can only remove alerts, so it keeps that bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rewardkit.metrics import AdjustMethod, adjust_pvalues

__all__ = ["Decision", "decide"]


@dataclass(frozen=True)
class Decision:
    """Per track (rule x segment) and window: adjusted p-value, breach and alert flags.

    Attributes:
        p_adjusted: Adjusted p-values, NaN outside the family.
        breach: The window breaches the rule (tested, effect >= threshold, p_adj < alpha).
        alert: An alert fires here: the ``consecutive``-th breach in a row (once per run of
            breaches).
        n_tests: Size of the family.
    """

    p_adjusted: np.ndarray
    breach: np.ndarray
    alert: np.ndarray
    n_tests: int


def decide(
    effect: npt.ArrayLike,
    p_values: npt.ArrayLike,
    tested: npt.ArrayLike,
    thresholds: npt.ArrayLike,
    consecutive: npt.ArrayLike,
    *,
    alpha: float = 0.05,
    method: AdjustMethod = "holm",
) -> Decision:
    """Decide the alerts of one run.

    Args:
        effect: ``(tracks, windows)`` effect sizes (NaN when undefined).
        p_values: ``(tracks, windows)`` raw p-values of the tracks' tests (NaN when undefined).
        tested: ``(tracks, windows)`` booleans, False where the window is below ``min_n``.
        thresholds: ``(tracks,)`` effect thresholds.
        consecutive: ``(tracks,)`` breaching windows in a row needed.
        alpha: Level of the corrected tests.
        method: ``holm``, ``bh`` or ``none`` (see the module docstring).

    Returns:
        A :class:`Decision`.

    Example:
        >>> d = decide([[0.2, 0.3, 0.3]], [[0.2, 1e-4, 1e-5]], [[True] * 3], [0.1], [2])
        >>> d.breach.tolist(), d.alert.tolist()
        ([[False, True, True]], [[False, False, True]])
    """
    eff = np.asarray(effect, dtype=np.float64)
    p = np.asarray(p_values, dtype=np.float64)
    ok = np.asarray(tested, dtype=bool) & np.isfinite(p)
    adj = np.full(p.shape, np.nan)
    if ok.any():
        adj[ok] = adjust_pvalues(np.clip(p[ok], 0.0, 1.0), method)
    thr = np.asarray(thresholds, dtype=np.float64)[:, None]
    with np.errstate(invalid="ignore"):
        breach = ok & (eff >= thr) & (adj < alpha)
    k = np.asarray(consecutive, dtype=np.int64)[:, None]
    run = np.zeros(breach.shape, dtype=np.int64)
    for w in range(breach.shape[1]):
        prev = run[:, w - 1] if w else 0
        run[:, w] = np.where(breach[:, w], prev + 1, 0)
    alert = run == k
    return Decision(p_adjusted=adj, breach=breach, alert=alert, n_tests=int(ok.sum()))
