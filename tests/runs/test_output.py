"""Transactional output folders: replace only our own outputs, only when complete; readers
reject incomplete or mixed folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rewardkit.errors import ConfigError, DataError
from rewardkit.runs.output import (
    MARKER,
    StagedOutput,
    is_output_of,
    staging_path,
    staging_root,
    verify_member,
    verify_output,
)


def _write_run(final: Path, text: str, kind: str = "eval") -> None:
    with StagedOutput(final, kind) as out:
        (out.path / "results.json").write_text(text)
        (out.path / "scores.parquet").write_bytes(text.encode() * 3)
        (out.path / "sub").mkdir()
        (out.path / "sub" / "x.txt").write_text("x" + text)


def test_a_complete_run_lands_with_a_marker_listing_its_files(tmp_path: Path) -> None:
    _write_run(tmp_path / "run", "A")
    marker = verify_output(tmp_path / "run", "eval")
    assert marker["complete"] is True
    assert sorted(marker["files"]) == ["results.json", "scores.parquet", "sub/x.txt"]
    assert not staging_root(tmp_path / "run").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_failed_rerun_leaves_the_previous_run_untouched(tmp_path: Path) -> None:
    final = tmp_path / "run"
    _write_run(final, "A")
    before = {p.name: p.read_bytes() for p in final.iterdir() if p.is_file()}

    def half_a_run() -> None:
        with StagedOutput(final, "eval") as out:
            (out.path / "results.json").write_text("B")  # one file of the new run
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        half_a_run()
    assert {p.name: p.read_bytes() for p in final.iterdir() if p.is_file()} == before
    assert not staging_root(final).exists()
    verify_output(final, "eval")


def test_a_rerun_replaces_the_whole_folder(tmp_path: Path) -> None:
    final = tmp_path / "run"
    _write_run(final, "A")
    (final / "stale.json").write_text("from the old run")  # not written by the new run
    with StagedOutput(final, "eval") as out:
        (out.path / "results.json").write_text("B")
    assert sorted(p.name for p in final.iterdir()) == [MARKER, "results.json"]
    assert (final / "results.json").read_text() == "B"
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # no .old folder left


def test_an_unrelated_folder_is_refused_and_kept(tmp_path: Path) -> None:
    final = tmp_path / "photos"
    final.mkdir()
    (final / "holiday.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(ConfigError, match="is not a rewardkit eval output; refusing"):
        StagedOutput(final, "eval").open()
    assert (final / "holiday.jpg").read_bytes() == b"\xff\xd8"
    assert not staging_root(final).exists()


def test_an_output_of_another_kind_is_refused(tmp_path: Path) -> None:
    _write_run(tmp_path / "m", "A", kind="model")
    with pytest.raises(ConfigError, match="not a rewardkit eval output"):
        StagedOutput(tmp_path / "m", "eval").open()
    assert is_output_of(tmp_path / "m", "model")


def test_empty_and_legacy_folders_are_replaceable(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    (legacy / "results.json").write_text("{}")  # an eval run from before markers
    (legacy / "scores.parquet").write_bytes(b"")
    for final in (tmp_path / "empty", legacy):
        with StagedOutput(final, "eval") as out:
            (out.path / "results.json").write_text("new")
        assert verify_output(final, "eval")["complete"] is True


def test_a_second_writer_of_the_same_output_is_refused(tmp_path: Path) -> None:
    first = StagedOutput(tmp_path / "run", "eval")
    first.open()
    try:
        with pytest.raises(ConfigError, match="another rewardkit run is writing"):
            StagedOutput(tmp_path / "run", "eval").open()
    finally:
        first.abort()
    StagedOutput(tmp_path / "run", "eval").open()  # the lock went with the first writer


def test_resume_keeps_what_the_interrupted_run_left(tmp_path: Path) -> None:
    final = tmp_path / "model"
    first = StagedOutput(final, "model", resume=True, keep_on_error=True)
    first.open()
    (first.path / "checkpoint").write_text("epoch 3")
    first._release()  # the process died: its lock is gone, its files stay
    with StagedOutput(final, "model", resume=True) as again:
        assert (again.path / "checkpoint").read_text() == "epoch 3"
    fresh = StagedOutput(tmp_path / "other", "model")
    fresh.open()
    (fresh.path / "checkpoint").write_text("x")
    fresh._release()
    restarted = StagedOutput(tmp_path / "other", "model")
    restarted.open()
    assert not (restarted.path / "checkpoint").exists()


def test_a_foreign_staging_folder_is_not_cleared(tmp_path: Path) -> None:
    staging = staging_root(tmp_path / "run")
    staging.mkdir()
    (staging / "mine.txt").write_text("not rewardkit's")
    with pytest.raises(ConfigError, match="is not a staging folder of a rewardkit eval run"):
        StagedOutput(tmp_path / "run", "eval").open()
    assert (staging / "mine.txt").exists()
    inner = staging_path(tmp_path / "other")
    inner.mkdir(parents=True)
    (inner / "notes.txt").write_text("someone's work")
    with pytest.raises(ConfigError, match="is not a staging folder"):
        StagedOutput(tmp_path / "other", "eval").open()
    assert (inner / "notes.txt").exists()


def test_the_staging_folder_has_the_output_name(tmp_path: Path) -> None:
    stage = StagedOutput(tmp_path / "my-run", "eval")
    assert stage.open().name == "my-run"
    stage.abort()
    assert list(tmp_path.iterdir()) == []


def test_readers_reject_mixed_changed_or_incomplete_folders(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    _write_run(a, "A")
    _write_run(b, "B")
    (a / "scores.parquet").write_bytes((b / "scores.parquet").read_bytes())  # mixed by hand
    with pytest.raises(DataError, match=r"scores\.parquet: changed since its run wrote it"):
        verify_output(a, "eval")
    with pytest.raises(DataError, match="changed since its run wrote it"):
        verify_member(a / "scores.parquet")
    verify_member(b / "scores.parquet")
    (b / "extra.parquet").write_bytes(b"x")
    with pytest.raises(DataError, match="not written by the run recorded"):
        verify_member(b / "extra.parquet")
    (b / "sub" / "x.txt").unlink()
    with pytest.raises(DataError, match="missing from the run directory"):
        verify_output(b)
    with pytest.raises(DataError, match="a rewardkit eval output, not a bon run directory"):
        verify_output(tmp_path / "a", "bon")
    marker = json.loads((a / MARKER).read_text())
    (a / MARKER).write_text(json.dumps({**marker, "complete": False}))
    with pytest.raises(DataError, match="an incomplete run directory"):
        verify_output(a)
    (a / MARKER).write_text("{garbage")
    with pytest.raises(DataError, match="a damaged"):
        verify_output(a)


def test_folders_without_a_marker_pass_unchecked(tmp_path: Path) -> None:
    (tmp_path / "results.json").write_text("{}")
    assert verify_output(tmp_path) == {}
    verify_member(tmp_path / "results.json")


def test_an_os_error_names_the_file_where_it_would_land(tmp_path: Path) -> None:
    import errno

    final = tmp_path / "run"

    def fails() -> None:
        with StagedOutput(final, "eval") as out:
            raise OSError(errno.ENOSPC, "No space left on device", str(out.path / "a.json"))

    with pytest.raises(OSError, match="No space left on device") as info:
        fails()
    assert info.value.filename == str(final / "a.json")
    assert info.value.errno == errno.ENOSPC
    assert not staging_root(final).exists()
