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


def test_saved_calibrator_is_applied_when_the_model_loads(tmp_path: Path) -> None:
    """calibrate saves calibrator.json in an hf: model folder; eval then reports calibrated
    ECE/Brier/log-loss (and --no-calibration the raw ones); accuracy is unchanged."""
    import torch
    from safetensors.torch import load_file, save_file

    from tiny_models import build_llama

    folder = build_llama(tmp_path / "clf", "classifier", seed=1)
    weights = load_file(str(folder / "model.safetensors"))
    weights["score.weight"] = weights["score.weight"] * 200.0  # scores far too spread out
    save_file({k: v.contiguous() for k, v in weights.items()}, str(folder / "model.safetensors"))
    rng = np.random.default_rng(0)
    words = ["bread", "fox", "capital", "safety", "reward", "dog", "water", "salt"]
    rows = [
        {
            "id": f"i{i}",
            "prompt": "Say something.",
            "chosen": " ".join(rng.choice(words, size=6)),
            "rejected": " ".join(rng.choice(words, size=6)),
        }
        for i in range(300)
    ]
    data = tmp_path / "d.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    base = ["--data", str(data), "--cache", str(tmp_path / "c.sqlite"), "--bootstrap", "50"]
    spec = f"hf:{folder}"
    assert main(["eval", "--model", spec, *base, "--out", str(tmp_path / "raw")]) == 0
    assert main(["calibrate", "--model", spec, *base, "--out", str(tmp_path / "cal")]) == 0
    assert (folder / "calibrator.json").is_file()
    assert "After the TemperatureScaling" in (tmp_path / "cal" / "report.html").read_text()
    assert main(["eval", "--model", spec, *base, "--out", str(tmp_path / "calibrated")]) == 0
    off = ["--no-calibration", "--out", str(tmp_path / "off")]
    assert main(["eval", "--model", spec, *base, *off]) == 0

    def metrics(run: str) -> dict[str, dict[str, float]]:
        results = json.loads((tmp_path / run / "results.json").read_text())
        assert ("calibrator" in results) == (run == "calibrated")
        return dict(results["metrics"])

    raw, calibrated, off_metrics = metrics("raw"), metrics("calibrated"), metrics("off")
    assert off_metrics == raw
    assert calibrated["accuracy"] == raw["accuracy"]
    assert calibrated["ece"]["value"] < raw["ece"]["value"] / 2
    assert calibrated["log_loss"]["value"] < raw["log_loss"]["value"]
    assert torch.isfinite(torch.tensor(calibrated["log_loss"]["value"]))


def test_calibrate_takes_the_data_options_and_reports_what_it_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--layout/--split/--skip-invalid/--tie-value as for eval; skipped rows and labelled ties
    are reported on the console (and in calibration.json), not only in the JSON."""
    rng = np.random.default_rng(1)
    rows: list[dict[str, object]] = [
        {
            "chosen": f"\n\nHuman: q{i}?\n\nAssistant: " + "a" * int(rng.integers(3, 30)),
            "rejected": f"\n\nHuman: q{i}?\n\nAssistant: " + "b" * int(rng.integers(3, 30)),
        }
        for i in range(60)
    ]
    rows.append({"chosen": "\n\nHuman: broken"})  # no rejected transcript: invalid
    data = tmp_path / "d.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    argv = ["calibrate", "--model", "baseline:length", "--data", str(data), "--bootstrap", "20"]
    argv += ["--layout", "hh-rlhf", "--tie-value", "0.25", "--no-cache"]
    assert main([*argv, "--strict", "--out", str(tmp_path / "strict")]) == 2
    assert "row 61" in capsys.readouterr().err
    assert main([*argv, "--skip-invalid", "--out", str(tmp_path / "cal")]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "1 invalid row(s) skipped" in err
    doc = json.loads((tmp_path / "cal" / "calibration.json").read_text())
    assert (doc["n_items"], doc["n_skipped"], doc["n_ties_excluded"]) == (60, 1, 0)
    results = json.loads((tmp_path / "cal" / "results.json").read_text())
    assert results["data"]["layout"] == "hh-rlhf"
    assert results["config"]["tie_value"] == 0.25


def test_calibrate_reports_labelled_ties_and_truncation(
    tmp_path: Path, tiny_classifier: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {"id": f"i{i}", "prompt": "Say something long.", "chosen": "word " * 40, "rejected": "no"}
        for i in range(30)
    ]
    rows += [{"id": "t", "prompt": "q", "chosen": "a", "rejected": "b", "tie": True}]
    data = tmp_path / "d.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    argv = ["calibrate", "--model", f"hf:{tiny_classifier}", "--data", str(data)]
    argv += ["--bootstrap", "20", "--max-length", "16", "--out", str(tmp_path / "cal")]
    assert main(argv) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "1 item(s) labelled a tie were left out of the calibration" in err
    doc = json.loads((tmp_path / "cal" / "calibration.json").read_text())
    assert doc["n_ties_excluded"] == 1
    assert doc["n_truncated"] > 0
    assert f"{doc['n_truncated']} input(s) were truncated to --max-length" in err
