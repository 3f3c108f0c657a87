"""`data curate`: dedup -> split -> audit with provenance; reruns are identical but for times."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rewardkit.cli.main import main
from rewardkit.curation.provenance import _strip_times
from rewardkit.curation.splits import SplitConfig
from rewardkit.data.demo import DemoConfig, generate_demo, write_demo
from rewardkit.errors import DataError
from rewardkit.jobs.curate import CurateConfig, run_curate


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    write_demo(generate_demo(DemoConfig(n_prompts=80, seed=2)), folder)
    # Plant a near-duplicate prompt: a copy of p0's prompt with one word changed.
    rows = [json.loads(x) for x in (folder / "prompts.jsonl").read_text().splitlines()]
    first = rows[0]
    words = first["prompt"].split()
    words[-1] = words[-1].upper() + "!"
    rows[1]["prompt"] = " ".join(words)
    (folder / "prompts.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return folder


def test_curate_removes_planted_duplicate_and_is_reproducible(
    demo_dir: Path, tmp_path: Path
) -> None:
    config = CurateConfig(split=SplitConfig(test_share=0.25, n_holdout_domains=1, seed=4))
    a = run_curate(demo_dir, tmp_path / "a", config)
    b = run_curate(demo_dir, tmp_path / "b", config)
    removed = a.dedup.removed
    assert len(removed) == 1
    assert removed[0].kind == "exact"  # case and punctuation only: equal after normalisation
    gone = removed[0].id
    for table in ("prompts", "responses", "ratings", "comparisons", "preferences"):
        for split_file in (tmp_path / "a" / "splits").glob(f"*/{table}.jsonl"):
            ids = {json.loads(x)["prompt_id"] for x in split_file.read_text().splitlines()}
            assert gone not in ids, split_file
    for name in (
        "dedup.json",
        "audit.json",
        "splits/split_manifest.json",
        "splits/train/ratings.jsonl",
        "splits/test/preferences.jsonl",
    ):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert _strip_times(a.manifest) == _strip_times(b.manifest)
    steps = {s["name"]: s for s in a.manifest["steps"]}
    assert list(steps) == ["dedup", "split", "audit"]
    assert steps["dedup"]["counts_in"]["prompts"] == 80
    assert steps["dedup"]["counts_out"]["prompts"] == 79
    assert sum(v for k, v in steps["split"]["counts_out"].items() if k.endswith("/prompts")) == 79
    sources = {s["name"]: s for s in a.manifest["sources"]}
    assert sources["ratings"]["rows"] > 0
    assert len(sources["prompts"]["sha256"]) == 64
    assert a.manifest["versions"]["numpy"]


def test_curate_and_split_commands(
    demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "curate.yaml"
    config.write_text(f"data_dir: {demo_dir}\nsplit:\n  test_share: 0.3\n  seed: 1\n")
    assert main(["data", "curate", "--config", str(config), "--out", str(tmp_path / "cur")]) == 0
    out = capsys.readouterr().out
    assert "1 exact and 0 near-duplicate prompts removed" in out
    assert "length_chosen_longer" in out
    assert (
        main(
            [
                "data",
                "split",
                "--data-dir",
                str(demo_dir),
                "--out",
                str(tmp_path / "sp"),
                "--holdout-domain",
                "cooking",
            ]
        )
        == 0
    )
    manifest = json.loads((tmp_path / "sp" / "split_manifest.json").read_text())
    assert manifest["holdout_domains"] == ["cooking"]
    assert (
        main(
            [
                "data",
                "split",
                "--data-dir",
                str(demo_dir),
                "--out",
                str(tmp_path / "sp2"),
                "--holdout-domain",
                "astrology",
            ]
        )
        == 2
    )
    assert main(["data", "audit", "--data-dir", str(demo_dir), "--out", str(tmp_path / "au")]) == 0
    assert json.loads((tmp_path / "au" / "audit.json").read_text())["checks"]


def test_rows_of_unknown_prompts_are_an_error(demo_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "orphans"
    folder.mkdir()
    for f in demo_dir.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    with (folder / "ratings.jsonl").open("a") as fh:
        fh.write(
            json.dumps(
                {
                    "item_id": "x",
                    "prompt_id": "ghost",
                    "annotator_id": "a",
                    "criterion": "safety",
                    "value": 3,
                }
            )
            + "\n"
        )
    with pytest.raises(
        DataError,
        match=r"ratings.jsonl: 1 row\(s\) belong to prompt ids missing from prompts.jsonl: ghost",
    ):
        run_curate(folder, tmp_path / "out", CurateConfig())
    (folder / "prompts.jsonl").write_text('{"prompt_id": "p1", "domain": "a"}\n')
    with pytest.raises(DataError, match=r"missing column\(s\) prompt"):
        run_curate(folder, tmp_path / "out2", CurateConfig())
