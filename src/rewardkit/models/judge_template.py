"""Prompt templates of the LLM judge: YAML files users can copy and replace.

A template holds a ``system`` and a ``user`` message with ``$placeholders``
(:class:`string.Template`: ``$$`` is a literal dollar), a ``repair`` message sent once after
an answer without a readable verdict, and, for the absolute mode, one ``rubrics`` entry per
criterion. Its hash (of the file's bytes) is part of the response cache key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

import yaml

from rewardkit.errors import ConfigError
from rewardkit.models.judge_options import JudgeMode

__all__ = ["PLACEHOLDERS", "JudgeTemplate", "load_template", "shipped_template"]

#: The placeholders each mode's ``user`` message must use (and the only ones it may use).
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "pairwise": frozenset({"prompt", "response_a", "response_b"}),
    "absolute": frozenset({"prompt", "response", "criterion", "rubric"}),
}
_OPTIONAL = {"pairwise": frozenset[str](), "absolute": frozenset({"criterion"})}
_KEYS = frozenset({"name", "system", "user", "repair", "rubrics"})


@dataclass(frozen=True)
class JudgeTemplate:
    """A validated template; ``digest`` is the sha256 of the file it came from.

    Example:
        >>> t = shipped_template("pairwise")
        >>> [m["role"] for m in t.messages(prompt="2+2?", response_a="4", response_b="5")]
        ['system', 'user']
    """

    mode: JudgeMode
    name: str
    system: str
    user: str
    repair: str
    rubrics: tuple[tuple[str, str], ...]
    digest: str
    source: str

    def rubric(self, criterion: str) -> str:
        """The rubric text of ``criterion``; an unknown one lists those the template has."""
        found = dict(self.rubrics)
        if criterion not in found:
            raise ConfigError(
                f"judge template {self.source}: no rubric for criterion {criterion!r}; it has "
                f"{', '.join(found) or 'none'} (add one under 'rubrics:')"
            )
        return found[criterion]

    def messages(self, **values: str) -> list[dict[str, str]]:
        """The chat messages of one question: ``system`` (when not empty), then ``user``."""
        user = Template(self.user).substitute(values)
        out = [{"role": "system", "content": self.system}] if self.system.strip() else []
        out.append({"role": "user", "content": user})
        return out


def shipped_template(mode: JudgeMode) -> JudgeTemplate:
    """The template rewardkit ships for ``mode`` (``judge_templates/<mode>.yaml``)."""
    ref = resources.files("rewardkit.models").joinpath("judge_templates", f"{mode}.yaml")
    return _parse(ref.read_bytes(), mode, f"shipped {mode}.yaml")


def load_template(path: str | Path | None, mode: JudgeMode) -> JudgeTemplate:
    """The template at ``path`` (the shipped one when None), validated for ``mode``.

    Raises:
        ConfigError: The file is unreadable, not a mapping of the known keys, or its ``user``
            message misses a placeholder of the mode or uses an unknown one.
    """
    if path is None:
        return shipped_template(mode)
    p = Path(path).expanduser()
    if not p.is_file():
        raise ConfigError(f"judge template {p}: no such file")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ConfigError(f"judge template {p}: cannot read it ({exc.strerror})") from exc
    return _parse(raw, mode, str(p))


def _text(doc: dict[str, Any], key: str, source: str, required: bool = True) -> str:
    value = doc.get(key, "" if not required else None)
    if not isinstance(value, str) or (required and not value.strip()):
        raise ConfigError(f"judge template {source}: '{key}' must be a non-empty text")
    return value


def _check_placeholders(text: str, allowed: frozenset[str], key: str, source: str) -> set[str]:
    template = Template(text)
    if not template.is_valid():
        raise ConfigError(
            f"judge template {source}: '{key}' has a '$' that starts no placeholder (write $$ "
            "for a literal dollar)"
        )
    used = set(template.get_identifiers())
    unknown = used - allowed
    if unknown:
        raise ConfigError(
            f"judge template {source}: '{key}' uses unknown placeholder(s) "
            f"{', '.join('$' + u for u in sorted(unknown))}; available: "
            f"{', '.join('$' + a for a in sorted(allowed))}"
        )
    return used


def _parse(raw: bytes, mode: JudgeMode, source: str) -> JudgeTemplate:
    try:
        doc = yaml.safe_load(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"judge template {source}: not valid YAML ({exc})") from exc
    if not isinstance(doc, dict):
        raise ConfigError(f"judge template {source}: expected a mapping (system, user, repair)")
    extra = set(doc) - _KEYS
    if extra:
        raise ConfigError(
            f"judge template {source}: unknown key(s) {', '.join(sorted(map(str, extra)))}; "
            f"expected {', '.join(sorted(_KEYS))}"
        )
    system = _text(doc, "system", source, required=False)
    user = _text(doc, "user", source)
    repair = _text(doc, "repair", source)
    needed = PLACEHOLDERS[mode]
    used = _check_placeholders(user, needed, "user", source)
    missing = needed - _OPTIONAL[mode] - used
    if missing:
        raise ConfigError(
            f"judge template {source}: the {mode} 'user' message must use "
            f"{', '.join('$' + m for m in sorted(missing))}"
        )
    _check_placeholders(system, frozenset(), "system", source)
    _check_placeholders(repair, frozenset(), "repair", source)
    rubrics = doc.get("rubrics") or {}
    if not isinstance(rubrics, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in rubrics.items()
    ):
        raise ConfigError(f"judge template {source}: 'rubrics' must map criteria to texts")
    if mode == "absolute" and not rubrics:
        raise ConfigError(f"judge template {source}: an absolute template needs 'rubrics'")
    return JudgeTemplate(
        mode=mode,
        name=str(doc.get("name") or mode),
        system=Template(system).substitute(),
        user=user,
        repair=Template(repair).substitute(),
        rubrics=tuple((k, v) for k, v in rubrics.items()),
        digest=hashlib.sha256(raw).hexdigest(),
        source=source,
    )
