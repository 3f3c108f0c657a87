"""``rewardkit bon`` says on the console what it left out or cut: skipped rows and, per scored
model, the inputs truncated to --max-length (not only in manifest.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bon_data import write_candidates

from rewardkit.cli.main import main


def test_bon_reports_skipped_rows_and_truncations(
    tmp_path: Path, tiny_classifier: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "cands.jsonl"
    write_candidates(data, n_prompts=20)
    with data.open("a") as fh:
        fh.write(json.dumps({"id": "bad", "prompt": "p", "chosen": ["x"]}) + "\n")
    spec = f"hf:{tiny_classifier}"
    argv = ["bon", "--data", str(data), "--proxy", spec, "--gold-scores", "from-data"]
    argv += ["--bootstrap", "30", "--no-cache", "--max-length", "12", "--skip-invalid"]
    assert main([*argv, "--out", str(tmp_path / "run")]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "1 invalid row(s) skipped" in err
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    n = manifest["scoring"][spec]["n_truncated"]
    assert n > 0
    assert f"{n} input(s) scored by {spec} were truncated to --max-length" in err
