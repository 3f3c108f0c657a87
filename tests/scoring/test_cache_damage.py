"""A damaged score cache (issue 14): non-finite cached scores are one clear error naming the
cache and how to clear it; `cache clear` deletes a cache file that cannot be opened (never a
file that is not SQLite)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from rewardkit.cli.main import main
from rewardkit.errors import ConfigError, DataError
from rewardkit.scoring import ScoreCache


@pytest.mark.parametrize("bad", [float("inf"), float("-inf"), "text", b"\x00"])
def test_non_finite_or_non_numeric_cached_score(tmp_path: Path, bad: object) -> None:
    path = tmp_path / "c.sqlite"
    with ScoreCache(path) as cache:
        cache.put_scores("m", ["h1"], [1.0])
    with sqlite3.connect(str(path)) as db:
        db.execute("INSERT INTO scores VALUES ('m', 'h2', ?, 0)", (bad,))
    with ScoreCache(path) as cache:
        assert cache.get_entries("m", ["h1"]) == {"h1": (1.0, False)}
        with pytest.raises(DataError, match=r"rewardkit cache clear --cache .* --fingerprint 'm'"):
            cache.get_entries("m", ["h1", "h2"])


def test_damaged_embeddings(tmp_path: Path) -> None:
    with ScoreCache(tmp_path / "c.sqlite") as cache:
        cache.put_embeddings("e", ["a"], np.full((1, 3), np.nan))
        with pytest.raises(DataError, match="an embedding with NaN or inf entries"):
            cache.get_embeddings("e", ["a"])
        cache.put_embeddings("e", ["a", "b"], np.zeros((2, 3)))
        cache.put_embeddings("e", ["c"], np.zeros((1, 4)))
        with pytest.raises(DataError, match=r"embeddings of several sizes \[3, 4\]"):
            cache.get_embeddings("e", ["a", "c"])


def test_eval_with_a_non_finite_cached_score_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rewardkit.data import load_preferences
    from rewardkit.models.registry import load_model
    from rewardkit.scoring.cache import input_hash

    data = tmp_path / "p.jsonl"
    data.write_text(json.dumps({"prompt": "q", "chosen": "long", "rejected": "x"}) + "\n")
    item = load_preferences(data).items[0]
    spec = "python:math:hypot"  # cacheable; never called: every score comes from the cache
    path = tmp_path / "c.sqlite"
    with ScoreCache(path) as cache:
        cache.put_scores(load_model(spec).fingerprint(), [input_hash("q", "long")], [1.0])
    with sqlite3.connect(str(path)) as db:
        db.execute(
            "INSERT INTO scores VALUES (?, ?, ?, 0)",
            (load_model(spec).fingerprint(), input_hash(item.prompt, "x"), float("inf")),
        )
    argv = ["eval", "--data", str(data), "--model", spec, "--cache", str(path)]
    assert main([*argv, "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: the score cache holds 1 cached score(s)")
    assert len(err.strip().splitlines()) == 1


def test_cache_clear_deletes_a_damaged_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
    Path(f"{path}-wal").write_bytes(b"junk")
    assert main(["cache", "info", "--cache", str(path)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {path}: cannot open the score cache")
    assert main(["cache", "clear", "--cache", str(path), "--fingerprint", "m"]) == 2
    assert "without --fingerprint" in capsys.readouterr().err
    assert main(["cache", "clear", "--cache", str(path)]) == 0
    assert not path.exists()
    assert not Path(f"{path}-wal").exists()
    captured = capsys.readouterr()
    assert "damaged cache file(s)" in captured.out
    assert "the cache was damaged (file is not a database); deleted it" in captured.err
    with ScoreCache(path) as cache:  # usable again
        cache.put_scores("m", ["h"], [0.5])


def test_cache_clear_never_deletes_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("my notes, not a cache\n" * 50)
    assert main(["cache", "clear", "--cache", str(path)]) == 2
    assert path.read_text().startswith("my notes")
    with pytest.raises(ConfigError, match="not an SQLite file"):
        ScoreCache.delete_damaged(path)
