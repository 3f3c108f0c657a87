"""The demo page's checks around the trained RM: bias probes, the guard policy, the A/B replay,
drift monitoring of simulated traffic, and the "Using the RM" box.

The grids format the documents the probe, guard and A/B jobs wrote (``results.json`` of each
run); ``rewardkit demo`` prints the same grids, so the page and the console carry the same
numbers. Nothing here computes a statistic.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import Any

from rewardkit.report.html.pipeline_data import Grid, Pipeline, num
from rewardkit.report.html.pipeline_html import grid_html, line, links, note, skipped

__all__ = [
    "USING_THE_RM",
    "abtest_grid",
    "abtest_section",
    "abtest_summary",
    "alerts_grid",
    "drift_grid",
    "drift_section",
    "drift_summary",
    "guard_grid",
    "guard_section",
    "probe_grid",
    "probe_section",
    "using_box",
]


def _ci(est: Mapping[str, Any] | None, digits: int = 3, sign: bool = False) -> str:
    """An estimate and its CI, ``n/a`` when missing."""
    if not est:
        return "n/a"
    value = num(est.get("value"), digits, sign)
    low, high = [*(est.get("ci") or []), None, None][:2]
    if low is None and high is None:
        return value
    return f"{value} [{num(low, digits, sign)}, {num(high, digits, sign)}]"


def probe_grid(probe: Mapping[str, Any]) -> Grid:
    """One row per probe and RM: pairs, how often the RM prefers the variant, the
    length-controlled score shift (variant minus base), and whether the probe flagged it.

    Example:
        >>> est = lambda v: {"value": v, "ci": [v - 0.1, v + 0.1], "n": 9}
        >>> doc = {"data": {"n_items": 9}, "probes": {"typos": {"n_pairs": 9}},
        ...     "models": [{"spec": "m", "probes": {"typos": {"preference": est(0.3),
        ...     "controlled_shift": est(-0.2), "flagged": True}}}]}
        >>> probe_grid(doc).rows
        (('typos', 'm', '9', '0.300 [0.200, 0.400]', '-0.200 [-0.300, -0.100]', 'flagged'),)
    """
    rows = []
    for name, info in (probe.get("probes") or {}).items():
        for model in probe.get("models") or []:
            r = (model.get("probes") or {}).get(name) or {}
            rows.append(
                (
                    str(name),
                    str(model["spec"]),
                    str(info.get("n_pairs", "")),
                    _ci(r.get("preference")),
                    _ci(r.get("controlled_shift"), sign=True),
                    "flagged" if r.get("flagged") else "-",
                )
            )
    n = (probe.get("data") or {}).get("n_items")
    title = f"bias probes on {n} held-out pairs: how often each RM prefers the variant (95% CI)"
    header = ("probe", "RM", "pairs", "prefers variant", "controlled shift", "flag")
    return Grid(title, header, tuple(rows), (False, False, True, True, True, False))


def guard_grid(guard: Mapping[str, Any]) -> Grid:
    """One row per check of the policy (how many responses tripped it, the trip rate with its
    CI), then the policy's block and flag rates.

    Example:
        >>> est = {"value": 0.25, "ci": [0.0, 0.5], "n": 4}
        >>> doc = {"n_items": 4, "checks": [{"name": "pii", "type": "pii", "action": "block",
        ...     "n_tripped": 1, "trip_rate": {"all": est}}], "overall": {"n_blocked": 1,
        ...     "n_flagged": 0, "block_rate": {"all": est}, "flag_rate": {"all": est}}}
        >>> guard_grid(doc).rows[0]
        ('pii', 'pii', 'block', '1 of 4', '0.250 [0.000, 0.500]')
    """
    n = int(guard.get("n_items", 0))
    rows = [
        (
            str(c["name"]),
            str(c.get("type", "")),
            str(c.get("action", "")),
            f"{int(c.get('n_tripped', 0))} of {n}",
            _ci((c.get("trip_rate") or {}).get("all")),
        )
        for c in guard.get("checks") or []
    ]
    overall = guard.get("overall") or {}
    for what, key in (("blocked", "block"), ("flagged", "flag")):
        rows.append(
            (
                f"policy: {what}",
                "",
                "",
                f"{int(overall.get(f'n_{what}', 0))} of {n}",
                _ci((overall.get(f"{key}_rate") or {}).get("all")),
            )
        )
    title = f"guard policy over {n} generated responses: trip rate per check (95% CI)"
    header = ("check", "type", "action", "tripped", "rate")
    return Grid(title, header, tuple(rows), (False, False, False, True, True))


def _p(x: float | None) -> str:
    return "n/a" if x is None else f"{float(x):.3g}"


def _result(m: Mapping[str, Any]) -> str:
    diff = (m.get("difference") or {}).get("value")
    if not m.get("significant") or diff is None:
        return "not significant"
    better = (float(diff) > 0) == (m.get("direction", "increase") == "increase")
    return "better" if better else "worse"


def abtest_grid(abtest: Mapping[str, Any]) -> Grid:
    """One row per pre-registered metric: the paired test, each arm's mean, the difference
    (treatment minus control) with its CI, the adjusted p-value and the verdict.

    Example:
        >>> m = {"name": "s", "test": "paired t", "mean_control": 0.5, "mean_treatment": 0.75,
        ...     "difference": {"value": 0.25, "ci": [0.05, 0.45]}, "p_adjusted": 0.0123,
        ...     "adjustment": "holm", "significant": True, "direction": "increase"}
        >>> g = abtest_grid({"preregistration": {"arms": ["a", "b"]}, "metrics": [m],
        ...     "data": {"n_units": 40}})
        >>> g.header[2:4], g.rows[0]
        (('a', 'b'), ('s', 'paired t', '0.500', '0.750', '+0.250 [+0.050, +0.450]', \
'0.0123', 'better'))
    """
    pre = abtest.get("preregistration") or {}
    control, treatment = [*(pre.get("arms") or ["control", "treatment"])][:2]
    metrics = list(abtest.get("metrics") or [])
    rows = tuple(
        (
            str(m["name"]),
            str(m.get("test", "")),
            num(m.get("mean_control")),
            num(m.get("mean_treatment")),
            _ci(m.get("difference"), sign=True),
            _p(m.get("p_adjusted")),
            _result(m),
        )
        for m in metrics
    )
    adjustment = next((str(m.get("adjustment")) for m in metrics), "none")
    n = (abtest.get("data") or {}).get("n_units")
    title = (
        f"A/B replay on {n} test prompts: {treatment} vs {control}, paired "
        "(difference = treatment \u2212 control, 95% CI)"
    )
    header = ("metric", "test", control, treatment, "difference", f"p ({adjustment})", "result")
    return Grid(title, header, rows, (False, False, True, True, True, True, False))


def abtest_summary(abtest: Mapping[str, Any]) -> str:
    """One line: the decision with its reasons and the pre-registration it followed.

    Example:
        >>> line = abtest_summary({"decision": {"decision": "ship", "reasons": ["better"]},
        ...     "preregistration": {"name": "x", "sha256": "ab" * 32,
        ...     "planned": {"n_control": 10}}})
        >>> for part in line.split("; "): print(part)
        decision: ship (better)
        pre-registration x (sha256 abababababab), planned 10 units per arm
    """
    decision = abtest.get("decision") or {}
    pre = abtest.get("preregistration") or {}
    reasons = "; ".join(str(r) for r in decision.get("reasons") or [])
    planned = (pre.get("planned") or {}).get("n_control")
    return (
        f"decision: {decision.get('decision')} ({reasons}); pre-registration {pre.get('name')} "
        f"(sha256 {str(pre.get('sha256', ''))[:12]}), planned {planned} units per arm"
    )


def _folder(p: Pipeline, stage: str) -> str:
    return str((p.demo.get("stages") or {}).get(stage) or "")


def probe_section(out: Path, p: Pipeline) -> str:
    """The bias-probe section: links, the fingerprint table and how to read it."""
    folder = _folder(p, "probe")
    if not folder or p.probe is None:
        return skipped("probe", p)
    return "".join(
        [
            links(
                out,
                [
                    ("report.html", f"{folder}/report.html"),
                    ("results.json", f"{folder}/results.json"),
                    ("probe_pairs.parquet", f"{folder}/probe_pairs.parquet"),
                ],
            ),
            grid_html(probe_grid(p.probe), "probes"),
            note(
                "Each probe rewrites a held-out response in one property (longer, formatted, "
                "hedged, agreeing, refusing, key fact moved, typos) and scores base and variant. "
                "<em>prefers variant</em>: share of pairs where the RM scores the variant "
                "higher; <em>controlled shift</em>: the mean score change with the length "
                "effect removed; flagged when its CI excludes 0. baseline:length shows what a "
                "pure length preference looks like."
            ),
        ]
    )


def guard_section(out: Path, p: Pipeline) -> str:
    """The guardrail section: links, the rate table and what the policy checks."""
    folder = _folder(p, "guard")
    if not folder or p.guard is None:
        return skipped("guard", p)
    policy = str(p.demo.get("guard_policy") or "")
    has_toxicity = any(c.get("type") == "toxicity" for c in p.guard.get("checks") or [])
    toxicity = (
        ""
        if has_toxicity
        else " Toxicity is left out: <code>profanity_check</code> is not installed "
        "(<code>pip install 'rewardkit[guard]'</code>)."
    )
    return "".join(
        [
            links(
                out,
                [
                    ("results.json", f"{folder}/results.json"),
                    ("items.parquet (every verdict)", f"{folder}/items.parquet"),
                    ("the policy", policy),
                ],
            ),
            grid_html(guard_grid(p.guard), "guard"),
            note(
                "The demo's responses are synthetic and carry no planted personal data, so the "
                "PII rate measures false alarms; the refusal check only flags; the compliance "
                "rules block guarantees, dosage keywords and near-empty answers. Rates per "
                "domain are in results.json." + toxicity
            ),
        ]
    )


def abtest_section(out: Path, p: Pipeline) -> str:
    """The A/B replay section: links, the decision line, the metric table."""
    folder = _folder(p, "abtest")
    if not folder or p.abtest is None:
        return skipped("abtest", p)
    inputs = str(p.demo.get("abtest_inputs") or "")
    pre = p.abtest.get("preregistration") or {}
    control, treatment = [*(pre.get("arms") or ["control", "treatment"])][:2]
    return "".join(
        [
            links(
                out,
                [
                    ("report.html", f"{folder}/report.html"),
                    ("results.json", f"{folder}/results.json"),
                    ("prereg.yaml", f"{inputs}/prereg.yaml"),
                    (f"{control}.jsonl", f"{inputs}/{control}.jsonl"),
                    (f"{treatment}.jsonl", f"{inputs}/{treatment}.jsonl"),
                ],
            ),
            line(abtest_summary(p.abtest)),
            grid_html(abtest_grid(p.abtest), "abtest"),
            note(
                f"Offline replay on the best-of-N candidates: <em>{escape(control)}</em> answers "
                "each test prompt with one of its four candidates drawn at random, "
                f"<em>{escape(treatment)}</em> with the one the best RM scores highest. "
                "Outcomes: the candidate's simulated true reward above the prompt's median "
                "(binary) and its RM score (continuous; higher for best-of-4 by construction). "
                "The pre-registration was written before any candidate was scored; its recorded "
                "time is fixed so the same seed gives the same files."
            ),
        ]
    )


def drift_grid(drift: Mapping[str, Any]) -> Grid:
    """Each planted drift (``demo.json``'s ``drift``: what was planted and what the monitor
    found) with the window it started in and the first window with an alert of its kind.

    Example:
        >>> planted = {"drift_at": 6, "shift_domain": "medical", "shift_sd": 0.5,
        ...     "accuracy_drop": 0.1, "mix_domain": "legal", "mix_share": 0.5}
        >>> found = {"score_shift": 6, "domain_mix": 7, "accuracy_drop": None,
        ...     "delay": {"score_shift": 0, "domain_mix": 1, "accuracy_drop": None}}
        >>> g = drift_grid({"planted": planted, "found": found})
        >>> g.rows[1], g.rows[2][3:]
        (('domain mix', 'legal share to 0.5', '6', '7', '1'), ('not found', '-'))
    """
    planted = drift.get("planted") or {}
    found = drift.get("found") or {}
    delay = found.get("delay") or {}
    at = str(planted.get("drift_at"))
    what = {
        "score_shift": (
            "score shift",
            f"{planted.get('shift_domain')} scores +{planted.get('shift_sd')} sd",
        ),
        "domain_mix": (
            "domain mix",
            f"{planted.get('mix_domain')} share to {planted.get('mix_share')}",
        ),
        "accuracy_drop": (
            "accuracy drop",
            f"{planted.get('shift_domain')} accuracy down {planted.get('accuracy_drop')}",
        ),
    }
    rows = tuple(
        (
            label,
            planted_text,
            at,
            "not found" if found.get(key) is None else str(found[key]),
            "-" if delay.get(key) is None else str(delay[key]),
        )
        for key, (label, planted_text) in what.items()
    )
    title = "planted drift and the first window with an alert of its kind"
    header = ("drift", "planted", "from window", "first alert", "delay (windows)")
    return Grid(title, header, rows, (False, False, True, True, True))


def drift_summary(drift: Mapping[str, Any], monitor: Mapping[str, Any]) -> str:
    """One line: the traffic monitored, the false alarms and the multiplicity control.

    Example:
        >>> doc = {"data": {"reference": {"n_rows": 40}, "current": {"n_rows": 100}},
        ...     "windows": [{}] * 10, "multiplicity": {"statement": "Holm over 20 tests"}}
        >>> drift_summary({"found": {"alerts_before_drift": 0, "alerts_elsewhere": 1}}, doc)
        '100 rows in 10 windows against 40 reference rows; 0 alerts before the drift, 1 on \
other domains after it; Holm over 20 tests'
    """
    found = drift.get("found") or {}
    data = monitor.get("data") or {}
    n_ref = (data.get("reference") or {}).get("n_rows")
    n_cur = (data.get("current") or {}).get("n_rows")
    n_windows = len(monitor.get("windows") or [])
    statement = (monitor.get("multiplicity") or {}).get("statement", "")
    return (
        f"{n_cur} rows in {n_windows} windows against {n_ref} reference rows; "
        f"{found.get('alerts_before_drift')} alerts before the drift, "
        f"{found.get('alerts_elsewhere')} on other domains after it; {statement}"
    )


def alerts_grid(monitor: Mapping[str, Any]) -> Grid:
    """Every alert of the monitor run: metric, segment, window, effect against its threshold,
    the adjusted p-value.

    Example:
        >>> a = {"metric": "score_psi", "segment": "math", "window": 3, "effect": 0.31,
        ...     "threshold": 0.1, "p_adjusted": 0.0012}
        >>> alerts_grid({"alerts": [a], "multiplicity": {"method": "holm"}}).rows
        (('score_psi', 'math', '3', '0.310', '0.1', '0.0012'),)
    """
    alerts = list(monitor.get("alerts") or [])
    rows = tuple(
        (
            str(a["metric"]),
            str(a["segment"]),
            str(a["window"]),
            num(a.get("effect")),
            f"{float(a['threshold']):g}",
            _p(a.get("p_adjusted")),
        )
        for a in alerts
    )
    method = (monitor.get("multiplicity") or {}).get("method", "adjusted")
    title = f"drift alerts ({len(alerts)})"
    header = ("metric", "segment", "window", "effect", "threshold", f"p ({method})")
    return Grid(title, header, rows, (False, False, True, True, True, True))


def drift_section(out: Path, p: Pipeline) -> str:
    """The drift section: links, the planted-vs-found table, the alerts."""
    folder = _folder(p, "drift")
    drift = p.demo.get("drift") or {}
    if not folder or p.drift is None or not drift:
        return skipped("drift", p)
    traffic = str(drift.get("traffic") or "")
    return "".join(
        [
            links(
                out,
                [
                    ("report.html", f"{folder}/report.html"),
                    ("results.json", f"{folder}/results.json"),
                    ("alerts.jsonl", f"{folder}/alerts.jsonl"),
                    ("truth.json (what was planted)", f"{traffic}/truth.json"),
                    ("reference.jsonl", f"{traffic}/reference.jsonl"),
                    ("current.jsonl", f"{traffic}/current.jsonl"),
                ],
            ),
            line(drift_summary(drift, p.drift)),
            grid_html(drift_grid(drift), "drift"),
            grid_html(alerts_grid(p.drift), "alerts"),
            note(
                "Simulated deployment traffic built from the demo's prompts and responses, "
                "scored by a simulated RM (true reward plus noise) with spot-check labels; "
                "from the planted window on, one domain's scores rise, its accuracy drops and "
                "another domain's share of the traffic grows. The monitor compares each window "
                "with the reference log, per domain and overall."
            ),
        ]
    )


#: What the "Using the RM" box points to: (README section, what it does).
USING_THE_RM = (
    (
        "RL: PPO against your RM (rewardkit rl ppo, one machine)",
        "rewardkit rl ppo --reward builtin:demo",
    ),
    (
        "TRL, verl, OpenRLHF: the same RM in the engines that scale out",
        "reward_funcs for TRL, compute_score for verl, --remote_rm_url for OpenRLHF",
    ),
    ("Serving an RM (rewardkit serve)", "rewardkit serve --model builtin:demo --port 8000"),
    ("Generative judges (LLM-as-judge)", "rewardkit judge: an LLM as annotator or as the RM"),
)


def using_box() -> str:
    """The "Using the RM" box: where the README shows what the demo does not run.

    Example:
        >>> using_box().startswith('<aside id="using"')
        True
    """
    items = "".join(
        f"<li>README, <em>{escape(section)}</em>: <code>{escape(what)}</code></li>"
        for section, what in USING_THE_RM
    )
    return (
        '<aside id="using" style="border:1px solid #dee2e6;border-radius:6px;'
        'padding:4px 16px;margin-top:28px;background:#f8f9fa">'
        "<h2>Using the RM</h2><p>The demo stops at evaluation: PPO is too slow for it. "
        "The trained RM is installed as <code>builtin:demo</code>; to put it to work:</p>"
        f"<ul>{items}</ul></aside>"
    )
