"""The demo job (:func:`rewardkit.jobs.demo.run_demo`) runs the pipeline without printing: each
stage's outcome goes to its observer, in stage order; ``rewardkit demo`` only prints them."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from rewardkit.jobs.demo import DemoObserver, DemoOptions, run_demo


class Recorder(DemoObserver):
    def __init__(self) -> None:
        self.events: list[str] = []
        self.warnings: list[str] = []

    def data(self, data_dir: Path, written: Mapping[str, Path]) -> None:
        self.events.append("data")

    def curated(self, run: Any, dedup: Mapping[str, Any], split: Mapping[str, Any]) -> None:
        self.events.append("curated")

    def agreement(self, run: Any) -> None:
        self.events.append("agreement")

    def truth(self, check: Mapping[str, Mapping[str, Any]]) -> None:
        self.events.append("truth")

    def aggregated(self, run: Any) -> None:
        self.events.append("aggregated")

    def trained(self, run: Any, manifest: Mapping[str, Any]) -> None:
        self.events.append("trained")

    def evaluated(self, headline: Any, title: str, models: Any, gap_reference: Any) -> None:
        self.events.append(f"evaluated {title}: {[m.spec for m in models]}")

    def bon(self, results: Mapping[str, Any]) -> None:
        self.events.append(f"bon {[p['spec'] for p in results['proxies']]}")

    def warn(self, message: str) -> None:
        self.warnings.append(message)


def test_demo_job_reports_each_stage_to_its_observer_and_prints_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorder = Recorder()
    run = run_demo(DemoOptions(tmp_path, prompts=60, bootstrap=50, embed=False), recorder)
    baselines = ["baseline:length", "baseline:random"]
    assert recorder.events == [
        "data",
        "curated",
        "agreement",
        "truth",
        "aggregated",
        f"evaluated baseline:length on the held-out prompts: {baselines}",
        f"bon {baselines}",
    ]
    assert run.report == tmp_path / "report.html"
    assert run.report.is_file()
    assert list(run.suites) == baselines
    assert (tmp_path / "demo.json").is_file()
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""
