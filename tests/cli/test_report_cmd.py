"""`rewardkit report`: each run kind's own page, written outside the run (never into it), or a
leaderboard of several eval runs; kinds without a page are refused in one line."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from rewardkit.cli.main import main


def test_every_eval_run_has_a_report_and_runs_make_a_leaderboard(tmp_path: Path) -> None:
    rows = [
        {
            "id": f"i{i}",
            "prompt": "q",
            "chosen": "c" * (5 + i % 7),
            "rejected": "r" * 6,
            "subset": ["a", "b"][i % 2],
        }
        for i in range(40)
    ]
    (tmp_path / "d.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    for model, name in (("baseline:length", "len"), ("baseline:random", "rnd")):
        assert (
            main(
                [
                    "eval",
                    "--data",
                    str(tmp_path / "d.jsonl"),
                    "--model",
                    model,
                    "--out",
                    str(tmp_path / name),
                    "--bootstrap",
                    "50",
                ]
            )
            == 0
        )
        page = (tmp_path / name / "report.html").read_text()
        assert model in page
        assert "http://" not in page
    assert (
        main(
            [
                "report",
                str(tmp_path / "len"),
                str(tmp_path / "rnd"),
                "--out",
                str(tmp_path / "board.html"),
            ]
        )
        == 0
    )
    board = (tmp_path / "board.html").read_text()
    assert board.index("baseline:length") < board.index("baseline:random")


# --- one run of every kind ------------------------------------------------------------------


def _pairs(path: Path) -> Path:
    rows = [
        {
            "id": f"p{i}",
            "prompt": f"question {i}?",
            "chosen": "a" * (5 + i % 9),
            "rejected": "b" * 7,
            "subset": ["s1", "s2"][i % 2],
        }
        for i in range(60)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _candidates(path: Path) -> Path:
    rng = random.Random(0)
    rows = []
    for i in range(40):
        responses = ["x" * rng.randint(1, 30) for _ in range(rng.randint(3, 6))]
        rows.append(
            {"id": f"b{i}", "prompt": f"q{i}", "chosen": responses[0], "rejected": responses[1:]}
        )
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _transcripts(path: Path) -> Path:
    rows = [
        {
            "chosen": f"\n\nHuman: question {i}?\n\nAssistant: " + "a" * (4 + i % 11),
            "rejected": f"\n\nHuman: question {i}?\n\nAssistant: " + "b" * 8,
        }
        for i in range(50)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _ratings(path: Path) -> Path:
    rows = [
        {
            "item_id": f"it{item}",
            "prompt_id": f"p{item // 2}",
            "annotator_id": f"a{a}",
            "criterion": "usefulness",
            "value": 1 + (item + (a == 2 and item % 4 == 0)) % 5,
        }
        for item in range(20)
        for a in range(3)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _make_run(kind: str, tmp_path: Path) -> Path:
    run = tmp_path / kind
    quick = ["--bootstrap", "30", "--out", str(run)]
    argv = {
        "eval": ["eval", "--model", "baseline:length", "--data", str(_pairs(tmp_path / "p.jsonl"))],
        "calibrate": [
            "calibrate",
            "--model",
            "baseline:length",
            "--data",
            str(_pairs(tmp_path / "p.jsonl")),
        ],
        "bon": [
            "bon",
            "--proxy",
            "baseline:length",
            "--gold-scores",
            "from-labels",
            "--no-cache",
            "--data",
            str(_candidates(tmp_path / "c.jsonl")),
        ],
        "suite": [
            "eval",
            "--model",
            "baseline:length",
            "--benchmark",
            "hh-rlhf",
            "--data",
            str(_transcripts(tmp_path / "hh.jsonl")),
        ],
        "agree": ["annotations", "agree", "--ratings", str(_ratings(tmp_path / "r.jsonl"))],
    }[kind]
    assert main([*argv, *quick]) == 0
    return run


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _after_meta(page: str) -> str:
    """The page from its metrics on, up to the item table (the header holds the run's end
    time, which the page written during the run cannot know yet)."""
    return page[page.index("<h2>Metrics</h2>") : page.index("<h2>Items")]


@pytest.mark.parametrize("kind", ["eval", "calibrate", "bon", "suite"])
def test_report_renders_the_kinds_own_page_and_leaves_the_run_untouched(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = _make_run(kind, tmp_path)
    before = _snapshot(run)
    page_path = tmp_path / "pages" / f"{kind}.html"
    capsys.readouterr()
    assert main(["report", str(run), "--out", str(page_path)]) == 0
    assert f"report: {page_path}" in capsys.readouterr().out
    assert _snapshot(run) == before  # nothing written, changed or removed in the run directory
    page = page_path.read_text()
    if kind == "bon":
        assert page == (run / "report.html").read_text()  # the very page bon wrote
    elif kind == "suite":
        suite = json.loads((run / "suite.json").read_text())
        overall = suite["benchmarks"]["hh-rlhf"]["overall"]["mean"]
        assert page.startswith("<!DOCTYPE html>")
        assert "rewardkit suite: baseline:length" in page
        assert f"{overall['value']:.4f}" in page
        assert "only 1 benchmark(s)" in page  # the suite's warning
    else:
        own = (run / "report.html").read_text()
        assert page.startswith("<!DOCTYPE html>")
        assert "rewardkit eval: baseline:length" in page
        assert _after_meta(page) == _after_meta(own)
        assert ("After the TemperatureScaling calibrator" in page) == (kind == "calibrate")


def test_a_kind_without_a_page_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = _make_run("agree", tmp_path)
    before = _snapshot(run)
    capsys.readouterr()
    assert main(["report", str(run), "--out", str(tmp_path / "agree.html")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "'rewardkit annotations agree'" in err
    assert not (tmp_path / "agree.html").exists()
    assert _snapshot(run) == before


def test_default_out_is_the_run_name_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = _make_run("bon", tmp_path)
    before = _snapshot(run)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert main(["report", str(run)]) == 0
    assert (work / "bon.html").read_bytes() == before["report.html"]
    # Run from inside the run directory, the default would land in it: refused.
    monkeypatch.chdir(run)
    capsys.readouterr()
    assert main(["report", "."]) == 2
    assert "never writes into a run directory" in capsys.readouterr().err
    assert _snapshot(run) == before


def test_out_inside_a_run_directory_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bon = _make_run("bon", tmp_path)
    ev = _make_run("eval", tmp_path)
    runs = {bon: _snapshot(bon), ev: _snapshot(ev)}
    for argv in (
        [str(ev), "--out", str(ev / "report.html")],  # the run's own page
        [str(ev), "--out", str(bon / "report.html")],  # another run's page
        [str(ev), str(ev), "--out", str(ev / "sub" / "board.html")],
    ):
        capsys.readouterr()
        assert main(["report", *argv]) == 2
        err = capsys.readouterr().err
        assert "never writes into a run directory" in err
        assert len(err.strip().splitlines()) == 1
    assert {r: _snapshot(r) for r in runs} == runs


def test_leaderboard_takes_eval_runs_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ev = _make_run("eval", tmp_path)
    cal = _make_run("calibrate", tmp_path)
    bon = _make_run("bon", tmp_path)
    suite = _make_run("suite", tmp_path)
    board = tmp_path / "board.html"
    assert main(["report", str(ev), str(cal), "--out", str(board)]) == 0
    assert "2 runs, sorted by accuracy" in board.read_text()
    board.unlink()
    for other, needle in ((bon, "'rewardkit bon'"), (suite, str(suite / "hh-rlhf"))):
        capsys.readouterr()
        assert main(["report", str(ev), str(other), "--out", str(board)]) == 2
        err = capsys.readouterr().err
        assert needle in err
        assert len(err.strip().splitlines()) == 1
        assert not board.exists()


def test_missing_or_foreign_folder_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "notes.txt").write_text("x")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "results.json").write_text("{not json")
    for folder, needle in (
        (tmp_path / "missing", "no such run directory"),
        (tmp_path / "plain", "not a run directory"),
        (broken, "results.json: invalid JSON"),
    ):
        capsys.readouterr()
        assert main(["report", str(folder), "--out", str(tmp_path / "x.html")]) == 2
        err = capsys.readouterr().err
        assert needle in err
        assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.html").exists()
