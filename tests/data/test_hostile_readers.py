"""Readers under hostile input (issue 14): bounded JSON nesting, lone surrogates replaced and
counted, CSV rows wider than the header and repeated column names refused, FIFOs and devices
refused before a byte is read, ids that are not text or integers refused."""

from __future__ import annotations

import json
import os
import threading
import warnings
from pathlib import Path

import pandas as pd
import pytest

from rewardkit.data import load_preferences, read_rows
from rewardkit.data.ids import check_ids
from rewardkit.data.readers import LoneSurrogateWarning
from rewardkit.data.safe_json import MAX_DEPTH, parse_json
from rewardkit.data.writers import write_preferences
from rewardkit.errors import DataError
from rewardkit.runs.manifest import sha256_path
from rewardkit.scoring.cache import input_hash

ROW = {"id": "a", "prompt": "q", "chosen": "good answer", "rejected": "bad"}


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def _line(extra: str = "") -> str:
    return json.dumps(ROW)[:-1] + extra + "}"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1000, 100_000])
def test_deep_nesting_in_an_unused_field_is_one_error(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text(json.dumps({**ROW, "id": "b"}) + "\n" + _line(f', "meta": {_nested(depth)}'))
    with pytest.raises(DataError) as info:
        read_rows(path)
    assert str(info.value) == f"{path}: row 2: JSON nested deeper than {MAX_DEPTH} levels"


def test_nesting_up_to_the_bound_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ok.jsonl"
    # The row object is level 1: MAX_DEPTH - 1 more levels inside it.
    path.write_text(_line(f', "meta": {_nested(MAX_DEPTH - 1)}') + "\n")
    assert read_rows(path)[0]["id"] == "a"


def test_deep_json_file_and_dict_nesting(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" + json.dumps(ROW) + ', {"x": ' + '{"a": ' * 3000 + "1" + "}" * 3001 + "]")
    with pytest.raises(DataError, match=r"deep\.json: JSON nested deeper than 100 levels"):
        read_rows(path)


def test_lone_surrogates_replaced_counted_and_never_reach_hash_or_writer(
    tmp_path: Path,
) -> None:
    path = tmp_path / "scraped.jsonl"
    lines = [
        json.dumps({**ROW, "id": "a"}),
        _line(', "extra": 1').replace('"q"', '"caf\\ud800 \\udfff"').replace('"a"', '"b"'),
        json.dumps({**ROW, "id": "c", "chosen": "fine \U0001f600"}, ensure_ascii=True),
    ]
    path.write_text("\n".join(lines) + "\n")
    loaded = load_preferences(path)
    item = loaded.items[1]
    assert item.prompt == "caf\ufffd \ufffd"
    assert loaded.items[2].chosen == ("fine \U0001f600",)  # an escaped pair is one character
    notes = [w for w in loaded.report.warnings if "lone surrogate" in w]
    assert notes == [
        f"{path}: 2 lone surrogate(s) (half of a UTF-16 pair, invalid Unicode) replaced by "
        "U+FFFD in 1 row(s); first: row 2, field 'prompt'"
    ]
    input_hash(item.prompt, item.chosen[0])  # UTF-8 encodable now
    write_preferences(loaded.items, tmp_path / "out.jsonl")
    pd.DataFrame({"p": [item.prompt]}).to_parquet(tmp_path / "x.parquet")


def test_surrogates_in_keys_and_json_files_warn(tmp_path: Path) -> None:
    path = tmp_path / "rows.json"
    path.write_text('[{"id": "a", "bad\\udc80key": "x\\ud800"}]')
    with pytest.warns(LoneSurrogateWarning, match=r"2 lone surrogate\(s\) .* field 'bad\ufffdkey'"):
        rows = read_rows(path)
    assert rows[0]["bad\ufffdkey"] == "x\ufffd"


def test_run_files_refuse_surrogates() -> None:
    with pytest.raises(DataError, match=r"lone surrogate .* field 'model'"):
        parse_json('{"model": "\\ud800"}', path="results.json", surrogates="reject")


CSV_HEADER = "id,prompt,chosen,rejected"


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            [CSV_HEADER, "a,p,c,r", "b,p,c,r,extra,more"],
            "row 2: 6 fields but the header names 4 columns",
        ),
        # The first data row wider than the header (pandas made its first cell the index).
        ([CSV_HEADER, "a,p,c,r,extra", "b,p,c,r"], "row 1: 5 fields but the header names 4"),
        (["id,prompt,chosen,rejected,chosen", "a,p,c,r,x"], "field 'chosen': the header names"),
    ],
)
def test_csv_wide_rows_and_repeated_columns_refused(
    tmp_path: Path, lines: list[str], message: str
) -> None:
    path = tmp_path / "pairs.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match=message) as info:
        read_rows(path)
    assert "\n" not in str(info.value)


def test_csv_quoting_bom_short_rows_and_long_cells(tmp_path: Path) -> None:
    path = tmp_path / "pairs.csv"
    long = "x" * 300_000
    path.write_text(
        "\ufeff" + CSV_HEADER + '\n\na,"p, with comma","line\nbreak",' + long + "\nb,p,,\nc,p\n",
        encoding="utf-8",
    )
    rows = read_rows(path)
    assert [r["__row__"] for r in rows] == [1, 2, 3]
    assert rows[0] == {
        "id": "a",
        "prompt": "p, with comma",
        "chosen": "line\nbreak",
        "rejected": long,
        "__row__": 1,
    }
    assert rows[1]["chosen"] is None
    assert rows[2]["chosen"] is None


def _fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    return fifo


def _bounded(call: object, seconds: float = 5.0) -> BaseException | None:
    """Run ``call`` in a thread; fail the test if it blocks (the old readers hung)."""
    result: list[BaseException | None] = []

    def target() -> None:
        try:
            call()  # type: ignore[operator]
            result.append(None)
        except BaseException as exc:
            result.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert result, "blocked on a FIFO or device"
    return result[0]


def test_fifo_and_dev_zero_refused_before_reading(tmp_path: Path) -> None:
    zero = tmp_path / "zero.jsonl"
    zero.symlink_to("/dev/zero")
    for special in (_fifo(tmp_path), zero):
        for call in (lambda s=special: read_rows(s), lambda s=special: sha256_path(s)):
            error = _bounded(call)
            assert isinstance(error, DataError)
            assert "not a regular file" in str(error)
            assert str(special) in str(error)


def test_folder_with_a_fifo_hashes_and_reads_its_files_only(tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "part.jsonl").write_text(json.dumps(ROW) + "\n")
    os.mkfifo(folder / "stray.jsonl") if hasattr(os, "mkfifo") else None
    assert _bounded(lambda: sha256_path(folder)) is None
    assert _bounded(lambda: read_rows(folder)) is None


def test_ids_must_be_text_or_integers() -> None:
    rows = [{"prompt_id": "p1", "__row__": 1}, {"prompt_id": 7, "__row__": 2}]
    check_ids(rows, ["prompt_id"], "t.jsonl", required=["prompt_id"])
    for bad, what in (([1], "a list"), ({"a": 1}, "an object"), (True, "a bool"), ("", "empty")):
        with pytest.raises(DataError, match=f"row 3: field 'prompt_id': .*{what}"):
            check_ids([*rows, {"prompt_id": bad, "__row__": 3}], ["prompt_id"], "t.jsonl")
    with pytest.raises(DataError, match="row 1: field 'prompt_id': missing id"):
        check_ids([{"__row__": 1}], [], "t.jsonl", required=["prompt_id"])


def test_no_warning_without_surrogates(tmp_path: Path) -> None:
    path = tmp_path / "clean.jsonl"
    path.write_text(json.dumps(ROW, ensure_ascii=True) + "\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_rows(path)
