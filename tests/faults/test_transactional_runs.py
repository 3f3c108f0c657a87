"""Issue 14, points 1-3: outputs are replaced only by complete runs of the same kind; a killed,
failed or disk-full run leaves the previous output intact; readers reject mixed folders."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from rewardkit.cli.main import main
from rewardkit.data.demo import DemoConfig, generate_demo, write_demo
from rewardkit.data.load import load_preferences
from rewardkit.data.writers import write_preferences
from rewardkit.errors import ConfigError
from rewardkit.jobs import train as train_job
from rewardkit.jobs.train import load_train_config, run_train
from rewardkit.models.registry import load_model
from rewardkit.runs.output import MARKER, staging_path, staging_root, verify_output


def _pairs(path: Path, n: int = 40) -> Path:
    rows = [
        {"id": str(i), "prompt": f"q{i}", "chosen": "a" * (i % 9 + 2), "rejected": "b" * (i % 5)}
        for i in range(n)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


def test_eval_killed_mid_run_leaves_the_previous_run_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _pairs(tmp_path / "pairs.jsonl")
    out, other = tmp_path / "run", tmp_path / "other"
    for folder, spec in ((out, "baseline:length"), (other, "baseline:random")):
        code, err = _cli(
            capsys, "eval", "--data", str(data), "--model", spec, "--out", str(folder),
            "--bootstrap", "50", "--no-cache",
        )  # fmt: skip
        assert code == 0, err
    before = _files(out)
    (tmp_path / "slow_rm.py").write_text(
        "import time\n\ndef score(prompts, responses):\n    time.sleep(120)\n"
        "    return [0.0] * len(responses)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "rewardkit", "eval", "--data", str(data), "--no-cache"]
    cmd += ["--model", "python:slow_rm:score", "--out", str(out), "--bootstrap", "50"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = staging_path(out) / "log.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and "loaded" not in (log.read_text() if log.exists() else ""):
        time.sleep(0.05)
    assert "loaded" in log.read_text()  # the new run is writing its own folder now
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    assert _files(out) == before  # not one file of the killed run reached the old one
    verify_output(out, "eval")
    code, err = _cli(capsys, "compare", str(out), str(other), "--bootstrap", "50")
    assert code == 0, err
    assert staging_root(out).exists()  # what the killed run left, beside (not in) the run

    code, err = _cli(
        capsys, "eval", "--data", str(data), "--model", "baseline:random", "--seed", "7",
        "--out", str(out), "--bootstrap", "50", "--no-cache",
    )  # fmt: skip
    assert code == 0, err
    assert not staging_root(out).exists()
    results = json.loads((out / "results.json").read_text())
    assert results["model"]["spec"] == "baseline:random"
    assert verify_output(out, "eval")["complete"] is True


def test_a_failure_after_scoring_keeps_results_and_scores_of_one_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from rewardkit.jobs import evaluate as eval_job

    data = _pairs(tmp_path / "pairs.jsonl")
    out = tmp_path / "run"
    args = ["eval", "--data", str(data), "--out", str(out), "--bootstrap", "50", "--no-cache"]
    assert _cli(capsys, *args, "--model", "baseline:length")[0] == 0
    before = _files(out)

    def disk_full(*_: Any, **__: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(eval_job, "evaluate", disk_full)  # after scores.parquet is written
    code, err = _cli(capsys, *args, "--model", "baseline:random")
    assert code != 0
    assert "No space left on device" in err
    assert _files(out) == before
    assert not staging_root(out).exists()


def test_compare_and_scores_reject_a_folder_mixing_two_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _pairs(tmp_path / "pairs.jsonl")
    a, b = tmp_path / "a", tmp_path / "b"
    for folder, spec in ((a, "baseline:length"), (b, "baseline:random")):
        args = ["eval", "--data", str(data), "--model", spec, "--out", str(folder)]
        assert _cli(capsys, *args, "--bootstrap", "50", "--no-cache")[0] == 0
    # what an interrupted in-place rerun used to leave: B's scores under A's results
    (a / "scores.parquet").write_bytes((b / "scores.parquet").read_bytes())
    code, err = _cli(capsys, "compare", str(a), str(b), "--bootstrap", "50")
    assert code == 2
    assert err.count("\n") == 1
    assert "scores.parquet: changed since its run wrote it" in err
    code, err = _cli(
        capsys, "eval", "--data", str(data), "--model", f"scores:{a / 'scores.parquet'}",
        "--out", str(tmp_path / "c"), "--bootstrap", "50", "--no-cache",
    )  # fmt: skip
    assert code == 2
    assert "changed since its run wrote it" in err


def test_train_overwrite_never_deletes_a_folder_that_is_not_a_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "chapter1.tex").write_text("\\section{Intro}")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    good = _pairs(tmp_path / "pairs.jsonl")
    for data in (bad, good):
        code, err = _cli(capsys, "train", "--data", str(data), "--out", str(thesis), "--overwrite")
        assert code == 2
        assert "is not a rewardkit model output; refusing to replace it" in err
        assert _files(thesis) == {"chapter1.tex": b"\\section{Intro}"}
    assert not staging_root(thesis).exists()


def test_train_with_bad_data_keeps_the_old_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "rm"  # a model folder from before markers existed
    model.mkdir()
    (model / "train_manifest.json").write_text('{"command": "train"}')
    (model / "head.safetensors").write_bytes(b"weights")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"prompt": "q", "chosen": "a"}\n')
    code, err = _cli(capsys, "train", "--data", str(bad), "--out", str(model), "--overwrite")
    assert code == 2
    assert "bad.jsonl" in err
    assert _files(model) == {
        "train_manifest.json": b'{"command": "train"}',
        "head.safetensors": b"weights",
    }
    assert not staging_root(model).exists()


def test_the_checkpoint_folder_name_matches_the_loop() -> None:
    from rewardkit.train.loop import CHECKPOINT_DIR

    assert train_job.CHECKPOINT_DIR == CHECKPOINT_DIR


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("demo")
    written = write_demo(generate_demo(DemoConfig(seed=3, n_prompts=48)), folder / "data")
    items = load_preferences(written["preferences"]).items
    return {
        "train": write_preferences(items, folder / "train.jsonl"),
        "cache": folder / "embeddings.sqlite",
    }


def test_a_disk_full_model_save_leaves_no_model_that_loads(
    demo: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import safetensors.numpy

    from rewardkit.scoring import ScoreCache

    config = load_train_config(
        None, {"epochs": 3, "batch_size": 32, "learning_rate": 0.01, "validation_share": 0.0}
    )  # no validation: the model is saved every epoch
    out = tmp_path / "rm"
    with ScoreCache(demo["cache"]) as cache:
        run_train(demo["train"], config, out, cache=cache, progress=False)
        before = _files(out)
        real_save = safetensors.numpy.save_file
        calls = {"n": 0}

        def disk_fills(tensors: dict[str, Any], filename: str, **kw: Any) -> None:
            calls["n"] += 1
            if calls["n"] == 2:  # the second epoch's model, after a checkpoint was written
                Path(filename).write_bytes(b"\x00" * 17)  # half a file, then the disk is full
                raise OSError(errno.ENOSPC, "No space left on device")
            real_save(tensors, filename, **kw)

        monkeypatch.setattr(safetensors.numpy, "save_file", disk_fills)
        retrained = config.model_copy(update={"seed": 1})
        with pytest.raises(OSError, match="No space left"):
            run_train(demo["train"], retrained, out, cache=cache, progress=False, overwrite=True)
        monkeypatch.setattr(safetensors.numpy, "save_file", real_save)
        assert _files(out) == before  # the finished model is untouched
        load_model(f"embed:{out}")
        stage = staging_path(out)
        assert (stage / "head.safetensors").read_bytes() == b"\x00" * 17
        with pytest.raises(ConfigError, match="an incomplete model"):
            load_model(f"embed:{stage}")  # the half-written model does not load as finished
        # The same command again resumes from the checkpoint and replaces the model when done.
        run_train(demo["train"], retrained, out, cache=cache, progress=False)
    assert not staging_root(out).exists()
    assert verify_output(out, "model")["complete"] is True
    assert (out / MARKER).exists()
    assert _files(out)["head.safetensors"] != before["head.safetensors"]
    load_model(f"embed:{out}")


def test_curation_commands_replace_only_their_own_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _pairs(tmp_path / "pairs.jsonl")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "todo.txt").write_text("keep me")
    code, err = _cli(capsys, "data", "dedup", "--data", str(data), "--out", str(notes))
    assert code == 2
    assert "is not a rewardkit dedup output; refusing to replace it" in err
    assert _files(notes) == {"todo.txt": b"keep me"}
    out = tmp_path / "dedup"
    for _ in range(2):  # a rerun replaces its own earlier output
        assert _cli(capsys, "data", "dedup", "--data", str(data), "--out", str(out))[0] == 0
    assert verify_output(out, "dedup")["complete"] is True
    assert sorted(_files(out)) == [MARKER, "dedup.json", "pairs.dedup.jsonl"]
