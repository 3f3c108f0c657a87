"""Shared fixtures: small data writers."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from tiny_models import build_llama


def write_jsonl(path: Path, rows: Iterable[dict[str, Any] | str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in rows]
    data = "\n".join(lines) + "\n"
    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


@pytest.fixture
def jsonl(tmp_path: Path) -> Callable[..., Path]:
    def make(rows: Iterable[dict[str, Any] | str], name: str = "data.jsonl") -> Path:
        return write_jsonl(tmp_path / name, rows)

    return make


@pytest.fixture(autouse=True)
def _isolated_score_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own score cache and builtin: models home instead of the user's."""
    monkeypatch.setenv("REWARDKIT_CACHE", str(tmp_path / "score-cache.sqlite"))
    monkeypatch.setenv("REWARDKIT_MODELS", str(tmp_path / "models-home"))


@pytest.fixture(scope="session")
def tiny_classifier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("transformers")
    return build_llama(tmp_path_factory.mktemp("tiny") / "rm")


@pytest.fixture(scope="session")
def tiny_lm_factory(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int], Path]:
    pytest.importorskip("transformers")

    def make(seed: int) -> Path:
        return build_llama(tmp_path_factory.mktemp("lm") / f"lm{seed}", "lm", seed=seed)

    return make


@pytest.fixture(scope="session")
def llama_builder() -> Callable[..., Path]:
    """``build_llama(folder, kind, seed=..., chat_template=...)`` for tests that need variants."""
    pytest.importorskip("transformers")
    return build_llama
