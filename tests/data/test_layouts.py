"""Layout detection and conversion, validation messages and the skip report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rewardkit.data import ChatMessage, load_preferences, split_hh_transcripts
from rewardkit.errors import DataError

MakeJsonl = Callable[..., Path]


def test_rewardbench_v1(jsonl: MakeJsonl) -> None:
    path = jsonl(
        [
            {
                "id": 7,
                "prompt": "p",
                "chosen": "good",
                "rejected": "bad",
                "subset": "alpacaeval-easy",
                "chosen_model": "m1",
                "rejected_model": "m2",
            }
        ]
    )
    result = load_preferences(path)
    item = result.items[0]
    assert result.report.layout == "rewardbench"
    assert (item.id, item.prompt, item.chosen, item.rejected) == ("7", "p", ("good",), ("bad",))
    assert (item.subset, item.chosen_model, item.rejected_model) == ("alpacaeval-easy", "m1", "m2")


def test_rewardbench_v2_lists(jsonl: MakeJsonl) -> None:
    path = jsonl(
        [
            {
                "id": "r2",
                "prompt": "p",
                "chosen": ["c"],
                "rejected": ["r1", "r2", "r3"],
                "subset": "Focus",
                "num_correct": 1,
            }
        ]
    )
    item = load_preferences(path).items[0]
    assert item.chosen == ("c",)
    assert item.rejected == ("r1", "r2", "r3")
    assert item.responses == ("c", "r1", "r2", "r3")


def test_trl_implicit_prompt(jsonl: MakeJsonl) -> None:
    user = {"role": "user", "content": "Is the sky blue?"}
    path = jsonl(
        [
            {
                "chosen": [user, {"role": "assistant", "content": "Yes, by scattering."}],
                "rejected": [user, {"role": "assistant", "content": "No."}],
            }
        ]
    )
    result = load_preferences(path)
    assert result.report.layout == "trl"
    item = result.items[0]
    assert item.prompt == (ChatMessage("user", "Is the sky blue?"),)
    assert (item.chosen, item.rejected) == (("Yes, by scattering.",), ("No.",))


def test_trl_explicit_prompt_keeps_shared_turns(jsonl: MakeJsonl) -> None:
    turns = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    path = jsonl(
        [
            {
                "prompt": "What next?",
                "chosen": [*turns, {"role": "assistant", "content": "Good."}],
                "rejected": [*turns, {"role": "assistant", "content": "Bad."}],
            }
        ]
    )
    item = load_preferences(path).items[0]
    assert item.prompt == (
        ChatMessage("user", "What next?"),
        ChatMessage("user", "hi"),
        ChatMessage("assistant", "hello"),
    )
    other = [{"role": "user", "content": "bye"}, {"role": "assistant", "content": "Bad."}]
    bad = jsonl(
        [
            {
                "prompt": "p",
                "chosen": [*turns, {"role": "assistant", "content": "x"}],
                "rejected": other,
            }
        ],
        name="bad.jsonl",
    )
    with pytest.raises(DataError, match="differ before their final assistant turn"):
        load_preferences(bad)


def test_trl_explicit_prompt(jsonl: MakeJsonl) -> None:
    path = jsonl(
        [
            {
                "prompt": [{"role": "user", "content": "Hi"}],
                "chosen": [{"role": "assistant", "content": "Hello!"}],
                "rejected": [{"role": "assistant", "content": "Go away."}],
            }
        ]
    )
    item = load_preferences(path).items[0]
    assert item.prompt == (ChatMessage("user", "Hi"),)
    assert item.chosen == ("Hello!",)


def test_trl_implicit_prompt_must_match(jsonl: MakeJsonl) -> None:
    path = jsonl(
        [
            {
                "chosen": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "x"}],
                "rejected": [
                    {"role": "user", "content": "b"},
                    {"role": "assistant", "content": "y"},
                ],
            }
        ]
    )
    with pytest.raises(
        DataError, match="row 1: field 'rejected': chosen and rejected conversations differ"
    ):
        load_preferences(path)


def test_hh_rlhf_transcripts(jsonl: MakeJsonl) -> None:
    prefix = "\n\nHuman: How do I bake bread?\n\nAssistant: Which kind?\n\nHuman: Sourdough"
    path = jsonl(
        [
            {
                "chosen": prefix + "\n\nAssistant: Start with a starter.",
                "rejected": prefix + "\n\nAssistant: Buy some.",
            }
        ]
    )
    result = load_preferences(path)
    assert result.report.layout == "hh-rlhf"
    item = result.items[0]
    assert item.prompt == (
        ChatMessage("user", "How do I bake bread?"),
        ChatMessage("assistant", "Which kind?"),
        ChatMessage("user", "Sourdough"),
    )
    assert (item.chosen, item.rejected) == (("Start with a starter.",), ("Buy some.",))


def test_hh_prompt_is_longest_common_prefix_up_to_last_assistant() -> None:
    # The chosen response runs on into a further (unmarked) human turn, as in real HH data.
    chosen = "\n\nHuman: q\n\nAssistant: a1\n\nHuman: q2\n\nAssistant: fine.  Human: more?"
    rejected = "\n\nHuman: q\n\nAssistant: a1\n\nHuman: q2\n\nAssistant: no"
    assert split_hh_transcripts(chosen, rejected) == (
        "\n\nHuman: q\n\nAssistant: a1\n\nHuman: q2",
        "fine.  Human: more?",
        "no",
    )
    assert split_hh_transcripts("Human: a", "Human: b") is None


def test_hh_transcripts_diverging_early_are_invalid(jsonl: MakeJsonl) -> None:
    # Diverging before the last assistant turn would make a multi-turn "response".
    path = jsonl(
        [
            {
                "chosen": "\n\nHuman: q\n\nAssistant: a\n\nHuman: x\n\nAssistant: y",
                "rejected": "\n\nHuman: q\n\nAssistant: b",
            }
        ]
    )
    with pytest.raises(DataError, match="field 'chosen': chosen and rejected transcripts diverge"):
        load_preferences(path)


def test_judgebench_labels(jsonl: MakeJsonl) -> None:
    base = {
        "question": "q",
        "response_A": "A text",
        "response_B": "B text",
        "source": "mmlu-pro-law",
        "response_model": "gpt",
    }
    path = jsonl(
        [{**base, "pair_id": "1", "label": "A>B"}, {**base, "pair_id": "2", "label": "B>A"}]
    )
    result = load_preferences(path)
    assert result.report.layout == "judgebench"
    first, second = result.items
    assert (first.chosen, first.rejected) == (("A text",), ("B text",))
    assert (second.chosen, second.rejected) == (("B text",), ("A text",))
    assert (first.subset, first.domain, first.chosen_model) == ("mmlu-pro-law", "mmlu", "gpt")
    tie = load_preferences(jsonl([{**base, "label": "A=B"}], name="tie.jsonl")).items[0]
    assert tie.tie
    bad = jsonl([{**base, "label": "A?B"}], name="bad.jsonl")
    with pytest.raises(DataError, match="field 'label': expected 'A>B'"):
        load_preferences(bad)


def test_human_scores(jsonl: MakeJsonl) -> None:
    path = jsonl(
        [
            {
                "prompt": "p",
                "chosen": "a",
                "rejected": ["b", "c"],
                "chosen_scores": [4.0],
                "rejected_scores": [2, 1],
            }
        ]
    )
    assert load_preferences(path).items[0].human_scores == (4.0, 2.0, 1.0)
    bad = jsonl(
        [
            {
                "prompt": "p",
                "chosen": "a",
                "rejected": ["b", "c"],
                "chosen_scores": [4.0],
                "rejected_scores": [2],
            }
        ],
        name="bad.jsonl",
    )
    with pytest.raises(DataError, match="field 'rejected_scores': expected 2 score"):
        load_preferences(bad)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"prompt": "p", "chosen": "a"}, "row 1: field 'rejected': missing field"),
        (
            {"prompt": "p", "chosen": 3, "rejected": "b"},
            "row 1: field 'chosen': expected a string or a list of strings, got number",
        ),
        (
            {"prompt": "p", "chosen": ["a", 2], "rejected": "b"},
            "row 1: field 'chosen[1]': expected a string, got number",
        ),
        (
            {"prompt": "p", "chosen": "a", "rejected": ["b", None]},
            "row 1: field 'rejected[1]': expected a string, got null",
        ),
        (
            {"prompt": 5, "chosen": "a", "rejected": "b"},
            "row 1: field 'prompt': expected a string, got number",
        ),
        (
            {"prompt": "p", "chosen": "a", "rejected": "b", "tie": "maybe"},
            "row 1: field 'tie': expected true or false",
        ),
        (
            {"prompt": "p", "chosen": "a", "rejected": "b", "margin": "big"},
            "row 1: field 'margin': expected a number",
        ),
        ({"text": "hello"}, "unrecognised layout"),
    ],
)
def test_bad_rows_name_file_row_and_field(
    jsonl: MakeJsonl, row: dict[str, object], message: str
) -> None:
    path = jsonl([row])
    with pytest.raises(DataError) as info:
        load_preferences(path)
    assert message in str(info.value)
    assert str(info.value).startswith(str(path))


def test_skip_invalid_counts_every_skipped_row(jsonl: MakeJsonl) -> None:
    good = {"prompt": "p", "chosen": "a", "rejected": "b"}
    path = jsonl(
        [
            {**good, "id": "1"},
            {"id": "2", "prompt": "p", "chosen": "a"},
            {**good, "id": "3", "rejected": []},
            {**good, "id": "1"},
            {**good, "id": "5"},
        ]
    )
    with pytest.raises(DataError, match="row 2: field 'rejected': missing field"):
        load_preferences(path)
    result = load_preferences(path, skip_invalid=True)
    assert [it.id for it in result.items] == ["1", "5"]
    assert [(s.row, s.field) for s in result.report.skipped] == [
        (2, "rejected"),
        (3, "rejected"),
        (4, "id"),
    ]
    assert result.report.skipped_by_reason == {
        "duplicate id '1' (first seen on row 1)": 1,
        "empty list of responses": 1,
        "missing field": 1,
    }
    assert result.report.n_rows == 5
    assert any("3 invalid row(s) skipped" in w for w in result.report.warnings)


def test_identical_chosen_and_rejected_is_a_counted_warning(jsonl: MakeJsonl) -> None:
    path = jsonl(
        [
            {"prompt": "p", "chosen": "same", "rejected": "same"},
            {"prompt": "p", "chosen": "a", "rejected": "b"},
            {"prompt": "q", "chosen": "x", "rejected": "x"},
        ]
    )
    result = load_preferences(path)
    assert result.report.n_items == 3
    assert result.report.identical_pairs == 2
    assert result.report.warnings == (
        "2 item(s) have a chosen response identical to a rejected one; a model can only tie "
        "on them",
    )


def test_unknown_forced_layout(jsonl: MakeJsonl) -> None:
    with pytest.raises(DataError, match="unknown layout 'xyz'; available: rewardbench"):
        load_preferences(jsonl([{"prompt": "p", "chosen": "a", "rejected": "b"}]), layout="xyz")


def test_pandalm_majority_and_ties(jsonl: MakeJsonl) -> None:
    base = {
        "instruction": "Shorten this.",
        "input": "A long sentence.",
        "response1": "one",
        "response2": "two",
        "motivation_app": "Grammarly",
        "cmp_key": "a_b",
    }
    path = jsonl(
        [
            {**base, "idx": 1, "annotator1": 2, "annotator2": 2, "annotator3": 1},
            {**base, "idx": 2, "annotator1": 0, "annotator2": 0, "annotator3": 1},
            {**base, "idx": 3, "annotator1": 0, "annotator2": 1, "annotator3": 2},
            {**base, "idx": 4, "annotator1": 1, "annotator2": 1, "annotator3": 1},
        ]
    )
    result = load_preferences(path)
    assert result.report.layout == "pandalm"
    first, second, third, fourth = result.items
    assert (first.chosen, first.rejected, first.tie) == (("two",), ("one",), False)
    assert second.tie
    assert third.tie  # no two annotators agree
    assert (fourth.chosen, fourth.tie) == (("one",), False)
    assert first.prompt == "Shorten this.\n\nA long sentence."
    assert first.subset == "Grammarly"


def test_rmb_best_of_n(jsonl: MakeJsonl) -> None:
    path = jsonl(
        [
            {
                "bon_uid": "7",
                "conversation_input": [{"role": "user", "content": "hi"}],
                "bon_best": {"llm_name": "m1", "answer": "best"},
                "loser_list": [
                    {"llm_name": "m2", "answer": "worse"},
                    {"llm_name": "m3", "answer": "worst"},
                ],
                "category_path": "BoN_set/Helpfulness/Chat/Casual Conversation",
            }
        ]
    )
    result = load_preferences(path)
    item = result.items[0]
    assert result.report.layout == "rmb-bon"
    assert (item.id, item.chosen, item.rejected) == ("7", ("best",), ("worse", "worst"))
    assert (item.domain, item.subset) == ("Helpfulness", "Helpfulness/Chat/Casual Conversation")
    bad = jsonl(
        [
            {
                "conversation_input": [{"role": "user", "content": "hi"}],
                "bon_best": {"answer": "x"},
                "loser_list": [],
            }
        ],
        name="bad.jsonl",
    )
    with pytest.raises(DataError, match="field 'loser_list': expected a non-empty list"):
        load_preferences(bad)
