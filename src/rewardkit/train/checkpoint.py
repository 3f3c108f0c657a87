"""Resumable training checkpoints in safetensors: trainable weights, optimizer and scheduler
state, the torch RNG (CPU, and CUDA when in use), and a JSON sidecar with the position (epoch,
batch) and the best metric.

A checkpoint is written to a temporary folder and renamed into place, so a run killed while
saving leaves the previous checkpoint intact.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from rewardkit.data.safe_json import load_json_file
from rewardkit.errors import ConfigError, DataError

WEIGHTS = "trainable.safetensors"
OPTIMIZER = "optimizer.safetensors"
STATE = "state.json"


@dataclass
class LoopState:
    """Where the loop is; saved with every checkpoint."""

    epoch: int = 0  # epochs completed
    batch: int = 0  # batches completed within the current epoch
    step: int = 0  # optimizer steps
    best_metric: float | None = None
    best_epoch: int | None = None
    bad_epochs: int = 0
    loss_sum: float = 0.0  # training loss of the current epoch's completed batches
    loss_count: int = 0
    grad_norm_sum: float = 0.0  # pre-clipping gradient norms of the epoch's optimizer steps
    grad_norm_count: int = 0
    skipped_steps: int = 0  # optimizer steps skipped for a non-finite gradient
    history: list[dict[str, Any]] = field(default_factory=list)


def capture_rng() -> dict[str, torch.Tensor]:
    """The torch generators' state (CPU, and CUDA when it is in use: dropout on a GPU draws
    from the CUDA generators; never initialise CUDA just for this)."""
    state = {"__torch_rng__": torch.get_rng_state()}
    if torch.cuda.is_initialized():  # type: ignore[no-untyped-call]
        for i, rng in enumerate(torch.cuda.get_rng_state_all()):
            state[f"__cuda_rng_{i:04d}__"] = rng
    return state


def trainable_state(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {
        name: p.detach().to("cpu").contiguous()
        for name, p in module.named_parameters()
        if p.requires_grad
    }


def _flatten_optimizer(state: dict[str, Any]) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    tensors: dict[str, torch.Tensor] = {}
    scalars: dict[str, dict[str, Any]] = {}
    for idx, entry in state["state"].items():
        for key, value in entry.items():
            if isinstance(value, torch.Tensor):
                tensors[f"{idx}.{key}"] = value.detach().to("cpu").contiguous()
            else:
                scalars.setdefault(str(idx), {})[key] = value
    return tensors, {"param_groups": state["param_groups"], "scalars": scalars}


def _unflatten_optimizer(tensors: dict[str, torch.Tensor], meta: dict[str, Any]) -> dict[str, Any]:
    state: dict[int, dict[str, Any]] = {}
    for key, value in tensors.items():
        idx, _, name = key.partition(".")
        state.setdefault(int(idx), {})[name] = value
    for idx, values in meta["scalars"].items():
        state.setdefault(int(idx), {}).update(values)
    return {"state": state, "param_groups": meta["param_groups"]}


def save_checkpoint(
    folder: Path,
    module: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: Any,
    loop: LoopState,
    fingerprint: dict[str, str],
    rng: dict[str, torch.Tensor] | None = None,
) -> None:
    """Write the checkpoint; ``rng`` is the generators' state to resume with (default: now)."""
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    save_file(trainable_state(module), str(tmp / WEIGHTS))
    opt_tensors, opt_meta = _flatten_optimizer(optimizer.state_dict())
    opt_tensors.update(rng if rng is not None else capture_rng())
    save_file(opt_tensors, str(tmp / OPTIMIZER))
    meta = {
        "loop": asdict(loop),
        "optimizer": opt_meta,
        "scheduler": scheduler.state_dict() if scheduler is not None else None,
        "fingerprint": fingerprint,
    }
    (tmp / STATE).write_text(json.dumps(meta, indent=1, default=float) + "\n")
    old = folder.with_name(folder.name + ".old")
    if folder.exists():  # else keep .old: it may be the only checkpoint (after a resume)
        shutil.rmtree(old, ignore_errors=True)
        folder.rename(old)
    tmp.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def find_checkpoint(folder: Path) -> Path | None:
    """``folder``, or the ``.old`` copy a run killed between the two renames of
    :func:`save_checkpoint` leaves behind; None when there is no checkpoint."""
    for candidate in (folder, folder.with_name(folder.name + ".old")):
        if (candidate / STATE).is_file():
            return candidate
    return None


def load_checkpoint(
    folder: Path,
    module: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: Any,
    fingerprint: dict[str, str],
) -> LoopState:
    """Restore a checkpoint into ``module``/``optimizer``/``scheduler``; refuses one written
    for different data or hyperparameters (the fingerprint says which), and a damaged one
    (truncated files, missing entries) in one line."""
    from safetensors import SafetensorError

    try:
        return _load(folder, module, optimizer, scheduler, fingerprint)
    except ConfigError:
        raise
    except (DataError, KeyError, TypeError, ValueError, RuntimeError, OSError) as exc:
        reason = exc.message if isinstance(exc, DataError) else f"{type(exc).__name__}: {exc}"
        raise ConfigError(
            f"{folder}: a damaged checkpoint ({' '.join(reason.split())[:200]}); "
            "use --overwrite to start afresh"
        ) from exc
    except SafetensorError as exc:
        raise ConfigError(
            f"{folder}: a damaged checkpoint (unreadable weights: {exc}); use --overwrite to "
            "start afresh"
        ) from exc


def _load(
    folder: Path,
    module: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: Any,
    fingerprint: dict[str, str],
) -> LoopState:
    meta = load_json_file(folder / STATE, surrogates="reject", what=STATE)
    saved = meta["fingerprint"]
    changed = sorted(k for k in set(saved) | set(fingerprint) if saved.get(k) != fingerprint.get(k))
    if changed:
        raise ConfigError(
            f"{folder}: the checkpoint was written for different {', '.join(changed)}; "
            "use a new --out or --overwrite to start afresh"
        )
    weights = load_file(str(folder / WEIGHTS))
    params = dict(module.named_parameters())
    with torch.no_grad():
        for name, value in weights.items():
            params[name].copy_(value.to(params[name].device, params[name].dtype))
    tensors = load_file(str(folder / OPTIMIZER))
    torch.set_rng_state(tensors.pop("__torch_rng__"))
    cuda_rng = [tensors.pop(k) for k in sorted(tensors) if k.startswith("__cuda_rng_")]
    if cuda_rng and torch.cuda.is_available() and len(cuda_rng) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(cuda_rng)
    optimizer.load_state_dict(_unflatten_optimizer(tensors, meta["optimizer"]))
    if scheduler is not None and meta["scheduler"] is not None:
        scheduler.load_state_dict(meta["scheduler"])
    return LoopState(**meta["loop"])
