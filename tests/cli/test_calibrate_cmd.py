"""`rewardkit calibrate`: a temperature fitted on held-out pairs lowers ECE and is saved."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rewardkit.calibration import load_calibrator
from rewardkit.cli.main import main


def test_calibrate_overconfident_scores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rng = np.random.default_rng(0)
    n = 600
    rows = [{"id": f"i{i}", "prompt": "q", "chosen": "a", "rejected": "b"} for i in range(n)]
    (tmp_path / "d.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    # True preference probability sigmoid(d) but scores 5x too large: overconfident.
    d = rng.normal(size=n)
    wins = rng.random(n) < 1 / (1 + np.exp(-d))
    chosen = np.where(wins, 5 * d, -5 * d)
    table = pd.DataFrame(
        {
            "item_id": np.repeat([r["id"] for r in rows], 2),
            "response_index": np.tile([0, 1], n),
            "score": np.stack([chosen, np.zeros(n)], 1).ravel(),
        }
    )
    table.to_parquet(tmp_path / "s.parquet")
    assert (
        main(
            [
                "calibrate",
                "--model",
                f"scores:{tmp_path / 's.parquet'}",
                "--data",
                str(tmp_path / "d.jsonl"),
                "--out",
                str(tmp_path / "cal"),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "temperature calibration on 600 held-out pairs" in " ".join(out.split())
    report = json.loads((tmp_path / "cal" / "calibration.json").read_text())["report"]
    assert report["ece_after"] < report["ece_before"] / 2
    assert report["log_loss_after"] < report["log_loss_before"]
    calibrator = load_calibrator(tmp_path / "cal" / "calibrator.json")
    assert calibrator.temperature_ == pytest.approx(5.0, rel=0.25)  # type: ignore[attr-defined]
    assert (
        main(
            [
                "calibrate",
                "--model",
                f"scores:{tmp_path / 's.parquet'}",
                "--data",
                str(tmp_path / "d.jsonl"),
                "--method",
                "magic",
                "--out",
                str(tmp_path / "bad"),
            ]
        )
        == 2
    )
