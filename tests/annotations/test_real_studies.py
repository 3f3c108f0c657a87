"""The figures each ../shared/data README reports, through `annotations agree`'s own path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from annotation_studies import eks, pandalm, qags, squality
from rewardkit.cli.main import main
from rewardkit.config import AgreeConfig
from rewardkit.jobs.annotations import agree_on
from shared_data import shared_path

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.filterwarnings("ignore::rewardkit.metrics.BootstrapWarning"),
]


def _agree(frame: pd.DataFrame, level: str, scale: str) -> object:
    config = AgreeConfig(
        level=level,
        scale=scale,
        criteria=None,
        bootstrap=300,  # type: ignore[arg-type]
        min_annotations=2,
        by_domain=False,
    )
    report, excluded = agree_on(
        frame.drop_duplicates(["item_id", "annotator_id", "criterion"]), config
    )
    assert excluded == ()
    return report


def test_pandalm_fleiss_kappa() -> None:
    report = _agree(pandalm(), "nominal", "0-2")
    c = report.criterion("preference")  # type: ignore[attr-defined]
    assert c.fleiss_kappa.value == pytest.approx(0.864, abs=5e-4)
    assert c.alpha.value == pytest.approx(0.864, abs=5e-4)
    assert c.verdict == "meets target"


@pytest.mark.parametrize(("name", "kappa"), [("cnndm", 0.513), ("xsum", 0.341)])
def test_qags_fleiss_kappa(name: str, kappa: float) -> None:
    report = _agree(qags(name), "nominal", "0-1")
    assert report.criterion("factuality").fleiss_kappa.value == pytest.approx(  # type: ignore[attr-defined]
        kappa, abs=5e-4
    )


def test_squality_interval_alpha() -> None:
    report = _agree(squality(), "interval", "0-100")
    for criterion, expected in (("correctness", 0.459), ("selection", 0.781), ("overall", 0.798)):
        assert report.criterion(criterion).alpha.value == pytest.approx(  # type: ignore[attr-defined]
            expected, abs=5e-4
        )


def test_eks_low_agreement_is_called_out() -> None:
    report = _agree(eks(), "ordinal", "1-5")
    c = report.criterion("quality")  # type: ignore[attr-defined]
    assert c.alpha.value == pytest.approx(-0.039, abs=5e-4)
    assert c.verdict == "below target"
    assert c.alpha.ci_high < 0.6


def _cli_agree(tmp_path: Path, layout: str, *files: Path) -> dict[str, Any]:
    """``rewardkit annotations agree --layout LAYOUT FILE...`` on the files as shipped."""
    out = tmp_path / layout
    argv = ["annotations", "agree", "--layout", layout, *map(str, files)]
    assert main([*argv, "--bootstrap", "100", "--out", str(out)]) == 0
    results: dict[str, Any] = json.loads((out / "results.json").read_text())
    assert results["quorum"]["excluded"] == []
    return results


def test_cli_pandalm_as_shipped(tmp_path: Path) -> None:
    res = _cli_agree(tmp_path, "pandalm", shared_path("pandalm-testset", "testset-v1.json"))
    c = res["criteria"]["preference"]
    assert (c["n_items"], c["n_annotators"]) == (999, 3)
    assert c["fleiss_kappa"]["value"] == pytest.approx(0.864, abs=5e-4)
    assert c["alpha"]["value"] == pytest.approx(0.864, abs=5e-4)
    assert "leniency" in c["omitted"]  # codes 0 (tie), 1, 2 have no order


@pytest.mark.parametrize(
    ("name", "kappa", "n_items"), [("cnndm", 0.513, 714), ("xsum", 0.341, 239)]
)
def test_cli_qags_as_shipped(tmp_path: Path, name: str, kappa: float, n_items: int) -> None:
    res = _cli_agree(tmp_path, "qags", shared_path("qags-mturk", f"mturk_{name}.jsonl"))
    c = res["criteria"]["factuality"]
    assert c["n_items"] == n_items
    assert c["fleiss_kappa"]["value"] == pytest.approx(kappa, abs=5e-4)


def test_cli_squality_as_shipped(tmp_path: Path) -> None:
    res = _cli_agree(
        tmp_path, "squality", shared_path("squality-human-eval", "all-responses.jsonl")
    )
    assert res["level"] == "interval"
    for criterion, expected in (("correctness", 0.459), ("selection", 0.781), ("overall", 0.798)):
        c = res["criteria"][criterion]
        assert (c["n_items"], c["n_annotators"]) == (300, 4)
        assert c["alpha"]["value"] == pytest.approx(expected, abs=5e-4)
        assert c["fleiss_kappa"] is None  # 101 categories: omitted, with the reason
        assert "fleiss_kappa" in c["omitted"]


def test_cli_eks_as_shipped(tmp_path: Path) -> None:
    files = [
        shared_path("eks-mucsum-human-study", f"a{k}_data_with_model_names.json") for k in (1, 2, 3)
    ]
    res = _cli_agree(tmp_path, "eks", *files)
    c = res["criteria"]["quality"]
    assert (c["n_items"], c["n_ratings"]) == (180, 540)
    assert c["alpha"]["value"] == pytest.approx(-0.039, abs=5e-4)
    assert c["verdict"] == "below target"
    assert sorted(a["annotator_id"] for a in c["leniency"]) == ["a1", "a2", "a3"]
