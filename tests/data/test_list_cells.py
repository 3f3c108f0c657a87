"""A string that looks like a JSON list is one response, except in CSV text cells."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from rewardkit.config import EvalConfig
from rewardkit.data import load_preferences
from rewardkit.errors import DataError
from rewardkit.jobs.evaluate import run_eval

# One item whose preferred answer is literally a JSON array of strings (10 characters) and a
# rejected answer of 3: as one response the length baseline prefers the chosen one (accuracy 1);
# split into "a", "b" (1 character each) it would prefer the rejected one (accuracy 0).
ARRAY_ANSWER = {"id": "x", "prompt": "List two letters as JSON.", "chosen": '["a", "b"]'}
ITEM = {**ARRAY_ANSWER, "rejected": "a b"}


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    elif path.suffix == ".json":
        path.write_text(json.dumps(rows))
    elif path.suffix == ".parquet":
        pd.DataFrame(rows).to_parquet(path, index=False)
    else:
        pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("name", ["d.jsonl", "d.json", "d.parquet"])
def test_array_looking_string_stays_one_response(tmp_path: Path, name: str) -> None:
    item = load_preferences(_write(tmp_path / name, [ITEM])).items[0]
    assert item.chosen == ('["a", "b"]',)
    assert item.responses == ('["a", "b"]', "a b")


def test_accuracy_is_not_flipped_by_splitting_the_answer(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.jsonl", [ITEM])
    run = run_eval(path, "baseline:length", EvalConfig(bootstrap=20), tmp_path / "run")
    assert run.results_json["metrics"]["accuracy"]["value"] == 1.0
    assert len(run.loaded.items[0].responses) == 2


@pytest.mark.parametrize("name", ["d.jsonl", "d.json"])
def test_number_array_string_is_a_response_not_a_failed_row(tmp_path: Path, name: str) -> None:
    row = {"prompt": "Three numbers?", "chosen": "[0.5, 1.5, 2]", "rejected": "no"}
    item = load_preferences(_write(tmp_path / name, [row])).items[0]
    assert item.chosen == ("[0.5, 1.5, 2]",)


def test_csv_cells_still_carry_json_lists_for_list_fields(tmp_path: Path) -> None:
    item = load_preferences(_write(tmp_path / "d.csv", [ITEM])).items[0]
    assert item.chosen == ("a", "b")  # a CSV cell is text: a JSON list there is a list
    row = {
        "prompt": "p",
        "chosen": "c",
        "rejected": '["r1", "r2"]',
        "chosen_scores": "[4]",
        "rejected_scores": "[1, 2]",
        "subset": '["not", "a", "list", "field"]',
    }
    item = load_preferences(_write(tmp_path / "s.csv", [row])).items[0]
    assert item.rejected == ("r1", "r2")
    assert (item.chosen_scores, item.rejected_scores) == ((4.0,), (1.0, 2.0))
    assert item.subset == '["not", "a", "list", "field"]'  # only list-typed fields decode


def test_score_string_in_json_is_not_decoded(tmp_path: Path) -> None:
    row = {"prompt": "p", "chosen": "c", "rejected": "r", "chosen_scores": "[4]"}
    row["rejected_scores"] = [1]
    with pytest.raises(DataError, match=r"row 1: field 'chosen_scores': expected numbers"):
        load_preferences(_write(tmp_path / "d.jsonl", [row]))


def test_folder_decodes_only_its_csv_files(tmp_path: Path) -> None:
    folder = tmp_path / "hub"
    folder.mkdir()
    _write(folder / "a.csv", [{**ITEM, "id": "from-csv"}])
    _write(folder / "b.jsonl", [{**ITEM, "id": "from-jsonl"}])
    items = {it.id: it for it in load_preferences(folder).items}
    assert items["from-csv"].chosen == ("a", "b")
    assert items["from-jsonl"].chosen == ('["a", "b"]',)
