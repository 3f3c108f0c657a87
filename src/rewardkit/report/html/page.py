"""The self-contained HTML document shell shared by the run page and the leaderboard.

Styles and the small table-search script are inline; nothing is fetched, so a page opens
offline as one file.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["SEARCH_SCRIPT", "document", "table"]

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;
max-width:1100px;padding:0 16px;color:#212529;background:#fff}
h1{font-size:1.5em;margin-bottom:4px}h2{font-size:1.15em;margin-top:28px;
border-bottom:1px solid #dee2e6;padding-bottom:4px}
table{border-collapse:collapse;font-size:0.9em;margin:8px 0}
th,td{border:1px solid #dee2e6;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f1f3f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
dl.meta{display:grid;grid-template-columns:max-content auto;gap:2px 16px;margin:8px 0}
dl.meta dt{font-weight:600}dl.meta dd{margin:0;word-break:break-all}
svg.chart{font-size:11px;display:block;margin:8px 0}
svg .grid{stroke:#e9ecef}svg .frame{fill:none;stroke:#adb5bd}
svg .diagonal{stroke:#868e96;stroke-dasharray:4 3}
svg .curve{fill:none;stroke:#4263eb;stroke-width:1.5}
svg .whisker{stroke:#212529;stroke-width:1.5;fill:none}
svg .tick,svg .count{fill:#495057;font-size:10px}
.note{color:#868e96;font-size:0.9em}
.ok{color:#2b8a3e}.bad{color:#c92a2a}.tie{color:#e67700}
input.search{padding:4px 8px;width:320px;margin:4px 0}
"""

SEARCH_SCRIPT = """<script>
(function(){var box=document.getElementById('item-search');
var rows=document.querySelectorAll('#items tbody tr');
box.addEventListener('input',function(){var q=box.value.toLowerCase();
for(var i=0;i<rows.length;i++){rows[i].style.display=
rows[i].textContent.toLowerCase().indexOf(q)>=0?'':'none';}});})();
</script>"""


def document(title: str, body: str, script: str = "") -> str:
    """A complete HTML5 document with the inline stylesheet.

    Args:
        title: Page title (escaped here).
        body: Body markup, already escaped.
        script: Optional inline ``<script>`` element appended to the body.

    Returns:
        The HTML text, ending with a newline.

    Example:
        >>> document("a & b", "<p>x</p>").count("a &amp; b")
        2
    """
    t = escape(title)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{t}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<h1>{t}</h1>\n"
        f"{body}\n{script}\n</body>\n</html>\n"
    )


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: Sequence[bool] | None = None,
    table_id: str = "",
) -> str:
    """An HTML table; ``header`` is escaped here, ``rows`` hold markup that is already escaped.

    Args:
        header: Column titles (plain text).
        rows: Cell markup per row.
        numeric: Per column, whether cells are right-aligned numbers.
        table_id: Optional ``id`` attribute.

    Returns:
        The ``<table>`` element.

    Example:
        >>> t = table(["a<"], [["1"]], numeric=[True])
        >>> "<th>a&lt;</th>" in t and '<td class="num">1</td>' in t
        True
    """
    num = list(numeric) if numeric is not None else [False] * len(header)
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "\n".join(
        "<tr>"
        + "".join(
            f'<td class="num">{c}</td>' if i < len(num) and num[i] else f"<td>{c}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    ident = f' id="{escape(table_id)}"' if table_id else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"
