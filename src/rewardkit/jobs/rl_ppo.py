"""``rewardkit rl ppo``: PPO of a causal-LM policy against a rewardkit RM, on one machine,
watching overoptimization against a gold RM as it trains.

Writes ``OUT`` transactionally (:mod:`rewardkit.runs.output`): ``log.jsonl`` (one ``step``
event per PPO step, ``eval`` events with a gold RM), ``results.json``, ``manifest.json``,
``report.html``, ``policy/`` (the final policy as a plain Hugging Face folder, LoRA merged),
``value_head.safetensors`` and ``checkpoint/``. A killed or interrupted run (Ctrl-C, SIGTERM)
leaves its staging folder with the last checkpoint; the same command resumes from it and ends
with the bytes an uninterrupted run writes (timings aside).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rewardkit.data.records import Prompt
from rewardkit.errors import ConfigError
from rewardkit.jobs.rl_ppo_setup import device_of, guarded, load_models, reward_function
from rewardkit.jobs.rl_ppo_watch import evaluate_samples, overoptimization
from rewardkit.rl.ppo.config import PPOConfig
from rewardkit.rl.ppo.overopt import early_stop_index
from rewardkit.rl.ppo.prompts import read_prompts
from rewardkit.runs import build_manifest, now_iso, write_json
from rewardkit.runs.manifest import sha256_path
from rewardkit.runs.output import StagedOutput

__all__ = ["KIND", "PPORun", "run_ppo"]

KIND = "rl_ppo"
LOG_NAME = "log.jsonl"
CHECKPOINT_DIR = "checkpoint"
# Settings that do not change what a step computes: a resumed run may change them.
_NOT_HYPERPARAMETERS = {"steps", "checkpoint_every", "device", "early_stop_patience"}
TIMING_FIELDS = ("time", "tokens_per_s", "seconds")


@dataclass(frozen=True)
class PPORun:
    """What a PPO run produced.

    Attributes:
        out: The run directory.
        steps_run: PPO steps completed.
        stopped_early: Whether the gold watch stopped the run.
        history: The per-step metrics.
        results: The document written to ``results.json``.
    """

    out: Path
    steps_run: int
    stopped_early: bool
    history: list[dict[str, Any]]
    results: dict[str, Any]


class _RunState:
    """The job's state beyond weights and optimizer, saved in the checkpoint's sidecar through
    the ``scheduler`` slot of :func:`rewardkit.train.checkpoint.save_checkpoint`."""

    def __init__(self, kl: Any) -> None:
        self.kl = kl
        self.evaluations: list[dict[str, Any]] = []
        self.stopped_early = False

    def state_dict(self) -> dict[str, Any]:
        return {
            "kl": self.kl.state_dict(),
            "evaluations": self.evaluations,
            "stopped_early": self.stopped_early,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.kl.load_state_dict(state["kl"])
        self.evaluations = list(state["evaluations"])
        self.stopped_early = bool(state["stopped_early"])


def _split_prompts(
    prompts: list[Prompt], config: PPOConfig, gold: bool
) -> tuple[list[Prompt], list[Prompt]]:
    """Training prompts and (with a gold RM) the held-out evaluation prompts."""
    if not gold:
        return prompts, []
    order = np.random.default_rng(config.seed).permutation(len(prompts))
    n_eval = min(config.eval_prompts, len(prompts) // 2)
    if n_eval < 1:
        raise ConfigError("a gold watch needs at least 2 prompts (half are held out at most)")
    held = [prompts[i] for i in sorted(order[:n_eval])]
    train = [prompts[i] for i in sorted(order[n_eval:])]
    return train, held


def _batch(prompts: Sequence[Prompt], config: PPOConfig, step: int) -> list[Prompt]:
    import torch

    from rewardkit.rl.ppo.trainer import step_seed

    g = torch.Generator().manual_seed(step_seed(config.seed, step, 3))
    n = len(prompts)
    index = torch.cat(
        [torch.randperm(n, generator=g) for _ in range(-(-config.rollout_batch_size // n))]
    )
    return [prompts[int(i)] for i in index[: config.rollout_batch_size]]


def _fingerprint(
    config: PPOConfig,
    policy: Path,
    reference: Path | None,
    prompts: Path,
    reward_fp: str,
    gold_fp: str | None,
) -> dict[str, str]:
    hyper = {
        k: v for k, v in config.model_dump(mode="json").items() if k not in _NOT_HYPERPARAMETERS
    }
    return {
        "hyperparameters": json.dumps(hyper, sort_keys=True),
        "prompts": sha256_path(prompts),
        "policy": sha256_path(policy),
        "reference": sha256_path(reference) if reference is not None else "",
        "reward model": reward_fp,
        "gold model": gold_fp or "",
    }


def _truncate_log(path: Path, step: int) -> None:
    """Drop the events an interrupted run logged after its last checkpoint (they run again)."""
    if not path.exists():
        return
    kept = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue  # a torn last line
        if event.get("event") in ("step", "eval") and event["step"] >= step + (
            event["event"] == "eval"
        ):
            continue
        kept.append(line)
    path.write_text("".join(k + "\n" for k in kept), encoding="utf-8")


def run_ppo(
    policy: Path,
    reward: str,
    prompts: Path,
    out: Path,
    *,
    config: PPOConfig | None = None,
    reference: Path | None = None,
    gold: str | None = None,
    model_options: dict[str, Any] | None = None,
    overwrite: bool = False,
    progress: bool = True,
) -> PPORun:
    """Train ``policy`` with PPO against ``reward`` (a model spec) on ``prompts``; write OUT.

    Args:
        policy: A Hugging Face causal-LM folder (with its tokenizer).
        reward: The proxy RM spec (any rewardkit model that scores prompt/response pairs).
        prompts: Prompt rows (``prompt``: text or messages).
        out: The run directory.
        config: Hyperparameters (default: :class:`PPOConfig`).
        reference: The frozen reference (default: a copy of ``policy``).
        gold: A gold RM spec: every ``eval_every`` steps held-out samples are scored by both.
        model_options: Loading options of the RMs (``allow_python``, ``device``, ...).
        overwrite: Start afresh instead of resuming an interrupted run.
        progress: Show a progress bar.
    """
    cfg = config or PPOConfig()
    stage = StagedOutput(out, KIND, resume=not overwrite, keep_on_error=True)
    stage.open()
    try:
        result = _run_into(
            stage.path, out, policy, reward, prompts, cfg, reference, gold, model_options, progress
        )
    except BaseException:
        if not (stage.path / CHECKPOINT_DIR).exists():
            stage.keep_on_error = False
        stage.abort()
        raise
    stage.commit()
    return result


def _run_into(
    work: Path,
    final: Path,
    policy: Path,
    reward: str,
    prompts_path: Path,
    cfg: PPOConfig,
    reference: Path | None,
    gold: str | None,
    model_options: dict[str, Any] | None,
    progress: bool,
) -> PPORun:
    from rich.progress import Progress

    from rewardkit.rl.ppo.trainer import PPOTrainer
    from rewardkit.train.checkpoint import (
        LoopState,
        find_checkpoint,
        load_checkpoint,
        save_checkpoint,
    )
    from rewardkit.train.interrupts import TrainingInterrupted, deferred_interrupts
    from rewardkit.train.training_log import TrainingLog

    started_at = now_iso()
    prompts = read_prompts(prompts_path)
    train_prompts, held = _split_prompts(prompts, cfg, gold is not None)
    device = device_of(cfg.device)
    tokenizer, model, ref = load_models(policy, reference, cfg, device)
    reward_fn, reward_fp = reward_function(reward, cfg, model_options, cfg.calibrated)
    if cfg.guard is not None:
        reward_fn, reward_fp = guarded(reward_fn, reward_fp, Path(cfg.guard))
    gold_fn, gold_fp = (
        reward_function(gold, cfg, model_options, False, clip=False)
        if gold is not None
        else (None, None)
    )
    trainer = PPOTrainer(model, ref, tokenizer, reward_fn, cfg, device)
    state = _RunState(trainer.kl)
    fingerprint = _fingerprint(cfg, policy, reference, prompts_path, reward_fp, gold_fp)
    loop = LoopState()
    ckpt = find_checkpoint(work / CHECKPOINT_DIR)
    log_path = work / LOG_NAME
    if ckpt is not None:
        loop = load_checkpoint(ckpt, model, trainer.optimizer, state, fingerprint)
        _truncate_log(log_path, loop.step)
    elif log_path.exists():
        log_path.unlink()  # an interrupted run that never checkpointed: start over
    history = list(loop.history)
    watch_on = gold_fn is not None
    with TrainingLog(log_path) as log, deferred_interrupts() as stop:
        log.write(
            "start" if ckpt is None else "resume",
            step=loop.step,
            config=cfg.model_dump(mode="json"),
        )
        if watch_on and not state.evaluations:
            e = evaluate_samples(trainer, held, gold_fn, 0, cfg)
            state.evaluations.append(e)
            log.write("eval", **e)
        with Progress(disable=not progress, transient=True) as bar:
            task = bar.add_task("ppo", total=cfg.steps, completed=loop.step)
            while loop.step < cfg.steps and not state.stopped_early:
                metrics = trainer.step(_batch(train_prompts, cfg, loop.step), loop.step)
                log.write("step", **metrics)
                history.append({k: v for k, v in metrics.items() if k not in TIMING_FIELDS})
                loop.step += 1
                loop.history = history
                bar.update(task, completed=loop.step)
                if watch_on and loop.step % cfg.eval_every == 0:
                    e = evaluate_samples(trainer, held, gold_fn, loop.step, cfg)
                    state.evaluations.append(e)
                    log.write("eval", **e)
                    if cfg.early_stop_patience is not None:
                        golds = [x["gold"] for x in state.evaluations]
                        proxies = [x["proxy"] for x in state.evaluations]
                        if early_stop_index(golds, proxies, cfg.early_stop_patience) is not None:
                            state.stopped_early = True
                            log.write("early_stop", step=loop.step)
                if (
                    loop.step % cfg.checkpoint_every == 0
                    or loop.step == cfg.steps
                    or stop.requested
                ):
                    save_checkpoint(
                        work / CHECKPOINT_DIR, model, trainer.optimizer, state, loop, fingerprint
                    )
                if stop.requested:
                    log.write("interrupted", signal=stop.signal_name, step=loop.step)
                    raise TrainingInterrupted
        if state.stopped_early or loop.step == cfg.steps:
            save_checkpoint(
                work / CHECKPOINT_DIR, model, trainer.optimizer, state, loop, fingerprint
            )
        log.write("end", steps_run=loop.step, stopped_early=state.stopped_early)
    results = _results(
        cfg, policy, reward, gold, loop.step, state, history, overoptimization if watch_on else None
    )
    _save_policy(work, model, tokenizer)
    write_json(work / "results.json", results)
    manifest = build_manifest(
        command="rl ppo",
        config=cfg.model_dump(mode="json"),
        seed=cfg.seed,
        inputs={"prompts": prompts_path},
        started_at=started_at,
    )
    manifest["ended_at"] = now_iso()
    write_json(work / "manifest.json", manifest)
    from rewardkit.report.html.ppo_page import write_ppo_report

    write_ppo_report(work, results, history)
    return PPORun(final, loop.step, state.stopped_early, history, results)


def _results(
    cfg: PPOConfig,
    policy: Path,
    reward: str,
    gold: str | None,
    steps_run: int,
    state: _RunState,
    history: list[dict[str, Any]],
    watch: Any,
) -> dict[str, Any]:
    last = history[-1] if history else {}
    return {
        "schema_version": 1,
        "policy": str(policy),
        "reward": reward,
        "gold": gold,
        "config": cfg.model_dump(mode="json"),
        "steps_run": steps_run,
        "stopped_early": state.stopped_early,
        "final": {
            k: last.get(k) for k in ("reward", "kl", "kl_coef", "entropy", "response_length")
        },
        "kl_coef": state.kl.value,
        "overoptimization": watch(state.evaluations, cfg)
        if watch is not None and state.evaluations
        else None,
    }


def _save_policy(work: Path, model: Any, tokenizer: Any) -> None:
    from safetensors.torch import save_file

    lm = model.policy
    if hasattr(lm, "merge_and_unload"):
        lm = lm.merge_and_unload()
    target = work / "policy"
    shutil.rmtree(target, ignore_errors=True)
    lm.save_pretrained(str(target), safe_serialization=True)
    tokenizer.save_pretrained(str(target))
    save_file(
        {k: v.detach().cpu().contiguous() for k, v in model.value_head.state_dict().items()},
        str(work / "value_head.safetensors"),
    )
