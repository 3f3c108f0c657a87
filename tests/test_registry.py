"""The generic registry: lazy entries, type checks and helpful errors."""

from __future__ import annotations

import pytest

from rewardkit.errors import ConfigError
from rewardkit.registry import Registry, import_object


def test_lazy_entry_is_resolved_and_checked() -> None:
    reg: Registry[object] = Registry("thing", check=callable)
    reg.register("sqrt", "math:sqrt")
    reg.register("pi", "math:pi")
    assert reg.get("sqrt") is import_object("math:sqrt")
    with pytest.raises(ConfigError, match=r"thing 'pi' .* has the wrong type"):
        reg.get("pi")
    with pytest.raises(ConfigError, match="unknown thing 'e'; available: pi, sqrt"):
        reg.get("e")
    with pytest.raises(ConfigError, match="already registered"):
        reg.register("sqrt", "math:floor")


def test_import_object_errors() -> None:
    with pytest.raises(ConfigError, match="expected 'module:object'"):
        import_object("math.sqrt")
    assert import_object("os.path:join.__name__") == "join"
