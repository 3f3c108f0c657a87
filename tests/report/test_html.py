"""The self-contained HTML run report and leaderboard."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rewardkit.config import EvalConfig
from rewardkit.jobs.evaluate import run_eval
from rewardkit.jobs.run_page import render_run_report, write_run_report
from rewardkit.report.html import render_leaderboard, write_leaderboard

EVIL = "<script>alert(1)</script>"


def _data(path: Path, n: int = 12) -> Path:
    rows = []
    for i in range(n):
        long, short = "a fairly long answer " * (1 + i % 3), "short"
        chosen, rejected = (long, short) if i % 4 else (short, long)
        rows.append(
            {
                "id": f"item-{i:02d}",
                "prompt": f"question {i}",
                "chosen": chosen,
                "rejected": rejected,
                "subset": EVIL if i == 0 else ("easy" if i % 2 else "hard"),
                "chosen_scores": [float(i % 5 + 1)],
                "rejected_scores": [0.5],
            }
        )
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _run(tmp_path: Path, spec: str, name: str) -> Path:
    data = _data(tmp_path / "prefs.jsonl")
    cfg = EvalConfig(bootstrap=50, no_cache=True)
    return run_eval(data, spec, cfg, tmp_path / name, progress=False).run_dir


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _run(tmp_path_factory.mktemp("html"), "baseline:length", "run")


def test_report_is_self_contained(run_dir: Path) -> None:
    html = render_run_report(run_dir)
    assert html.startswith("<!DOCTYPE html>")
    assert "http://" not in html
    assert "https://" not in html
    assert not re.search(r"\b(src|href)\s*=", html)
    assert "<link" not in html


def test_report_content(run_dir: Path) -> None:
    html = render_run_report(run_dir)
    results = json.loads((run_dir / "results.json").read_text())
    assert "baseline:length" in html
    assert "prefs.jsonl" in html
    for name, est in results["metrics"].items():
        value = "n/a" if est["value"] is None else f"{est['value']:.4f}"
        assert f'<td>{name}</td><td class="num">{value}</td>' in html
    # subset bars, domain-less data, histograms; no reliability diagram: length scores are no
    # log-odds, so the calibration metrics read n/a and the page says why
    assert html.count("<svg") == 2
    for name in ("ece", "brier", "log_loss"):
        assert f'<td>{name}</td><td class="num"><span class="note">n/a</span></td>' in html
    assert "No reliability diagram" in html
    assert "baseline:length scores are not log-odds" in html
    items = html.split('<table id="items">', 1)[1].split("</table>", 1)[0]
    assert items.count("<tr>") == 12 + 1  # header + one row per item
    for i in range(12):
        assert f"<td>item-{i:02d}</td>" in items


def test_data_strings_are_escaped(run_dir: Path) -> None:
    html = render_run_report(run_dir)
    assert EVIL not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<script>") == 1  # only the inline search script


def test_deterministic_and_written(run_dir: Path) -> None:
    first = render_run_report(run_dir)
    assert render_run_report(run_dir) == first
    path = write_run_report(run_dir)
    assert path == run_dir / "report.html"
    assert path.read_text(encoding="utf-8") == first


def test_item_rows_capped(run_dir: Path) -> None:
    html = render_run_report(run_dir, max_rows=5)
    items = html.split('<table id="items">', 1)[1].split("</table>", 1)[0]
    assert items.count("<tr>") == 5 + 1
    assert "first 5 of 12 items" in html


def test_report_without_scores(tmp_path: Path) -> None:
    (tmp_path / "results.json").write_text(
        json.dumps({"model": {"spec": "m"}, "metrics": {"accuracy": {"value": None}}})
    )
    html = render_run_report(tmp_path)
    assert '<td>accuracy</td><td class="num">n/a</td>' in html


def test_leaderboard_orders_by_accuracy(run_dir: Path, tmp_path: Path) -> None:
    worse = _run(tmp_path, "baseline:random", "random")
    acc = {
        d: json.loads((d / "results.json").read_text())["metrics"]["accuracy"]["value"]
        for d in (run_dir, worse)
    }
    html = render_leaderboard([worse, run_dir])
    board = html.split('<table id="leaderboard">', 1)[1]
    first, second = sorted(acc, key=lambda d: -acc[d])
    assert acc[first] != acc[second]
    spec = {run_dir: "baseline:length", worse: "baseline:random"}
    assert board.index(f"<td>{spec[first]}</td>") < board.index(f"<td>{spec[second]}</td>")
    assert "acc: easy" in board  # shared subsets
    assert "acc: hard" in board
    assert "http://" not in html
    assert render_leaderboard([run_dir, worse]) == html
    out = write_leaderboard([worse, run_dir], tmp_path / "board.html")
    assert out.read_text(encoding="utf-8") == html


def test_log_odds_scores_get_the_reliability_diagram(run_dir: Path, tmp_path: Path) -> None:
    html = render_run_report(_run(tmp_path, f"scores:{run_dir / 'scores.parquet'}", "scores"))
    assert html.count("<svg") == 3  # subset bars, reliability diagram, histograms
    assert "No reliability diagram" not in html
    assert '<td>ece</td><td class="num">n/a' not in html


def _item_cells(html: str) -> list[str]:
    return html.split('<table id="items">', 1)[1].split("</table>", 1)[0].split("<tr>")[2:]


def test_page_re_renders_from_the_run_directory_alone(tmp_path: Path) -> None:
    """The page eval wrote and a page rendered later from the directory have the same item
    cells, previews included (they live in items.parquet)."""
    run = _run(tmp_path, "baseline:length", "fresh")
    written = (run / "report.html").read_text(encoding="utf-8")
    assert render_run_report(run) == written
    rows = _item_cells(written)
    assert len(rows) == 12
    assert "<td>question 5</td>" in rows[5]
    assert "<td>a fairly long answer a fairly long answer a fairly long answer </td>" in rows[5]
    assert "<td>short</td>" in rows[5]
    assert "<td>question 4</td><td>short</td><td>a fairly long answer a fairly" in rows[4]


def test_labelled_ties_are_marked_in_the_item_table(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "prompt": "p", "chosen": "long one", "rejected": "s"},
        {"id": "t", "prompt": "p", "chosen": "x", "rejected": "yy", "tie": True},
    ]
    data = tmp_path / "d.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    run = run_eval(data, "baseline:length", EvalConfig(bootstrap=20), tmp_path / "r").run_dir
    cells = _item_cells(render_run_report(run))
    assert "labelled tie (excluded)" in cells[1]
    assert '<span class="ok">correct</span>' in cells[0]
