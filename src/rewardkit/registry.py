"""One small generic registry shared by every extension point.

Entries are either objects or lazy ``"module:object"`` strings, resolved on first use. Third
parties add entries through the ``rewardkit.plugins`` entry-point group, whose entry names take
the form ``<registry>.<name>`` (for example ``models.myrm = "mypkg.rm:MyFactory"``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Generic, TypeVar

from rewardkit.errors import ConfigError

T = TypeVar("T")

PLUGIN_GROUP = "rewardkit.plugins"


def import_object(target: str) -> object:
    """Import ``"package.module:attr"`` (attr may be dotted).

    Example:
        >>> import_object("math:sqrt")(4.0)
        2.0
    """
    module_name, sep, attr = target.partition(":")
    if not sep or not module_name or not attr:
        raise ConfigError(f"expected 'module:object', got {target!r}")
    try:
        obj: object = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(f"cannot import module {module_name!r}: {exc}") from exc
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError as exc:
            raise ConfigError(f"module {module_name!r} has no attribute {attr!r}") from exc
    return obj


class Registry(Generic[T]):
    """A named collection of entries of one kind, with lazy imports and plugin discovery.

    Example:
        >>> reg: Registry[Callable[[], int]] = Registry("demo", check=callable)
        >>> reg.register("one", lambda: 1)
        >>> reg.get("one")()
        1
    """

    def __init__(
        self,
        kind: str,
        check: Callable[[object], bool] | None = None,
        *,
        plugin_prefix: str | None = None,
    ) -> None:
        self.kind = kind
        self.plugin_prefix = plugin_prefix or kind
        self._check = check
        self._entries: dict[str, T | str] = {}
        self._plugins_loaded = False

    def register(self, name: str, entry: T | str, *, replace: bool = False) -> None:
        if name in self._entries and not replace:
            raise ConfigError(f"{self.kind} {name!r} is already registered")
        self._entries[name] = entry

    def names(self) -> list[str]:
        self._load_plugins()
        return sorted(self._entries)

    def get(self, name: str) -> T:
        self._load_plugins()
        if name not in self._entries:
            available = ", ".join(self.names()) or "(none)"
            raise ConfigError(f"unknown {self.kind} {name!r}; available: {available}")
        entry = self._entries[name]
        if isinstance(entry, str):
            resolved = import_object(entry)
            if self._check is not None and not self._check(resolved):
                raise ConfigError(f"{self.kind} {name!r} ({entry}) has the wrong type")
            self._entries[name] = resolved  # type: ignore[assignment]
            return resolved  # type: ignore[return-value]
        return entry

    def _load_plugins(self) -> None:
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        prefix = f"{self.plugin_prefix}."
        for ep in entry_points(group=PLUGIN_GROUP):
            if ep.name.startswith(prefix):
                self._entries.setdefault(ep.name[len(prefix) :], ep.value)
