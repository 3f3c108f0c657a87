"""The root Typer application and shared console helpers."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from typing import Any

import typer
from rich.console import Console
from rich.text import Text

app = typer.Typer(
    name="rewardkit",
    help="Build, audit, calibrate and evaluate reward models, with a 95% CI on every number.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help text: with rich markup, "[default: ...]" in a help string reads as a style tag
    # and vanishes ("Run directory ." instead of "Run directory [default: runs/eval-<time>].").
    rich_markup_mode=None,
)

# C0 and C1 control characters but tab and newline: ESC starts terminal escape sequences (colours,
# cursor moves, window titles, OSC 52 clipboard writes), BEL ends some, CR overwrites a line.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_control(text: str) -> str:
    r"""``text`` with terminal control characters shown as ``\xNN`` instead of acted upon.

    Example:
        >>> strip_control("domain \x1b[2Jx\tok")
        'domain \\x1b[2Jx\tok'
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class SafeConsole(Console):
    """A console that never sends control characters from the text it prints to the terminal.

    Every string it renders (print arguments, table cells, titles, captions: names from data
    files, server error bodies) passes :func:`strip_control` before markup is parsed; the
    styles rich adds itself are unaffected.
    """

    def render_str(self, text: str, *args: Any, **kwargs: Any) -> Text:
        return super().render_str(strip_control(text), *args, **kwargs)


# Piped output is not squeezed into rich's 80-column fallback: tables keep one line per row.
console = SafeConsole() if sys.stdout.isatty() else SafeConsole(width=120)
err_console = (
    SafeConsole(stderr=True) if sys.stderr.isatty() else SafeConsole(stderr=True, width=200)
)


def one_line(text: str) -> str:
    r"""``text`` on one line: line breaks (and the blanks around them) become one space.

    Example:
        >>> one_line("cannot parse CSV (Error tokenizing data.\n  C error: 6 fields)")
        'cannot parse CSV (Error tokenizing data. C error: 6 fields)'
    """
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()


def warn(message: str) -> None:
    """One ``warning:`` line on stderr (never wrapped, control characters shown escaped)."""
    err_console.print(
        f"[yellow]warning:[/yellow] {one_line(message)}", highlight=False, soft_wrap=True
    )


def data_notes(
    warnings: Iterable[str] = (),
    *,
    ties_excluded: int | None = None,
    truncated: int | None = None,
    what: str = "metrics",
    limit: str = "--max-length",
) -> None:
    """One warning line per thing the run left out or cut: the data loader's warnings (rows
    skipped, identical or empty responses), items labelled a tie that ``what`` leaves out,
    and inputs truncated to ``limit``. Zero counts print nothing."""
    for message in warnings:
        warn(message)
    if ties_excluded:
        warn(f"{ties_excluded} item(s) labelled a tie were left out of the {what}")
    if truncated:
        warn(f"{truncated} input(s) were truncated to {limit}")


ALLOW_PYTHON = typer.Option(
    None,
    "--allow-python",
    help="Run the python: model a YAML model spec file names (python: code runs on this "
    "machine; a spec typed on the command line needs no flag).",
)
"""``--allow-python`` of the commands that take model specs (a python: spec from a YAML file
is refused without it: the file may come from someone else)."""
