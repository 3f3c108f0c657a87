"""``scores:`` reads the score files people already have, joined on the dataset's own ids.

Every fixture is written here by hand in the documented shape of its source (JudgeBench judge
outputs, RewardBench v1 and RewardBench 2 per-item results); expected scores and accuracies are
computed by hand in each test.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rewardkit.config import EvalConfig
from rewardkit.data import load_preferences
from rewardkit.data.score_tables import read_score_table
from rewardkit.errors import DataError
from rewardkit.jobs.evaluate import run_eval
from rewardkit.models.scores_file import ScoresFileModel
from shared_data import shared_path


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _trial(first: float | None, second: float | None, decision: str) -> dict[str, object]:
    scores = None if first is None else [first, second]
    return {"judgment": {"judge_model": "j", "scores": scores}, "decision": decision}


PAIRS = [  # (pair_id, label, response_A, response_B)
    ("p1", "A>B", "right one", "wrong one"),
    ("p2", "B>A", "wrong two", "right two"),
    ("p3", "A=B", "same A", "same B"),
]


def _judgebench(tmp_path: Path) -> tuple[Path, Path]:
    data = _jsonl(
        tmp_path / "judgebench.jsonl",
        [
            {
                "pair_id": pid,
                "source": "mmlu-pro-law",
                "question": "q",
                "response_model": "m",
                "response_A": a,
                "response_B": b,
                "label": label,
            }
            for pid, label, a, b in PAIRS
        ],
    )
    # Trial 1 shows A first ([A, B]); trial 2 swaps ([B, A]). p1: A = 5, B = 1 in both trials.
    # p2's judge always prefers the second shown: A = (1 + 4) / 2 = 2.5 = B = (4 + 1) / 2.
    # p3 has one trial with scores (upstream writes null for a failed trial).
    trials = {
        "p1": [_trial(5.0, 1.0, "A>B"), _trial(1.0, 5.0, "B>A")],
        "p2": [_trial(1.0, 4.0, "B>A"), _trial(1.0, 4.0, "A>B")],
        "p3": [_trial(7.0, 7.5, "B>A"), None],
    }
    outputs = _jsonl(
        tmp_path / "judge.jsonl",
        [
            {
                "pair_id": pid,
                "label": label,
                "response_A": a,
                "response_B": b,
                "judge_name": "reward_model",
                "judgments": trials[pid],
            }
            for pid, label, a, b in PAIRS
        ],
    )
    return data, outputs


def test_judgebench_judge_outputs_by_hand(tmp_path: Path) -> None:
    data, outputs = _judgebench(tmp_path)
    table = read_score_table(outputs)
    assert table.layout == "judgebench"
    # index 0 = the labelled-better response (A for A>B and A=B, B for B>A), index 1 = other.
    assert table.scores == {
        ("p1", 0): 5.0,  # A (label A>B)
        ("p1", 1): 1.0,  # B
        ("p2", 0): 2.5,  # B (label B>A): (4 + 1) / 2
        ("p2", 1): 2.5,  # A: (1 + 4) / 2
        ("p3", 0): 7.0,  # A (label A=B)
        ("p3", 1): 7.5,
    }
    items = load_preferences(data).items
    got = ScoresFileModel(outputs).score_items(items)
    assert got.tolist() == [5.0, 1.0, 2.5, 2.5, 7.0, 7.5]


def test_judgebench_trial_two_is_swapped(tmp_path: Path) -> None:
    """A reward model scores each response the same in both trials: the swap must line up."""
    data, _ = _judgebench(tmp_path)
    outputs = _jsonl(
        tmp_path / "rm.jsonl",
        [
            {
                "pair_id": pid,
                "label": label,
                "judgments": [_trial(len(a), len(b), ""), _trial(len(b), len(a), "")],
            }
            for pid, label, a, b in PAIRS
        ],
    )
    items = load_preferences(data).items
    want = [float(len(r)) for it in items for r in it.responses]
    assert ScoresFileModel(outputs).score_items(items).tolist() == want


def test_judgebench_through_eval_matches_hand_accuracy(tmp_path: Path) -> None:
    """p1 is right (5 > 1), p2 a score tie (2.5 = 2.5: credit 0.5); p3 is a labelled tie,
    excluded: (1 + 0.5) / 2."""
    data, outputs = _judgebench(tmp_path)
    run = run_eval(data, f"scores:{outputs}", EvalConfig(bootstrap=20), tmp_path / "run")
    assert run.results_json["metrics"]["accuracy"]["value"] == pytest.approx(0.75, abs=1e-12)


@pytest.mark.parametrize(
    ("judgments", "message"),
    [
        ([_trial(None, None, "A>B"), _trial(None, None, "B>A")], "decision-only judge"),
        ([{"judgment": {"scores": [1.0]}}], r"judgments\[0\]\.judgment\.scores': expected"),
        ([{"judgment": {"scores": [1.0, "high"]}}], r"scores\[1\]': expected a number"),
        ([_trial(1, 2, "")] * 3, "expected 1 or 2 trials"),
    ],
)
def test_judgebench_bad_rows_name_row_and_field(
    tmp_path: Path, judgments: list[object], message: str
) -> None:
    path = _jsonl(tmp_path / "j.jsonl", [{"pair_id": "p", "label": "A>B", "judgments": judgments}])
    with pytest.raises(DataError, match=message) as info:
        read_score_table(path)
    assert str(info.value).startswith(f"{path}: row 1: field 'judgments")


def test_judgebench_texts_must_match_the_dataset(tmp_path: Path) -> None:
    data, outputs = _judgebench(tmp_path)
    rows = [json.loads(line) for line in outputs.read_text().splitlines()]
    rows[1]["label"] = "A>B"  # the outputs file disagrees with the data on which is better
    wrong = _jsonl(tmp_path / "wrong.jsonl", rows)
    with pytest.raises(DataError, match=r"2 response text\(s\) differ .* p2#0, p2#1"):
        ScoresFileModel(wrong).score_items(load_preferences(data).items)


def test_rewardbench_v1_column_file(tmp_path: Path) -> None:
    """RewardBench v1 writes ``Dataset.to_dict()`` plus model metadata; ``results`` is its own
    per-item verdict (1 when chosen scored higher), so our accuracy must equal its mean."""
    data = _jsonl(
        tmp_path / "rb.jsonl",
        [
            {"id": i, "prompt": "p", "chosen": f"c{i}", "rejected": f"r{i}", "subset": s}
            for i, s in ((30, "alpacaeval-easy"), (31, "alpacaeval-easy"), (2000, "xstest"))
        ],
    )
    chosen, rejected = [1.5, -0.25, 3.0], [0.5, 0.75, -1.0]
    results = [int(c > r) for c, r in zip(chosen, rejected, strict=True)]
    scores = tmp_path / "org" / "model.json"
    scores.parent.mkdir()
    scores.write_text(
        json.dumps(
            {
                "chat_template": "tokenizer",
                "id": [30, 31, 2000],
                "model": "org/model",
                "model_type": "Seq. Classifier",
                "results": results,
                "scores_chosen": chosen,
                "scores_rejected": rejected,
                "subset": ["alpacaeval-easy", "alpacaeval-easy", "xstest"],
                "text_chosen": ["<s>user p c30", "<s>user p c31", "<s>user p c2000"],
                "text_rejected": ["<s>user p r30", "<s>user p r31", "<s>user p r2000"],
            },
            indent=4,
            sort_keys=True,
        )
    )
    model = ScoresFileModel(scores)
    assert model.layout == "rewardbench"
    items = load_preferences(data).items
    assert model.score_items(items).tolist() == [1.5, 0.5, -0.25, 0.75, 3.0, -1.0]
    run = run_eval(data, f"scores:{scores}", EvalConfig(bootstrap=20), tmp_path / "run")
    assert run.results_json["metrics"]["accuracy"]["value"] == pytest.approx(
        float(np.mean(results)), abs=1e-12
    )


def test_rewardbench_2_scores_list_is_chosen_first(tmp_path: Path) -> None:
    """RewardBench 2 rows: ``scores`` holds the chosen responses first, then the rejected."""
    data = _jsonl(
        tmp_path / "rb2.jsonl",
        [
            {"id": "a", "prompt": "p", "chosen": ["c"], "rejected": ["r1", "r2", "r3"]},
            {"id": "b", "prompt": "p", "chosen": ["c1", "c2"], "rejected": ["r1"]},
        ],
    )
    scores = _jsonl(
        tmp_path / "rb2-scores.jsonl",
        [
            {"id": "a", "subset": "Focus", "num_correct": 1, "scores": [0.9, 0.1, 0.95, 0.2]},
            {"id": "b", "subset": "Ties", "num_correct": 2, "scores": [0.3, 0.4, 0.1]},
        ],
    )
    model = ScoresFileModel(scores)
    assert model.layout == "rewardbench-2"
    items = load_preferences(data).items
    assert model.score_items(items).tolist() == [0.9, 0.1, 0.95, 0.2, 0.3, 0.4, 0.1]


def test_more_scores_than_responses_is_an_error(tmp_path: Path) -> None:
    data = _jsonl(
        tmp_path / "d.jsonl", [{"id": "a", "prompt": "p", "chosen": "c", "rejected": "r"}]
    )
    scores = _jsonl(tmp_path / "s.jsonl", [{"id": "a", "scores": [1.0, 0.0, 2.0]}])
    with pytest.raises(DataError, match=r"1 item\(s\) have more scores than responses \(e\.g\. a"):
        ScoresFileModel(scores).score_items(load_preferences(data).items)


def test_unrecognised_score_table_lists_the_layouts(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "s.jsonl", [{"uid": "a", "reward": 1.0}])
    with pytest.raises(DataError, match=r"row 1: unrecognised score table.*RewardBench 2"):
        read_score_table(path)


def test_repeated_item_is_an_error(tmp_path: Path) -> None:
    rows = [{"id": 1, "scores_chosen": 1.0, "scores_rejected": 0.0}] * 2
    with pytest.raises(DataError, match=r"row 2: field 'id': duplicate scores for item '1'"):
        read_score_table(_jsonl(tmp_path / "s.jsonl", rows))


@pytest.mark.shared_data
def test_real_judgebench_outputs_load_directly(tmp_path: Path) -> None:
    """The shipped Skywork judge-output file, as is: 218/350 = 62.29 % (README), the one pair
    with equal scores counted wrong as upstream does (``tie_value=0``)."""
    data = shared_path("judgebench", "judgebench_gpt-4o-2024-05-13.jsonl")
    outputs = shared_path("judgebench", "rm_outputs", "gpt-4o_Skywork-Reward-Llama-3.1-8B.jsonl")
    run = run_eval(
        data, f"scores:{outputs}", EvalConfig(tie_value=0.0, bootstrap=50), tmp_path / "run"
    )
    assert run.results_json["metrics"]["accuracy"]["value"] == pytest.approx(218 / 350, abs=1e-12)
    assert run.results_json["n_items"] == 350
