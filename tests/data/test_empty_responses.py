"""Empty responses are valid candidates in every layout: kept, scored, counted and warned."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from rewardkit.config import EvalConfig
from rewardkit.data import load_preferences
from rewardkit.jobs.evaluate import run_eval

MakeJsonl = Callable[..., Path]

USER = {"role": "user", "content": "Say something."}

# One row per layout whose second (or only rejected) response is empty.
ROWS: dict[str, dict[str, object]] = {
    "rewardbench": {"prompt": "p", "chosen": "an answer", "rejected": ""},
    "trl": {
        "chosen": [USER, {"role": "assistant", "content": "an answer"}],
        "rejected": [USER, {"role": "assistant", "content": ""}],
    },
    "hh-rlhf": {
        "chosen": "\n\nHuman: Say something.\n\nAssistant: an answer",
        "rejected": "\n\nHuman: Say something.\n\nAssistant:",
    },
    "judgebench": {
        "pair_id": "j1",
        "question": "q",
        "response_A": "an answer",
        "response_B": "",
        "label": "A>B",
    },
    "pandalm": {
        "idx": 1,
        "instruction": "i",
        "input": "",
        "response1": "an answer",
        "response2": "",
        "annotator1": 1,
        "annotator2": 1,
        "annotator3": 1,
    },
    "rmb-bon": {
        "bon_uid": "b1",
        "conversation_input": [USER],
        "bon_best": {"llm_name": "m1", "answer": "an answer"},
        "loser_list": [{"llm_name": "m2", "answer": "a b"}, {"llm_name": "m3", "answer": ""}],
    },
}


@pytest.mark.parametrize("layout", sorted(ROWS))
def test_every_layout_keeps_an_empty_response(jsonl: MakeJsonl, layout: str) -> None:
    result = load_preferences(jsonl([ROWS[layout]]))
    assert result.report.layout == layout
    item = result.items[0]
    assert item.chosen == ("an answer",)
    assert item.rejected[-1] == ""
    assert result.report.skipped == ()
    assert (result.report.empty_responses, result.report.empty_response_items) == (1, 1)


def test_count_and_warning(jsonl: MakeJsonl) -> None:
    path = jsonl(
        [
            {"prompt": "p", "chosen": "", "rejected": ["  ", "b"]},  # whitespace only: empty
            {"prompt": "p", "chosen": "a", "rejected": "b"},
            {"prompt": "p", "chosen": "a", "rejected": ""},
        ]
    )
    report = load_preferences(path).report
    assert (report.n_items, report.empty_responses, report.empty_response_items) == (3, 3, 2)
    assert (
        "3 empty response(s) in 2 item(s) are scored as given (a model may answer nothing)"
        in report.warnings
    )


def test_no_warning_without_empty_responses(jsonl: MakeJsonl) -> None:
    report = load_preferences(jsonl([{"prompt": "p", "chosen": "a", "rejected": "b"}])).report
    assert report.empty_responses == 0
    assert not any("empty" in w for w in report.warnings)


def test_eval_scores_empty_responses_without_skip_invalid(tmp_path: Path) -> None:
    """The length baseline scores an empty response 0: by hand, item 1 is won (2 > 0), item 2
    lost (0 < 1) and item 3 won (3 > 1): accuracy 2/3, with nothing skipped."""
    path = tmp_path / "d.jsonl"
    rows = [
        {"id": "1", "prompt": "p", "chosen": "aa", "rejected": ""},
        {"id": "2", "prompt": "p", "chosen": "", "rejected": "b"},
        {"id": "3", "prompt": "p", "chosen": "ccc", "rejected": "d"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    run = run_eval(path, "baseline:length", EvalConfig(bootstrap=20), tmp_path / "run")
    assert run.results_json["n_items"] == 3
    assert run.results_json["data"]["n_skipped"] == 0
    assert run.results_json["metrics"]["accuracy"]["value"] == pytest.approx(2 / 3, abs=1e-12)
    assert run.loaded.report.empty_responses == 2
