"""Ratings and comparisons readers: long and wide layouts, validation listing the rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from rewardkit.annotations.quorum import split_quorum
from rewardkit.annotations.tables import Scale, read_comparisons, read_ratings
from rewardkit.errors import DataError

LONG = """item_id,prompt_id,annotator_id,criterion,value,domain
i1,p1,a1,safety,4,med
i1,p1,a2,safety,5,med
i2,p1,a1,safety,2,med
"""


def _write(tmp_path: Path, text: str, name: str = "r.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_long_form(tmp_path: Path) -> None:
    frame = read_ratings(_write(tmp_path, LONG), scale=Scale.parse("1-5"))
    assert frame["value"].tolist() == [4.0, 5.0, 2.0]
    assert frame["domain"].tolist() == ["med"] * 3
    assert frame["__row__"].tolist() == [1, 2, 3]


def test_wide_csv_one_column_per_annotator(tmp_path: Path) -> None:
    text = "item_id,prompt_id,criterion,ann1,ann2,ann3\ni1,p1,safety,4,5,\ni2,p1,safety,2,,3\n"
    frame = read_ratings(_write(tmp_path, text), scale=Scale(1, 5))
    assert sorted(zip(frame.item_id, frame.annotator_id, frame.value, strict=True)) == [
        ("i1", "ann1", 4.0),
        ("i1", "ann2", 5.0),
        ("i2", "ann1", 2.0),
        ("i2", "ann3", 3.0),
    ]
    no_criterion = "item_id,prompt_id,ann1\ni1,p1,3\n"
    with pytest.raises(DataError, match="--criterion"):
        read_ratings(_write(tmp_path, no_criterion, "w.csv"), scale=Scale(1, 5))
    frame = read_ratings(
        _write(tmp_path, no_criterion, "w.csv"), scale=Scale(1, 5), default_criterion="usefulness"
    )
    assert frame["criterion"].tolist() == ["usefulness"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            LONG + "i3,p1,a1,safety,7,med\ni4,p1,a1,safety,0,med\n",
            r"2 value\(s\) outside the declared scale 1-5: row\(s\) 4 \(7\), 5 \(0\)",
        ),
        (LONG + "i3,p1,a1,tone,3,med\n", r"unknown criteria \['tone'\] .* row\(s\) 4"),
        (
            LONG + "i1,p1,a1,safety,3,med\n",
            r"1 duplicate \(item, annotator, criterion\) rating\(s\): i1/a1/safety \(rows 1, 4\)",
        ),
        (LONG + "i3,p1,a1,safety,good,med\n", r"'value' is not a number in row\(s\) 4"),
        (LONG + "i3,,a1,safety,3,med\n", r"'prompt_id' is empty in row\(s\) 4"),
        ("item_id,prompt_id,annotator_id,value\ni1,p1,a1,3\n", "missing column"),
    ],
)
def test_validation_lists_rows(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        read_ratings(_write(tmp_path, text), scale=Scale(1, 5))


def test_comparisons(tmp_path: Path) -> None:
    text = "prompt_id,item_a,item_b,annotator_id,preference\np1,i1,i2,a1,A\np1,i1,i2,a2,tie\n"
    frame = read_comparisons(_write(tmp_path, text, "c.csv"))
    assert frame["preference"].tolist() == ["a", "tie"]
    bad = text + "p1,i1,i1,a3,a\np1,i2,i1,a3,maybe\n"
    with pytest.raises(DataError, match=r"preference' must be a, b or tie; row\(s\) 4"):
        read_comparisons(_write(tmp_path, bad, "c.csv"))
    with pytest.raises(DataError, match=r"compared with itself in row\(s\) 3"):
        read_comparisons(_write(tmp_path, text + "p1,i1,i1,a3,a\n", "c.csv"))


def test_scale_parsing() -> None:
    assert Scale.parse("0-100").high == 100
    assert Scale.parse("1-5").normalise([1, 3, 5]).tolist() == [0.0, 0.5, 1.0]
    with pytest.raises(DataError, match="LOW-HIGH"):
        Scale.parse("five")
    with pytest.raises(DataError, match="below"):
        Scale.parse("5-1")


def test_quorum_lists_excluded_items(tmp_path: Path) -> None:
    frame = read_ratings(_write(tmp_path, LONG), scale=Scale(1, 5))
    kept, excluded = split_quorum(frame, 2)
    assert [(e.item_id, e.prompt_id, e.n_annotators) for e in excluded] == [("i2", "p1", 1)]
    assert set(kept["item_id"]) == {"i1"}
    assert excluded[0].to_json()["reason"] == "1 distinct annotator(s), quorum 2"
