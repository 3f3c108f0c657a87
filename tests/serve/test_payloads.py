"""Request bodies: OpenRLHF's query split rule, explicit pairs, native items, one-line errors."""

from __future__ import annotations

from typing import Any

import pytest

from rewardkit.data import ChatMessage
from rewardkit.serve.payloads import (
    RequestError,
    parse_get_reward,
    parse_json,
    parse_score,
    split_query,
)


def test_openrlhf_query_with_prompts_keeps_the_response_after_the_prompt() -> None:
    # OpenRLHF >= 0.5.8 posts the chat-templated prompt and prompt + response as the query.
    prompt = "<|im_start|>user\nHi\n<|im_end|>\n<|im_start|>assistant\n"
    body = {"query": [prompt + "\n Hello!\nBye "], "prompts": [prompt], "labels": [None]}
    pairs = parse_get_reward(body, "\n")
    assert pairs.prompts == (prompt,)
    assert pairs.responses == ("\n Hello!\nBye ",)  # exactly what follows, whitespace too


def test_query_alone_is_cut_at_the_first_separator() -> None:
    pairs = parse_get_reward({"query": ["2+2?\n4\n(sure)", "q\n"]}, "\n")
    assert pairs.prompts == ("2+2?", "q")
    assert pairs.responses == ("4\n(sure)", "")
    assert split_query("q||a||b", None, "||", 0) == ("q", "a||b")


def test_explicit_pairs_win_and_accept_conversations() -> None:
    body = {
        "prompts": ["q", [{"role": "user", "content": "Hi"}]],
        "responses": ["a", "b"],
        "query": ["ignored"],
    }
    pairs = parse_get_reward(body, "\n")
    assert pairs.prompts == ("q", (ChatMessage("user", "Hi"),))
    assert pairs.responses == ("a", "b")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "query: missing field"),
        ({"query": "q\na"}, "query: expected a list of strings, got string"),
        ({"query": ["q\na", 3]}, "query[1]: expected a string, got number"),
        ({"query": ["no separator"]}, "query[0]: no separator '\\n' between prompt and response"),
        ({"query": ["abc"], "prompts": ["x"]}, "query[0]: does not start with prompts[0]"),
        ({"query": ["a\nb"], "prompts": ["a", "b"]}, "prompts: 2 prompts but 1 queries"),
        ({"prompts": ["q"], "responses": ["a", "b"]}, "prompts: 1 prompts but 2 responses"),
        ({"prompts": [[]], "responses": ["a"]}, "prompts[0]: expected text or a list"),
        (
            {"prompts": [[{"role": "user"}]], "responses": ["a"]},
            "prompts[0][0]: expected a message {role: string, content: string}",
        ),
    ],
)
def test_get_reward_errors_name_the_field(body: dict[str, Any], message: str) -> None:
    with pytest.raises(RequestError) as info:
        parse_get_reward(body, "\n")
    assert info.value.status == 422
    assert info.value.message.startswith(message)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"query": [', "malformed JSON: Expecting value at line 1 column 12"),
        (b"\xff\xfe", "malformed JSON"),
        (b"[1, 2]", "the body must be a JSON object, got list"),
        (b"", "malformed JSON: Expecting value at line 1 column 1"),
    ],
)
def test_malformed_json_is_400_with_one_line(raw: bytes, message: str) -> None:
    with pytest.raises(RequestError) as info:
        parse_json(raw)
    assert info.value.status == 400
    assert info.value.message.startswith(message)
    assert "\n" not in info.value.message


def test_score_items_in_native_layout() -> None:
    items = parse_score(
        {
            "items": [
                {"id": 7, "prompt": "q", "chosen": ["a", "b"], "rejected": "c"},
                {"prompt": [{"role": "user", "content": "Hi"}], "chosen": "x", "rejected": "y"},
            ]
        }
    )
    assert [it.id for it in items] == ["7", "1"]
    assert items[0].chosen == ("a", "b")
    assert items[0].rejected == ("c",)
    assert items[1].prompt == (ChatMessage("user", "Hi"),)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"items": {}}, "items: expected a list of items, got object"),
        ({"items": [3]}, "items[0]: expected an object, got number"),
        ({"items": [{"chosen": "a", "rejected": "b"}]}, "items[0].prompt: missing field"),
        ({"items": [{"prompt": "q", "chosen": [], "rejected": "b"}]}, "items[0].chosen: expected"),
        (
            {"items": [{"prompt": "q", "chosen": "a", "rejected": ["b", None]}]},
            "items[0].rejected[1]: expected a string, got null",
        ),
        ({"items": [{"id": True, "prompt": "q", "chosen": "a", "rejected": "b"}]}, "items[0].id"),
    ],
)
def test_score_errors_name_the_field(body: dict[str, Any], message: str) -> None:
    with pytest.raises(RequestError) as info:
        parse_score(body)
    assert info.value.status == 422
    assert info.value.message.startswith(message)
