"""Shared pieces of the Hugging Face adapters: imports, safe loading, devices, fingerprints."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from rewardkit.data.records import ChatMessage, Prompt
from rewardkit.data.safe_json import load_json_file
from rewardkit.errors import ConfigError, DataError, MissingExtraError
from rewardkit.models.options import AdapterOptions, LocalOptions

PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")


def require_torch() -> Any:
    try:
        import torch
    except ImportError as exc:
        raise MissingExtraError("torch", "hf") from exc
    return torch


def require_transformers() -> Any:
    require_torch()
    try:
        import transformers
    except ImportError as exc:
        raise MissingExtraError("transformers", "hf") from exc
    hf_logging = transformers.utils.logging
    for quiet in ("set_verbosity_error", "disable_progress_bar"):
        getattr(hf_logging, quiet)()  # no weight-loading bars or notices mid-run
    return transformers


def resolve_device(options: LocalOptions) -> str:
    torch = require_torch()
    if options.device:
        return options.device
    return "cuda" if torch.cuda.is_available() else "cpu"


def torch_dtype(options: LocalOptions) -> Any:
    torch = require_torch()
    return {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}[
        options.dtype
    ]


def check_weights(path: str, options: LocalOptions) -> Path:
    """A local model folder whose weights are safetensors (pickle only with allow_pickle)."""
    folder = Path(path)
    if not folder.is_dir():
        raise ConfigError(
            f"{path}: not a local model folder (the hub is not reachable here; "
            "pass a folder written by save_pretrained)"
        )
    if not (folder / "config.json").exists():
        raise ConfigError(f"{path}: no config.json; not a Hugging Face model folder")
    safetensors = list(folder.glob("*.safetensors"))
    pickles = [p for p in folder.iterdir() if p.suffix in PICKLE_SUFFIXES]
    if not safetensors and pickles and not options.allow_pickle:
        raise ConfigError(
            f"{path}: weights are pickle files ({pickles[0].name}), which can run "
            "arbitrary code when loaded; convert them to safetensors or pass "
            "--allow-pickle if you trust the source"
        )
    if not safetensors and not pickles:
        raise ConfigError(f"{path}: no weight files (*.safetensors) found")
    if not options.trust_remote_code:
        remote = remote_code_files(folder)
        if remote:
            raise ConfigError(
                f"{path}: {remote[0]} has auto_map (the folder ships its own model code, which "
                "would run when loaded, or be silently replaced by the standard class of its "
                "model_type); pass --trust-remote-code if you trust the source"
            )
    return folder


def remote_code_files(folder: Path) -> list[str]:
    """The config files of a model folder that declare ``auto_map`` (custom code).

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "config.json").write_text('{"model_type": "llama", "auto_map": {}}')
        >>> remote_code_files(d)
        ['config.json']
    """
    found = []
    for name in ("config.json", "tokenizer_config.json"):
        path = folder / name
        if not path.is_file():
            continue
        try:
            doc = load_json_file(path, surrogates="replace", what=name)
        except DataError as exc:
            raise ConfigError(str(exc)) from None
        if isinstance(doc, dict) and "auto_map" in doc:
            found.append(name)
    return found


@lru_cache(maxsize=64)
def _file_sha256(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def folder_fingerprint(folder: Path) -> str:
    """sha256 over config, tokenizer and weight files of a model folder."""
    h = hashlib.sha256()
    for f in sorted(p for p in folder.iterdir() if p.is_file()):
        if f.suffix in {
            ".json",
            ".safetensors",
            ".txt",
            ".model",
            ".jinja",
            ".py",
            *PICKLE_SUFFIXES,
        }:
            stat = f.stat()
            h.update(f.name.encode() + b"\x00")
            h.update(_file_sha256(str(f), stat.st_size, stat.st_mtime_ns).encode())
    return h.hexdigest()[:24]


def options_fingerprint(options: AdapterOptions, keys: tuple[str, ...]) -> str:
    return json.dumps({k: getattr(options, k) for k in keys}, sort_keys=True)


def as_messages(prompt: Prompt) -> list[dict[str, str]]:
    if isinstance(prompt, str):
        return [{"role": "user", "content": prompt}]
    return [{"role": m.role, "content": m.content} for m in prompt]


def prompt_as_text(prompt: Prompt) -> str:
    if isinstance(prompt, str):
        return prompt
    return "\n\n".join(f"{_speaker(m)}: {m.content}" for m in prompt)


def _speaker(message: ChatMessage) -> str:
    return {"user": "Human", "assistant": "Assistant"}.get(message.role, message.role.title())


def single_bos(ids: list[int], tokenizer: Any) -> list[int]:
    """Exactly one leading BOS when the tokenizer uses one: add it if missing, drop doubles.

    Example:
        >>> class T: bos_token_id = 1; add_bos = True
        >>> single_bos([1, 1, 5], T()), single_bos([5], T())
        ([1, 5], [1, 5])
    """
    bos = getattr(tokenizer, "bos_token_id", None)
    if bos is None:
        return ids
    while len(ids) >= 2 and ids[0] == bos and ids[1] == bos:
        ids = ids[1:]
    if uses_bos(tokenizer) and (not ids or ids[0] != bos):
        ids = [bos, *ids]
    return ids


def uses_bos(tokenizer: Any) -> bool:
    """Whether the tokenizer itself starts sequences with BOS (probed once)."""
    cached = getattr(tokenizer, "add_bos", None)
    if isinstance(cached, bool):
        return cached
    bos = getattr(tokenizer, "bos_token_id", None)
    probe = tokenizer("a", add_special_tokens=True)["input_ids"]
    return bool(bos is not None and probe and probe[0] == bos)


def load_pretrained(loader: Any, folder: str, **kwargs: Any) -> Any:
    """``loader.from_pretrained(folder, ...)`` with load failures as one clear ConfigError."""
    from safetensors import SafetensorError

    try:
        return loader.from_pretrained(folder, **kwargs)
    except (OSError, ValueError, KeyError, TypeError, SafetensorError, RuntimeError) as exc:
        # RuntimeError and SafetensorError: truncated or corrupt weight files.
        name = getattr(loader, "__name__", "model")
        detail = " ".join(str(exc).split())[:300]
        raise ConfigError(f"{folder}: cannot load with {name}: {detail}") from exc
