"""Agreement report of a long-form ratings table: every coefficient, per criterion and domain.

Input: a ratings DataFrame with columns ``item_id, prompt_id, annotator_id, criterion, value``
and optional ``domain`` (DESIGN "Ratings"; validated upstream, e.g. by
:func:`rewardkit.annotations.tables.read_ratings`). The unit of every coefficient and of every
bootstrap is the item; each bootstrap has its own stream ``rng_for(seed, name, criterion,
domain)`` so the report is deterministic and adding a criterion changes no other interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rewardkit.annotations.agreement._values import (
    FloatArray,
    IntArray,
    Level,
    check_level,
    resolve_values,
    value_index,
)
from rewardkit.annotations.agreement.cohen import kappa_of_tables, pair_tables
from rewardkit.annotations.agreement.fleiss import counts_from_matrix, fleiss_ci
from rewardkit.annotations.agreement.krippendorff import alpha_ci
from rewardkit.annotations.agreement.results import (
    AgreementReport,
    AnnotatorLeniency,
    CriterionAgreement,
    DisagreementFlag,
    DomainAgreement,
    PairAgreement,
    target_verdict,
)
from rewardkit.metrics import Estimate, rng_for

__all__ = [
    "ALL",
    "ALL_CRITERIA",
    "MAX_KAPPA_CATEGORIES",
    "agreement_report",
    "omitted_coefficients",
]

#: Group name of the whole table in the bootstrap streams (``rng_for(seed, ..., ALL)``).
ALL = "all"
#: Criterion name of the pooled alpha in the bootstrap streams.
ALL_CRITERIA = "all criteria"
_COLUMNS = ("item_id", "prompt_id", "annotator_id", "criterion", "value")
_SHOWN = 8
#: Fleiss' kappa counts each scale point as its own unordered category. On a scale with more
#: points than this (e.g. 0-100) at a non-nominal level, a rating one point off would count as
#: much as one at the other end, so the coefficient is omitted (alpha at the level stays).
MAX_KAPPA_CATEGORIES = 11


def omitted_coefficients(level: Level, values: Sequence[float]) -> tuple[tuple[str, str], ...]:
    """The coefficients that do not fit ``level`` and the scale ``values``, with the reason.

    - ``fleiss_kappa`` at an ordinal, interval or ratio level on more than
      :data:`MAX_KAPPA_CATEGORIES` points: kappa would treat each point as an unordered
      category.
    - ``leniency`` at the nominal level with more than two codes: a mean offset needs ordered
      values (with two codes it is the difference in the rate of the higher code, and kept).

    Example:
        >>> [name for name, _ in omitted_coefficients("interval", range(101))]
        ['fleiss_kappa']
        >>> [name for name, _ in omitted_coefficients("nominal", [0, 1, 2])]
        ['leniency']
        >>> omitted_coefficients("ordinal", [1, 2, 3, 4, 5])
        ()
    """
    out: list[tuple[str, str]] = []
    n = len(values)
    if level != "nominal" and n > MAX_KAPPA_CATEGORIES:
        out.append(
            (
                "fleiss_kappa",
                f"Fleiss' kappa omitted: it treats each of the {n} scale points as an unordered "
                f"category, so a rating one point off counts as a full disagreement; read the "
                f"{level} alpha",
            )
        )
    if level == "nominal" and n > 2:
        codes = ", ".join(f"{v:g}" for v in values)
        out.append(
            (
                "leniency",
                f"leniency omitted: a mean offset needs ordered values, and the nominal codes "
                f"{codes} have no order",
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class _Settings:
    level: Level
    values: FloatArray
    target: float
    n_resamples: int
    confidence: float
    seed: int
    spread_threshold: float


@dataclass(frozen=True)
class _Matrix:
    """Ratings pivoted to rows (sorted keys) x annotators (sorted ids), NaN for missing."""

    data: FloatArray
    annotators: list[str]
    first_row: IntArray  # per matrix row: index (in the frame) of its first rating


def _pivot(frame: pd.DataFrame, keys: list[str]) -> _Matrix:
    rows = frame.groupby(keys, sort=True).ngroup().to_numpy(dtype=np.int64)
    ann_codes, annotators = pd.factorize(frame["annotator_id"], sort=True)
    n_rows, n_ann = int(rows.max()) + 1 if rows.size else 0, len(annotators)
    cell = rows * n_ann + ann_codes
    uniq, first, counts = np.unique(cell, return_index=True, return_counts=True)
    if uniq.size < cell.size:
        dup = frame.iloc[first[counts > 1][:_SHOWN]]
        shown = ", ".join(
            f"{i}/{a}/{c}"
            for i, a, c in zip(dup["item_id"], dup["annotator_id"], dup["criterion"], strict=True)
        )
        raise ValueError(f"duplicate (item, annotator, criterion) ratings: {shown}")
    data = np.full((n_rows, n_ann), np.nan)
    data.flat[cell] = frame["value"].to_numpy(dtype=np.float64)
    _, first_row = np.unique(rows, return_index=True)
    return _Matrix(data, [str(a) for a in annotators], first_row.astype(np.int64))


def _estimate_alpha(data: FloatArray, s: _Settings, *names: str) -> Estimate:
    return alpha_ci(
        data,
        s.level,
        s.values,
        n_resamples=s.n_resamples,
        confidence=s.confidence,
        rng=rng_for(s.seed, "alpha", *names),
        label=" / ".join(n for n in names if n != ALL),
    )


def _pairs(m: _Matrix, s: _Settings) -> tuple[PairAgreement, ...]:
    pairs, tables = pair_tables(m.data, s.values)
    kappas = [kappa_of_tables(tables, w) for w in (None, "linear", "quadratic")]
    return tuple(
        PairAgreement(
            m.annotators[int(i)],
            m.annotators[int(j)],
            int(tables[k].sum()),
            float(kappas[0][k]),
            float(kappas[1][k]),
            float(kappas[2][k]),
        )
        for k, (i, j) in enumerate(pairs)
    )


def _disagreements(
    m: _Matrix, frame: pd.DataFrame, threshold: float
) -> tuple[DisagreementFlag, ...]:
    obs = ~np.isnan(m.data)
    rated = obs.sum(axis=1)
    high = np.where(obs, m.data, -np.inf).max(axis=1, initial=-np.inf)
    low = np.where(obs, m.data, np.inf).min(axis=1, initial=np.inf)
    spread = np.where(rated >= 2, high - low, np.nan)
    flagged = np.flatnonzero(spread >= threshold)
    first = frame.iloc[m.first_row[flagged]]
    domains = first["domain"].tolist() if "domain" in frame.columns else [None] * len(first)
    flags = [
        DisagreementFlag(
            item_id=str(item),
            prompt_id=str(prompt),
            domain=None if pd.isna(dom) else str(dom),
            spread=float(width),
            ratings=tuple((a, v) for a, v in zip(m.annotators, row, strict=True) if v == v),
        )  # ``v == v`` is False only for NaN (missing)
        for row, width, item, prompt, dom in zip(
            m.data[flagged].tolist(),
            spread[flagged].tolist(),
            first["item_id"].tolist(),
            first["prompt_id"].tolist(),
            domains,
            strict=True,
        )
    ]
    return tuple(sorted(flags, key=lambda f: (-f.spread, f.item_id)))


def _leniency(m: _Matrix) -> tuple[AnnotatorLeniency, ...]:
    obs = ~np.isnan(m.data)
    rated = obs.sum(axis=1, keepdims=True).astype(np.float64)
    x = np.where(obs, m.data, 0.0)
    total = x.sum(axis=1, keepdims=True)
    valid = obs & (rated >= 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        offset = np.where(valid, x - (total - x) / (rated - 1.0), 0.0)
    n = valid.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = offset.sum(axis=0) / n
    return tuple(
        AnnotatorLeniency(name, float(mean[a]), int(n[a])) for a, name in enumerate(m.annotators)
    )


def _domains(frame: pd.DataFrame, criterion: str, s: _Settings) -> tuple[DomainAgreement, ...]:
    if "domain" not in frame.columns:
        return ()
    labels = frame["domain"]
    known = labels.notna()
    out: list[DomainAgreement] = []
    names = labels.astype(str)
    for name in sorted(names[known].unique().tolist()):
        part = frame[known & (names == name)]
        m = _pivot(part, ["item_id"])
        est = _estimate_alpha(m.data, s, criterion, name)
        out.append(DomainAgreement(name, len(m.data), est, target_verdict(est, s.target)))
    return tuple(out)


def _criterion(
    frame: pd.DataFrame, criterion: str, s: _Settings, by_domain: bool
) -> CriterionAgreement:
    m = _pivot(frame, ["item_id"])
    est = _estimate_alpha(m.data, s, criterion, ALL)
    omitted = omitted_coefficients(s.level, s.values.tolist())
    skip = {name for name, _ in omitted}
    fleiss = (
        None
        if "fleiss_kappa" in skip
        else fleiss_ci(
            counts_from_matrix(m.data, s.values),
            n_resamples=s.n_resamples,
            confidence=s.confidence,
            rng=rng_for(s.seed, "fleiss", criterion, ALL),
        )
    )
    return CriterionAgreement(
        criterion=criterion,
        n_items=len(m.data),
        n_annotators=len(m.annotators),
        n_ratings=len(frame),
        alpha=est,
        verdict=target_verdict(est, s.target),
        fleiss_kappa=fleiss,
        pairwise=_pairs(m, s),
        by_domain=_domains(frame, criterion, s) if by_domain else (),
        disagreements=_disagreements(m, frame, s.spread_threshold),
        leniency=() if "leniency" in skip else _leniency(m),
        omitted=omitted,
    )


def agreement_report(
    ratings: pd.DataFrame,
    *,
    level: Level,
    values: Sequence[float],
    target: float = 0.6,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    spread_threshold: float = 2,
    by_domain: bool = True,
) -> AgreementReport:
    """Agreement of a ratings table per criterion (and domain), with bootstrap intervals.

    Per criterion: Krippendorff's alpha at ``level`` with its CI and a verdict against
    ``target``, Fleiss' kappa (categories = ``values``) with its CI, Cohen's kappa (unweighted,
    linear, quadratic) per pair of annotators sharing items, alpha per domain, items whose
    ratings spread by ``spread_threshold`` or more, and each annotator's leniency. Plus alpha
    over all criteria pooled (rows ``item x criterion``, resampling whole items). Fleiss' kappa
    on a many-point scale and leniency on nominal codes are omitted, with the reason in
    ``omitted`` (see :func:`omitted_coefficients`).

    Args:
        ratings: Long-form ratings (see the module docstring).
        level: Level of measurement of alpha.
        values: Declared scale points, e.g. ``[1, 2, 3, 4, 5]``.
        target: Alpha the campaign aims for.
        n_resamples: Bootstrap resamples per interval.
        confidence: Coverage of every interval.
        seed: Base seed of the bootstrap streams.
        spread_threshold: Flag items whose max - min rating reaches this.
        by_domain: Compute alpha per ``domain`` (when the column exists).

    Returns:
        The typed :class:`AgreementReport` (``to_json()`` for its JSON form).

    Raises:
        ValueError: A missing column, a rating outside ``values`` (listed), or a duplicate
            (item, annotator, criterion) rating.

    Example:
        >>> rows = [("i1", 1, 1), ("i2", 2, 2), ("i3", 4, 4), ("i4", 5, 5), ("i5", 2, 4)]
        >>> ratings = pd.DataFrame(
        ...     [{"item_id": i, "prompt_id": "p", "annotator_id": a, "criterion": "safety",
        ...       "value": float(v)} for i, x, y in rows for a, v in (("ann1", x), ("ann2", y))])
        >>> rep = agreement_report(ratings, level="interval", values=[1, 2, 3, 4, 5],
        ...                        n_resamples=200)
        >>> c = rep.criterion("safety")
        >>> round(c.alpha.value, 3), c.verdict, [f.item_id for f in c.disagreements]
        (0.836, 'CI straddles target', ['i5'])
    """
    missing = [c for c in _COLUMNS if c not in ratings.columns]
    if missing:
        raise ValueError(f"ratings lack column(s) {missing}; expected {list(_COLUMNS)}")
    frame = ratings.reset_index(drop=True)
    if frame.empty:
        raise ValueError("ratings table is empty")
    value = frame["value"].to_numpy(dtype=np.float64)
    domain = resolve_values(values, value[:, None])
    value_index(value[:, None], domain)  # every rating on the declared scale (else listed)
    if np.isnan(value).any():
        raise ValueError(f"{int(np.isnan(value).sum())} rating(s) have no value (NaN)")
    s = _Settings(
        check_level(level), domain, target, n_resamples, confidence, seed, spread_threshold
    )
    criteria = tuple(
        _criterion(part, str(name), s, by_domain)
        for name, part in frame.groupby(frame["criterion"].astype(str), sort=True)
    )
    pooled = _pivot(frame, ["item_id", "criterion"])
    items = frame["item_id"].to_numpy()[pooled.first_row]
    overall = alpha_ci(
        pooled.data,
        s.level,
        s.values,
        clusters=items.astype(str),
        n_resamples=n_resamples,
        confidence=confidence,
        rng=rng_for(seed, "alpha", ALL_CRITERIA, ALL),
    )
    return AgreementReport(
        level=s.level,
        values=tuple(float(v) for v in domain),
        target=target,
        confidence=confidence,
        n_resamples=n_resamples,
        seed=seed,
        spread_threshold=spread_threshold,
        overall=overall,
        overall_verdict=target_verdict(overall, target),
        criteria=criteria,
    )
