"""``rewardkit train``: load preference data, build examples, train, and write a model folder
that ``eval`` loads as ``embed:OUT`` or ``hf:OUT``.

``OUT`` also holds ``train_log.jsonl`` (hyperparameters, data hashes, per-epoch losses and
validation accuracy, durations), ``train_manifest.json`` and ``checkpoint/`` (resumable). A run
started again with the same ``OUT``, data and hyperparameters resumes from the checkpoint.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from rewardkit.config import read_yaml_mapping, validation_problems
from rewardkit.data.load import load_preferences
from rewardkit.errors import ConfigError
from rewardkit.registry import Registry
from rewardkit.runs.output import StagedOutput
from rewardkit.train.config import TrainConfig, merge
from rewardkit.train.examples import (
    Examples,
    InputTable,
    PairExamples,
    TargetExamples,
    examples_hash,
    pair_examples,
    split_by_group,
    target_examples,
)

ScorerFactory = Callable[..., Any]

TRAINERS: Registry[ScorerFactory] = Registry("trainer", check=callable, plugin_prefix="trainers")
TRAINERS.register("embed", "rewardkit.train.embed_trainer:build_scorer")
TRAINERS.register("hf", "rewardkit.train.hf_trainer:build_scorer")

LOG_NAME = "train_log.jsonl"
MANIFEST_NAME = "train_manifest.json"
CHECKPOINT_DIR = "checkpoint"  # rewardkit.train.loop.CHECKPOINT_DIR (that module imports torch)
# Fields that do not change what is learned: a resumed run may change them (a different
# split changes the data, which the data hashes catch).
_NOT_HYPERPARAMETERS = {"device", "cache", "checkpoint_every", "skip_invalid", "split", "tie_value"}


def load_train_config(
    path: Path | None, flags: dict[str, Any], sets: dict[str, Any] | None = None
) -> TrainConfig:
    """Defaults, then the YAML file, then ``--set`` values, then explicit CLI flags."""
    values: dict[str, Any] = read_yaml_mapping(path) if path is not None else {}
    values = merge(values, sets or {})
    values = merge(values, {k: v for k, v in flags.items() if v is not None})
    try:
        return TrainConfig(**values)
    except ValidationError as exc:
        where = f"{path}: " if path is not None else ""
        problems = validation_problems(exc)
        raise ConfigError(f"{where}invalid training configuration: {problems}") from exc


@dataclass(frozen=True)
class DataNotes:
    """What loading the training (and validation) data left out.

    Attributes:
        warnings: The loader's warnings (rows skipped, identical or empty responses), each
            prefixed with its file.
        n_skipped: Invalid rows skipped (``skip_invalid``).
        n_ties_excluded: Items labelled a tie, left out of the pairs (pairwise objective).
        n_unscored: Responses without a score, left out (regression objective).
    """

    warnings: tuple[str, ...] = ()
    n_skipped: int = 0
    n_ties_excluded: int = 0
    n_unscored: int = 0

    def __add__(self, other: DataNotes) -> DataNotes:
        return DataNotes(
            self.warnings + other.warnings,
            self.n_skipped + other.n_skipped,
            self.n_ties_excluded + other.n_ties_excluded,
            self.n_unscored + other.n_unscored,
        )


@dataclass(frozen=True)
class TrainRun:
    out: Path
    spec: str
    n_train: int
    n_validation: int
    best_epoch: int | None
    epochs_run: int
    stopped_early: bool
    history: list[dict[str, Any]]
    seconds: float
    notes: DataNotes = DataNotes()
    n_truncated: int | None = None


def seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002  (third-party code may use the global generator)
    torch.manual_seed(seed)


def _examples(path: Path, config: TrainConfig) -> tuple[Examples, DataNotes]:
    loaded = load_preferences(
        path, layout=config.layout, split=config.split, skip_invalid=config.skip_invalid
    )
    items = loaded.items
    report = loaded.report
    notes = DataNotes(
        warnings=tuple(f"{path.name}: {w}" for w in report.warnings),
        n_skipped=len(report.skipped),
    )
    if config.objective == "regression":
        unscored = sum(
            len(responses)
            for it in items
            for responses, scores in (
                (it.chosen, it.chosen_scores),
                (it.rejected, it.rejected_scores),
            )
            if scores is None
        )
        return target_examples(items), DataNotes(notes.warnings, notes.n_skipped, 0, unscored)
    ties = sum(1 for it in items if it.tie)
    return pair_examples(items, use_margin=config.use_margin), DataNotes(
        notes.warnings, notes.n_skipped, ties, 0
    )


def _combined(train: Examples, validation: Examples) -> tuple[Examples, Examples]:
    """Put both example sets over one input table (the scorer encodes it once)."""
    table = InputTable(
        train.inputs.prompts + validation.inputs.prompts,
        train.inputs.responses + validation.inputs.responses,
    )
    shift = len(train.inputs)
    if isinstance(train, PairExamples) and isinstance(validation, PairExamples):
        return (
            PairExamples(table, train.chosen, train.rejected, train.margin, train.group),
            PairExamples(
                table,
                validation.chosen + shift,
                validation.rejected + shift,
                validation.margin,
                validation.group,
            ),
        )
    assert isinstance(train, TargetExamples)
    assert isinstance(validation, TargetExamples)
    return (
        TargetExamples(table, train.index, train.target, train.group),
        TargetExamples(table, validation.index + shift, validation.target, validation.group),
    )


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("rewardkit", "torch", "transformers", "peft", "numpy"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


def run_train(
    data: Path,
    config: TrainConfig,
    out: Path,
    *,
    validation: Path | None = None,
    overwrite: bool = False,
    progress: bool = True,
    cache: Any = None,
) -> TrainRun:
    """Train an RM on ``data`` (validation: ``validation`` or a held-out share of the prompts)
    and write it to ``out``.

    ``out`` is written transactionally (:mod:`rewardkit.runs.output`): the run works in a
    staging folder beside it and replaces ``out`` only when the model is complete, so a
    failed, killed or disk-full run leaves an earlier model intact, and a folder that is not a
    rewardkit model is never replaced (``overwrite`` included). An interrupted run resumes
    from the checkpoint it left in the staging folder; ``overwrite`` starts afresh."""
    import torch

    from rewardkit.train.distributed import init_distributed, shutdown, world_size

    started = time.perf_counter()
    if world_size() > 1 and config.trainer != "hf":
        raise ConfigError(
            f"the {config.trainer} trainer runs in one process (an embedding head trains in "
            "seconds); launch it without torchrun / accelerate"
        )
    dist = init_distributed(
        use_cuda=config.trainer == "hf" and config.device != "cpu" and torch.cuda.is_available()
    )
    # The model is written into a staging folder and replaces ``out`` only when complete; an
    # interrupted run's checkpoint stays there to resume from (--overwrite starts afresh).
    stage = StagedOutput(out, "model", resume=not overwrite, keep_on_error=True)
    if dist.main:
        stage.open()
        _resume_from_finished(out, stage.path, overwrite)
    dist.barrier()
    try:
        run = _train_into(stage.path, out, data, config, validation, dist, started, progress, cache)
    except BaseException:
        if dist.main and not (stage.path / CHECKPOINT_DIR).exists():
            stage.keep_on_error = False  # nothing to resume from: leave nothing behind
        if dist.main:
            stage.abort()
        raise
    if dist.main:
        stage.commit()
    dist.barrier()
    shutdown(dist)
    return run


def _resume_from_finished(out: Path, work: Path, overwrite: bool) -> None:
    """A rerun over a finished model resumes from its final checkpoint (as it did when runs
    wrote in place): unchanged data and settings give the same model at once."""
    done = out / CHECKPOINT_DIR
    if overwrite or (work / CHECKPOINT_DIR).exists() or not done.is_dir():
        return
    shutil.copytree(done, work / CHECKPOINT_DIR)


def _train_into(
    out: Path,
    final: Path,
    data: Path,
    config: TrainConfig,
    validation: Path | None,
    dist: Any,
    started: float,
    progress: bool,
    cache: Any,
) -> TrainRun:
    """The training run proper, written into ``out`` (the staging folder of ``final``)."""
    import torch

    from rewardkit.train.loop import run_loop
    from rewardkit.train.training_log import NullLog, TrainingLog

    examples, notes = _examples(data, config)
    if validation is not None:
        val_examples, val_notes = _examples(validation, config)
        notes = notes + val_notes
        train_ex, val_ex = _combined(examples, val_examples)
        val: Examples | None = val_ex
    else:
        train_ex, val = split_by_group(examples, config.validation_share, config.seed)
    hashes = {"train": examples_hash(train_ex), "validation": examples_hash(val) if val else ""}
    hyper = {
        k: v for k, v in config.model_dump(mode="json").items() if k not in _NOT_HYPERPARAMETERS
    }
    fingerprint = {
        "hyperparameters": json.dumps(hyper, sort_keys=True),
        "train data": hashes["train"],
        "validation data": hashes["validation"],
    }
    seed_everything(config.seed)
    out.mkdir(parents=True, exist_ok=True)
    with TrainingLog(out / LOG_NAME) if dist.main else NullLog() as log:
        log.write(
            "start",
            world_size=dist.world,
            config=config.model_dump(mode="json"),
            learning_rate=config.lr,
            data=str(data),
            validation=str(validation) if validation else None,
            data_hashes=hashes,
            n_train=len(train_ex),
            n_validation=len(val) if val else 0,
            n_inputs=len(train_ex.inputs),
            n_skipped=notes.n_skipped,
            n_ties_excluded=notes.n_ties_excluded,
            n_unscored=notes.n_unscored,
            warnings=list(notes.warnings),
            versions=_versions(),
        )
        t0 = time.perf_counter()
        factory = TRAINERS.get(config.trainer)
        scorer = factory(train_ex.inputs, config, cache=cache, progress=progress)
        n_truncated = getattr(scorer, "n_truncated", None)
        log.write("prepared", seconds=round(time.perf_counter() - t0, 3), n_truncated=n_truncated)
        if isinstance(train_ex, TargetExamples) and hasattr(scorer, "init_output_bias"):
            scorer.init_output_bias(float(np.mean(train_ex.target)))
        if dist.active:  # the same initial weights everywhere, a different dropout per rank
            torch.manual_seed(config.seed + 1_000_003 * dist.rank)
        dtype = getattr(scorer, "dtype", None)
        if dtype is not None:  # hf: resuming on other hardware must not change precision
            fingerprint["precision"] = f"{scorer.device.type}/{dtype}"
        result = run_loop(
            scorer, train_ex, val, config, out, log, fingerprint, progress=progress, dist=dist
        )
        seconds = round(time.perf_counter() - started, 3)
        log.write(
            "end",
            best_epoch=result.best_epoch,
            epochs_run=result.epochs_run,
            stopped_early=result.stopped_early,
            seconds=seconds,
        )
    run = TrainRun(
        out=final,
        spec=str(final / "model.yaml") if config.trainer == "hf" else f"embed:{final}",
        n_train=len(train_ex),
        n_validation=len(val) if val else 0,
        best_epoch=result.best_epoch,
        epochs_run=result.epochs_run,
        stopped_early=result.stopped_early,
        history=result.history,
        seconds=seconds,
        notes=notes,
        n_truncated=n_truncated,
    )
    if dist.main:
        _write_manifest(out, data, validation, config, hashes, run)
    return run


def _write_manifest(
    out: Path,
    data: Path,
    validation: Path | None,
    config: TrainConfig,
    hashes: dict[str, str],
    run: TrainRun,
) -> None:
    from rewardkit.runs import write_json

    write_json(
        out / MANIFEST_NAME,
        {
            "schema_version": 1,
            "command": "train",
            "spec": run.spec,
            "data": str(data),
            "validation": str(validation) if validation else None,
            "data_hashes": hashes,
            "config": config.model_dump(mode="json"),
            "n_train": run.n_train,
            "n_validation": run.n_validation,
            "n_skipped": run.notes.n_skipped,
            "n_ties_excluded": run.notes.n_ties_excluded,
            "n_unscored": run.notes.n_unscored,
            "n_truncated": run.n_truncated,
            "best_epoch": run.best_epoch,
            "epochs_run": run.epochs_run,
            "stopped_early": run.stopped_early,
            "history": run.history,
            "versions": _versions(),
        },
    )
