"""Cut a time-sorted scored log into consecutive windows, by row count or by time."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rewardkit.errors import ConfigError

__all__ = ["Window", "make_windows"]


@dataclass(frozen=True)
class Window:
    """One window of the log.

    Attributes:
        index: Position of the window (0-based; time windows keep their slot number, so an
            empty slot leaves a gap).
        start: Time of its first row (count) or start of its slot (time), ISO 8601 UTC.
        end: Time of its last row (count) or end of its slot (time), ISO 8601 UTC.
        rows: Row positions of the log in the window.
    """

    index: int
    start: str
    end: str
    rows: np.ndarray

    @property
    def n(self) -> int:
        """Number of rows."""
        return int(self.rows.size)


def _iso(ts: pd.Timestamp) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def make_windows(
    timestamps: pd.Series, *, by: str = "count", size: int = 1000, every: str = "1D"
) -> list[Window]:
    """Windows of a time-sorted log.

    ``by="count"``: rows ``[k*size, (k+1)*size)`` (the last window may be shorter);
    ``by="time"``: slots ``[t0 + k*every, t0 + (k+1)*every)`` from the first timestamp ``t0``
    (``every`` is a pandas timedelta such as ``"1D"``, ``"6h"``); empty slots are left out.

    Example:
        >>> ts = pd.Series(pd.to_datetime([0, 1, 2, 3, 4], unit="h", utc=True))
        >>> [w.n for w in make_windows(ts, by="count", size=2)]
        [2, 2, 1]
        >>> [(w.index, w.n) for w in make_windows(ts, by="time", every="2h")]
        [(0, 2), (1, 2), (2, 1)]
    """
    n = len(timestamps)
    if n == 0:
        return []
    if by == "count":
        if size < 1:
            raise ConfigError(f"window_size must be >= 1, got {size}")
        out = []
        for k, lo in enumerate(range(0, n, size)):
            rows = np.arange(lo, min(lo + size, n))
            out.append(
                Window(k, _iso(timestamps.iloc[rows[0]]), _iso(timestamps.iloc[rows[-1]]), rows)
            )
        return out
    if by != "time":
        raise ConfigError(f"window_by must be 'count' or 'time', got {by!r}")
    try:
        step = pd.Timedelta(every)
    except ValueError as exc:
        raise ConfigError(f"window_every: not a duration: {every!r}") from exc
    if step <= pd.Timedelta(0):
        raise ConfigError(f"window_every must be positive, got {every!r}")
    t0 = timestamps.iloc[0]
    slot = ((timestamps - t0) // step).to_numpy(dtype=np.int64)
    out = []
    for k in np.unique(slot).tolist():
        rows = np.flatnonzero(slot == k)
        out.append(Window(int(k), _iso(t0 + k * step), _iso(t0 + (k + 1) * step), rows))
    return out
