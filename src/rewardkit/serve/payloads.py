"""Request bodies of the server, validated into prompts, responses and items.

``POST /get_reward`` accepts, in this order of precedence:

1. ``{"prompts": [...], "responses": [...]}``: explicit pairs; a prompt is text or a list of
   ``{role, content}`` messages. Exact: the model sees what ``rewardkit eval`` would.
2. ``{"query": [...], "prompts": [...]}`` (OpenRLHF 0.5.8 and later): each query is its prompt
   followed by the response, so the response is what follows the prompt; a query that does not
   start with its prompt is refused. OpenRLHF's ``labels`` are ignored.
3. ``{"query": [...]}`` (older OpenRLHF): each query is cut at the first occurrence of the
   server's query separator (``--query-separator``, default a newline, as the ``http:`` adapter
   joins them): prompt before it, response after it. A query without it is refused.

``POST /score`` takes ``{"items": [...]}`` in rewardkit's native layout: ``prompt``, ``chosen``
and ``rejected`` (a string or a non-empty list of strings each), optional ``id``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rewardkit.data.records import ChatMessage, PreferenceItem, Prompt


class RequestError(Exception):
    """A request the server refuses: an HTTP status and one line saying why.

    Example:
        >>> str(RequestError(422, "query[0]: expected a string, got number"))
        'query[0]: expected a string, got number'
    """

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _invalid(where: str, message: str) -> RequestError:
    return RequestError(422, f"{where}: {message}")


def parse_json(raw: bytes) -> dict[str, Any]:
    """The JSON object of a request body; 400 for malformed JSON or anything but an object.

    Example:
        >>> parse_json(b'{"query": ["q a"]}')
        {'query': ['q a']}
        >>> parse_json(b'{"query": [')
        Traceback (most recent call last):
        ...
        rewardkit.serve.payloads.RequestError: malformed JSON: Expecting value at line 1 column 12
    """
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        detail = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        where = (
            f" at line {exc.lineno} column {exc.colno}"
            if isinstance(exc, json.JSONDecodeError)
            else ""
        )
        raise RequestError(400, f"malformed JSON: {detail}{where}") from None
    if not isinstance(body, dict):
        raise RequestError(400, f"the body must be a JSON object, got {_type_name(body)}")
    return body


def _string_list(body: dict[str, Any], field: str) -> list[str]:
    value = body.get(field)
    if not isinstance(value, list):
        raise _invalid(field, f"expected a list of strings, got {_type_name(value)}")
    for i, v in enumerate(value):
        if not isinstance(v, str):
            raise _invalid(f"{field}[{i}]", f"expected a string, got {_type_name(v)}")
    return value


def parse_prompt(value: Any, where: str) -> Prompt:
    """A prompt: text, or a non-empty list of ``{role, content}`` messages.

    Example:
        >>> parse_prompt([{"role": "user", "content": "Hi"}], "prompts[0]")
        (ChatMessage(role='user', content='Hi'),)
    """
    if isinstance(value, str):
        return value
    if not isinstance(value, list) or not value:
        raise _invalid(
            where, f"expected text or a list of {{role, content}} messages, got {_type_name(value)}"
        )
    messages = []
    for i, m in enumerate(value):
        if (
            not isinstance(m, dict)
            or not isinstance(m.get("role"), str)
            or not isinstance(m.get("content"), str)
        ):
            raise _invalid(f"{where}[{i}]", "expected a message {role: string, content: string}")
        messages.append(ChatMessage(m["role"], m["content"]))
    return tuple(messages)


@dataclass(frozen=True)
class Pairs:
    """Validated (prompt, response) inputs of one ``/get_reward`` request."""

    prompts: tuple[Prompt, ...]
    responses: tuple[str, ...]


def split_query(query: str, prompt: str | None, separator: str, index: int) -> tuple[str, str]:
    """(prompt, response) of one OpenRLHF query (the rule in this module's docstring).

    Example:
        >>> split_query("Q: 2+2?\\n4\\nsure", None, "\\n", 0)
        ('Q: 2+2?', '4\\nsure')
        >>> split_query("<user>hi</user>hello", "<user>hi</user>", "\\n", 0)
        ('<user>hi</user>', 'hello')
    """
    if prompt is not None:
        if not query.startswith(prompt):
            raise _invalid(f"query[{index}]", f"does not start with prompts[{index}]")
        return prompt, query[len(prompt) :]
    head, sep, tail = query.partition(separator)
    if not sep:
        raise _invalid(
            f"query[{index}]",
            f"no separator {separator!r} between prompt and response; send prompts with "
            "the queries (OpenRLHF does) or {prompts, responses}",
        )
    return head, tail


def parse_get_reward(body: dict[str, Any], separator: str) -> Pairs:
    """The inputs of a ``/get_reward`` body, in request order.

    Example:
        >>> parse_get_reward({"prompts": ["q"], "responses": ["a"]}, "\\n").responses
        ('a',)
        >>> parse_get_reward({"query": ["q\\na"], "labels": [None]}, "\\n").prompts
        ('q',)
    """
    if "responses" in body:
        responses = _string_list(body, "responses")
        prompts = body.get("prompts")
        if not isinstance(prompts, list):
            raise _invalid("prompts", f"expected a list, got {_type_name(prompts)}")
        if len(prompts) != len(responses):
            raise _invalid(
                "prompts", f"{len(prompts)} prompts but {len(responses)} responses (one each)"
            )
        return Pairs(
            tuple(parse_prompt(p, f"prompts[{i}]") for i, p in enumerate(prompts)),
            tuple(responses),
        )
    if "query" not in body:
        raise _invalid(
            "query",
            'missing field: send {"query": [...]} or {"prompts": [...], "responses": [...]}',
        )
    queries = _string_list(body, "query")
    given: Sequence[str | None] = [None] * len(queries)
    if body.get("prompts") is not None:
        given = _string_list(body, "prompts")
        if len(given) != len(queries):
            raise _invalid("prompts", f"{len(given)} prompts but {len(queries)} queries")
    split = [
        split_query(q, p, separator, i) for i, (q, p) in enumerate(zip(queries, given, strict=True))
    ]
    return Pairs(tuple(p for p, _ in split), tuple(r for _, r in split))


def _responses(row: dict[str, Any], field: str, where: str) -> tuple[str, ...]:
    value = row.get(field)
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values:
        raise _invalid(
            f"{where}.{field}",
            f"expected a string or a non-empty list of strings, got {_type_name(value)}",
        )
    for i, v in enumerate(values):
        if not isinstance(v, str):
            raise _invalid(f"{where}.{field}[{i}]", f"expected a string, got {_type_name(v)}")
    return tuple(values)


def parse_score(body: dict[str, Any]) -> tuple[PreferenceItem, ...]:
    """The items of a ``/score`` body.

    Example:
        >>> body = {"items": [{"prompt": "q", "chosen": "a", "rejected": ["b", "c"]}]}
        >>> item = parse_score(body)[0]
        >>> item.id, item.prompt, item.chosen, item.rejected
        ('0', 'q', ('a',), ('b', 'c'))
    """
    rows = body.get("items")
    if not isinstance(rows, list):
        raise _invalid("items", f"expected a list of items, got {_type_name(rows)}")
    items = []
    for i, row in enumerate(rows):
        where = f"items[{i}]"
        if not isinstance(row, dict):
            raise _invalid(where, f"expected an object, got {_type_name(row)}")
        item_id = row.get("id", str(i))
        if isinstance(item_id, bool) or not isinstance(item_id, (str, int)):
            raise _invalid(f"{where}.id", f"expected a string, got {_type_name(item_id)}")
        if "prompt" not in row:
            raise _invalid(f"{where}.prompt", "missing field")
        items.append(
            PreferenceItem(
                id=str(item_id),
                prompt=parse_prompt(row["prompt"], f"{where}.prompt"),
                chosen=_responses(row, "chosen", where),
                rejected=_responses(row, "rejected", where),
            )
        )
    return tuple(items)
