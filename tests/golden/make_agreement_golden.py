"""Regenerate the ``agreement_*.json`` golden cases.

Each case holds the published worked example as printed (data and rounded values, entered by
hand from the cited source) and, next to it, the full-precision value of a reference
implementation (``krippendorff``, ``statsmodels``, ``scikit-learn``) -- never of
``rewardkit``. Missing ratings are written as ``null``.

Usage: ``python tests/golden/make_agreement_golden.py`` (from the repository root).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa

HERE = Path(__file__).resolve().parent
_ = None  # a missing rating

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C.4 (4 coders x 12
# units, missing data); rows are the coders A-D, published alphas to 3 decimals.
C4_CODERS = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    "C": [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
}
C4_PUBLISHED = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}

# Fleiss (1971): 30 patients, 6 psychiatrists, 5 diagnoses (depression, personality disorder,
# schizophrenia, neurosis, other); per patient the number of psychiatrists per diagnosis. Same
# counts as R irr's `diagnoses` data (kappam.fleiss: 0.4302445). Published kappa: 0.430.
FLEISS_1971 = [
    [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
    [0, 0, 5, 0, 1], [3, 0, 0, 1, 2], [5, 1, 0, 0, 0], [0, 2, 0, 4, 0], [1, 0, 2, 0, 3],
    [0, 0, 0, 0, 6], [0, 1, 0, 5, 0], [0, 2, 0, 1, 3], [2, 0, 0, 4, 0], [1, 0, 0, 4, 1],
    [0, 5, 0, 1, 0], [4, 0, 0, 0, 2], [0, 2, 0, 4, 0], [1, 0, 5, 0, 0], [0, 0, 0, 0, 6],
]  # fmt: skip
# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories -> 0.210.
FLEISS_WIKIPEDIA = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]  # fmt: skip

# Cohen: the 2x2 textbook table (Wikipedia, "Cohen's kappa": 0.40) and the 3x3 SAS PROC FREQ
# example (statsmodels' test_inter_rater: 0.4842 simple, 0.4701 linear "Cicchetti-Allison").
COHEN_CASES: list[dict[str, Any]] = [
    {"name": "wikipedia_2x2", "table": [[20, 5], [10, 15]], "published": {"none": 0.40}},
    {
        "name": "sas_3x3",
        "table": [[0, 4, 1], [0, 8, 0], [0, 1, 5]],
        "published": {"none": 0.4842, "linear": 0.4701, "quadratic": 0.4502},
        "note": "quadratic 0.4502 is not in the SAS printout; it is the value specified for "
        "rewardkit (equal to scikit-learn's to 4 decimals)",
    },
]


def _expand(table: list[list[int]]) -> tuple[list[int], list[int]]:
    """Label vectors of two raters whose confusion matrix is ``table``."""
    a: list[int] = []
    b: list[int] = []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            a += [i] * count
            b += [j] * count
    return a, b


def krippendorff_case() -> dict[str, Any]:
    coders = np.array([[np.nan if v is None else v for v in r] for r in C4_CODERS.values()])
    reference = {
        level: float(krippendorff.alpha(reliability_data=coders, level_of_measurement=level))
        for level in C4_PUBLISHED
    }
    return {
        "source": "Krippendorff (2011), Computing Krippendorff's Alpha-Reliability, C.4",
        "coders": list(C4_CODERS),
        "ratings_by_coder": list(C4_CODERS.values()),
        "values": [1, 2, 3, 4, 5],
        "published": C4_PUBLISHED,
        "published_decimals": 3,
        "reference_krippendorff_package": reference,
    }


def fleiss_cases() -> dict[str, Any]:
    return {
        "cases": [
            {
                "name": "fleiss_1971_diagnoses",
                "source": "Fleiss (1971), 30 patients x 6 psychiatrists x 5 diagnoses",
                "counts": FLEISS_1971,
                "published": 0.430,
                "published_decimals": 3,
                "reference_statsmodels": float(fleiss_kappa(np.array(FLEISS_1971))),
            },
            {
                "name": "wikipedia_example",
                "source": "Wikipedia, Fleiss' kappa, worked example (10 x 14 raters x 5)",
                "counts": FLEISS_WIKIPEDIA,
                "published": 0.210,
                "published_decimals": 3,
                "reference_statsmodels": float(fleiss_kappa(np.array(FLEISS_WIKIPEDIA))),
            },
        ]
    }


def cohen_cases() -> dict[str, Any]:
    out = []
    for case in COHEN_CASES:
        a, b = _expand(case["table"])
        labels = list(range(len(case["table"])))
        ref = {
            name: float(cohen_kappa_score(a, b, labels=labels, weights=w))
            for name, w in (("none", None), ("linear", "linear"), ("quadratic", "quadratic"))
        }
        out.append({**case, "published_decimals": 4, "reference_sklearn": ref})
    return {"cases": out}


def _dump(content: dict[str, Any]) -> str:
    """Indented JSON with every innermost list (a table row) on one line."""
    text = json.dumps(content, indent=1)
    flat = re.sub(
        r"\[\s*([^\[\]{}]*?)\s*\]",
        lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",")) + "]",
        text,
    )
    return flat + "\n"


def main() -> None:
    files = {
        "agreement_krippendorff.json": krippendorff_case(),
        "agreement_fleiss.json": fleiss_cases(),
        "agreement_cohen.json": cohen_cases(),
    }
    for name, content in files.items():
        (HERE / name).write_text(_dump(content), encoding="utf-8")
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    main()
