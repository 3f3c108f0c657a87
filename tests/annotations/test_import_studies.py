"""Round trip: each published study, imported as shipped (`annotations import --from wide-csv
--layout ...`), then `annotations agree` on the imported ratings.csv reaches the figure its
../shared/data README reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rewardkit.cli.main import main
from shared_data import shared_path

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.filterwarnings("ignore::rewardkit.metrics.BootstrapWarning"),
]


def _round_trip(tmp_path: Path, layout: str, files: list[Path], level: str, scale: str) -> Any:
    imported = tmp_path / "imported"
    argv = [
        "annotations",
        "import",
        "--from",
        "wide-csv",
        "--layout",
        layout,
        *map(str, files),
        "--out",
        str(imported),
    ]
    assert main(argv) == 0
    out = tmp_path / "agree"
    argv = [
        "annotations",
        "agree",
        "--ratings",
        str(imported / "ratings.csv"),
        "--level",
        level,
        "--scale",
        scale,
        "--any-criteria",
        "--min-annotations",
        "2",
        "--bootstrap",
        "50",
        "--out",
        str(out),
    ]
    assert main(argv) == 0
    results = json.loads((out / "results.json").read_text())
    assert results["quorum"]["excluded"] == []
    return results["criteria"]


def test_pandalm(tmp_path: Path) -> None:
    path = shared_path("pandalm-testset", "testset-v1.json")
    c = _round_trip(tmp_path, "pandalm", [path], "nominal", "0-2")["preference"]
    assert c["fleiss_kappa"]["value"] == pytest.approx(0.864, abs=5e-4)
    assert c["alpha"]["value"] == pytest.approx(0.864, abs=5e-4)


@pytest.mark.parametrize(("name", "kappa"), [("cnndm", 0.513), ("xsum", 0.341)])
def test_qags(tmp_path: Path, name: str, kappa: float) -> None:
    path = shared_path("qags-mturk", f"mturk_{name}.jsonl")
    c = _round_trip(tmp_path, "qags", [path], "nominal", "0-1")["factuality"]
    assert c["fleiss_kappa"]["value"] == pytest.approx(kappa, abs=5e-4)


def test_squality(tmp_path: Path) -> None:
    path = shared_path("squality-human-eval", "all-responses.jsonl")
    got = _round_trip(tmp_path, "squality", [path], "interval", "0-100")
    for criterion, expected in (("correctness", 0.459), ("selection", 0.781), ("overall", 0.798)):
        assert got[criterion]["alpha"]["value"] == pytest.approx(expected, abs=5e-4)


def test_eks(tmp_path: Path) -> None:
    files = [
        shared_path("eks-mucsum-human-study", f"a{k}_data_with_model_names.json") for k in (1, 2, 3)
    ]
    c = _round_trip(tmp_path, "eks", files, "ordinal", "1-5")["quality"]
    assert c["alpha"]["value"] == pytest.approx(-0.039, abs=5e-4)
