"""Outputs honour the user's umask; a failed write names its file; the console never passes
terminal control characters through and prints every error and warning on one line (issue 14)."""

from __future__ import annotations

import errno
import io
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from rewardkit.cli.app import SafeConsole, err_console, one_line, warn
from rewardkit.cli.main import main
from rewardkit.errors import DataError
from rewardkit.runs.atomic import write_json, write_text


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_atomic_writes_honour_the_umask(tmp_path: Path, umask: None, mask: int, mode: int) -> None:
    os.umask(mask)
    write_json(tmp_path / "results.json", {"a": 1})
    assert stat.S_IMODE((tmp_path / "results.json").stat().st_mode) == mode


def test_cli_outputs_honour_the_umask(tmp_path: Path, umask: None) -> None:
    os.umask(0o027)
    data = tmp_path / "p.jsonl"
    data.write_text(json.dumps({"prompt": "q", "chosen": "long", "rejected": "x"}) + "\n")
    out = tmp_path / "run"
    argv = ["eval", "--data", str(data), "--model", "baseline:length", "--out", str(out)]
    assert main([*argv, "--bootstrap", "10", "--no-cache"]) == 0
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in out.iterdir() if p.is_file()}
    assert modes["results.json"] == 0o640
    assert modes["scores.parquet"] == 0o640


def _disk_full(*args: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "fsync", _disk_full)
    target = tmp_path / "out" / "results.json"
    with pytest.raises(OSError, match="No space left on device") as info:
        write_text(target, "x")
    assert info.value.errno == errno.ENOSPC
    assert info.value.filename == str(target)
    assert not target.exists()
    assert not list(target.parent.iterdir())


def test_a_full_disk_in_a_command_is_one_line_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "p.jsonl"
    data.write_text(json.dumps({"prompt": "q", "chosen": "long", "rejected": "x"}) + "\n")
    monkeypatch.setattr(os, "fsync", _disk_full)
    assert main(["data", "dedup", "--data", str(data), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {tmp_path / 'o' / 'p.dedup.jsonl'}: No space left on device\n"


def test_console_shows_control_characters_escaped() -> None:
    buf = io.StringIO()
    console = SafeConsole(file=buf, width=200)
    console.print("domain \x1b]0;title\x07\x1b[31mred\x9b2J\rover")
    text = buf.getvalue()
    assert text == "domain \\x1b]0;title\\x07\\x1b[31mred\\x9b2J\\x0dover\n"


def test_errors_and_warnings_are_one_line_without_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert isinstance(err_console, SafeConsole)
    warn("two\nlines \x1b[2J")
    assert capsys.readouterr().err == "warning: two lines \\x1b[2J\n"
    assert one_line("a\r\n  b\n") == "a b"

    def hostile(*args: object, **kwargs: object) -> None:
        raise DataError("server said:\n\x1b[2Jgone", path="x.jsonl", row=2)

    monkeypatch.setattr("rewardkit.data.load.load_preferences", hostile)
    data = tmp_path / "p.jsonl"
    data.write_text("{}\n")
    assert main(["data", "dedup", "--data", str(data), "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err == "error: x.jsonl: row 2: server said: \\x1b[2Jgone\n"
