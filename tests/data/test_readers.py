"""Readers: every supported container, and clear errors for broken files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from rewardkit.data import load_preferences, read_rows
from rewardkit.errors import DataError

ROWS = [
    {"id": "a", "prompt": "What is 2+2?", "chosen": "4", "rejected": "5", "subset": "math"},
    {
        "id": "b",
        "prompt": "Capital of France?",
        "chosen": "Paris",
        "rejected": "Lyon",
        "subset": "geo",
    },
]


def _check(path: Path) -> None:
    result = load_preferences(path)
    assert [it.id for it in result.items] == ["a", "b"]
    assert result.items[1].chosen == ("Paris",)
    assert result.items[0].subset == "math"
    assert result.report.n_rows == 2
    assert result.report.skipped == ()


def test_jsonl_plain_and_gzipped(tmp_path: Path) -> None:
    plain = tmp_path / "p.jsonl"
    plain.write_text("\n".join(json.dumps(r) for r in ROWS) + "\n\n")
    _check(plain)
    gz = tmp_path / "p.jsonl.gz"
    with gzip.open(gz, "wt") as fh:
        fh.write("\n".join(json.dumps(r) for r in ROWS))
    _check(gz)


def test_json_array_and_wrapped_object(tmp_path: Path) -> None:
    arr = tmp_path / "a.json"
    arr.write_text(json.dumps(ROWS))
    _check(arr)
    wrapped = tmp_path / "w.json"
    wrapped.write_text(json.dumps({"data": ROWS, "version": 1}))
    _check(wrapped)


def test_csv_and_parquet(tmp_path: Path) -> None:
    frame = pd.DataFrame(ROWS)
    frame.to_csv(tmp_path / "p.csv", index=False)
    _check(tmp_path / "p.csv")
    frame.to_parquet(tmp_path / "p.parquet", index=False)
    _check(tmp_path / "p.parquet")


def test_csv_accepts_json_encoded_response_lists(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        [{"id": "x", "prompt": "q", "chosen": '["good"]', "rejected": '["bad one", "bad two"]'}]
    )
    frame.to_csv(tmp_path / "rb2.csv", index=False)
    item = load_preferences(tmp_path / "rb2.csv").items[0]
    assert item.rejected == ("bad one", "bad two")


def test_hugging_face_dataset_folder(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    ds = datasets.Dataset.from_list(ROWS)
    ds.save_to_disk(str(tmp_path / "single"))
    _check(tmp_path / "single")
    dd = datasets.DatasetDict({"train": ds, "test": ds})
    dd.save_to_disk(str(tmp_path / "dict"))
    _check(tmp_path / "dict")  # defaults to the test split
    assert load_preferences(tmp_path / "dict", split="train").report.n_items == 2
    with pytest.raises(DataError, match="splits"):
        load_preferences(tmp_path / "dict", split="validation")


def test_folder_of_data_files(tmp_path: Path) -> None:
    folder = tmp_path / "hub"
    folder.mkdir()
    pd.DataFrame(ROWS).to_parquet(folder / "test-00000.parquet", index=False)
    (folder / "README.md").write_text("card")
    _check(folder)


def test_truncated_jsonl_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps(ROWS[0]) + "\n" + json.dumps(ROWS[1])[:25] + "\n")
    with pytest.raises(DataError) as info:
        load_preferences(path)
    assert info.value.row == 2
    assert "t.jsonl: row 2: invalid JSON" in str(info.value)
    assert "truncated" in str(info.value)


def test_truncated_gzip_is_a_clear_error(tmp_path: Path) -> None:
    gz = tmp_path / "p.jsonl.gz"
    with gzip.open(gz, "wt") as fh:
        fh.write("\n".join(json.dumps(r) for r in ROWS * 200))
    gz.write_bytes(gz.read_bytes()[:-200])
    with pytest.raises(DataError, match="truncated"):
        load_preferences(gz)


def test_empty_file(tmp_path: Path) -> None:
    for name in ("e.jsonl", "e.csv", "e.json"):
        path = tmp_path / name
        path.write_text("" if name != "e.json" else "[]")
        with pytest.raises(DataError, match="no rows"):
            load_preferences(path)


def test_unknown_format_lists_supported(tmp_path: Path) -> None:
    path = tmp_path / "data.xml"
    path.write_text("<a/>")
    with pytest.raises(DataError, match=r"unknown format '\.xml'.*\.jsonl"):
        read_rows(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        read_rows(tmp_path / "nope.jsonl")


def test_non_object_line(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    path.write_text(json.dumps(ROWS[0]) + "\n[1, 2]\n")
    with pytest.raises(DataError, match="row 2: expected a JSON object, got list"):
        read_rows(path)


def test_column_oriented_json(tmp_path: Path) -> None:
    """A ``Dataset.to_dict()`` dump: equal-length column lists, file-level scalars beside them."""
    columns = {k: [r[k] for r in ROWS] for k in ROWS[0]}
    path = tmp_path / "c.json"
    path.write_text(json.dumps({**columns, "model": "m", "model_type": "classifier"}))
    _check(path)
    assert read_rows(path)[1] == {**ROWS[1], "__row__": 2}


def test_several_tables_in_one_json_object_are_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"train": ROWS, "test": ROWS}))
    with pytest.raises(DataError, match="several lists"):
        read_rows(path)
