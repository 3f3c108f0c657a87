"""Source data for the probe tests: multi-sentence answers in two domains."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FACTS = [
    ("water", "Water boils at one hundred degrees Celsius at sea level."),
    ("paris", "Paris is the capital city of France."),
    ("light", "Light travels faster than sound through the air."),
    ("bread", "Bread dough needs flour, water, salt and yeast."),
    ("moon", "The moon orbits the earth about once every month."),
]
DETAILS = [
    "This follows from careful measurement.",
    "Many textbooks describe it in detail.",
    "Scientists confirmed this many times.",
    "You can check it with simple experiments.",
]


def write_source(path: Path, n: int = 40) -> Path:
    rows = []
    for i in range(n):
        topic, fact = FACTS[i % len(FACTS)]
        detail = DETAILS[i % len(DETAILS)]
        extra = DETAILS[(i + 1) % len(DETAILS)]
        rows.append(
            {
                "id": f"q{i}",
                "prompt": f"Question {i}: tell me about {topic}.",
                "chosen": f"{fact} {detail} {extra}",
                "rejected": f"I do not know much about {topic}.",
                "domain": "science" if i % 2 else "everyday",
            }
        )
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return write_source(tmp_path / "source.jsonl")


@pytest.fixture
def planted(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    return "python:planted_rm:bullets"
