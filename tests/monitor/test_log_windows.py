"""Reading and validating scored logs; windows by count and by time."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rewardkit.errors import ConfigError, DataError
from rewardkit.monitor import make_windows, read_scored_log, validate_log


def _rows(n: int = 3) -> list[dict[str, object]]:
    return [
        {"timestamp": f"2026-01-01T00:0{i}:00Z", "prompt": "p", "response": "r", "score": i}
        for i in range(n)
    ]


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_jsonl_csv_and_parquet_read_the_same(tmp_path: Path) -> None:
    rows = _rows()
    rows[0]["domain"], rows[1]["label"] = "math", True
    a = read_scored_log(_write(tmp_path / "a.jsonl", rows))
    frame = pd.DataFrame(rows)
    frame.to_parquet(tmp_path / "a.parquet")
    frame.astype(str).replace({"nan": "", "None": ""}).to_csv(tmp_path / "a.csv", index=False)
    for other in ("a.parquet", "a.csv"):
        b = read_scored_log(tmp_path / other)
        assert b["score"].tolist() == a["score"].tolist()
        assert b["domain"].tolist() == ["math", "unknown", "unknown"]
        np.testing.assert_array_equal(b["correct"].to_numpy(), [np.nan, 1.0, np.nan])


def test_rows_are_sorted_by_time_and_epoch_seconds_accepted() -> None:
    raw = pd.DataFrame(
        {"timestamp": [120, "1970-01-01T00:01:00"], "prompt": ["a", "b"], "response": "r",
         "score": [1.0, 2.0]}
    )  # fmt: skip
    log = validate_log(raw)
    assert log["prompt"].tolist() == ["b", "a"]
    assert str(log["timestamp"].dt.tz) == "UTC"


def test_pairwise_preference_gives_the_rm_outcome() -> None:
    raw = pd.DataFrame(
        {"timestamp": [1, 2, 3, 4], "prompt": "p", "response": "r", "score": [2.0, 2.0, 1.0, 1.0],
         "score_b": [1.0, 3.0, 1.0, 0.0], "preference": ["a", "a", "b", "tie"]}
    )  # fmt: skip
    np.testing.assert_array_equal(validate_log(raw)["correct"], [1.0, 0.0, 0.5, np.nan])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("score", "nan", "expected a finite number"),
        ("score", True, "expected a finite number"),
        ("timestamp", "yesterday", "not a timestamp"),
        ("prompt", 3, "expected text"),
        ("label", "maybe", "expected 1/0 or true/false"),
    ],
)
def test_bad_values_name_file_row_and_field(
    tmp_path: Path, field: str, value: object, message: str
) -> None:
    rows = _rows()
    rows[1][field] = value
    path = _write(tmp_path / "log.jsonl", rows)
    with pytest.raises(DataError) as info:
        read_scored_log(path)
    assert str(info.value).startswith(f"{path}: row 2: field '{field}': {message}")


def test_missing_column_empty_file_and_bad_json(tmp_path: Path) -> None:
    rows = _rows()
    for r in rows:
        r.pop("response")
    with pytest.raises(DataError, match="field 'response': missing column"):
        read_scored_log(_write(tmp_path / "a.jsonl", rows))
    (tmp_path / "e.jsonl").write_text("")
    with pytest.raises(DataError, match="no rows"):
        read_scored_log(tmp_path / "e.jsonl")
    (tmp_path / "j.jsonl").write_text('{"a": 1}\n{oops\n')
    with pytest.raises(DataError, match="row 2: not valid JSON"):
        read_scored_log(tmp_path / "j.jsonl")
    with pytest.raises(DataError, match="file not found"):
        read_scored_log(tmp_path / "none.jsonl")


def test_count_windows_partition_the_rows() -> None:
    ts = pd.Series(pd.date_range("2026-01-01", periods=25, freq="min", tz="UTC"))
    wins = make_windows(ts, by="count", size=10)
    assert [w.n for w in wins] == [10, 10, 5]
    assert np.concatenate([w.rows for w in wins]).tolist() == list(range(25))
    assert wins[1].start == "2026-01-01T00:10:00Z"
    assert wins[1].end == "2026-01-01T00:19:00Z"


def test_time_windows_keep_slot_numbers_and_skip_empty_slots() -> None:
    ts = pd.Series(pd.to_datetime([0, 1, 7, 8, 9], unit="h", utc=True))
    wins = make_windows(ts, by="time", every="3h")
    # hours 0,1 -> [0h, 3h); 7,8 -> [6h, 9h); 9 -> [9h, 12h); [3h, 6h) is empty
    assert [(w.index, w.rows.tolist()) for w in wins] == [(0, [0, 1]), (2, [2, 3]), (3, [4])]
    assert wins[1].start == "1970-01-01T06:00:00Z"
    assert wins[1].end == "1970-01-01T09:00:00Z"
    with pytest.raises(ConfigError, match="not a duration"):
        make_windows(ts, by="time", every="soon")
    with pytest.raises(ConfigError, match="window_by"):
        make_windows(ts, by="weekly")


def test_shipped_config_is_the_default_config() -> None:
    from rewardkit.config import load_config
    from rewardkit.monitor import MonitorConfig

    shipped = Path(__file__).resolve().parents[2] / "configs" / "monitor.yaml"
    assert load_config(MonitorConfig, shipped, {}) == MonitorConfig()
