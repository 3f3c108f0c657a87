"""``python:package.module:function``: any callable taking (prompts, responses).

**A python: spec runs code**: importing the module runs it, with your permissions. Typed on
the command line it runs as given; named inside a YAML model spec file (which may come from
someone else) it runs only with ``--allow-python`` (see
:func:`rewardkit.models.registry.resolve_spec`). A model that exits (``sys.exit``,
``SystemExit``) is an error of the model, never the end of the run with its exit status.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from rewardkit.data.records import Prompt
from rewardkit.errors import ConfigError
from rewardkit.registry import import_object


class PythonCallableModel:
    """Wraps ``fn(prompts, responses) -> sequence of floats`` as a RewardModel.

    The fingerprint includes a hash of the function's module source, so editing the function
    invalidates cached scores.
    """

    def __init__(self, target: str) -> None:
        try:
            obj = import_object(target)
        except SystemExit as exc:
            raise ConfigError(_exited(target, "importing it", exc)) from None
        if not callable(obj):
            raise ConfigError(f"python:{target} is not callable")
        self.target = target
        self._fn: Callable[[Sequence[Prompt], Sequence[str]], Any] = obj
        try:
            source = inspect.getsource(inspect.getmodule(obj) or obj)
        except (OSError, TypeError):
            source = ""
        self._source_hash = hashlib.sha256(source.encode()).hexdigest()[:16]

    def score(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> np.ndarray:
        try:
            values = np.asarray(self._fn(list(prompts), list(responses)), dtype=np.float64)
        except SystemExit as exc:
            # A model that exits (sys.exit, exit(), SystemExit) would end the run with its
            # status and no results; it is an error of the model instead.
            raise ConfigError(_exited(self.target, "scoring", exc)) from None
        except (TypeError, ValueError) as exc:
            raise ConfigError(
                f"python:{self.target} must return a sequence of numbers: {exc}"
            ) from exc
        return values

    def fingerprint(self) -> str:
        return f"python:{self.target}/{self._source_hash}"


def _exited(target: str, doing: str, exc: SystemExit) -> str:
    """The error of a python: model that raised SystemExit.

    Example:
        >>> _exited("m:f", "scoring", SystemExit(0))
        'python:m:f raised SystemExit(0) while scoring; a model must return scores, not exit'
    """
    return (
        f"python:{target} raised SystemExit({exc.code!r}) while {doing}; "
        "a model must return scores, not exit"
    )
