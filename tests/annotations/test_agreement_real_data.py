"""Agreement on the real human studies in ../shared/data (skipped when absent)."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest

import annotation_studies
from rewardkit.annotations.agreement import agreement_report, alpha

pytestmark = [
    pytest.mark.shared_data,
    # Small domains (a few items) often resample to no variation at all.
    pytest.mark.filterwarnings("ignore::rewardkit.metrics.BootstrapWarning"),
]


def _wide(frame: pd.DataFrame) -> np.ndarray:
    wide = frame.pivot(index="item_id", columns="annotator_id", values="value")
    return wide.to_numpy(dtype=np.float64)


@pytest.mark.parametrize(
    ("name", "level", "values"),
    [
        ("pandalm", "nominal", [0, 1, 2]),
        ("eks", "ordinal", [1, 2, 3, 4, 5]),
        ("qags_cnndm", "nominal", [0, 1]),
    ],
)
def test_alpha_and_report_on_real_studies(name: str, level: str, values: list[int]) -> None:
    real = annotation_studies
    frame = real.qags("cnndm") if name == "qags_cnndm" else getattr(real, name)()
    frame = frame.drop_duplicates(["item_id", "annotator_id", "criterion"])
    criterion = frame["criterion"].iloc[0]
    data = _wide(frame[frame["criterion"] == criterion])
    ref = krippendorff.alpha(
        reliability_data=data.T, level_of_measurement=level, value_domain=values
    )
    assert alpha(data, level, values) == pytest.approx(ref, abs=1e-9)  # type: ignore[arg-type]
    rep = agreement_report(frame, level=level, values=values, n_resamples=200)  # type: ignore[arg-type]
    est = rep.criterion(criterion).alpha
    assert est.value == pytest.approx(ref, abs=1e-9)
    assert est.ci_low <= est.value <= est.ci_high
