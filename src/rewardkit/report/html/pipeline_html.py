"""Small HTML pieces of the demo's one-page report: grids as tables, link lines, notes.

Shared by :mod:`~rewardkit.report.html.pipeline_page` and
:mod:`~rewardkit.report.html.pipeline_checks`; they format, never compute.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path
from urllib.parse import quote

from rewardkit.report.html.page import table
from rewardkit.report.html.pipeline_data import Grid, Pipeline

__all__ = ["cell", "grid_html", "line", "links", "note", "skipped"]

_CLASSES = {
    "FLAG": "bad",
    "pass": "ok",
    "meets target": "ok",
    "below target": "bad",
    "CI straddles target": "tie",
    "flagged": "bad",
    "ship": "ok",
    "don't ship": "bad",
    "inconclusive": "tie",
}


def cell(text: str, href: str) -> str:
    """One escaped cell, coloured when it is a verdict, linked when ``href`` is given.

    Example:
        >>> cell("pass", "a b.html")
        '<a href="a%20b.html"><span class="ok">pass</span></a>'
    """
    body = escape(text)
    if text in _CLASSES:
        body = f'<span class="{_CLASSES[text]}">{body}</span>'
    return f'<a href="{escape(quote(href))}">{body}</a>' if href else body


def grid_html(grid: Grid, table_id: str = "") -> str:
    """A grid as its title and table.

    Example:
        >>> grid_html(Grid("t", ("a",), (("1",),), (True,))).startswith("<h3>t</h3><table>")
        True
    """
    rows = [
        [
            cell(c, grid.links[i][j] if grid.links and j < len(grid.links[i]) else "")
            for j, c in enumerate(row)
        ]
        for i, row in enumerate(grid.rows)
    ]
    return f"<h3>{escape(grid.title)}</h3>" + table(
        list(grid.header), rows, numeric=list(grid.numeric), table_id=table_id
    )


def links(out: Path, paths: Sequence[tuple[str, str]]) -> str:
    """Links to the files that exist, relative to the page.

    Example:
        >>> links(Path("."), [("none", "no/such/file")])
        ''
    """
    items = [
        f'<a href="{escape(quote(path))}">{escape(label)}</a>'
        for label, path in paths
        if path and (out / path).exists()
    ]
    if not items:
        return ""
    return f'<p class="runs">Own page and documents: {" · ".join(items)}</p>'


def note(text: str) -> str:
    """A grey note; ``text`` is markup, already escaped.

    Example:
        >>> note("x")
        '<p class="note">x</p>'
    """
    return f'<p class="note">{text}</p>'


def line(text: str) -> str:
    """A paragraph of plain text (escaped here).

    Example:
        >>> line("a < b")
        '<p>a &lt; b</p>'
    """
    return f"<p>{escape(text)}</p>"


def skipped(stage: str, p: Pipeline) -> str:
    """The note saying why ``stage`` did not run (``demo.json``'s ``skipped``).

    Example:
        >>> skipped("bon", Pipeline(demo={"skipped": {"bon": "too few prompts"}}))
        '<p class="note">Skipped: too few prompts.</p>'
    """
    reason = (p.demo.get("skipped") or {}).get(stage, "this stage did not run")
    return note(f"Skipped: {escape(str(reason))}.")
