"""One training loop for every trainer: shuffled mini-batches, AdamW with warmup and linear
decay, gradient accumulation and clipping, validation each epoch, early stopping, resumable
checkpoints, a JSONL log and a progress bar.

A trainer supplies a :class:`TrainableScorer`: a torch module and a function from input-table
rows to rewards. Batches are drawn from ``default_rng([seed, epoch])``, so the order of every
epoch is fixed by the seed and a resumed run continues with the batches it would have seen.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import torch
import torch.nn.functional as F
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from rewardkit.train.checkpoint import (
    LoopState,
    capture_rng,
    find_checkpoint,
    load_checkpoint,
    save_checkpoint,
)
from rewardkit.train.config import TrainConfig
from rewardkit.train.distributed import DistContext
from rewardkit.train.examples import Examples, PairExamples, TargetExamples
from rewardkit.train.interrupts import StopRequest, TrainingInterrupted, deferred_interrupts
from rewardkit.train.training_log import TrainingLog

CHECKPOINT_DIR = "checkpoint"


class TrainableScorer(Protocol):
    """What a trainer hands the loop."""

    module: torch.nn.Module

    def score(self, rows: np.ndarray) -> torch.Tensor:
        """Rewards (1-D, float) of input-table ``rows``, with gradients in train mode."""
        ...

    def save(self, folder: Path) -> None:
        """Write a model folder loadable as a model spec."""
        ...


def bradley_terry_terms(
    r_chosen: torch.Tensor,
    r_rejected: torch.Tensor,
    margin: torch.Tensor | None = None,
    center_coef: float = 0.0,
) -> torch.Tensor:
    """Per-pair terms of TRL's RewardTrainer loss: ``-logsigmoid(rc - rr - margin)`` plus
    ``center_coef * (rc + rr)**2``; their mean is the loss."""
    z = r_chosen - r_rejected
    if margin is not None:
        z = z - margin
    terms = -F.logsigmoid(z)
    if center_coef:
        terms = terms + center_coef * (r_chosen + r_rejected) ** 2
    return terms


def bradley_terry_torch(
    r_chosen: torch.Tensor,
    r_rejected: torch.Tensor,
    margin: torch.Tensor | None = None,
    center_coef: float = 0.0,
) -> torch.Tensor:
    """TRL's RewardTrainer loss: ``-logsigmoid(rc - rr - margin).mean()`` plus
    ``center_coef * mean((rc + rr)**2)``."""
    return bradley_terry_terms(r_chosen, r_rejected, margin, center_coef).mean()


@dataclass(frozen=True)
class EpochMetrics:
    epoch: int
    train_loss: float
    grad_norm: float
    val_loss: float | None
    val_accuracy: float | None
    learning_rate: float
    seconds: float


@dataclass(frozen=True)
class TrainResult:
    best_epoch: int | None
    epochs_run: int
    stopped_early: bool
    history: list[dict[str, Any]]


def _batch_loss(
    scorer: TrainableScorer,
    examples: Examples,
    rows: np.ndarray,
    config: TrainConfig,
    denominator: int,
) -> torch.Tensor | None:
    """Sum of the per-example loss terms of ``rows`` over ``denominator`` (the global batch
    size: a rank's share of the batch's mean); None for an empty share."""
    if rows.size == 0:
        return None
    if isinstance(examples, PairExamples):
        c, r = examples.chosen[rows], examples.rejected[rows]
        rewards = scorer.score(np.concatenate([c, r]))
        rc, rr = rewards[: rows.size], rewards[rows.size :]
        margin = torch.as_tensor(examples.margin[rows], dtype=rewards.dtype, device=rewards.device)
        terms = bradley_terry_terms(rc, rr, margin, config.center_coef)
    else:
        rewards = scorer.score(examples.index[rows])
        target = torch.as_tensor(examples.target[rows], dtype=rewards.dtype, device=rewards.device)
        terms = (rewards - target) ** 2
    return terms.sum() / denominator


@torch.no_grad()
def score_rows(
    scorer: TrainableScorer,
    rows: np.ndarray,
    size: int,
    batch_size: int,
    advance: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Rewards of input-table ``rows`` in batches, as an array over the whole table (other
    rows NaN); ``advance(n)`` after each batch of ``n`` rows."""
    rewards = np.full(size, np.nan)
    for start in range(0, rows.size, batch_size):
        part = rows[start : start + batch_size]
        rewards[part] = scorer.score(part).float().cpu().numpy()
        if advance is not None:
            advance(part.size)
    return rewards


def validation_rows(examples: Examples) -> np.ndarray:
    """The input-table rows that validation scores (each once)."""
    if isinstance(examples, PairExamples):
        return np.unique(np.concatenate([examples.chosen, examples.rejected]))
    return np.unique(examples.index)


def validate(
    scorer: TrainableScorer,
    examples: Examples,
    config: TrainConfig,
    advance: Callable[[int], None] | None = None,
) -> tuple[float, float | None]:
    """Validation loss and, for pairs, accuracy (a score tie counts ``config.tie_value``)."""
    scorer.module.eval()
    used = validation_rows(examples)
    rewards = score_rows(scorer, used, len(examples.inputs), config.batch_size * 2, advance)
    if isinstance(examples, PairExamples):
        rc, rr = rewards[examples.chosen], rewards[examples.rejected]
        z = rc - rr - examples.margin
        loss = float(np.mean(np.logaddexp(0.0, -z)))
        if config.center_coef:
            loss += config.center_coef * float(np.mean((rc + rr) ** 2))
        tie = config.tie_value
        accuracy = float(np.mean(np.where(rc > rr, 1.0, np.where(rc == rr, tie, 0.0))))
        return loss, accuracy
    assert isinstance(examples, TargetExamples)
    return float(np.mean((rewards[examples.index] - examples.target) ** 2)), None


def _schedule(total_steps: int, warmup_ratio: float) -> Callable[[int], float]:
    warmup = math.ceil(total_steps * warmup_ratio)

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        remaining = max(1, total_steps - warmup)
        return max(0.0, 1.0 - (step - warmup) / remaining)

    return factor


def run_loop(
    scorer: TrainableScorer,
    train: Examples,
    validation: Examples | None,
    config: TrainConfig,
    out: Path,
    log: TrainingLog,
    fingerprint: dict[str, str],
    *,
    progress: bool = True,
    dist: DistContext | None = None,
) -> TrainResult:
    """Train ``scorer`` in place; the best epoch's model is saved to ``out`` (the last one
    when there is no validation set). Resumes from ``out/checkpoint`` when it is there.
    Under ``torchrun`` (``dist``), every rank trains on its share of each batch and rank 0
    writes the checkpoints and the model."""
    dist = dist or DistContext()
    module = scorer.module
    params = [p for p in module.parameters() if p.requires_grad]
    decay = [p for p in params if p.ndim >= 2]
    no_decay = [p for p in params if p.ndim < 2]
    optimizer = torch.optim.AdamW(
        [
            {"params": decay, "weight_decay": config.weight_decay},
            {"params": no_decay, "weight_decay": 0.0},
        ],
        lr=config.lr,
    )
    batches_per_epoch = math.ceil(len(train) / config.batch_size)
    steps_per_epoch = math.ceil(batches_per_epoch / config.grad_accumulation)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, _schedule(steps_per_epoch * config.epochs, config.warmup_ratio)
    )
    ckpt = out / CHECKPOINT_DIR
    state = LoopState()
    found = find_checkpoint(ckpt)
    if found is not None:
        state = load_checkpoint(found, module, optimizer, scheduler, fingerprint)
        log.write("resume", epoch=state.epoch, batch=state.batch, step=state.step)
    stopped_early = state.bad_epochs >= (config.patience or math.inf)
    # The state is committed only at optimizer-step boundaries and at the end of an epoch, so
    # an interrupt anywhere resumes from a consistent point: the batches of an unfinished
    # accumulation window are replayed from the generators' state at the window's start.
    window_rng = capture_rng()

    def checkpoint(rng: dict[str, torch.Tensor]) -> None:
        if dist.main:
            save_checkpoint(ckpt, module, optimizer, scheduler, state, fingerprint, rng)

    bar = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} batches"),
        TextColumn("loss {task.fields[loss]}"),
        TimeRemainingColumn(),
        disable=not progress or not dist.main,
        transient=True,
    )
    device = params[0].device

    def stop_here(request: StopRequest) -> None:
        """At a consistent point: if any rank was asked to stop, checkpoint and stop."""
        if dist.any(request.requested, device):
            checkpoint(window_rng)
            log.write(
                "interrupted",
                epoch=state.epoch,
                batch=state.batch,
                step=state.step,
                signal=request.signal_name,
            )
            raise TrainingInterrupted

    try:
        with bar, deferred_interrupts() as request:
            task = bar.add_task("training", total=batches_per_epoch * config.epochs, loss="-")
            bar.update(task, completed=state.epoch * batches_per_epoch + state.batch)
            while state.epoch < config.epochs and not stopped_early:
                epoch = state.epoch + 1
                bar.update(task, description=f"epoch {epoch}/{config.epochs}")
                order = np.random.default_rng([config.seed, epoch]).permutation(len(train))
                started = time.perf_counter()
                module.train()
                window_rng = capture_rng()
                pending_sum, pending_count = 0.0, 0
                for b in range(state.batch, batches_per_epoch):
                    rows = order[b * config.batch_size : (b + 1) * config.batch_size]
                    loss = _batch_loss(scorer, train, dist.shard(rows), config, rows.size)
                    if loss is not None:
                        torch.autograd.backward(loss / config.grad_accumulation)
                        pending_sum += float(loss.detach())
                    pending_count += 1
                    last = b == batches_per_epoch - 1
                    if (b + 1) % config.grad_accumulation == 0 or last:
                        dist.sum_gradients(params)
                        pending_sum = dist.total(pending_sum, device)
                        norm = _gradient_norm(params, config.max_grad_norm)
                        if math.isfinite(norm):
                            state.grad_norm_sum += norm
                            state.grad_norm_count += 1
                            optimizer.step()
                            scheduler.step()
                        else:  # skip the update rather than spread NaN into every weight
                            state.skipped_steps += 1
                            log.write("nonfinite_gradient", epoch=epoch, step=state.step)
                            with warnings.catch_warnings():  # keep the schedule's position
                                warnings.filterwarnings("ignore", "Detected call of")
                                scheduler.step()
                        optimizer.zero_grad(set_to_none=True)
                        state.step += 1
                        state.batch = b + 1
                        state.loss_sum += pending_sum
                        state.loss_count += pending_count
                        pending_sum, pending_count = 0.0, 0
                        window_rng = capture_rng()
                        stop_here(request)
                    shown = "-" if loss is None else f"{float(loss.detach()):.4f}"
                    bar.update(task, advance=1, loss=shown)
                metrics = _end_epoch(
                    scorer, validation, config, epoch, state, started, optimizer, dist, bar
                )
                improved = _improved(state, metrics, config)
                if (improved or validation is None) and dist.main:
                    save_model(scorer, out)
                # Commit the epoch only now: an interrupt above re-runs validation and saving.
                state.epoch, state.batch = epoch, 0
                state.loss_sum, state.loss_count = 0.0, 0
                state.grad_norm_sum, state.grad_norm_count = 0.0, 0
                state.history.append(asdict(metrics))
                if improved:
                    state.best_metric = _monitor(metrics, config)
                    state.best_epoch = epoch
                    state.bad_epochs = 0
                elif validation is not None:
                    state.bad_epochs += 1
                log.write("epoch", **asdict(metrics), step=state.step)
                if config.patience is not None and state.bad_epochs >= config.patience:
                    stopped_early = True
                    log.write("early_stop", epoch=epoch, best_epoch=state.best_epoch)
                window_rng = capture_rng()
                if epoch % config.checkpoint_every == 0 or stopped_early or epoch == config.epochs:
                    checkpoint(window_rng)
                stop_here(request)
    except TrainingInterrupted:
        raise
    except KeyboardInterrupt:
        # Raised in the middle of a step (a second Ctrl-C, a test): the state still describes
        # the last step boundary.
        checkpoint(window_rng)
        log.write("interrupted", epoch=state.epoch, batch=state.batch, step=state.step)
        raise
    return TrainResult(
        best_epoch=state.best_epoch,
        epochs_run=state.epoch,
        stopped_early=stopped_early,
        history=state.history,
    )


def _gradient_norm(params: list[torch.nn.Parameter], max_norm: float | None) -> float:
    """The total gradient norm before clipping; clips to ``max_norm`` when it is set."""
    if max_norm is not None:
        return float(torch.nn.utils.clip_grad_norm_(params, max_norm))
    grads = [p.grad for p in params if p.grad is not None]
    return float(torch.nn.utils.get_total_norm(grads)) if grads else 0.0


def save_model(scorer: TrainableScorer, out: Path) -> None:
    """Write the model folder; a calibrator fitted to an earlier model no longer applies."""
    scorer.save(out)
    (out / "calibrator.json").unlink(missing_ok=True)


def _monitor(metrics: EpochMetrics, config: TrainConfig) -> float:
    """Higher is better: minus the validation loss, or validation accuracy (ties broken by
    the lower loss) with ``monitor: accuracy`` on pairs."""
    assert metrics.val_loss is not None
    if config.monitor == "accuracy" and metrics.val_accuracy is not None:
        return metrics.val_accuracy - 1e-6 * metrics.val_loss
    return -metrics.val_loss


def _improved(state: LoopState, metrics: EpochMetrics, config: TrainConfig) -> bool:
    if metrics.val_loss is None:
        return False
    return (
        state.best_metric is None
        or _monitor(metrics, config) > state.best_metric + config.min_delta
    )


def _end_epoch(
    scorer: TrainableScorer,
    validation: Examples | None,
    config: TrainConfig,
    epoch: int,
    state: LoopState,
    started: float,
    optimizer: torch.optim.Optimizer,
    dist: DistContext,
    bar: Progress | None = None,
) -> EpochMetrics:
    val_loss = val_accuracy = None
    if validation is not None:
        if bar is None:
            val_loss, val_accuracy = validate(scorer, validation, config)
        else:  # a second line under the training bar while validation runs
            batches = math.ceil(validation_rows(validation).size / (config.batch_size * 2))
            task = bar.add_task(f"validating epoch {epoch}", total=batches, loss="-")
            val_loss, val_accuracy = validate(
                scorer, validation, config, lambda _rows: bar.advance(task, 1)
            )
            bar.remove_task(task)
        # Rank 0's figures everywhere: ranks on different hardware could differ in the last
        # bits and then disagree on the best epoch or on stopping, and deadlock.
        device = next(scorer.module.parameters()).device
        val_loss, val_accuracy = dist.from_main([val_loss, val_accuracy], device)
    return EpochMetrics(
        epoch=epoch,
        train_loss=state.loss_sum / state.loss_count if state.loss_count else math.nan,
        grad_norm=state.grad_norm_sum / state.grad_norm_count
        if state.grad_norm_count
        else math.nan,
        val_loss=val_loss,
        val_accuracy=val_accuracy,
        learning_rate=float(optimizer.param_groups[0]["lr"]),
        seconds=round(time.perf_counter() - started, 3),
    )
