"""Demo-style folders under hostile input (issue 14): split refuses a duplicated prompt_id as
curate does; a prompt without an id, or with a list or object as its id, is refused by split,
curate and audit in one line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rewardkit.cli.main import main
from rewardkit.curation.splits import read_table
from rewardkit.errors import DataError


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "d"
    assert main(["data", "demo", "--out", str(out), "--prompts", "20"]) == 0
    return out


def _variant(tmp_path: Path, demo: Path, edit: object) -> Path:
    folder = tmp_path / "v"
    shutil.copytree(demo, folder)
    path = folder / "prompts.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    edit(rows)  # type: ignore[operator]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return folder


def _twin(rows: list[dict[str, object]]) -> None:
    rows.append({**rows[0], "prompt": "A different prompt under the same id."})


def _no_id(rows: list[dict[str, object]]) -> None:
    del rows[2]["prompt_id"]


def _list_id(rows: list[dict[str, object]]) -> None:
    rows[2]["prompt_id"] = ["p", 1]


@pytest.mark.parametrize(
    ("edit", "commands", "message"),
    [
        (_twin, ("split", "curate"), "field 'prompt_id': duplicate prompt_id"),
        (_no_id, ("split", "curate", "audit"), "row 3: field 'prompt_id': missing id"),
        (_list_id, ("split", "curate", "audit"), "row 3: field 'prompt_id': expected a text"),
    ],
)
def test_bad_prompt_ids_refused_in_one_line(
    tmp_path: Path,
    demo: Path,
    capsys: pytest.CaptureFixture[str],
    edit: object,
    commands: tuple[str, ...],
    message: str,
) -> None:
    folder = _variant(tmp_path, demo, edit)
    for command in commands:
        argv = ["data", command, "--data-dir", str(folder)]
        if command != "audit":
            argv += ["--out", str(tmp_path / command)]
        assert main(argv) == 2, command
        err = capsys.readouterr().err
        assert message in err, (command, err)
        assert len(err.strip().splitlines()) == 1


def test_read_table_names_the_first_row_of_a_duplicate(tmp_path: Path) -> None:
    path = tmp_path / "prompts.jsonl"
    path.write_text('{"prompt_id": "p1"}\n{"prompt_id": 2}\n{"prompt_id": "p1"}\n')
    with pytest.raises(
        DataError, match=r"row 3: field 'prompt_id': duplicate prompt_id 'p1' \(first on row 1\)"
    ):
        read_table(path)
    other = tmp_path / "responses.jsonl"  # only prompts.jsonl has a key that must be unique
    other.write_text('{"prompt_id": "p1"}\n{"prompt_id": "p1"}\n')
    assert len(read_table(other)) == 2
