"""Label Studio and Argilla exports (tiny fixtures following their documented export formats)
into ratings/comparisons long forms, and one-line errors for malformed exports."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from rewardkit.annotations.tables import Scale, read_comparisons, read_ratings
from rewardkit.cli.main import main

LABEL_STUDIO = [
    {
        "id": 1,
        "data": {"text": "answer one", "prompt_id": "p1"},
        "annotations": [
            {
                "id": 1001,
                "completed_by": 10,
                "was_cancelled": False,
                "created_at": "2021-03-09T22:16:08.728353Z",
                "updated_at": "2021-03-09T22:16:09.000000Z",
                "lead_time": 4.288,
                "result": [
                    {
                        "from_name": "safety",
                        "to_name": "text",
                        "type": "rating",
                        "value": {"rating": 4},
                    },
                    {
                        "from_name": "usefulness",
                        "to_name": "text",
                        "type": "choices",
                        "value": {"choices": ["3"]},
                    },
                ],
            },
            {
                "id": 1002,
                "completed_by": {"id": 11, "email": "b@x.org"},
                "was_cancelled": True,
                "created_at": "2021-03-10T10:00:00Z",
                "lead_time": 1.0,
                "result": [],
            },
        ],
    },
    {
        "id": 2,
        "data": {"item_a": "r1", "item_b": "r2", "prompt_id": "p2"},
        "annotations": [
            {
                "id": 1003,
                "completed_by": 10,
                "lead_time": 7.5,
                "created_at": "2021-03-11T00:00:00Z",
                "result": [
                    {
                        "from_name": "pw",
                        "to_name": "left,right",
                        "type": "pairwise",
                        "value": {"selected": "right"},
                    }
                ],
            },
        ],
    },
]

ARGILLA_V1 = [
    {
        "external_id": "rec-1",
        "fields": {"prompt": "q", "response": "a"},
        "metadata": {"prompt_id": "p1"},
        "responses": [
            {
                "user_id": "u1",
                "status": "submitted",
                "inserted_at": "2023-08-01T10:00:00",
                "updated_at": "2023-08-01T10:01:00",
                "values": {
                    "factuality": {"value": 5},
                    "tone": {"value": "polite"},
                    "rank": {"value": [{"value": "r1", "rank": 2}, {"value": "r2", "rank": 1}]},
                },
            },
            {
                "user_id": "u2",
                "status": "discarded",
                "inserted_at": "2023-08-02T10:00:00",
                "values": {},
            },
        ],
    }
]

ARGILLA_V2 = [
    {
        "id": "rec-9",
        "fields": {"prompt": "q"},
        "responses": {"factuality": [{"value": 2, "user_id": "u3", "status": "submitted"}]},
    }
]


def _import(tmp_path: Path, source: str, doc: object, name: str = "export.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    out = tmp_path / "out"
    assert main(["annotations", "import", "--from", source, str(path), "--out", str(out)]) == 0
    return out


def test_label_studio_ratings_pairwise_and_skipped(tmp_path: Path) -> None:
    out = _import(tmp_path, "label-studio", LABEL_STUDIO)
    ratings = read_ratings(out / "ratings.csv", scale=Scale(1, 5))
    assert ratings[
        ["item_id", "prompt_id", "annotator_id", "criterion", "value"]
    ].values.tolist() == [
        ["1", "p1", "10", "safety", 4.0],
        ["1", "p1", "10", "usefulness", 3.0],
    ]
    raw = pd.read_csv(out / "ratings.csv")
    assert raw["lead_time"].tolist() == [4.288, 4.288]
    assert raw["created_at"].iloc[0] == "2021-03-09T22:16:08.728353Z"
    comparisons = read_comparisons(out / "comparisons.csv")
    assert comparisons[
        ["prompt_id", "item_a", "item_b", "annotator_id", "preference"]
    ].values.tolist() == [["p2", "r1", "r2", "10", "b"]]
    assert pd.read_csv(out / "comparisons.csv")["lead_time"].tolist() == [7.5]
    skipped = pd.read_csv(out / "skipped.csv", dtype=str)
    assert skipped.values.tolist() == [["1", "b@x.org", "cancelled", "2021-03-10T10:00:00Z"]]


def test_argilla_v1_and_v2_records(tmp_path: Path) -> None:
    out = _import(tmp_path, "argilla", ARGILLA_V1)
    ratings = pd.read_csv(out / "ratings.csv", dtype={"item_id": str})
    rows = ratings[["item_id", "prompt_id", "annotator_id", "criterion", "value"]].values.tolist()
    assert rows == [["rec-1", "p1", "u1", "factuality", 5.0], ["rec-1", "p1", "u1", "tone", 0.0]]
    assert ratings["updated_at"].tolist() == ["2023-08-01T10:01:00"] * 2
    results = json.loads((out / "results.json").read_text())
    assert results["label_codes"] == {"tone": {"polite": 0.0}}
    comparisons = read_comparisons(out / "comparisons.csv")
    assert comparisons[["item_a", "item_b", "preference"]].values.tolist() == [
        ["rec-1-r1", "rec-1-r2", "b"]
    ]
    skipped = pd.read_csv(out / "skipped.csv", dtype=str)
    assert skipped[["task", "annotator_id", "reason"]].values.tolist() == [
        ["rec-1", "u2", "discarded"]
    ]
    (tmp_path / "v2").mkdir()
    out2 = _import(tmp_path / "v2", "argilla", ARGILLA_V2)
    r2 = pd.read_csv(out2 / "ratings.csv", dtype=str)
    assert r2[["item_id", "annotator_id", "criterion", "value"]].values.tolist() == [
        ["rec-9", "u3", "factuality", "2.0"]
    ]


def test_wide_csv_annotator_by_criterion(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("item_id,ann1:safety,ann2:safety,ann1:usefulness\ni1,4,5,3\ni2,2,,1\n")
    out = tmp_path / "out"
    argv = [
        "annotations",
        "import",
        "--from",
        "wide-csv",
        str(path),
        "--separator",
        ":",
        "--out",
        str(out),
    ]
    assert main(argv) == 0
    ratings = read_ratings(out / "ratings.csv", scale=Scale(1, 5))
    got = sorted(ratings[["item_id", "annotator_id", "criterion", "value"]].values.tolist())
    assert got == [
        ["i1", "ann1", "safety", 4.0],
        ["i1", "ann1", "usefulness", 3.0],
        ["i1", "ann2", "safety", 5.0],
        ["i2", "ann1", "safety", 2.0],
        ["i2", "ann1", "usefulness", 1.0],
    ]


@pytest.mark.parametrize(
    ("source", "doc", "expected"),
    [
        ("label-studio", {"tasks": []}, "expected a JSON list of tasks"),
        (
            "label-studio",
            [
                {
                    "id": 7,
                    "annotations": [{"result": [{"type": "rating", "value": {"rating": "high"}}]}],
                }
            ],
            "task 7: annotations[0].result[0].value.rating",
        ),
        (
            "label-studio",
            [
                {
                    "id": 8,
                    "annotations": [
                        {"result": [{"type": "pairwise", "value": {"selected": "middle"}}]}
                    ],
                }
            ],
            "task 8: annotations[0].result[0].value.selected",
        ),
        ("label-studio", [{"id": 9, "annotations": "oops"}], "task 9: annotations"),
        (
            "argilla",
            [
                {
                    "id": "r5",
                    "responses": [
                        {
                            "user_id": "u",
                            "status": "submitted",
                            "values": {"q": {"value": {"x": 1}}},
                        }
                    ],
                }
            ],
            "task r5: responses[0].values.q.value",
        ),
        (
            "argilla",
            [
                {
                    "id": "r6",
                    "responses": [{"user_id": "u", "values": {"rk": {"value": [{"value": "a"}]}}}],
                }
            ],
            "task r6: responses[0].values.rk.value",
        ),
    ],
)
def test_malformed_exports_give_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, doc: object, expected: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    code = main(
        ["annotations", "import", "--from", source, str(path), "--out", str(tmp_path / "o")]
    )
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1
    assert expected in err
    assert "bad.json" in err


def test_not_json_names_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"id": 1}\n{oops\n')
    assert (
        main(
            ["annotations", "import", "--from", "argilla", str(path), "--out", str(tmp_path / "o")]
        )
        == 2
    )
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "row 2" in err
