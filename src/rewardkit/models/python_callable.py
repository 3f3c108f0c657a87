"""``python:package.module:function``: any callable taking (prompts, responses)."""

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
        obj = import_object(target)
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
        except (TypeError, ValueError) as exc:
            raise ConfigError(
                f"python:{self.target} must return a sequence of numbers: {exc}"
            ) from exc
        return values

    def fingerprint(self) -> str:
        return f"python:{self.target}/{self._source_hash}"
