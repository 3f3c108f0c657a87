"""``rewardkit serve`` options: which calibrator /score applies (--calibrated/--raw), the
config file, and the help that lists every flag."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rewardkit.calibration import TemperatureScaling, save_calibrator
from rewardkit.cli.app import app
from rewardkit.cli.serve_cmd import served_calibrator
from rewardkit.config import load_config
from rewardkit.errors import ConfigError
from rewardkit.serve.settings import ServeConfig

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "rm"
    folder.mkdir()
    return folder


def test_calibrator_beside_the_model_is_used_unless_raw(model_dir: Path) -> None:
    spec = f"embed:{model_dir}"
    assert served_calibrator(spec, None) is None
    with pytest.raises(ConfigError, match=r"--calibrated: no calibrator.json beside embed:"):
        served_calibrator(spec, True)
    fitted = TemperatureScaling().fit([0.5, 1.0, -0.2])
    save_calibrator(fitted, model_dir / "calibrator.json")
    for calibrated in (None, True):
        found = served_calibrator(spec, calibrated)
        assert isinstance(found, TemperatureScaling)
        assert found.temperature_ == fitted.temperature_
    assert served_calibrator(spec, False) is None


def test_the_shipped_config_holds_the_defaults() -> None:
    from_file = load_config(ServeConfig, CONFIGS / "serve.yaml", {"model": "baseline:length"})
    assert from_file == ServeConfig(model="baseline:length")


def test_help_lists_the_flags() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"], terminal_width=200)
    assert result.exit_code == 0
    for flag in (
        "--model",
        "--host",
        "--port",
        "--max-batch-size",
        "--max-wait-ms",
        "--max-queue",
        "--token-file",
        "--cache",
        "--calibrated",
        "--raw",
        "--ray",
        "--replicas",
    ):
        assert flag in result.output
