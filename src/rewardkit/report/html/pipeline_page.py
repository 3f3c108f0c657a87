"""The demo's headline ``report.html``: the whole pipeline on one page.

Curation (dedup, split sizes, audit flags), agreement per criterion against its target,
aggregation against the simulated ground truth, the training curve, calibration before and
after, the benchmarks with the robustness gap, best-of-N gamma with its plot, the bias-probe
fingerprint, the guard policy's rates, the pre-registered A/B replay, the drift planted in
simulated traffic against the alerts, and a box pointing to what the demo does not run (PPO,
the RL-engine bridges, serving, judges). Each section
links to its run's own page (``report.html``) or, for stages that write none, to its documents.
Everything is rendered from the documents that
:func:`~rewardkit.report.html.pipeline_data.load_pipeline` reads, with the same formatted cells
the demo prints; nothing is computed and no model is loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from rewardkit.report.html.page import document
from rewardkit.report.html.pipeline_bench import gamma_grid, overall_grid, pair_accuracy_grid
from rewardkit.report.html.pipeline_checks import (
    abtest_section,
    drift_section,
    guard_section,
    probe_section,
    using_box,
)
from rewardkit.report.html.pipeline_data import (
    Pipeline,
    agreement_grid,
    audit_grid,
    calibration_grid,
    calibration_summary,
    curation_summary,
    history_grid,
    load_pipeline,
    metrics_grid,
    train_summary,
    truth_grid,
)
from rewardkit.report.html.pipeline_html import grid_html as _grid
from rewardkit.report.html.pipeline_html import line as _line
from rewardkit.report.html.pipeline_html import links as _links
from rewardkit.report.html.pipeline_html import note as _note
from rewardkit.report.html.pipeline_html import skipped as _skipped
from rewardkit.report.html.pipeline_svg import loss_curves, target_intervals
from rewardkit.report.html.run_doc import estimate
from rewardkit.runs.atomic import write_text

__all__ = ["SECTIONS", "render_pipeline_page", "write_pipeline_page"]

SECTIONS = (
    ("curation", "Curation"),
    ("agreement", "Annotation agreement"),
    ("aggregation", "Aggregation vs the ground truth"),
    ("training", "Training"),
    ("calibration", "Calibration"),
    ("benchmarks", "Benchmarks and robustness gap"),
    ("bon", "Best-of-N overoptimization"),
    ("probes", "Bias probes"),
    ("guard", "Guardrails"),
    ("abtest", "A/B replay"),
    ("drift", "Drift monitoring"),
)


def _curation(out: Path, p: Pipeline) -> str:
    folder = str((p.demo.get("stages") or {}).get("curation") or "")
    parts = [
        _links(
            out,
            [
                ("curation_manifest.json", f"{folder}/curation_manifest.json"),
                ("dedup.json", f"{folder}/dedup.json"),
                ("split_manifest.json", f"{folder}/splits/split_manifest.json"),
                ("audit.json", f"{folder}/audit.json"),
            ],
        )
    ]
    if p.dedup is None or p.split is None:
        return "".join(parts) + _skipped("curation", p)
    parts.append(_line(curation_summary(p.dedup, p.split)))
    if p.audit is not None:
        parts.append(_grid(audit_grid(p.audit), "audit"))
    return "".join(parts)


def _agreement(out: Path, p: Pipeline) -> str:
    folder = str((p.demo.get("stages") or {}).get("agreement") or "")
    parts = [_links(out, [("results.json", f"{folder}/results.json")])]
    if p.agreement is None:
        return "".join(parts) + _skipped("agreement", p)
    target = float(p.agreement["target"])
    rows = [estimate(str(name), c.get("alpha")) for name, c in (p.agreement["criteria"]).items()]
    rows.append(estimate("all criteria", (p.agreement.get("overall") or {}).get("alpha")))
    parts += [
        _grid(agreement_grid(p.agreement), "agreement"),
        target_intervals(rows, target, title=f"alpha per criterion against target {target:g}"),
        _note(
            "Dots: alpha; whiskers: its CI; dashed line: the target. Green: the CI lies at or "
            "above the target; red: below it; orange: the CI straddles it."
        ),
    ]
    return "".join(parts)


def _aggregation(out: Path, p: Pipeline) -> str:
    folder = str((p.demo.get("stages") or {}).get("aggregation") or "")
    parts = [
        _links(
            out,
            [
                ("results.json", f"{folder}/results.json"),
                ("pairs.jsonl", f"{folder}/pairs.jsonl"),
                ("demo.json (the truth check)", "demo.json"),
            ],
        )
    ]
    truth = p.demo.get("truth") or {}
    if truth:
        parts.append(_grid(truth_grid(truth), "truth"))
    if p.aggregation is not None:
        parts.append(
            _line(
                f"aggregated {p.aggregation.get('n_items')} items into "
                f"{p.aggregation.get('n_pairs')} training pairs"
            )
        )
    return "".join(parts) or _skipped("aggregation", p)


def _training(out: Path, p: Pipeline) -> str:
    folder = str((p.demo.get("stages") or {}).get("train") or "")
    if not folder or p.train is None:
        return _skipped("train", p)
    history = list(p.train.get("history") or [])
    epochs = [int(h["epoch"]) for h in history]
    chart = loss_curves(
        epochs,
        [
            ("train loss", [h.get("train_loss") for h in history]),
            ("val loss", [h.get("val_loss") for h in history]),
        ],
        best_epoch=p.train.get("best_epoch"),
        title="training and validation loss per epoch",
    )
    return "".join(
        [
            _links(
                out,
                [
                    ("train_manifest.json", f"{folder}/train_manifest.json"),
                    ("train_log.jsonl", f"{folder}/train_log.jsonl"),
                ],
            ),
            chart,
            _line(train_summary(p.train)),
            "<details><summary>every epoch</summary>",
            _grid(history_grid(p.train), "history"),
            "</details>",
        ]
    )


def _calibration(out: Path, p: Pipeline) -> str:
    folder = str((p.demo.get("stages") or {}).get("calibration") or "")
    if not folder or p.calibration is None:
        return _skipped("calibration", p)
    return "".join(
        [
            _links(
                out,
                [
                    ("report.html (reliability diagrams)", f"{folder}/report.html"),
                    ("calibration.json", f"{folder}/calibration.json"),
                ],
            ),
            _line(calibration_summary(p.calibration)),
            _grid(calibration_grid(p.calibration), "calibration"),
            _note(
                "Measured on the validation pairs the calibrator was fitted on; the test-set "
                "ECE, Brier and log-loss of the calibrated model are in the next section."
            ),
        ]
    )


def _benchmarks(out: Path, p: Pipeline) -> str:
    if not p.models:
        return _skipped("eval", p)
    headline = p.demo.get("headline") or {}
    best = p.models[0]
    first = str(headline.get("benchmark") or next(iter(best.runs), ""))
    links = [("leaderboard.html", "leaderboard.html")]
    links += [(f"{m.spec}: suite.json", f"{m.folder}/suite.json") for m in p.models]
    gap_reference: Mapping[str, str] = p.demo.get("gap_reference") or {}
    parts = [
        _links(out, links),
        _grid(
            metrics_grid(best.runs.get(first) or {}, f"{best.spec} on the held-out prompts"),
            "headline",
        ),
        _note(
            f'<a href="{escape(quote(f"{best.folder}/{first}/report.html"))}">'
            f"{escape(first)}: {escape(best.spec)}'s own page</a>; accuracy here is the pair "
            "accuracy of the table below."
        ),
        _grid(pair_accuracy_grid(p.models, gap_reference), "pair-accuracy"),
        _note(
            "Each cell links to its run's page. The robustness gap is the in-domain pair "
            "accuracy minus the held-out-domain one (the two columns it names; each figure is "
            "rounded on its own), with a CI from resampling both item sets."
        ),
        _grid(overall_grid(p.models), "overall"),
        _note(
            "A benchmark's official score averages its per-domain sections, so it differs from "
            "the pooled pair accuracy when domains hold different numbers of items."
        ),
    ]
    return "".join(parts)


def _bon(out: Path, p: Pipeline) -> str:
    folder = str((p.demo.get("stages") or {}).get("bon") or "")
    if not folder or p.bon is None:
        return _skipped("bon", p)
    parts = [
        _links(
            out,
            [
                ("report.html", f"{folder}/report.html"),
                ("results.json", f"{folder}/results.json"),
                ("candidates.jsonl", str(p.demo.get("candidates") or "")),
            ],
        ),
        _grid(gamma_grid(p.bon), "gamma"),
    ]
    proxies = list(p.bon.get("proxies") or [])
    if proxies:
        conf = float((p.bon.get("config") or {}).get("confidence", 0.95))
        parts.append(_bon_chart(proxies[0], conf))
        parts.append(
            _note(
                f"Best-of-n curves of {escape(str(proxies[0]['spec']))}: gold gain over n = 1 "
                "against d = sqrt(KL_bon(n)) when the proxy picks and when the gold picks "
                "(points with CIs, lines: fitted d (alpha &minus; beta d)). gamma is the area "
                "between the fits relative to the oracle's."
            )
        )
    return "".join(parts)


def _bon_chart(entry: Mapping[str, Any], confidence: float) -> str:
    from rewardkit.report.html.bon_plot import curves_chart

    return curves_chart(entry, f"best-of-n curves of {entry['spec']}", confidence)


_RENDER = {
    "curation": _curation,
    "agreement": _agreement,
    "aggregation": _aggregation,
    "training": _training,
    "calibration": _calibration,
    "benchmarks": _benchmarks,
    "bon": _bon,
    "probes": probe_section,
    "guard": guard_section,
    "abtest": abtest_section,
    "drift": drift_section,
}


def _setting(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def render_pipeline_page(out: Path) -> str:
    """Render the demo's one-page report from the documents in its output folder.

    Args:
        out: The demo's output folder (``demo.json`` and the stage runs it names).

    Returns:
        The HTML document; links are relative to ``out``.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "demo.json").write_text('{"config": {"seed": 0}, "stages": {}}')
        >>> html = render_pipeline_page(d)
        >>> '<section id="curation">' in html and "Skipped" in html
        True
    """
    out = Path(out)
    p = load_pipeline(out)
    cfg = p.demo.get("config") or {}
    meta = "".join(
        f"<dt>{escape(k)}</dt><dd>{escape(_setting(cfg[k]))}</dd>"
        for k in ("seed", "prompts", "bootstrap", "embed")
        if k in cfg
    )
    nav = " · ".join(
        f'<a href="#{key}">{escape(title)}</a>'
        for key, title in (*SECTIONS, ("using", "Using the RM"))
    )
    body = [
        f'<dl class="meta">{meta}</dl>' if meta else "",
        _note(
            "Generated data with a simulated annotation campaign and ground truth, run through "
            "the whole pipeline. Every number on this page is the one the demo printed; 95% "
            "bootstrap CIs in brackets."
        ),
        f"<p>{nav}</p>",
    ]
    for key, title in SECTIONS:
        body.append(f'<section id="{key}"><h2>{escape(title)}</h2>{_RENDER[key](out, p)}</section>')
    body.append(using_box())
    return document("rewardkit demo: the pipeline on one page", "\n".join(body))


def write_pipeline_page(out: Path, path: Path | None = None) -> Path:
    """Write the one-page report of the demo in ``out`` (default ``out/report.html``).

    Args:
        out: The demo's output folder.
        path: The HTML file; links assume it sits in ``out``.

    Returns:
        The written path.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "demo.json").write_text('{"stages": {}}')
        >>> write_pipeline_page(d).name
        'report.html'
    """
    target = Path(path) if path is not None else Path(out) / "report.html"
    write_text(target, render_pipeline_page(Path(out)))
    return target
