"""Partitioning tables by prompt, writing splits reproducibly, and the demo-folder convenience."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest

from rewardkit.curation.splits import (
    MANIFEST_NAME,
    SplitConfig,
    assign_splits,
    frame_to_jsonl,
    partition_tables,
    preference_prompt_ids,
    read_table,
    split_demo_folder,
    write_split,
)
from rewardkit.data.demo import DemoConfig, generate_demo, write_demo
from rewardkit.errors import DataError

TABLES = ("prompts", "responses", "ratings", "comparisons", "preferences")
CONFIG = SplitConfig(test_share=0.2, validation_share=0.25, seed=3, holdout_domains=["legal"])


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    write_demo(generate_demo(DemoConfig(n_prompts=88, seed=2)), out)
    return out


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_demo_split_keeps_prompts_whole_and_disjoint(demo_dir: Path, tmp_path: Path) -> None:
    manifest_path = split_demo_folder(demo_dir, tmp_path, CONFIG)
    manifest = json.loads(manifest_path.read_text())
    assert list(manifest["splits"]) == ["train", "validation", "test", "holdout"]

    groups = {s: set(v["groups"]) for s, v in manifest["splits"].items()}
    all_prompts = set(read_table(demo_dir / "prompts.jsonl")["prompt_id"])
    assert set().union(*groups.values()) == all_prompts
    assert sum(len(g) for g in groups.values()) == len(all_prompts)  # disjoint

    for name in TABLES:
        source = read_table(demo_dir / f"{name}.jsonl")
        total = 0
        for split, members in groups.items():
            part = read_table(tmp_path / split / f"{name}.jsonl")
            total += len(part)
            assert part.empty or set(part["prompt_id"]) <= members, (name, split)
        assert total == len(source), name  # every row lands somewhere, once

    # A prompt's responses, ratings and comparisons all sit in its split.
    responses = read_table(demo_dir / "responses.jsonl")
    for split, members in groups.items():
        part = read_table(tmp_path / split / "responses.jsonl")
        ids = set(part["item_id"]) if len(part) else set()
        assert ids == set(responses.loc[responses["prompt_id"].isin(members), "item_id"])

    # The held-out domain is entirely in holdout.
    prompts = read_table(demo_dir / "prompts.jsonl")
    legal = set(prompts.loc[prompts["domain"] == "legal", "prompt_id"])
    assert legal == groups["holdout"]
    assert manifest["splits"]["holdout"]["domains"]["legal"] == len(legal)


def test_manifest_hashes_and_byte_identical_reruns(demo_dir: Path, tmp_path: Path) -> None:
    one = split_demo_folder(demo_dir, tmp_path / "one", CONFIG).parent
    two = split_demo_folder(demo_dir, tmp_path / "two", CONFIG).parent
    assert tree(one) == tree(two)

    manifest = json.loads((one / MANIFEST_NAME).read_text())
    assert manifest["config"] == CONFIG.model_dump(mode="json")
    written = {p.relative_to(one).as_posix() for p in one.rglob("*.jsonl")}
    listed = set()
    for split in manifest["splits"].values():
        for entry in split["files"].values():
            listed.add(entry["path"])
            assert sha(one / entry["path"]) == entry["sha256"]
            assert len((one / entry["path"]).read_text().splitlines()) == entry["rows"]
    assert listed == written
    for name, entry in manifest["inputs"].items():
        assert sha(demo_dir / f"{name}.jsonl") == entry["sha256"]

    other = split_demo_folder(demo_dir, tmp_path / "other", CONFIG.model_copy(update={"seed": 4}))
    assert (
        json.loads(other.read_text())["splits"]["test"]["groups"]
        != manifest["splits"]["test"]["groups"]
    )


def test_written_rows_round_trip_exactly(demo_dir: Path, tmp_path: Path) -> None:
    split_demo_folder(demo_dir, tmp_path, CONFIG)
    source = {
        line for line in (demo_dir / "responses.jsonl").read_text().splitlines() if line.strip()
    }
    out = set()
    for split in ("train", "validation", "test", "holdout"):
        out |= set((tmp_path / split / "responses.jsonl").read_text().splitlines())
    assert out == source  # same bytes per row: no float or unicode drift


def test_split_with_fake_leaks_on_demo(demo_dir: Path, tmp_path: Path) -> None:
    prompts = read_table(demo_dir / "prompts.jsonl")
    ids = sorted(prompts["prompt_id"])
    # Plant: every prompt is a near-duplicate of the one after it in id order (pairs).
    partner = {ids[i]: ids[i ^ 1] for i in range(len(ids) - len(ids) % 2)}

    def finder(train: Sequence[str], evaluated: Sequence[str]) -> list[tuple[str, str]]:
        train_set = set(train)
        return [(e, partner[e]) for e in evaluated if partner.get(e) in train_set]

    manifest = json.loads(split_demo_folder(demo_dir, tmp_path, CONFIG, finder).read_text())
    train = set(manifest["splits"]["train"]["groups"])
    for split in ("test", "validation"):
        for g in manifest["splits"][split]["groups"]:
            assert partner.get(g) not in train
    assert manifest["moved_to_train"]
    assert all(m["group_id"] in train for m in manifest["moved_to_train"])


def test_partition_rejects_unknown_and_missing_keys() -> None:
    prompts = pd.DataFrame({"prompt_id": ["p1", "p2"], "domain": ["a", "a"]})
    assignment = assign_splits(prompts, group_col="prompt_id")
    ratings = pd.DataFrame({"prompt_id": ["p1", "zz", "yy", None], "value": [1, 2, 3, 4]})
    with pytest.raises(DataError, match=r"'ratings'.*2 unknown prompt_id.*'yy', 'zz'.*1 row"):
        partition_tables(assignment, {"ratings": ratings})
    with pytest.raises(DataError, match="lacks the key column"):
        partition_tables(assignment, {"ratings": ratings.drop(columns="prompt_id")})


def test_partition_empty_split_keeps_columns() -> None:
    prompts = pd.DataFrame({"prompt_id": ["p1"], "domain": ["a"]})
    assignment = assign_splits(prompts, SplitConfig(test_share=0.3), group_col="prompt_id")
    parts = partition_tables(assignment, {"prompts": prompts})
    assert list(parts["test"]["prompts"].columns) == ["prompt_id", "domain"]
    assert len(parts["test"]["prompts"]) == 0


def test_write_split_rejects_path_like_names(tmp_path: Path) -> None:
    prompts = pd.DataFrame({"prompt_id": ["p1"], "domain": ["a"]})
    assignment = assign_splits(prompts, group_col="prompt_id")
    parts = partition_tables(assignment, {"../evil": prompts})
    with pytest.raises(DataError, match="plain file name"):
        write_split(tmp_path, parts, assignment, SplitConfig())


def test_frame_to_jsonl_handles_missing_and_numpy() -> None:
    frame = pd.DataFrame({"a": [1.5, float("nan")], "b": [[1, 2], None], "c": ["é", "x"]})
    lines = frame_to_jsonl(frame).splitlines()
    assert lines == ['{"a": 1.5, "b": [1, 2], "c": "é"}', '{"a": null, "b": null, "c": "x"}']


def test_preferences_map_to_prompts(demo_dir: Path) -> None:
    prefs = read_table(demo_dir / "preferences.jsonl")
    responses = read_table(demo_dir / "responses.jsonl")
    prompts = read_table(demo_dir / "prompts.jsonl")
    by_item = preference_prompt_ids(prefs, responses)
    # Cross-check with the prompt text: the mapped prompt has the row's prompt text.
    text_of = dict(zip(prompts["prompt_id"], prompts["prompt"], strict=True))
    assert [text_of[p] for p in by_item] == list(prefs["prompt"])
    # Without item ids, the prompt text (unique in prompts) gives the same answer.
    by_text = preference_prompt_ids(
        prefs.drop(columns=["chosen_item", "rejected_item"]), None, prompts
    )
    assert by_text.tolist() == by_item.tolist()


def test_preference_mapping_errors() -> None:
    responses = pd.DataFrame({"item_id": ["a-r0", "b-r0"], "prompt_id": ["a", "b"]})
    clash = pd.DataFrame({"chosen_item": ["a-r0"], "rejected_item": ["b-r0"]})
    with pytest.raises(DataError, match="different prompts"):
        preference_prompt_ids(clash, responses)
    lost = pd.DataFrame({"chosen_item": ["a-r0", "zz"], "rejected_item": ["a-r0", "zz"]})
    with pytest.raises(DataError, match=r"1 preference row\(s\), e.g. rows \[2\]"):
        preference_prompt_ids(lost, responses)


def test_demo_folder_needs_prompts(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"prompts\.jsonl"):
        split_demo_folder(tmp_path, tmp_path / "out")
