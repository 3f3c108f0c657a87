"""``builtin:NAME``: a trained model installed under the models home by name.

The home is ``$REWARDKIT_MODELS`` if set, else ``$XDG_CACHE_HOME/rewardkit/models``
(``~/.cache/rewardkit/models``). ``rewardkit demo`` installs its trained embedding RM (with
the calibrator fitted on the validation split) as ``builtin:demo``. An installed folder is an
``embed:`` or ``hf:`` model folder; the scheme is read from the files it holds.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from rewardkit.errors import ConfigError
from rewardkit.models.protocol import ItemScoringModel, RewardModel
from rewardkit.models.spec import ModelSpec

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_BUILT_BY = {"demo": "rewardkit demo"}
# Files a trained model folder needs at load time (training state stays behind).
_SKIP = {"checkpoint", "checkpoint.tmp", "checkpoint.old"}


def models_home() -> Path:
    explicit = os.environ.get("REWARDKIT_MODELS")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rewardkit" / "models"


def builtin_folder(name: str) -> Path:
    if not _NAME.match(name):
        raise ConfigError(f"builtin model name {name!r}: use letters, digits, '.', '_' or '-'")
    return models_home() / name


def folder_scheme(folder: Path) -> str:
    """``embed`` or ``hf`` from the files of a model folder."""
    if (folder / "embed_config.json").is_file():
        return "embed"
    if (folder / "config.json").is_file():
        return "hf"
    raise ConfigError(f"{folder}: neither an embed: nor an hf: model folder")


def install_builtin(name: str, source: Path) -> Path:
    """Copy a trained model folder (without its checkpoint) to ``builtin:NAME``; atomic."""
    target = builtin_folder(name)
    folder_scheme(source)
    tmp = target.with_name(target.name + ".installing")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(source, tmp, ignore=lambda _dir, names: [n for n in names if n in _SKIP])
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def resolve_builtin(name: str) -> str:
    """The ``embed:``/``hf:`` spec behind ``builtin:NAME``."""
    folder = builtin_folder(name)
    if not folder.is_dir():
        hint = f"; `{_BUILT_BY[name]}` builds and installs it" if name in _BUILT_BY else ""
        raise ConfigError(f"builtin:{name} is not installed in {models_home()}{hint}")
    return f"{folder_scheme(folder)}:{folder}"


def from_spec(spec: ModelSpec) -> RewardModel | ItemScoringModel:
    """The ``embed:`` or ``hf:`` model installed as ``builtin:NAME``, with the same options."""
    from rewardkit.models.registry import load_spec

    return load_spec(spec.retarget(resolve_builtin(spec.location)))
