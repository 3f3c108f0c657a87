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


def test_plugins_load_from_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib.metadata import EntryPoint

    import rewardkit.registry as registry_module

    points = [
        EntryPoint("models.mathrm", "math:sqrt", registry_module.PLUGIN_GROUP),
        EntryPoint("executors.other", "math:floor", registry_module.PLUGIN_GROUP),
    ]
    monkeypatch.setattr(registry_module, "entry_points", lambda group: points)
    reg: Registry[object] = Registry("model scheme", check=callable, plugin_prefix="models")
    assert reg.names() == ["mathrm"]
    assert reg.get("mathrm") is import_object("math:sqrt")
