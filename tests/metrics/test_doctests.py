"""Run the docstring examples of every ``rewardkit.metrics`` module."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import rewardkit.metrics

MODULES = sorted(
    m.name for m in pkgutil.iter_modules(rewardkit.metrics.__path__, "rewardkit.metrics.")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    if not name.endswith("._ranks"):
        assert result.attempted > 0, f"{name} has no docstring example"
