"""Exceptions that the CLI turns into one clear line and a non-zero exit (no traceback)."""

from __future__ import annotations

from pathlib import Path


class RewardkitError(Exception):
    """Base class for errors caused by user input or configuration, not by a bug."""


class DataError(RewardkitError):
    """Invalid input data, located by file, row (1-based) and field where known.

    Example:
        >>> str(DataError("empty response", path="a.jsonl", row=3, field="chosen"))
        "a.jsonl: row 3: field 'chosen': empty response"
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.row = row
        self.field = field
        super().__init__(self._render())

    def _render(self) -> str:
        parts: list[str] = []
        if self.path is not None:
            parts.append(self.path)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field is not None:
            parts.append(f"field {self.field!r}")
        parts.append(self.message)
        return ": ".join(parts)


class ConfigError(RewardkitError):
    """An invalid option, model spec or configuration value."""


class MissingExtraError(RewardkitError):
    """An optional dependency is missing; the message carries the exact install command."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(
            f"this feature needs the optional dependency {package!r}: "
            f"pip install 'rewardkit[{extra}]'"
        )
