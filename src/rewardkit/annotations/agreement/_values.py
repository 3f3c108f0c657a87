"""Private input handling shared by the agreement coefficients.

A reliability matrix is a float array of shape ``(n_units, n_raters)`` with NaN for a missing
rating. A declared value set (the scale's points) maps each rating to its position; a rating
outside the set is an error that lists the offending values.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")
_SHOWN = 10


def as_matrix(data: npt.ArrayLike, name: str = "data") -> FloatArray:
    """``data`` as a 2-D float64 array (units x raters); ValueError otherwise."""
    try:
        x = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric (NaN for missing): {exc}") from None
    if x.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_units, n_raters), got shape {x.shape}")
    return x


def check_level(level: str) -> Level:
    """``level`` if it is a known level of measurement; ValueError otherwise."""
    for known in LEVELS:
        if level == known:
            return known
    raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")


def resolve_values(values: npt.ArrayLike | None, x: FloatArray) -> FloatArray:
    """The sorted value domain: the declared ``values``, or the distinct observed ratings."""
    if values is None:
        observed = np.unique(x[~np.isnan(x)])
        if observed.size and not np.isfinite(observed[[0, -1]]).all():
            raise ValueError("ratings must be finite numbers (NaN for missing)")
        return observed
    domain = np.asarray(values, dtype=np.float64).ravel()
    if not np.isfinite(domain).all():
        raise ValueError(f"values must be finite numbers, got {domain.tolist()}")
    ordered = np.sort(domain)
    if ordered.size and bool((ordered[1:] == ordered[:-1]).any()):
        raise ValueError(f"values must be distinct, got {domain.tolist()}")
    return ordered


def _grid_index(x: FloatArray, domain: FloatArray) -> IntArray | None:
    """Fast path of :func:`value_index` for an evenly spaced domain (e.g. a Likert scale):
    position ``rint((x - first) / step)``, accepted only where it maps back to ``x`` exactly.
    Gives -1 for NaN and -2 for a value outside the domain; ``None`` if the domain is uneven."""
    n_vals = domain.size
    if n_vals < 2:
        return None
    step = float(domain[1] - domain[0])
    if not np.array_equal(domain, domain[0] + step * np.arange(n_vals)):
        return None
    pos = (x - domain[0]) / step
    np.rint(pos, out=pos)
    # ``domain[k] == first + step * k`` exactly, so this compares with the domain value at pos.
    ok = (domain[0] + step * pos == x) & (pos >= 0) & (pos <= n_vals - 1)  # False for NaN
    pos[~ok] = -1
    idx: IntArray = np.asarray(pos, dtype=np.int64)
    idx[~ok & ~np.isnan(x)] = -2
    return idx


def value_index(x: FloatArray, domain: FloatArray) -> IntArray:
    """Position of each rating in ``domain`` (``-1`` for NaN), same shape as ``x``.

    Raises:
        ValueError: Listing (up to 10 of) the ratings that are not in ``domain``.
    """
    grid = _grid_index(x, domain)
    if grid is not None:
        bad_mask = grid == -2
        if not bad_mask.any():
            return grid
        _raise_outside(x[bad_mask], domain)
    obs = ~np.isnan(x)
    flat = x[obs]
    if domain.size == 0:
        pos = np.zeros(flat.size, dtype=np.int64)
        bad = np.ones(flat.size, dtype=bool)
    else:
        pos = np.minimum(np.searchsorted(domain, flat), domain.size - 1).astype(np.int64)
        bad = domain[pos] != flat
    if bad.any():
        _raise_outside(flat[bad], domain)
    out = np.full(x.shape, -1, dtype=np.int64)
    out[obs] = pos
    return out


def _raise_outside(bad: FloatArray, domain: FloatArray) -> None:
    outside = np.unique(bad)
    shown = ", ".join(f"{v:g}" for v in outside[:_SHOWN])
    more = f" and {outside.size - _SHOWN} more" if outside.size > _SHOWN else ""
    declared = ", ".join(f"{v:g}" for v in domain)
    raise ValueError(f"ratings outside the declared values [{declared}]: {shown}{more}")


def count_matrix(data: npt.ArrayLike, values: npt.ArrayLike | None) -> tuple[IntArray, FloatArray]:
    """Per unit, how many raters gave each value: ``(counts (n_units, V), sorted domain)``.

    NaN (missing) is never counted; a rating outside the declared values is a ValueError.
    """
    x = as_matrix(data)
    domain = resolve_values(values, x)
    idx = value_index(x, domain)
    n_units = x.shape[0]
    width = domain.size + 1  # one extra column collects the missing ratings
    idx[idx < 0] = domain.size
    idx += (np.arange(n_units, dtype=np.int64) * width)[:, None]
    counts = np.bincount(idx.ravel(), minlength=n_units * width).reshape(n_units, width)
    return counts[:, :-1], domain
