"""Analyse an experiment exactly as its pre-registration says, and decide.

:func:`analyze_log` (online: fixed or sequential design) and :func:`analyze_replay` (offline,
paired) return the ``results.json`` document: per metric the estimate, CIs of the difference
and the relative lift, p-values (Holm-adjusted across primary metrics), guardrail
non-inferiority, and the decision. Every refusal (tampered pre-registration, pre-registration
recorded after the first unit, a metric missing from the data) is a one-line
:class:`~rewardkit.errors.DataError`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from rewardkit.abtest.assign import srm_check
from rewardkit.abtest.decision import MetricVerdict, decide
from rewardkit.abtest.inference import (
    TwoSample,
    cuped,
    mean_ci,
    noninferiority,
    relative_lift,
    two_proportion,
    welch,
)
from rewardkit.abtest.log import ExperimentLog, OutcomeTable
from rewardkit.abtest.paired import PairedResult, paired_binary, paired_continuous
from rewardkit.abtest.prereg import Preregistration, check_recorded_before
from rewardkit.abtest.sequential import always_valid_p, binary_msprt_p, confidence_sequence
from rewardkit.abtest.spec import ExperimentConfig, MetricSpec
from rewardkit.errors import DataError
from rewardkit.metrics.multiplicity import adjust_pvalues

__all__ = ["SCHEMA_VERSION", "analyze_log", "analyze_replay"]

SCHEMA_VERSION = 1
FloatArray = npt.NDArray[np.float64]


def _num(x: Any) -> float | None:
    """A finite float, or None (results.json has no NaN)."""
    if x is None:
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def _interval(lo: Any, hi: Any) -> list[float | None]:
    return [_num(lo), _num(hi)]


def _arm_ci(m: MetricSpec, yc: FloatArray, yt: FloatArray, alpha: float) -> dict[str, Any]:
    binary = m.kind == "binary"
    return {
        "control": _interval(*mean_ci(yc, binary, alpha)),
        "treatment": _interval(*mean_ci(yt, binary, alpha)),
        "method": "Wilson score" if binary else "t",
    }


def _fixed(
    m: MetricSpec,
    y: FloatArray,
    x: FloatArray | None,
    treat: npt.NDArray[np.bool_],
    cfg: ExperimentConfig,
) -> dict[str, Any]:
    ok = ~np.isnan(y) if x is None else ~(np.isnan(y) | np.isnan(x))
    yc, yt = y[ok & ~treat], y[ok & treat]
    if yc.size < 2 or yt.size < 2:
        raise DataError(f"metric {m.name!r}: fewer than 2 units observed in an arm", field=m.name)
    entry: dict[str, Any] = {"cuped": None, "arm_ci": _arm_ci(m, yc, yt, cfg.alpha)}
    r: TwoSample
    if x is not None:
        c = cuped(yc, x[ok & ~treat], yt, x[ok & treat])
        yc, yt = c.control, c.treatment
        entry["cuped"] = {
            "covariate": m.covariate,
            "theta": c.theta,
            "variance_reduction": c.variance_reduction,
        }
    if m.kind == "binary" and x is None:
        r = two_proportion(yc.sum(), yc.size, yt.sum(), yt.size, cfg.alpha)
        entry["test"] = "two-proportion z (pooled); Wald CI"
    else:
        r = welch(yc.mean(), yc.var(ddof=1), yc.size, yt.mean(), yt.var(ddof=1), yt.size, cfg.alpha)
        entry["test"] = "Welch t" + (" on CUPED-adjusted outcomes" if x is not None else "")
    lift, lo, hi = relative_lift(r, cfg.alpha)
    entry.update(
        n_control=int(yc.size),
        n_treatment=int(yt.size),
        mean_control=_num(r.mean_control),
        mean_treatment=_num(r.mean_treatment),
        difference={
            "value": _num(r.difference),
            "ci": _interval(r.ci_low, r.ci_high),
            "se": _num(r.se),
        },
        relative_lift={"value": _num(lift), "ci": _interval(lo, hi)},
        p_value=_num(r.p_value),
    )
    if m.role == "guardrail":
        assert m.margin is not None
        df = None if r.df is None else r.df
        p, h_lo, h_hi = noninferiority(
            r.difference, r.se, m.margin, m.sign, cfg.decision.guardrail_alpha, df
        )
        entry["noninferiority"] = _ni(m, float(p), float(h_lo), float(h_hi), cfg)
    return entry


def _ni(
    m: MetricSpec, p: float | None, h_lo: float, h_hi: float, cfg: ExperimentConfig
) -> dict[str, Any]:
    assert m.margin is not None
    ga = cfg.decision.guardrail_alpha
    shown = (p < ga) if p is not None else (h_hi < m.margin)
    return {
        "margin": m.margin,
        "alpha": ga,
        "p_value": _num(p),
        "harm_ci": _interval(h_lo, h_hi),
        "harm_ci_level": 1.0 - 2.0 * ga,
        "noninferior": bool(shown),
        "inferior": bool(h_lo > m.margin),
    }


def _tau(m: MetricSpec, cfg: ExperimentConfig) -> float:
    tau = cfg.sequential.tau.get(m.name, m.mde if m.role == "primary" else m.margin)
    assert tau is not None
    return float(tau)


def _looks(n: int, every: int) -> npt.NDArray[np.intp]:
    ends = np.arange(every, n + 1, every)
    if ends.size == 0 or ends[-1] != n:
        ends = np.append(ends, n)
    return ends - 1


def _sequential(
    m: MetricSpec, y: FloatArray, treat: npt.NDArray[np.bool_], cfg: ExperimentConfig
) -> dict[str, Any]:
    """mSPRT along the units in time order (``y``/``treat`` already sorted by time)."""
    ok = ~np.isnan(y)
    yv = np.where(ok, y, 0.0)
    looks = _looks(y.size, cfg.sequential.look_every)
    stats_: dict[bool, tuple[FloatArray, FloatArray, FloatArray]] = {}
    for arm in (False, True):
        sel = ok & (treat == arm)
        n = np.cumsum(sel)[looks].astype(np.float64)
        s = np.cumsum(np.where(sel, yv, 0.0))[looks]
        s2 = np.cumsum(np.where(sel, yv * yv, 0.0))[looks]
        stats_[arm] = (n, s, s2)
    (nc, sc, s2c), (nt, st, s2t) = stats_[False], stats_[True]
    valid = (nc >= 2) & (nt >= 2)
    nc1, nt1 = np.maximum(nc, 1.0), np.maximum(nt, 1.0)
    mc, mt = sc / nc1, st / nt1
    diff = mt - mc
    tau = _tau(m, cfg)
    if m.kind == "binary":
        p = binary_msprt_p(sc, nc, st, nt, tau)
        lc, lt = (sc + 1) / (nc + 2), (st + 1) / (nt + 2)
        v_cs = lc * (1 - lc) / nc1 + lt * (1 - lt) / nt1
    else:
        vc = np.maximum(s2c - nc * mc**2, 0.0) / np.maximum(nc - 1, 1.0)
        vt = np.maximum(s2t - nt * mt**2, 0.0) / np.maximum(nt - 1, 1.0)
        v_cs = vc / nc1 + vt / nt1
        p = always_valid_p(diff, np.where(valid, v_cs, 0.0), tau)
    v_cs = np.where(valid, v_cs, 0.0)
    lo, hi = confidence_sequence(diff, v_cs, tau, cfg.alpha)
    yc, yt = y[ok & ~treat], y[ok & treat]
    fixed = (
        two_proportion(yc.sum(), yc.size, yt.sum(), yt.size, cfg.alpha)
        if m.kind == "binary"
        else welch(
            yc.mean(), yc.var(ddof=1), yc.size, yt.mean(), yt.var(ddof=1), yt.size, cfg.alpha
        )
    )
    lift, l_lo, l_hi = relative_lift(fixed, cfg.alpha)
    entry: dict[str, Any] = {
        "test": "mSPRT (normal mixture), always-valid p-value; confidence sequence",
        "cuped": None,
        "arm_ci": _arm_ci(m, yc, yt, cfg.alpha),
        "n_control": int(yc.size),
        "n_treatment": int(yt.size),
        "mean_control": _num(fixed.mean_control),
        "mean_treatment": _num(fixed.mean_treatment),
        "difference": {
            "value": _num(fixed.difference),
            "ci": _interval(lo, hi),
            "se": _num(fixed.se),
        },
        "relative_lift": {
            "value": _num(lift),
            "ci": _interval(l_lo, l_hi),
            "note": "fixed-horizon delta-method CI",
        },
        "p_value": _num(p[-1]),
        "sequential": {
            "tau": tau,
            "looks": int(looks.size),
            "look_every": cfg.sequential.look_every,
        },
    }
    if m.role == "guardrail":
        c_lo, c_hi = confidence_sequence(diff, v_cs, tau, 2.0 * cfg.decision.guardrail_alpha)
        harms = sorted((-m.sign * c_lo, -m.sign * c_hi))
        entry["noninferiority"] = _ni(m, None, harms[0], harms[1], cfg)
    return entry


def _finish(
    cfg: ExperimentConfig, entries: dict[str, dict[str, Any]], srm_mismatch: bool
) -> tuple[list[dict[str, Any]], dict[str, object]]:
    primary = cfg.primary()
    raw = [entries[m.name]["p_value"] for m in primary]
    adj = adjust_pvalues([1.0 if p is None else p for p in raw], cfg.decision.adjust)
    verdicts = []
    out = []
    for m in cfg.metrics:
        e = {
            "name": m.name,
            "kind": m.kind,
            "role": m.role,
            "direction": m.direction,
            **entries[m.name],
        }
        if m.role == "primary":
            p_adj = float(adj[primary.index(m)])
            sig = p_adj < cfg.alpha
            good = (e["difference"]["value"] or 0.0) * m.sign > 0
            e.update(p_adjusted=p_adj, adjustment=cfg.decision.adjust, mde=m.mde, significant=sig)
            verdicts.append(
                MetricVerdict(m.name, "primary", better=sig and good, worse=sig and not good)
            )
        else:
            ni = e["noninferiority"]
            verdicts.append(
                MetricVerdict(
                    m.name, "guardrail", noninferior=ni["noninferior"], inferior=ni["inferior"]
                )
            )
        out.append(e)
    return out, decide(cfg.decision, verdicts, srm_mismatch).to_json()


def _prereg_json(prereg: Preregistration) -> dict[str, Any]:
    cfg = prereg.experiment
    return {
        "name": cfg.name,
        "sha256": prereg.sha256,
        "recorded_at": prereg.recorded_at.isoformat(),
        "design": cfg.design,
        "alpha": cfg.alpha,
        "arms": cfg.arms,
        "split": cfg.split,
        "decision_rule": prereg.document.get("decision_rule", []),
        "planned": {
            k: prereg.document.get("plan", {}).get(k) for k in ("n_control", "n_treatment")
        },
    }


def analyze_log(
    prereg: Preregistration, log: ExperimentLog, data_label: str | None = None
) -> dict[str, Any]:
    """Analyse an online experiment's log under its (verified) pre-registration.

    Raises:
        DataError: the pre-registration was recorded after the log's first timestamp, or
            the design is ``paired`` (use :func:`analyze_replay`).
    """
    cfg = prereg.experiment
    if cfg.design == "paired":
        raise DataError(
            "a paired (replay) pre-registration: use abtest replay",
            path=prereg.path,
            field="design",
        )
    check_recorded_before(prereg, log.first_time, data_label)
    order = log.time_order()
    treat = log.treatment[order]
    counts = [int((~treat).sum()), int(treat.sum())]
    srm = srm_check(counts, cfg.split, cfg.decision.srm_alpha)
    entries: dict[str, dict[str, Any]] = {}
    for m in cfg.metrics:
        y = log.values[m.name][order]
        if cfg.design == "sequential":
            entries[m.name] = _sequential(m, y, treat, cfg)
        else:
            x = log.values[m.covariate][order] if m.covariate else None
            entries[m.name] = _fixed(m, y, x, treat, cfg)
    metrics, decision = _finish(cfg, entries, srm.mismatch)
    return {
        "schema_version": SCHEMA_VERSION,
        "command": "abtest analyze",
        "preregistration": _prereg_json(prereg),
        "data": {
            "n_units": len(log.unit_ids),
            "n_control": counts[0],
            "n_treatment": counts[1],
            "first_timestamp": log.first_time.isoformat(),
            "last_timestamp": max(log.times).isoformat(),
        },
        "srm": srm.to_json(),
        "metrics": metrics,
        "decision": decision,
    }


def _paired_entry(
    m: MetricSpec, r: PairedResult, arm_ci: dict[str, Any], cfg: ExperimentConfig
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "test": r.test + ("; Agresti-Min CI" if m.kind == "binary" else ""),
        "cuped": None,
        "n_pairs": r.n,
        "n_control": r.n,
        "n_treatment": r.n,
        "mean_control": r.mean_control,
        "mean_treatment": r.mean_treatment,
        "arm_ci": arm_ci,
        "difference": {"value": r.difference, "ci": _interval(r.ci_low, r.ci_high), "se": r.se},
        "relative_lift": {"value": _num(r.lift), "ci": _interval(*r.lift_ci)},
        "p_value": r.p_value,
        "discordant": None
        if r.discordant is None
        else {"control_only": r.discordant[0], "treatment_only": r.discordant[1]},
    }
    if m.role == "guardrail":
        assert m.margin is not None
        p, lo, hi = noninferiority(
            r.estimate, r.se, m.margin, m.sign, cfg.decision.guardrail_alpha, r.df
        )
        entry["noninferiority"] = _ni(m, float(p), float(lo), float(hi), cfg)
    return entry


def analyze_replay(
    prereg: Preregistration, control: OutcomeTable, treatment: OutcomeTable
) -> dict[str, Any]:
    """Analyse an offline replay: both policies on the same units (paired design).

    Raises:
        DataError: the units of the two tables differ, or the design is not ``paired``.
    """
    cfg = prereg.experiment
    if cfg.design != "paired":
        raise DataError(
            f"design {cfg.design!r}: replay needs design 'paired'", path=prereg.path, field="design"
        )
    only_c = sorted(set(control.unit_ids) - set(treatment.unit_ids))
    only_t = sorted(set(treatment.unit_ids) - set(control.unit_ids))
    if only_c or only_t:
        which, unit = ("control", only_c[0]) if only_c else ("treatment", only_t[0])
        raise DataError(
            f"unit {unit!r} is only in the {which} policy's table "
            f"({len(only_c) + len(only_t)} unpaired units)",
            field="unit_id",
        )
    index_t = {u: i for i, u in enumerate(treatment.unit_ids)}
    perm = np.array([index_t[u] for u in control.unit_ids], dtype=np.intp)
    entries: dict[str, dict[str, Any]] = {}
    for m in cfg.metrics:
        yc, yt = control.values[m.name], treatment.values[m.name][perm]
        ok = ~(np.isnan(yc) | np.isnan(yt))
        if ok.sum() < 2:
            raise DataError(f"metric {m.name!r}: fewer than 2 paired units", field=m.name)
        fn = paired_binary if m.kind == "binary" else paired_continuous
        result = fn(yc[ok], yt[ok], cfg.alpha)
        entries[m.name] = _paired_entry(m, result, _arm_ci(m, yc[ok], yt[ok], cfg.alpha), cfg)
    metrics, decision = _finish(cfg, entries, srm_mismatch=False)
    return {
        "schema_version": SCHEMA_VERSION,
        "command": "abtest replay",
        "preregistration": _prereg_json(prereg),
        "data": {
            "n_units": len(control.unit_ids),
            "note": "offline replay: both policies on the same units; no assignment (no SRM "
            "check) and no collection timestamps",
        },
        "srm": None,
        "metrics": metrics,
        "decision": decision,
    }
