"""Compare each window of a scored log with a reference log: drift statistics and alerts.

Segments are the whole window (``"all"``) and each domain. Per segment and window:

* scores: PSI, KS (D and p), normalised Wasserstein, mean shift (and its size in reference sd)
  with a bootstrap CI and a Welch test, quantile shifts with bootstrap CIs;
* accuracy (rows with a label): value with a bootstrap CI, drop from the reference with a
  one-sided z-test;
* inputs (``"all"`` and per domain for lengths): PSI and KS of response and prompt lengths;
  domain and script mix (``"all"`` only): PSI and chi-square.

The result is a plain JSON document (:func:`analyse` returns it); the alert decision is
:func:`rewardkit.monitor.alerts.decide` over every rule's tracks.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from rewardkit.metrics import Estimate, bootstrap_mean, describe_adjustment, rng_for
from rewardkit.metrics.bootstrap import resample_means
from rewardkit.monitor.alerts import decide
from rewardkit.monitor.config import METRICS, OVERALL_ONLY, MonitorConfig
from rewardkit.monitor.drift import (
    SD_FLOOR,
    category_drift,
    ks_test,
    psi,
    quantile_edges,
    wasserstein_normed,
)
from rewardkit.monitor.features import dominant_script, lengths
from rewardkit.monitor.shift import (
    drop_p,
    mean_shift,
    quantile_shift,
    resample_quantiles,
    welch_p,
)
from rewardkit.monitor.windows import Window, make_windows

__all__ = ["ALL", "SCHEMA_VERSION", "analyse"]

SCHEMA_VERSION = 1
ALL = "all"


def _f(x: float | None) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if not math.isfinite(x) else round(x, 10)


def _est(e: Estimate) -> dict[str, Any]:
    return {"value": _f(e.value), "ci": [_f(e.ci_low), _f(e.ci_high)], "n": int(e.n)}


@dataclass
class _Sample:
    """The columns of one segment of a log (reference or one window)."""

    score: np.ndarray
    correct: np.ndarray
    response_len: np.ndarray
    prompt_len: np.ndarray
    domain: list[str]
    script: list[str]

    @property
    def n(self) -> int:
        return int(self.score.size)

    @property
    def labelled(self) -> np.ndarray:
        return np.asarray(self.correct[~np.isnan(self.correct)], dtype=np.float64)


def _features(log: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "score": log["score"].to_numpy(dtype=np.float64),
            "correct": log["correct"].to_numpy(dtype=np.float64),
            "response_len": lengths(log["response"].tolist()),
            "prompt_len": lengths(log["prompt"].tolist()),
            "domain": log["domain"].astype(str).to_numpy(dtype=object),
            "script": [dominant_script(t) for t in log["response"].tolist()],
        }
    )


def _sample(feat: pd.DataFrame) -> _Sample:
    return _Sample(
        score=feat["score"].to_numpy(dtype=np.float64),
        correct=feat["correct"].to_numpy(dtype=np.float64),
        response_len=feat["response_len"].to_numpy(dtype=np.float64),
        prompt_len=feat["prompt_len"].to_numpy(dtype=np.float64),
        domain=feat["domain"].tolist(),
        script=feat["script"].tolist(),
    )


def _segments(feat: pd.DataFrame) -> dict[str, _Sample]:
    out = {ALL: _sample(feat)}
    for name, part in feat.groupby("domain", sort=True):
        out[str(name)] = _sample(part)
    return out


@dataclass
class _RefCache:
    """Bootstrap replicates of a reference segment, reused by every window."""

    means: np.ndarray
    quantiles: np.ndarray


def _psi_ks(ref: np.ndarray, cur: np.ndarray, cfg: MonitorConfig) -> tuple[float, float, float]:
    """PSI, KS D and KS p (NaN when a sample is empty)."""
    if ref.size == 0 or cur.size == 0:
        return math.nan, math.nan, math.nan
    ks = ks_test(ref, cur)
    edges = quantile_edges(ref, cfg.psi_bins)
    return psi(ref, cur, edges=edges, floor=cfg.psi_floor), ks.statistic, ks.p_value


def _var(x: np.ndarray) -> float:
    return float(x.var(ddof=1)) if x.size > 1 else math.nan


def _cell(
    ref: _Sample,
    cur: _Sample,
    cache: _RefCache,
    segment: str,
    window: Window,
    cfg: MonitorConfig,
) -> dict[str, Any]:
    """Every statistic of one (segment, window)."""
    cell: dict[str, Any] = {"n": cur.n}
    tag = (segment, str(window.index))
    if cur.n and ref.n:
        score_psi, d, p_ks = _psi_ks(ref.score, cur.score, cfg)
        sd = max(float(ref.score.std()), SD_FLOOR)
        shift = mean_shift(
            ref.score,
            cur.score,
            rng=rng_for(cfg.seed, "mean_shift", *tag),
            n_resamples=cfg.bootstrap,
            confidence=cfg.confidence,
            reference_means=cache.means,
        )
        qshift = quantile_shift(
            ref.score,
            cur.score,
            cfg.quantiles,
            rng=rng_for(cfg.seed, "quantile_shift", *tag),
            n_resamples=cfg.bootstrap,
            confidence=cfg.confidence,
            reference_quantiles=cache.quantiles,
        )
        p_welch = float(
            welch_p(
                ref.score.mean(),
                _var(ref.score),
                ref.n,
                cur.score.mean(),
                _var(cur.score),
                cur.n,
            )
        )
        cell.update(
            score_mean=_f(float(cur.score.mean())),
            score_psi={"effect": _f(score_psi), "p": _f(p_ks), "n": cur.n},
            score_ks={"effect": _f(d), "p": _f(p_ks), "n": cur.n},
            score_wasserstein={
                "effect": _f(wasserstein_normed(ref.score, cur.score)),
                "p": _f(p_ks),
                "n": cur.n,
            },
            score_mean_shift={"effect": _f(abs(shift.value) / sd), "p": _f(p_welch), "n": cur.n},
            mean_shift=_est(shift),
            quantile_shift={f"{q:g}": _est(e) for q, e in zip(cfg.quantiles, qshift, strict=True)},
        )
        for name, r, c in (
            ("response_length_psi", ref.response_len, cur.response_len),
            ("prompt_length_psi", ref.prompt_len, cur.prompt_len),
        ):
            value, _, p_len = _psi_ks(r, c, cfg)
            cell[name] = {"effect": _f(value), "p": _f(p_len), "n": cur.n}
        if segment == ALL:
            for name, r_cat, c_cat in (
                ("domain_mix_psi", ref.domain, cur.domain),
                ("script_mix_psi", ref.script, cur.script),
            ):
                mix = category_drift(r_cat, c_cat, cfg.psi_floor)
                cell[name] = {
                    "effect": _f(mix.psi),
                    "p": _f(mix.p_value),
                    "n": cur.n,
                    "shares": dict(zip(mix.categories, mix.current_shares, strict=True)),
                }
    lab_ref, lab_cur = ref.labelled, cur.labelled
    if lab_cur.size:
        acc = bootstrap_mean(
            lab_cur,
            n_resamples=cfg.bootstrap,
            confidence=cfg.confidence,
            rng=rng_for(cfg.seed, "accuracy", *tag),
        )
        cell["accuracy"] = _est(acc)
        if lab_ref.size:
            p_drop = float(
                drop_p(
                    lab_ref.mean(),
                    _var(lab_ref),
                    lab_ref.size,
                    lab_cur.mean(),
                    _var(lab_cur),
                    lab_cur.size,
                )
            )
            cell["accuracy_drop"] = {
                "effect": _f(float(lab_ref.mean() - lab_cur.mean())),
                "p": _f(p_drop),
                "n": int(lab_cur.size),
            }
    return cell


def _reference_json(segments: dict[str, _Sample], cfg: MonitorConfig) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for name, s in segments.items():
        entry: dict[str, Any] = {
            "n": s.n,
            "score_mean": _f(float(s.score.mean())),
            "score_sd": _f(float(s.score.std())),
        }
        if s.labelled.size:
            entry["accuracy"] = _est(
                bootstrap_mean(
                    s.labelled,
                    n_resamples=cfg.bootstrap,
                    confidence=cfg.confidence,
                    rng=rng_for(cfg.seed, "accuracy", name, "reference"),
                )
            )
        doc[name] = entry
    return doc


def _ref_n(ref: _Sample, metric: str) -> int:
    return int(ref.labelled.size) if metric == "accuracy_drop" else ref.n


def _rules(
    cells: dict[str, list[dict[str, Any]]],
    ref_segments: dict[str, _Sample],
    windows: list[Window],
    cfg: MonitorConfig,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """Tracks (rule x segment), the alert decision over all of them, and the alert records."""
    tracks: list[tuple[int, str]] = []
    for i, rule in enumerate(cfg.rules):
        for seg in cells:
            if rule.metric in OVERALL_ONLY and seg != ALL:
                continue
            if rule.segments == "all" and seg != ALL:
                continue
            if rule.segments == "domains" and seg == ALL:
                continue
            tracks.append((i, seg))
    shape = (len(tracks), len(windows))
    effect, p, tested = np.full(shape, np.nan), np.full(shape, np.nan), np.zeros(shape, bool)
    for t, (i, seg) in enumerate(tracks):
        rule = cfg.rules[i]
        for w, cell in enumerate(cells[seg]):
            entry = cell.get(rule.metric)
            if entry is None:
                continue
            effect[t, w] = np.nan if entry["effect"] is None else entry["effect"]
            p[t, w] = np.nan if entry["p"] is None else entry["p"]
            tested[t, w] = entry["n"] >= rule.min_n and _ref_n(ref_segments[seg], rule.metric) >= (
                rule.min_n
            )
    decision = decide(
        effect,
        p,
        tested,
        [cfg.rules[i].threshold for i, _ in tracks],
        [cfg.rules[i].consecutive for i, _ in tracks],
        alpha=cfg.alpha,
        method=cfg.correction,
    )
    rules_doc: list[dict[str, Any]] = [
        {**rule.model_dump(mode="json"), "test": METRICS[rule.metric][1], "tracks": {}}
        for rule in cfg.rules
    ]
    alerts: list[dict[str, Any]] = []
    for t, (i, seg) in enumerate(tracks):
        rule = cfg.rules[i]
        rules_doc[i]["tracks"][seg] = {
            "effect": [_f(x) for x in effect[t]],
            "p": [_f(x) for x in p[t]],
            "p_adjusted": [_f(x) for x in decision.p_adjusted[t]],
            "tested": tested[t].tolist(),
            "breach": decision.breach[t].tolist(),
            "alert": decision.alert[t].tolist(),
        }
        for w in np.flatnonzero(decision.alert[t]).tolist():
            win = windows[w]
            alerts.append(
                {
                    "rule": i,
                    "metric": rule.metric,
                    "segment": seg,
                    "window": win.index,
                    "start": win.start,
                    "end": win.end,
                    "effect": _f(effect[t, w]),
                    "threshold": rule.threshold,
                    "consecutive": rule.consecutive,
                    "p": _f(p[t, w]),
                    "p_adjusted": _f(decision.p_adjusted[t, w]),
                    "n": int(cells[seg][w].get(rule.metric, {}).get("n", 0)),
                }
            )
    alerts.sort(key=lambda a: (a["window"], a["rule"], a["segment"]))
    multiplicity = {
        "method": cfg.correction,
        "alpha": cfg.alpha,
        "n_tests": decision.n_tests,
        "statement": describe_adjustment(cfg.correction, decision.n_tests, cfg.alpha),
    }
    return rules_doc, alerts, multiplicity


def analyse(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    config: MonitorConfig | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Drift of every window of ``current`` against ``reference``, with the alert decision.

    Args:
        reference: A validated scored log (:func:`rewardkit.monitor.log.validate_log`).
        current: The log to monitor, validated the same way.
        config: Windows, statistics and rules.
        progress: Called with ``(done, total)`` after each window.

    Returns:
        The JSON document (``windows``, ``segments``, ``reference``, ``cells`` per segment and
        window, ``rules`` with their tracks, ``alerts``, ``multiplicity``, ``config``).

    Example:
        >>> ts = pd.date_range("2026-01-01", periods=40, freq="h", tz="UTC")
        >>> log = pd.DataFrame({"timestamp": ts, "prompt": "p", "response": "r",
        ...     "score": np.arange(40.0) % 7, "domain": "x", "correct": np.nan})
        >>> doc = analyse(log, log, MonitorConfig(window_size=20, bootstrap=20))
        >>> len(doc["windows"]), doc["alerts"]
        (2, [])
    """
    cfg = config or MonitorConfig()
    ref_feat, cur_feat = _features(reference), _features(current)
    ref_segments = _segments(ref_feat)
    windows = make_windows(
        current["timestamp"], by=cfg.window_by, size=cfg.window_size, every=cfg.window_every
    )
    names = [ALL, *sorted(set(cur_feat["domain"]) - {ALL})]
    caches: dict[str, _RefCache] = {}
    for seg in names:
        ref = ref_segments.get(seg)
        if ref is None or not ref.n:
            continue
        caches[seg] = _RefCache(
            means=resample_means(ref.score, cfg.bootstrap, rng_for(cfg.seed, "reference", seg)),
            quantiles=resample_quantiles(
                ref.score, cfg.quantiles, cfg.bootstrap, rng_for(cfg.seed, "reference_q", seg)
            ),
        )
    empty = _sample(ref_feat.iloc[:0])
    cells: dict[str, list[dict[str, Any]]] = {seg: [] for seg in names}
    for k, win in enumerate(windows):
        segs = _segments(cur_feat.iloc[win.rows])
        for seg in names:
            ref = ref_segments.get(seg, empty)
            cur = segs.get(seg, empty)
            cache = caches.get(seg)
            if cache is None:
                cells[seg].append({"n": cur.n})
                continue
            cells[seg].append(_cell(ref, cur, cache, seg, win, cfg))
        if progress is not None:
            progress(k + 1, len(windows))
    for seg in names:
        if seg not in ref_segments:
            ref_segments[seg] = empty
    rules_doc, alerts, multiplicity = _rules(cells, ref_segments, windows, cfg)
    return {
        "schema_version": SCHEMA_VERSION,
        "command": "monitor",
        "config": cfg.model_dump(mode="json"),
        "reference": _reference_json({s: ref_segments[s] for s in names}, cfg),
        "windows": [{"index": w.index, "start": w.start, "end": w.end, "n": w.n} for w in windows],
        "segments": names,
        "cells": cells,
        "rules": rules_doc,
        "alerts": alerts,
        "multiplicity": multiplicity,
        "metrics": {name: {"effect": what, "test": test} for name, (what, test) in METRICS.items()},
    }
