"""TRL's prompts and completions (text, or lists of ``{role, content}`` messages) as rewardkit
(prompt, response) pairs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rewardkit.data.records import ChatMessage, Prompt
from rewardkit.errors import DataError

__all__ = ["to_rewardkit_inputs"]

Message = Mapping[str, Any]


def _content(message: object, where: str, row: int) -> str:
    if not isinstance(message, Mapping):
        raise DataError(
            f"expected a {{role, content}} message, got {type(message).__name__}",
            row=row,
            field=where,
        )
    content = message.get("content")
    if content is None:  # e.g. an assistant turn that only calls a tool
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # multimodal parts: keep the text ones
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, Mapping))
    raise DataError(
        f"message content must be text or a list of parts, got {type(content).__name__}",
        row=row,
        field=where,
    )


def _messages(messages: Sequence[object], where: str, row: int) -> tuple[ChatMessage, ...]:
    out = []
    for m in messages:
        text = _content(m, where, row)
        assert isinstance(m, Mapping)
        out.append(ChatMessage(str(m.get("role", "user")), text))
    return tuple(out)


def to_rewardkit_inputs(
    prompts: Sequence[object], completions: Sequence[object]
) -> tuple[list[Prompt], list[str]]:
    """TRL's prompts and completions as rewardkit (prompt, response) pairs.

    Text stays text. A conversational completion's last message is the response; the prompt's
    messages and any earlier completion messages (tool calls and results) are its context.
    ``row`` in an error is 1-based.

    Example:
        >>> to_rewardkit_inputs(
        ...     [[{"role": "user", "content": "Hi"}]],
        ...     [[{"role": "assistant", "content": "Hello"}]],
        ... )
        ([(ChatMessage(role='user', content='Hi'),)], ['Hello'])
    """
    if len(prompts) != len(completions):
        raise DataError(f"{len(prompts)} prompts but {len(completions)} completions")
    out_prompts: list[Prompt] = []
    out_responses: list[str] = []
    for i, (prompt, completion) in enumerate(zip(prompts, completions, strict=True), start=1):
        if isinstance(completion, str):
            response = completion
            context: tuple[ChatMessage, ...] = ()
        elif isinstance(completion, Sequence) and completion:
            response = _content(completion[-1], "completions", i)
            context = _messages(completion[:-1], "completions", i)
        else:
            raise DataError(
                "a completion must be text or a non-empty list of messages, got "
                f"{type(completion).__name__ if completion is not None else 'None'}",
                row=i,
                field="completions",
            )
        if isinstance(prompt, str) and not context:
            out_prompts.append(prompt)
        elif isinstance(prompt, str):
            out_prompts.append((ChatMessage("user", prompt), *context))
        elif isinstance(prompt, Sequence):
            out_prompts.append(_messages(prompt, "prompts", i) + context)
        else:
            raise DataError(
                f"a prompt must be text or a list of messages, got {type(prompt).__name__}",
                row=i,
                field="prompts",
            )
        out_responses.append(response)
    return out_prompts, out_responses
