"""Data-parallel training under ``torchrun`` / ``accelerate launch`` (one process per device).

Every loss the trainers use is a mean of per-example terms (the Bradley-Terry term and the
centering term are per pair, MSE per response), so data parallelism needs no gathering of
rewards: each rank scores its share ``rows[rank::world]`` of the global batch, divides the sum of
its terms by the *global* batch size, and the gradients are summed across ranks before the
optimizer step. Every rank then takes the same step and the replicas stay identical without
DDP's averaging. Validation runs on every rank (the same numbers, so early stopping agrees);
only rank 0 writes the log, checkpoints and the model.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import torch


@dataclass(frozen=True)
class DistContext:
    """This process's place in the job (``world == 1``: a plain single-process run)."""

    rank: int = 0
    world: int = 1
    local_rank: int = 0

    @property
    def main(self) -> bool:
        return self.rank == 0

    @property
    def active(self) -> bool:
        return self.world > 1

    def shard(self, rows: np.ndarray) -> np.ndarray:
        """This rank's share of a batch's rows.

        Example:
            >>> DistContext(rank=1, world=2).shard(np.arange(5)).tolist()
            [1, 3]
        """
        return rows[self.rank :: self.world]

    def barrier(self) -> None:
        if self.active:
            torch.distributed.barrier()

    def sum_gradients(self, params: Iterable[torch.nn.Parameter]) -> None:
        """All-reduce (sum) every gradient; a rank whose share was empty adds zeros."""
        if not self.active:
            return
        for p in params:
            if p.grad is None:
                p.grad = torch.zeros_like(p)
            torch.distributed.all_reduce(p.grad)

    def from_main(self, values: Sequence[float | None], device: torch.device) -> list[float | None]:
        """Rank 0's ``values`` on every rank (None travels as NaN), so decisions taken from
        them (best epoch, early stopping) cannot differ between ranks."""
        if not self.active:
            return list(values)
        t = torch.tensor(
            [math.nan if v is None else v for v in values], dtype=torch.float64, device=device
        )
        torch.distributed.broadcast(t, src=0)
        return [None if math.isnan(v) else v for v in t.tolist()]

    def any(self, flag: bool, device: torch.device) -> bool:
        """True on every rank when it is true on some rank."""
        if not self.active:
            return flag
        t = torch.tensor([1.0 if flag else 0.0], device=device)
        torch.distributed.all_reduce(t, op=torch.distributed.ReduceOp.MAX)
        return bool(t.item() > 0)

    def total(self, value: float, device: torch.device) -> float:
        """Sum of ``value`` over the ranks."""
        if not self.active:
            return value
        t = torch.tensor([value], dtype=torch.float64, device=device)
        torch.distributed.all_reduce(t)
        return float(t.item())


def world_size() -> int:
    return int(os.environ.get("WORLD_SIZE", "1") or 1)


def init_distributed(use_cuda: bool) -> DistContext:
    """Join the process group that ``torchrun`` set up (``WORLD_SIZE``, ``RANK``,
    ``LOCAL_RANK``, ``MASTER_ADDR``/``PORT``); NCCL on GPUs, Gloo on CPUs."""
    world = world_size()
    if world <= 1:
        return DistContext()
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    if not torch.distributed.is_initialized():
        if use_cuda:
            torch.cuda.set_device(local)
        # Rank 0 saves (a LoRA merge, a large checkpoint) while the others wait in the next
        # collective: allow for that rather than the 10-minute default.
        torch.distributed.init_process_group(
            backend="nccl" if use_cuda else "gloo", timeout=timedelta(hours=2)
        )
    return DistContext(rank=rank, world=world, local_rank=local)


def shutdown(context: DistContext) -> None:
    if context.active and torch.distributed.is_initialized():
        torch.distributed.destroy_process_group()
