"""``run_bon``: load candidates, score them with each proxy (and a gold RM), analyse, write.

Composes the stages (load -> score -> best-of-n analysis -> report), like
:func:`rewardkit.jobs.evaluate.run_eval`, and writes a run directory: ``manifest.json``,
``results.json``, ``bon_scores.parquet`` (gold and proxy score of every candidate),
``report.html`` and ``log.jsonl``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rewardkit.data.load import LoadReport, load_preferences
from rewardkit.data.records import PreferenceItem
from rewardkit.data.score_layout import ScoreLayout
from rewardkit.errors import ConfigError, DataError
from rewardkit.jobs.evaluate import score_with_options
from rewardkit.models.registry import load_spec
from rewardkit.models.spec import parse_model_spec
from rewardkit.report.html.bon_page import write_bon_report
from rewardkit.rl.bon.analysis import BonAnalysis, analyse, gamma_difference
from rewardkit.rl.bon.config import BonConfig
from rewardkit.rl.bon.estimator import FloatArray
from rewardkit.rl.bon.gold import (
    FROM_DATA,
    FROM_LABELS,
    gold_from_data,
    gold_from_labels,
    read_gold_scores,
)
from rewardkit.rl.bon.groups import analyse_groups
from rewardkit.rl.bon.results import CONVENTIONS, SCHEMA_VERSION, analysis_json, estimate_json
from rewardkit.runs import RunDir, build_manifest, now_iso, write_json, write_parquet
from rewardkit.runs.output import StagedOutput
from rewardkit.scoring import ScoringReport
from rewardkit.scoring.progress import phase

__all__ = ["BonRun", "GoldScores", "run_bon"]

GoldScores = str | Path | Sequence[Sequence[float]]


@dataclass(frozen=True)
class BonRun:
    """What a best-of-n run produced.

    Attributes:
        run_dir: The run directory.
        items: The candidate sets (one item = one prompt with its N candidates).
        gold: Gold score of each candidate, per item.
        proxy_scores: Per proxy spec, its score of each candidate, per item.
        analyses: Per proxy spec, the overall analysis.
        groups: Per proxy spec, per group kind (``domain``/``subset``), per group name.
        results_json: The document written to ``results.json``.
        scoring: Per scored model (each proxy spec, and ``"gold"`` for a gold model), what
            scoring did: cached, scored and truncated inputs.
        load_report: What loading the data file read and skipped (``None`` for items given
            in memory).
    """

    run_dir: Path
    items: tuple[PreferenceItem, ...]
    gold: list[FloatArray]
    proxy_scores: dict[str, list[FloatArray]]
    analyses: dict[str, BonAnalysis]
    groups: dict[str, dict[str, dict[str, BonAnalysis]]]
    results_json: dict[str, Any]
    scoring: dict[str, ScoringReport] = field(default_factory=dict)
    load_report: LoadReport | None = None

    @property
    def gamma(self) -> dict[str, float]:
        """Point estimate of gamma per proxy spec."""
        return {spec: a.gamma.value for spec, a in self.analyses.items()}


@dataclass(frozen=True)
class _Scored:
    spec: str
    fingerprint: str
    scores: list[FloatArray]
    report: ScoringReport


def _split(flat: np.ndarray, items: Sequence[PreferenceItem]) -> list[FloatArray]:
    return ScoreLayout.of(items).split(flat)


def _score(
    spec_text: str,
    items: Sequence[PreferenceItem],
    config: BonConfig,
    model_options: dict[str, Any] | None,
    progress: bool | None,
) -> _Scored:
    spec = parse_model_spec(spec_text, model_options, defaults={"seed": config.seed})
    model = load_spec(spec)
    scored = score_with_options(model, spec, items, config, progress)
    return _Scored(spec.text, model.fingerprint(), _split(scored.scores, items), scored.report)


def _check_items(items: Sequence[PreferenceItem], path: Path | None) -> None:
    if not items:
        raise DataError("no items", path=path)
    for it in items:
        if len(it.responses) < 2:
            raise DataError(
                f"item {it.id!r} has {len(it.responses)} candidate response(s); best-of-n "
                "needs at least 2",
                path=path,
                field="rejected",
            )
    if max(len(it.responses) for it in items) < 3:
        raise DataError(
            "every item has 2 candidate responses: best-of-n curves then have two points and "
            "the fits of R(d) = d (alpha - beta d) need at least 3 (give items with N >= 3)",
            path=path,
        )


def _gold(
    gold: str | None,
    gold_scores: GoldScores | None,
    items: Sequence[PreferenceItem],
    data_path: Path | None,
    config: BonConfig,
    model_options: dict[str, Any] | None,
    progress: bool | None,
) -> tuple[list[FloatArray], dict[str, Any], _Scored | None]:
    if (gold is None) == (gold_scores is None):
        raise ConfigError("give exactly one gold signal: --gold SPEC or --gold-scores PATH")
    if gold is not None:
        scored = _score(gold, items, config, model_options, progress)
        return (
            scored.scores,
            {"source": "model", "spec": scored.spec, "fingerprint": scored.fingerprint},
            scored,
        )
    if isinstance(gold_scores, str | Path):
        name = str(gold_scores)
        if name == FROM_DATA:
            return gold_from_data(items, data_path), {"source": "data"}, None
        if name == FROM_LABELS:
            return gold_from_labels(items), {"source": "labels"}, None
        path = Path(name)
        if not path.exists():
            raise DataError("gold scores file not found", path=path)
        return read_gold_scores(path, items), {"source": "file", "path": name}, None
    assert gold_scores is not None
    arrays = [np.asarray(g, dtype=np.float64) for g in gold_scores]
    if len(arrays) != len(items):
        raise ConfigError(f"{len(arrays)} gold score rows for {len(items)} items")
    for it, g in zip(items, arrays, strict=True):
        if g.shape != (len(it.responses),) or not np.all(np.isfinite(g)):
            raise DataError(
                f"item {it.id!r}: expected {len(it.responses)} finite gold scores, got {g.shape}",
                field="gold_scores",
            )
    return arrays, {"source": "array"}, None


def _scores_frame(
    items: Sequence[PreferenceItem], gold: list[FloatArray], proxies: dict[str, list[FloatArray]]
) -> pd.DataFrame:
    key = ScoreLayout.of(items).key_columns(items)
    frame: dict[str, Any] = {
        "item_id": key["item_id"],
        "response_index": key["response_index"],
        "subset": key["subset"],
        "domain": key["domain"],
        "gold": np.concatenate(gold),
    }
    for j, scores in enumerate(proxies.values()):
        frame[f"proxy_{j}"] = np.concatenate(scores)
    return pd.DataFrame(frame)


def _data_json(items: Sequence[PreferenceItem], report: LoadReport | None) -> dict[str, Any]:
    sizes = np.bincount([len(it.responses) for it in items])
    doc: dict[str, Any] = {
        "n_prompts": len(items),
        "n_candidates": {str(n): int(c) for n, c in enumerate(sizes.tolist()) if c},
    }
    if report is not None:
        doc = {
            "file": report.path.replace("\\", "/").rsplit("/", 1)[-1],
            "format": report.file_format,
            "layout": report.layout,
            "n_rows": report.n_rows,
            **doc,
            "skipped": report.skipped_by_reason,
            "warnings": list(report.warnings),
        }
    return doc


def run_bon(
    data: str | Path | Sequence[PreferenceItem],
    proxies: Sequence[str],
    out: Path,
    *,
    gold: str | None = None,
    gold_scores: GoldScores | None = None,
    config: BonConfig | None = None,
    model_options: dict[str, Any] | None = None,
    progress: bool | None = None,
) -> BonRun:
    """Best-of-n overoptimization of each proxy RM against a gold signal; writes ``out``.

    Args:
        data: A preference file or folder (each item is one prompt with its N >= 2 candidates:
            its chosen and rejected responses), or the items themselves.
        proxies: Model specs of the proxy RMs (``baseline:length``, ``hf:DIR``, ...).
        out: The run directory.
        gold: A gold RM spec, or
        gold_scores: a gold scores file (see :mod:`rewardkit.rl.bon.gold`), ``"from-data"``
            (the items' chosen/rejected scores), ``"from-labels"`` (1 chosen, 0 rejected) or
            one sequence of scores per item. Exactly one of ``gold``/``gold_scores``.
        config: Bootstrap, scoring and loading options.
        model_options: Model options (``max_length``, ``device``, ...) for every spec.
        progress: Show scoring progress bars (default: when on a terminal).

    Returns:
        A :class:`BonRun`; ``results_json["gamma"]`` is the first proxy's gamma.

    Example:
        >>> import tempfile
        >>> items = [PreferenceItem(id=str(i), prompt="q", chosen=("a" * (i % 5 + 1),),
        ...          rejected=("b", "cc", "ddd")) for i in range(30)]
        >>> run = run_bon(items, ["baseline:length"], Path(tempfile.mkdtemp()),
        ...               gold_scores="from-labels", config=BonConfig(bootstrap=50, no_cache=True))
        >>> sorted(run.results_json["gamma"])
        ['ci', 'n', 'value']
    """
    if not proxies:
        raise ConfigError("give at least one --proxy model spec")
    if len(set(proxies)) != len(proxies):
        raise ConfigError("each --proxy spec may be given only once")
    cfg = config or BonConfig()
    with StagedOutput(out, "bon") as stage:  # replaces an earlier run only when complete
        run = _bon_into(stage.path, data, proxies, gold, gold_scores, cfg, model_options, progress)
    return replace(run, run_dir=out)


def _bon_into(
    out: Path,
    data: str | Path | Sequence[PreferenceItem],
    proxies: Sequence[str],
    gold: str | None,
    gold_scores: GoldScores | None,
    cfg: BonConfig,
    model_options: dict[str, Any] | None,
    progress: bool | None,
) -> BonRun:
    started = now_iso()
    run = RunDir(out)
    data_path = None if not isinstance(data, str | Path) else Path(data)
    inputs: dict[str, str | Path] = {"data": data_path} if data_path is not None else {}
    if isinstance(gold_scores, str | Path) and Path(gold_scores).is_file():
        inputs["gold_scores"] = Path(gold_scores)
    if data_path is not None and not data_path.exists():
        raise DataError("file not found", path=data_path)
    if gold_scores is None or isinstance(gold_scores, str | Path):
        gold_label = None if gold_scores is None else str(gold_scores)
    else:
        gold_label = "array"
    manifest = build_manifest(
        command="bon",
        config={
            "proxies": list(proxies),
            "gold": gold,
            "gold_scores": gold_label,
            "model_options": model_options or {},
            **cfg.model_dump(mode="json"),
        },
        seed=cfg.seed,
        inputs=inputs,
        started_at=started,
    )
    run.write_manifest(manifest)
    report: LoadReport | None = None
    if data_path is not None:
        loaded = load_preferences(
            data_path, layout=cfg.layout, split=cfg.split, skip_invalid=cfg.skip_invalid
        )
        items, report = loaded.items, loaded.report
        run.log(
            "loaded", n_rows=report.n_rows, n_items=report.n_items, skipped=report.skipped_by_reason
        )
    else:
        assert not isinstance(data, str | Path)
        items = tuple(data)
    _check_items(items, data_path)
    gold_arrays, gold_doc, gold_scored = _gold(
        gold, gold_scores, items, data_path, cfg, model_options, progress
    )
    scored = [_score(spec, items, cfg, model_options, progress) for spec in proxies]
    proxy_scores = {s.spec: s.scores for s in scored}
    if len(proxy_scores) != len(scored):
        raise ConfigError("two --proxy specs resolve to the same model spec")
    manifest["scoring"] = {s.spec: asdict(s.report) for s in scored}
    if gold_scored is not None:
        manifest["scoring"]["gold"] = asdict(gold_scored.report)
    for s in scored:
        run.log("scored", spec=s.spec, fingerprint=s.fingerprint, **asdict(s.report))
    with phase(f"best-of-n curves, fits and {cfg.bootstrap} bootstrap resamples", enabled=progress):
        overall = analyse(
            list(proxy_scores.values()),
            gold_arrays,
            n_max=cfg.n_max,
            n_resamples=cfg.bootstrap,
            confidence=cfg.confidence,
            seed=cfg.seed,
        )
        analyses = dict(zip(proxy_scores, overall, strict=True))
        groups = analyse_groups(items, gold_arrays, proxy_scores, cfg)
    entries = []
    for s in scored:
        entry = {"spec": s.spec, "fingerprint": s.fingerprint, **analysis_json(analyses[s.spec])}
        entry["groups"] = {
            kind: {name: analysis_json(a) for name, a in by_name.items()}
            for kind, by_name in groups[s.spec].items()
        }
        entries.append(entry)
    first = entries[0]
    specs = list(proxy_scores)
    results: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "command": "bon",
        "proxy": first["spec"],
        "gamma": first["gamma"],
        "k": first["k"],
        "curves": first["curves"],
        "fits": first["fits"],
        "proxies": entries,
        "comparisons": [
            {
                "a": a,
                "b": b,
                "gamma_difference": estimate_json(
                    gamma_difference(analyses[a], analyses[b], cfg.confidence)
                ),
            }
            for i, a in enumerate(specs)
            for b in specs[i + 1 :]
        ],
        "gold": gold_doc,
        "data": _data_json(items, report),
        "config": {
            "seed": cfg.seed,
            "bootstrap": cfg.bootstrap,
            "confidence": cfg.confidence,
            "n_max": cfg.n_max,
            "group_by": list(cfg.group_by),
        },
        "conventions": CONVENTIONS,
    }
    write_json(run.file("results.json"), results)
    write_parquet(run.file("bon_scores.parquet"), _scores_frame(items, gold_arrays, proxy_scores))
    write_bon_report(out, results)
    run.log("done", n_prompts=len(items), gamma={k: a.gamma.value for k, a in analyses.items()})
    run.finish_manifest(manifest)
    return BonRun(
        run_dir=out,
        items=tuple(items),
        gold=gold_arrays,
        proxy_scores=proxy_scores,
        analyses=analyses,
        groups=groups,
        results_json=results,
        scoring={
            **{s.spec: s.report for s in scored},
            **({"gold": gold_scored.report} if gold_scored is not None else {}),
        },
        load_report=report,
    )
