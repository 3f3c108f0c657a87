"""``run_probe``: build probe pairs from a preference file, score them with each RM, analyse,
write ``manifest.json``, ``results.json``, ``probe_pairs.parquet`` (every
pair's texts), ``report.html`` and ``log.jsonl``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rewardkit.data.load import load_preferences
from rewardkit.data.records import PreferenceItem
from rewardkit.data.score_layout import ScoreLayout
from rewardkit.errors import ConfigError, DataError
from rewardkit.jobs.evaluate import score_with_options
from rewardkit.metrics import Estimate
from rewardkit.models.registry import load_spec
from rewardkit.models.spec import parse_model_spec
from rewardkit.probes import (
    PROBES,
    PairedDifference,
    ProbeConfig,
    ProbePair,
    ProbeResult,
    ProbeScores,
    ProbeSet,
    analyse_probes,
    build_probe_pairs,
    paired_differences,
    xstest_pairs,
)
from rewardkit.report.html.probe_page import render_probe_page
from rewardkit.runs import RunDir, build_manifest, now_iso, write_json, write_parquet, write_text
from rewardkit.runs.output import staged_job

__all__ = ["ProbeRun", "run_probe"]

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class ProbeRun:
    """What a probe run produced: per model spec, per probe, its result."""

    run_dir: Path
    probe_set: ProbeSet
    results: dict[str, dict[str, ProbeResult]]
    comparisons: list[PairedDifference]
    results_json: dict[str, Any]


def _pair_items(pairs: Mapping[str, Sequence[ProbePair]]) -> list[PreferenceItem]:
    return [
        PreferenceItem(
            id=f"{p.probe}/{p.source_id}", prompt=p.prompt, chosen=(p.variant,), rejected=(p.base,)
        )
        for probe_pairs in pairs.values()
        for p in probe_pairs
    ]


def _json(e: Estimate | None) -> dict[str, Any] | None:
    return None if e is None else dict(e.to_json())


def _result_json(r: ProbeResult) -> dict[str, Any]:
    return {
        "preference": _json(r.preference),
        "shift": _json(r.shift),
        "controlled_preference": _json(r.controlled.preference),
        "controlled_shift": _json(r.controlled.shift),
        "relative_effect": _json(r.relative),
        "flagged": r.flagged,
        "mean_length_change": None
        if r.mean_length_change != r.mean_length_change
        else r.mean_length_change,
        "domains": {
            d: {"preference": _json(o.preference), "controlled_shift": _json(o.shift)}
            for d, o in r.domains.items()
        },
    }


def _score_model(
    spec_text: str,
    items: Sequence[PreferenceItem],
    pairs: Mapping[str, Sequence[ProbePair]],
    cfg: ProbeConfig,
    model_options: Mapping[str, Any] | None,
    progress: bool | None,
) -> tuple[str, str, np.ndarray, dict[str, ProbeScores]]:
    spec = parse_model_spec(spec_text, dict(model_options or {}), defaults={"seed": cfg.seed})
    model = load_spec(spec)
    source = [it for it in items if it.chosen and it.rejected]
    everything = [*source, *_pair_items(pairs)]
    flat = score_with_options(model, spec, everything, cfg, progress).scores
    split = ScoreLayout.of(everything).split(flat)
    margins = np.array([s[0] - s[len(it.chosen)] for it, s in zip(source, split, strict=False)])
    at = len(source)
    scores = {}
    for name, probe_pairs in pairs.items():
        got = split[at : at + len(probe_pairs)]
        at += len(probe_pairs)
        scores[name] = ProbeScores(
            base=np.array([s[1] for s in got], dtype=np.float64),
            variant=np.array([s[0] for s in got], dtype=np.float64),
            length_change=np.array([p.length_change for p in probe_pairs], dtype=np.float64),
            domains=tuple(p.domain for p in probe_pairs),
        )
    return spec.text, model.fingerprint(), margins, scores


@staged_job("probe")
def run_probe(
    data: Path,
    models: Sequence[str],
    config: ProbeConfig,
    out: Path,
    *,
    model_options: Mapping[str, Any] | None = None,
    progress: bool | None = None,
) -> ProbeRun:
    """Probe each RM of ``models`` on the pairs built from ``data``; writes ``out``.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "p.jsonl").write_text("".join(
        ...     f'{{"id": "{i}", "prompt": "q{i}", "chosen": "A fact {i}. More text here.", '
        ...     f'"rejected": "No."}}\\n' for i in range(12)))
        >>> run = run_probe(d / "p.jsonl", ["baseline:length"],
        ...     ProbeConfig(bootstrap=50, no_cache=True), d / "run")
        >>> [p for p, r in run.results["baseline:length"].items() if r.flagged]
        ['length']
    """
    if not models:
        raise ConfigError("give at least one --model spec")
    if len(set(models)) != len(models):
        raise ConfigError("each --model spec may be given only once")
    unknown = [p for p in config.probes if p not in PROBES.names()]
    if unknown:
        raise ConfigError(
            f"unknown probe(s) {', '.join(unknown)}; available: {', '.join(PROBES.names())}"
        )
    if not data.exists():
        raise DataError("file not found", path=data)
    run = RunDir(out)
    inputs: dict[str, str | Path] = {"data": data}
    manifest = build_manifest(
        command="probe",
        config={
            "models": list(models),
            "model_options": dict(model_options or {}),
            **config.model_dump(mode="json"),
        },
        seed=config.seed,
        inputs=inputs,
        started_at=now_iso(),
    )
    run.write_manifest(manifest)
    loaded = load_preferences(
        data, layout=config.layout, split=config.split, skip_invalid=config.skip_invalid
    )
    items = loaded.items
    probes = list(dict.fromkeys(["length", *config.probes]))  # length: the slope of control
    probe_set = build_probe_pairs(items, probes, seed=config.seed)
    pairs = dict(probe_set.pairs)
    dropped = dict(probe_set.dropped)
    if config.xstest:
        xs = xstest_pairs(Path(config.xstest))
        pairs.update(xs.pairs)
        dropped.update(xs.dropped)
    run.log("pairs", **{k: len(v) for k, v in pairs.items()})
    results: dict[str, dict[str, ProbeResult]] = {}
    entries: list[dict[str, Any]] = []
    for text in models:
        spec, fingerprint, margins, scores = _score_model(
            text, items, pairs, config, model_options, progress
        )
        res, margin, slope = analyse_probes(
            scores,
            margins,
            bootstrap=config.bootstrap,
            confidence=config.confidence,
            seed=config.seed,
        )
        shown = {k: v for k, v in res.items() if k in config.probes or k.startswith("xstest")}
        results[spec] = shown
        entries.append(
            {
                "spec": spec,
                "fingerprint": fingerprint,
                "margin": _json(margin),
                "length_slope": _json(slope),
                "probes": {k: _result_json(v) for k, v in shown.items()},
            }
        )
        run.log("scored", spec=spec, flagged=[k for k, v in shown.items() if v.flagged])
    comparisons = paired_differences(
        results, bootstrap=config.bootstrap, confidence=config.confidence, seed=config.seed
    )
    shown_probes = list(next(iter(results.values())))
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "command": "probe",
        "probes": {
            name: {
                "property": PROBES.get(name).property
                if name in PROBES.names()
                else ("refuses (XSTest, human-labelled)"),
                "length_neutral": PROBES.get(name).length_neutral
                if name in PROBES.names()
                else False,
                "n_pairs": len(pairs[name]),
                "dropped": dropped.get(name, {}),
            }
            for name in shown_probes
        },
        "models": entries,
        "fingerprint": [
            {
                "probe": name,
                **{
                    e["spec"]: {
                        "relative_effect": e["probes"][name]["relative_effect"],
                        "controlled_preference": e["probes"][name]["controlled_preference"],
                        "flagged": e["probes"][name]["flagged"],
                    }
                    for e in entries
                },
            }
            for name in shown_probes
        ],
        "comparisons": [
            {"probe": c.probe, "a": c.a, "b": c.b, "preference_difference": _json(c.difference)}
            for c in comparisons
        ],
        "data": {"file": data.name, "n_items": len(items)},
        "config": {
            "seed": config.seed,
            "bootstrap": config.bootstrap,
            "confidence": config.confidence,
            "probes": list(config.probes),
            "xstest": bool(config.xstest),
        },
    }
    write_json(run.file("results.json"), doc)
    write_parquet(run.file("probe_pairs.parquet"), _pairs_frame(pairs))
    write_text(run.file("report.html"), render_probe_page(doc))
    run.finish_manifest(manifest)
    return ProbeRun(out, ProbeSet(pairs, dropped, probe_set.n_source), results, comparisons, doc)


def _pairs_frame(pairs: Mapping[str, Sequence[ProbePair]]) -> pd.DataFrame:
    rows = [
        {
            "probe": p.probe,
            "source_id": p.source_id,
            "domain": p.domain,
            "base": p.base,
            "variant": p.variant,
            "length_change": p.length_change,
        }
        for probe_pairs in pairs.values()
        for p in probe_pairs
    ]
    return pd.DataFrame(
        rows, columns=["probe", "source_id", "domain", "base", "variant", "length_change"]
    )
