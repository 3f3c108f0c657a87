"""Rating layouts: the wide options and each named study shape, on small hand-written files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rewardkit.annotations.layouts import WideColumns, read_layout
from rewardkit.annotations.tables import Scale, read_ratings
from rewardkit.errors import DataError


def _triples(frame: object) -> list[tuple[str, str, str, float]]:
    f = frame  # a ratings DataFrame
    return sorted(
        zip(f.item_id, f.annotator_id, f.criterion, f.value, strict=True)  # type: ignore[attr-defined]
    )


def test_wide_with_named_item_column_and_annotator_pattern(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("idx,app,text,judge_1,judge_2,notes\n7,mail,t,1,2,x\n8,docs,u,2,,y\n")
    columns = WideColumns.parse("idx", annotators="judge_*", domain="app")
    frame = read_ratings(
        path, scale=Scale(0, 2), criteria=None, default_criterion="pref", columns=columns
    )
    assert _triples(frame) == [
        ("7", "judge_1", "pref", 1.0),
        ("7", "judge_2", "pref", 2.0),
        ("8", "judge_1", "pref", 2.0),
    ]
    assert frame["prompt_id"].tolist() == frame["item_id"].tolist()  # no prompt column
    assert sorted(set(zip(frame.item_id, frame.domain, strict=True))) == [
        ("7", "mail"),
        ("8", "docs"),
    ]
    assert sorted(zip(frame.item_id, frame["__row__"], strict=True)) == [
        ("7", 1),
        ("7", 1),
        ("8", 2),
    ]


def test_wide_errors(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("idx,judge_1\n7,1\n")
    with pytest.raises(DataError, match=r"annotator column.*rater_\* match no column"):
        read_layout(
            [path], "wide", columns=WideColumns.parse("idx", annotators="rater_*"), criterion="c"
        )
    with pytest.raises(DataError, match=r"missing column.*item_id"):
        read_layout([path], "wide", criterion="c")
    with pytest.raises(DataError, match="--criterion"):
        read_layout([path], "wide", columns=WideColumns("idx"))
    with pytest.raises(DataError, match="unknown ratings layout 'tall'"):
        read_layout([path], "tall")


PANDALM = [
    {"idx": 0, "motivation_app": "Mail", "instruction": "i", "input": "", "response1": "a"}
    | {"response2": "b", "annotator1": 2, "annotator2": 2, "annotator3": 0},
    {"idx": 1, "motivation_app": "Docs", "instruction": "i", "input": "", "response1": "a"}
    | {"response2": "b", "annotator1": 1, "annotator2": 1, "annotator3": 1},
]


def test_pandalm_layout(tmp_path: Path) -> None:
    path = tmp_path / "testset.json"
    path.write_text(json.dumps(PANDALM))
    frame = read_ratings(path, scale=Scale(0, 2), criteria=None, layout="pandalm")
    assert _triples(frame) == [
        ("0", "annotator1", "preference", 2.0),
        ("0", "annotator2", "preference", 2.0),
        ("0", "annotator3", "preference", 0.0),
        ("1", "annotator1", "preference", 1.0),
        ("1", "annotator2", "preference", 1.0),
        ("1", "annotator3", "preference", 1.0),
    ]
    assert set(frame["domain"]) == {"Mail", "Docs"}


def test_a_study_file_without_its_layout_names_the_layout(tmp_path: Path) -> None:
    path = tmp_path / "testset.json"
    path.write_text(json.dumps(PANDALM))
    with pytest.raises(DataError, match="looks like the pandalm study: use --layout pandalm"):
        read_ratings(path, scale=Scale(0, 2))


def _qags_line(*sentences: list[tuple[int, str]]) -> str:
    return json.dumps(
        {
            "article": "text",
            "summary_sentences": [
                {"sentence": "s", "responses": [{"worker_id": w, "response": r} for w, r in s]}
                for s in sentences
            ],
        }
    )


def test_qags_layout(tmp_path: Path) -> None:
    path = tmp_path / "mturk.jsonl"
    path.write_text(
        _qags_line([(0, "yes"), (3, "no"), (25, "yes")])
        + "\n"
        + _qags_line([(0, "no"), (3, "no"), (4, "no")], [(1, "yes"), (2, "yes"), (3, "yes")])
        + "\n"
    )
    frame = read_ratings(path, scale=Scale(0, 1), layout="qags")
    assert len(frame) == 9
    assert _triples(frame)[:3] == [
        ("1-0", "0", "factuality", 1.0),
        ("1-0", "25", "factuality", 1.0),
        ("1-0", "3", "factuality", 0.0),
    ]
    assert sorted(set(frame["item_id"])) == ["1-0", "2-0", "2-1"]
    assert set(frame.loc[frame.item_id == "2-1", "prompt_id"]) == {"2"}


def test_qags_bad_answer_names_file_row_and_field(tmp_path: Path) -> None:
    path = tmp_path / "mturk.jsonl"
    path.write_text(_qags_line([(0, "yes")]) + "\n" + _qags_line([(0, "yes"), (1, "maybe")]))
    with pytest.raises(DataError) as info:
        read_ratings(path, scale=Scale(0, 1), layout="qags")
    assert str(info.value) == (
        f"{path}: row 2: field 'summary_sentences[0].responses[1].response': "
        "expected 'yes' or 'no', got 'maybe'"
    )


def test_squality_layout(tmp_path: Path) -> None:
    def review(worker: str, c: int, s: int, o: int) -> dict[str, object]:
        ratings = {"correctness-rating": c, "selection-rating": s, "overall-rating": o}
        return {"worker_id": worker, **ratings, "overall-rank": 1, "annotations": []}

    passage = {
        "passage-id": "501",
        "questions": {
            "0": {
                "bart": {
                    "response": "r",
                    "reviews": [review("3", 10, 20, 30), review("6", 40, 50, 60)],
                },
                "human": {"response": "r", "reviews": [review("3", 90, 80, 70)]},
            }
        },
    }
    path = tmp_path / "all-responses.jsonl"
    path.write_text(json.dumps(passage) + "\n")
    frame = read_ratings(path, scale=Scale(0, 100), criteria=None, layout="squality")
    assert len(frame) == 9
    bart = frame[frame.item_id == "501-0-bart"]
    assert _triples(bart) == [
        ("501-0-bart", "3", "correctness", 10.0),
        ("501-0-bart", "3", "overall", 30.0),
        ("501-0-bart", "3", "selection", 20.0),
        ("501-0-bart", "6", "correctness", 40.0),
        ("501-0-bart", "6", "overall", 60.0),
        ("501-0-bart", "6", "selection", 50.0),
    ]
    assert set(frame["prompt_id"]) == {"501-0"}


def _eks_file(path: Path, scores: dict[str, list[int]]) -> Path:
    data = {
        doc: {
            "document": ["d"],
            **{
                f"summary {k + 1}": {"text": ["t"], "score": v, "model": "m"}
                for k, v in enumerate(values)
            },
        }
        for doc, values in scores.items()
    }
    path.write_text(json.dumps(data))
    return path


def test_eks_layout_one_file_per_annotator(tmp_path: Path) -> None:
    files = [
        _eks_file(tmp_path / f"a{k}_data_with_model_names.json", {"D1": [k, 3], "D2": [5, 4]})
        for k in (1, 2, 3)
    ]
    frame = read_ratings(files, scale=Scale(1, 5), criteria=None, layout="eks")
    assert len(frame) == 12
    assert sorted(set(frame["annotator_id"])) == ["a1", "a2", "a3"]
    first = frame[frame.item_id == "D1-1"]
    assert sorted(zip(first.annotator_id, first.value, strict=True)) == [
        ("a1", 1.0),
        ("a2", 2.0),
        ("a3", 3.0),
    ]
    assert set(frame.loc[frame.item_id == "D2-2", "prompt_id"]) == {"D2"}


def test_eks_errors_name_the_file(tmp_path: Path) -> None:
    good = _eks_file(tmp_path / "a1_x.json", {"D1": [3]})
    bad = _eks_file(tmp_path / "a2_x.json", {"D1": [9]})
    with pytest.raises(
        DataError, match=r"outside the declared scale 1-5: row\(s\) a2_x.json:1 \(9\)"
    ):
        read_ratings([good, bad], scale=Scale(1, 5), criteria=None, layout="eks")
    with pytest.raises(DataError, match="one file per annotator: give two or more"):
        read_ratings([good], scale=Scale(1, 5), criteria=None, layout="eks")
    with pytest.raises(DataError, match="the pandalm layout reads one file, got 2"):
        read_ratings([good, bad], scale=Scale(1, 5), criteria=None, layout="pandalm")
