"""`rewardkit report`: report.html in every run, and a leaderboard of several runs."""

from __future__ import annotations

import json
from pathlib import Path

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
