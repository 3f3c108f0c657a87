"""Progress of the long phases of a command (loading a model, analysing, validating, ...).

A phase shows a transient line on stderr: a bar when its size is known, else a spinner with
the elapsed time. It shows on a terminal only (or when asked), so piped output and logs stay
clean. Phases do not nest: a phase wraps work that draws no bar of its own.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

__all__ = ["phase", "progress_enabled"]

Advance = Callable[..., None]


def progress_enabled(progress: bool | None) -> bool:
    """``progress``, or whether stderr is a terminal when it is ``None``.

    Example:
        >>> progress_enabled(False), progress_enabled(True)
        (False, True)
    """
    return sys.stderr.isatty() if progress is None else progress


@contextmanager
def phase(
    description: str,
    total: int | None = None,
    *,
    enabled: bool | None = None,
    console: Console | None = None,
) -> Iterator[Advance]:
    """Show ``description`` while the block runs; yield ``advance(n=1)`` for a known total.

    Args:
        description: What the phase does, e.g. ``"loading the encoder"``.
        total: Steps of the phase (a bar), or ``None`` (a spinner).
        enabled: Show it; ``None`` = when stderr is a terminal.
        console: Where to draw (default: stderr).

    Example:
        >>> import io
        >>> out = io.StringIO()
        >>> with phase("fitting", 2, enabled=True, console=Console(file=out)) as advance:
        ...     advance(2)
        >>> with phase("hidden", enabled=False) as advance:
        ...     advance()
    """
    columns: list[ProgressColumn] = [SpinnerColumn(), TextColumn("{task.description}")]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    else:
        columns.append(TimeElapsedColumn())
    bar = Progress(
        *columns,
        console=console or Console(stderr=True),
        transient=True,
        disable=not progress_enabled(enabled),
    )
    with bar:
        task = bar.add_task(description, total=total)

        def advance(n: int = 1) -> None:
            bar.advance(task, n)

        yield advance
