"""The prompt set of a PPO run: rows with a ``prompt`` (text, or a list of
``{role, content}`` messages), in any format :func:`rewardkit.data.readers.read_rows` reads."""

from __future__ import annotations

from pathlib import Path

from rewardkit.data.fields import FieldReader
from rewardkit.data.readers import read_rows
from rewardkit.data.records import ChatMessage, Prompt
from rewardkit.errors import DataError

__all__ = ["read_prompts"]


def read_prompts(path: Path) -> list[Prompt]:
    """The prompts of ``path``; a bad row fails naming the file, row and field.

    Example:
        >>> import json, tempfile
        >>> p = Path(tempfile.mkdtemp()) / "p.jsonl"
        >>> rows = [{"prompt": "Hi"}, {"prompt": [{"role": "user", "content": "Yo"}]}]
        >>> _ = p.write_text("".join(json.dumps(r) + "\\n" for r in rows))
        >>> read_prompts(p)
        ['Hi', (ChatMessage(role='user', content='Yo'),)]
    """
    out: list[Prompt] = []
    for row in read_rows(path):
        f = FieldReader(row, path)
        value = row.get("prompt")
        if isinstance(value, list):
            out.append(_messages(f, value))
        else:
            out.append(f.text("prompt"))
    if not out:
        raise DataError("no prompts", path=path)
    return out


def _messages(f: FieldReader, value: list[object]) -> tuple[ChatMessage, ...]:
    if not value:
        raise f.error("prompt", "expected a non-empty list of {role, content} messages")
    messages = []
    for i, m in enumerate(value):
        if (
            not isinstance(m, dict)
            or not isinstance(m.get("role"), str)
            or not isinstance(m.get("content"), str)
        ):
            raise f.error(f"prompt[{i}]", "expected a message {role: str, content: str}")
        messages.append(ChatMessage(m["role"], m["content"]))
    return tuple(messages)
