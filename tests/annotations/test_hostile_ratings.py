"""Ratings under hostile input (issue 14): aggregate validates them as agree does (unknown
criteria, 2.5 on a 1-5 scale, ``true`` as a rating), ids that are lists or objects are refused,
wide CSV tables with a repeated annotator column are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from rewardkit.annotations.aggregate import AggregationConfig, aggregate
from rewardkit.annotations.tables import Scale, read_comparisons, read_ratings
from rewardkit.cli.main import main
from rewardkit.errors import DataError


def _ratings(tmp_path: Path, change: dict[str, object] | None = None) -> Path:
    rows = [
        {"item_id": f"i{i}", "prompt_id": f"p{i // 2}", "annotator_id": f"a{k}",
         "criterion": c, "value": 1 + (i + k) % 5}
        for i in range(4)
        for k in range(3)
        for c in ("usefulness", "factuality", "safety", "alignment")
    ]  # fmt: skip
    rows[0] = {**rows[0], **(change or {})}
    path = tmp_path / "ratings.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"criterion": "helpfulness"}, "unknown criteria ['helpfulness']"),
        ({"value": 2.5}, "are not points of the"),  # agree also says "declared scale"
        ({"value": True}, "field 'value' is true/false, not a rating, in row(s) 1"),
        ({"item_id": ["x"]}, "field 'item_id' holds a list"),
        ({"annotator_id": {"a": 1}}, "field 'annotator_id' holds a list, an object"),
    ],
)
def test_agree_and_aggregate_refuse_the_same_ratings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: dict[str, object], message: str
) -> None:
    path = _ratings(tmp_path, change)
    for command in ("agree", "aggregate"):
        argv = ["annotations", command, "--ratings", str(path), "--out", str(tmp_path / command)]
        assert main([*argv, "--min-annotations", "2"]) == 2, command
        err = capsys.readouterr().err
        assert message in err, (command, err)
        assert len(err.strip().splitlines()) == 1


def test_aggregate_any_criteria_and_weighted_criteria_are_known(tmp_path: Path) -> None:
    path = _ratings(tmp_path, {"criterion": "helpfulness"})
    argv = ["annotations", "aggregate", "--ratings", str(path), "--min-annotations", "1"]
    assert main([*argv, "--out", str(tmp_path / "a"), "--any-criteria"]) == 0
    weights = ["--weight", "usefulness=0.5", "--weight", "safety=0.25"]
    weights += ["--weight", "alignment=0.25", "--weight", "helpfulness=0"]
    assert main([*argv, "--out", str(tmp_path / "b"), *weights]) == 0


def test_library_aggregate_refuses_half_points_and_bools() -> None:
    base = {"item_id": "x", "prompt_id": "p", "annotator_id": "a", "criterion": "safety"}
    cfg = AggregationConfig(weights={"safety": 1.0}, min_annotations=1)
    for value, message in ((2.5, "not points of the Likert scale 1-5"), (True, "true/false")):
        with pytest.raises(DataError, match=message):
            aggregate(pd.DataFrame([{**base, "value": value}]), None, cfg)


def test_wide_csv_with_a_repeated_annotator_column(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("item_id,prompt_id,criterion,ann1,ann1\ni1,p1,safety,4,5\n")
    with pytest.raises(DataError, match="the header names column 'ann1' twice"):
        read_ratings(path, scale=Scale(1, 5))


def test_comparisons_with_unhashable_ids(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    row = {"prompt_id": "p", "item_a": [1, 2], "item_b": "y", "annotator_id": "a",
           "preference": "a"}  # fmt: skip
    path.write_text(json.dumps(row) + "\n")
    with pytest.raises(DataError, match=r"field 'item_a' holds a list.* row\(s\) 1"):
        read_comparisons(path)
