"""The run report in headless Chromium: it renders, and a hostile response stays text."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from rewardkit.config import EvalConfig
from rewardkit.jobs.evaluate import run_eval

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed")

HOSTILE = '<script>document.title="pwned"</script><b>bold?</b>'


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_report_renders_and_escapes_responses(tmp_path: Path) -> None:
    rows = [
        {
            "id": f"i{i}",
            "prompt": "Say hi",
            "chosen": "hello there " * (1 + i % 4),
            "rejected": HOSTILE if i == 0 else "no",
            "subset": ["a", "b"][i % 2],
        }
        for i in range(30)
    ]
    data = tmp_path / "d.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    run_eval(data, "baseline:length", EvalConfig(bootstrap=50), tmp_path / "run")
    page = (tmp_path / "run" / "report.html").as_uri()

    shot = tmp_path / "shot.png"
    proc = _chromium(
        f"--screenshot={shot}", "--window-size=1280,2400", page, profile=tmp_path / "p1"
    )
    assert shot.exists(), proc.stderr[-2000:]
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1280, 2400)
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank image

    dom = _chromium("--dump-dom", page, profile=tmp_path / "p2").stdout
    assert "baseline:length" in dom
    assert "<svg" in dom
    assert "pwned" not in dom.split("<title>", 1)[1].split("</title>", 1)[0]  # script never ran
    assert "&lt;script&gt;document.title" in dom  # the response is shown as text
    assert "<b>bold?</b>" not in dom
