"""The figures each ../shared/data README reports, through `annotations agree`'s own path."""

from __future__ import annotations

import pandas as pd
import pytest

from annotation_studies import eks, pandalm, qags, squality
from rewardkit.annotations.runs import agree_on
from rewardkit.config import AgreeConfig

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
