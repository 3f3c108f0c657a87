"""`data curate` resolves the config's relative paths against the current directory (as
--out always was); `data dedup` takes the data options of every data command and says what it
skipped on the console."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rewardkit.cli.main import main
from rewardkit.data.demo import DemoConfig, generate_demo, write_demo
from rewardkit.runs import sha256_path


def test_curate_config_paths_start_at_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "project"
    write_demo(generate_demo(DemoConfig(n_prompts=40, seed=1)), work / "demo-data")
    (work / "configs").mkdir()
    (work / "configs" / "curate.yaml").write_text("data_dir: demo-data\nout: curated\n")
    monkeypatch.chdir(work)
    assert main(["data", "curate", "--config", "configs/curate.yaml"]) == 0
    manifest = json.loads((work / "curated" / "curation_manifest.json").read_text())
    sources = {s["name"]: s for s in manifest["sources"]}
    assert sources["prompts"]["sha256"] == sha256_path(work / "demo-data" / "prompts.jsonl")
    assert not (work / "configs" / "curated").exists()


def test_dedup_takes_layout_split_and_skip_invalid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "hh"
    folder.mkdir()
    rows = [
        {"chosen": f"\n\nHuman: q{i % 7}?\n\nAssistant: yes", "rejected": f"\n\nHuman: q{i % 7}?"}
        for i in range(14)
    ]
    rows = [{**r, "rejected": r["rejected"] + "\n\nAssistant: no"} for r in rows]
    (folder / "train.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in rows) + json.dumps({"chosen": "x"}) + "\n"
    )
    (folder / "test.jsonl").write_text(json.dumps(rows[0]) + "\n")
    argv = ["data", "dedup", "--data", str(folder), "--split", "train", "--layout", "hh-rlhf"]
    assert main([*argv, "--strict", "--out", str(tmp_path / "strict")]) == 2
    assert "train.jsonl: row 15" in capsys.readouterr().err
    assert main([*argv, "--skip-invalid", "--out", str(tmp_path / "out")]) == 0
    captured = capsys.readouterr()
    assert "1 invalid row(s) skipped" in " ".join(captured.err.split())
    # The 14 valid rows of the train split: the test file is left out.
    assert " ".join(captured.out.split()).startswith("14 items,")
