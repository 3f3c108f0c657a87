"""The HTML page of a ``rewardkit probe`` run, rendered from its ``results.json`` document
(computes nothing): the fingerprint table (one row per probe, one column per RM), each RM's
per-probe detail with CIs and per-domain breakdown, and the paired RM comparisons."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from rewardkit.report.html.page import document, table
from rewardkit.report.html.svg import fmt

__all__ = ["render_probe_page"]


def _est(e: Mapping[str, Any] | None, digits: int = 3) -> str:
    if not e or e.get("value") is None:
        return "n/a"
    lo, hi = ("n/a" if x is None else fmt(x, digits) for x in e["ci"])
    return f"{fmt(e['value'], digits)} [{lo}, {hi}]"


def _cell(entry: Mapping[str, Any]) -> str:
    shown = entry["relative_effect"] or entry["controlled_preference"]
    flag = " <strong>flagged</strong>" if entry["flagged"] else ""
    return escape(_est(shown)) + flag


def render_probe_page(doc: Mapping[str, Any]) -> str:
    """The page of a probe results document.

    Example:
        >>> html = render_probe_page({"probes": {}, "models": [], "fingerprint": [],
        ...     "comparisons": [], "data": {"file": "d.jsonl", "n_items": 0}})
        >>> "bias fingerprint" in html
        True
    """
    specs = [m["spec"] for m in doc["models"]]
    parts = [
        f"<p>{doc['data']['n_items']} source items from {escape(str(doc['data']['file']))}. "
        "Each probe pairs a base response with a variant that differs in one property; a cell "
        "is the length-controlled score shift relative to the RM's mean chosen-minus-rejected "
        "margin (or, without a positive margin, the rate at which the variant is preferred), "
        "with its bootstrap CI; <strong>flagged</strong>: the shift's CI excludes 0.</p>",
        "<h2>bias fingerprint</h2>",
        table(
            ["probe", "property", "pairs", *specs],
            [
                [
                    escape(row["probe"]),
                    escape(doc["probes"][row["probe"]]["property"]),
                    str(doc["probes"][row["probe"]]["n_pairs"]),
                    *(_cell(row[s]) for s in specs),
                ]
                for row in doc["fingerprint"]
            ],
            numeric=[False, False, True, *([True] * len(specs))],
        ),
    ]
    for m in doc["models"]:
        parts.append(f"<h2>{escape(m['spec'])}</h2>")
        parts.append(
            f"<p>margin {escape(_est(m['margin']))}; score per character (length probe) "
            f"{escape(_est(m['length_slope'], 5))}</p>"
        )
        rows = []
        for name, r in m["probes"].items():
            domains = "; ".join(
                f"{d}: {_est(o['preference'])}" for d, o in list(r["domains"].items())[:12]
            )
            rows.append(
                [
                    escape(name),
                    escape(_est(r["preference"])),
                    escape(_est(r["shift"])),
                    escape(_est(r["controlled_shift"])),
                    escape(_est(r["relative_effect"])),
                    "yes" if r["flagged"] else "no",
                    escape(domains),
                ]
            )
        parts.append(
            table(
                [
                    "probe",
                    "prefers variant",
                    "shift",
                    "length-controlled shift",
                    "vs margin",
                    "flagged",
                    "prefers variant by domain",
                ],
                rows,
                numeric=[False, True, True, True, True, False, False],
            )
        )
    if doc["comparisons"]:
        parts.append("<h2>paired differences of preference rates</h2>")
        parts.append(
            table(
                ["probe", "a", "b", "a minus b"],
                [
                    [
                        escape(c["probe"]),
                        escape(c["a"]),
                        escape(c["b"]),
                        escape(_est(c["preference_difference"])),
                    ]
                    for c in doc["comparisons"]
                ],
                numeric=[False, False, False, True],
            )
        )
    dropped = [
        [escape(name), escape(reason), str(count)]
        for name, p in doc["probes"].items()
        for reason, count in p["dropped"].items()
    ]
    if dropped:
        parts.append("<h2>items dropped by the probes' checks</h2>")
        parts.append(table(["probe", "reason", "items"], dropped, numeric=[False, False, True]))
    return document("rewardkit probe", "\n".join(parts))
