"""``rewardkit report RUN [RUN ...]``: the HTML page of one run, or a leaderboard of eval runs.

The job only reads run directories. It finds the kind of a run from what the run wrote
(``suite.json``, ``calibration.json``, the ``command`` of ``results.json`` or ``manifest.json``)
and renders that kind's own page, or refuses in one line when the kind has no page. The page
goes where ``out`` says (default: ``<run name>.html`` for one run, ``leaderboard.html`` for
several, in the current directory); a path inside a run directory is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rewardkit.calibration.serialize import calibrator_from_document
from rewardkit.data.run_files import (
    RESULTS_FILE,
    check_bon_results,
    check_eval_run,
    read_json_object,
    read_results,
)
from rewardkit.errors import ConfigError, DataError
from rewardkit.jobs.run_page import render_run_report
from rewardkit.registry import Registry
from rewardkit.report.html import render_leaderboard, render_suite_report
from rewardkit.report.html.bon_page import render_bon_report
from rewardkit.runs import write_text

__all__ = [
    "RUN_MARKERS",
    "RUN_PAGES",
    "SUITE_KIND",
    "check_out",
    "default_out",
    "render_page",
    "run_kind",
    "write_report",
]

RunPage = Callable[[Path], str]

# Files whose presence makes a folder a run directory that report never writes into.
RUN_MARKERS = (
    "manifest.json",
    "results.json",
    "suite.json",
    "calibration.json",
    "train_manifest.json",
    "curation_manifest.json",
)
# Where each kind records the command that wrote it, checked in this order (a calibrate run
# holds an eval run's results.json and manifest.json; a suite holds eval runs).
_COMMAND_FILES = ("suite.json", "calibration.json", "results.json", "manifest.json")
_LEADERBOARD_KINDS = frozenset({"eval", "calibrate"})
SUITE_KIND = "eval --benchmark"


def _eval_page(run_dir: Path) -> str:
    check_eval_run(run_dir)
    return render_run_report(run_dir)


def _calibrate_page(run_dir: Path) -> str:
    """The eval page of the held-out pairs with the reliability diagram after the calibrator
    the run fitted (as ``rewardkit calibrate`` wrote it)."""
    path = run_dir / "calibration.json"
    doc = _read_json(path) or {}
    if "calibrator" not in doc:
        raise DataError("no calibrator in the calibrate run", path=path)
    calibrator = calibrator_from_document(doc["calibrator"], path)
    check_eval_run(run_dir)
    return render_run_report(run_dir, calibrator=calibrator)


def _bon_page(run_dir: Path) -> str:
    results = read_results(run_dir)
    check_bon_results(results, run_dir / RESULTS_FILE)
    return render_bon_report(results)


def _suite_page(run_dir: Path) -> str:
    _read_json(run_dir / "suite.json")
    for member in sorted(p for p in run_dir.iterdir() if (p / RESULTS_FILE).is_file()):
        check_eval_run(member)
    return render_suite_report(run_dir)


RUN_PAGES: Registry[RunPage] = Registry("run page", check=callable, plugin_prefix="run_pages")
RUN_PAGES.register("eval", _eval_page)
RUN_PAGES.register("calibrate", _calibrate_page)
RUN_PAGES.register("bon", _bon_page)
RUN_PAGES.register(SUITE_KIND, _suite_page)


def _read_json(path: Path) -> dict[str, Any] | None:
    """A run file's JSON object (None when absent); a damaged one is a one-line DataError
    (see :func:`rewardkit.data.run_files.read_json_object`)."""
    if not path.exists():
        return None
    return read_json_object(path, what=path.name)


def run_kind(run_dir: Path) -> str:
    """The command that wrote ``run_dir``, read from the files it wrote.

    Args:
        run_dir: A run directory.

    Returns:
        The command, e.g. ``"eval"``, ``"calibrate"``, ``"bon"``, ``"eval --benchmark"`` (a
        suite), ``"annotations agree"``, ``"train"``, ``"data curate"``.

    Raises:
        ConfigError: The folder is missing or holds no file that names its command.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "results.json").write_text('{"command": "bon"}')
        >>> run_kind(d)
        'bon'
    """
    if not run_dir.is_dir():
        raise ConfigError(f"{run_dir}: no such run directory")
    for name in _COMMAND_FILES:
        doc = _read_json(run_dir / name)
        if doc is not None and isinstance(doc.get("command"), str):
            return str(doc["command"])
    if (run_dir / "results.json").is_file():  # an eval results document without a command
        return "eval"
    if (run_dir / "train_manifest.json").is_file():
        return "train"
    if (run_dir / "curation_manifest.json").is_file():
        return "data curate"
    raise ConfigError(
        f"{run_dir}: not a run directory (no suite.json, results.json or manifest.json names "
        "the command that wrote it)"
    )


def render_page(run_dir: Path) -> str:
    """The page of one run, by the renderer of its kind; a kind without one is refused.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "results.json").write_text('{"command": "annotations aggregate"}')
        >>> render_page(d)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        rewardkit.errors.ConfigError: ...: written by 'rewardkit annotations aggregate', ...
    """
    kind = run_kind(run_dir)
    if kind not in RUN_PAGES.names():
        known = ", ".join(RUN_PAGES.names())
        raise ConfigError(
            f"{run_dir}: written by 'rewardkit {kind}', which has no HTML page that report "
            f"renders (it renders runs of: {known}); the run's results are in its JSON files"
        )
    return RUN_PAGES.get(kind)(run_dir)


def _check_leaderboard_runs(runs: list[Path]) -> None:
    for run in runs:
        kind = run_kind(run)
        if kind == SUITE_KIND:
            members = sorted(p.name for p in run.iterdir() if (p / "results.json").is_file())
            raise ConfigError(
                f"{run}: a benchmark suite; a leaderboard compares eval runs: pass its "
                f"benchmark runs ({', '.join(str(run / m) for m in members)}) or report the "
                "suite alone for its page"
            )
        if kind not in _LEADERBOARD_KINDS:
            raise ConfigError(
                f"{run}: written by 'rewardkit {kind}'; a leaderboard compares eval runs"
            )


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_out(out: Path, runs: list[Path]) -> None:
    """Refuse an output path inside one of ``runs`` or in any run directory.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> check_out(d / "page.html", [d / "run"])
        >>> try:
        ...     check_out(d / "run" / "page.html", [d / "run"])
        ... except ConfigError as exc:
        ...     print("never writes into a run directory" in str(exc))
        True
    """
    target = out.resolve()
    if target.is_dir():
        raise ConfigError(f"--out {out}: a folder; give the HTML file to write")
    folders = [r.resolve() for r in runs]
    folders += [target.parent] if any((target.parent / m).exists() for m in RUN_MARKERS) else []
    for folder in folders:
        if _inside(target, folder):
            raise ConfigError(
                f"--out {out}: inside the run directory {folder}; report never writes into a "
                "run directory, give --out a path outside it"
            )


def default_out(runs: list[Path]) -> Path:
    """``<run name>.html`` for one run, ``leaderboard.html`` for several (current directory).

    Example:
        >>> str(default_out([Path("runs/eval-1")])), str(default_out([Path("a"), Path("b")]))
        ('eval-1.html', 'leaderboard.html')
    """
    if len(runs) == 1:
        return Path(f"{runs[0].resolve().name}.html")
    return Path("leaderboard.html")


def write_report(runs: Sequence[Path], out: Path | None = None) -> Path:
    """Render the page of one run (its kind's own) or the leaderboard of several eval runs and
    write it to ``out``, never into a run directory.

    Args:
        runs: One run directory for its page, or several eval/calibrate runs for a
            leaderboard.
        out: The HTML file (default: :func:`default_out`).

    Returns:
        The written file.

    Raises:
        ConfigError: A kind without a page, a non-eval run in a leaderboard, or ``out``
            inside a run directory (one line each).

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "run").mkdir(), (d / "run" / "results.json").write_text('{"metrics": {}}')
        >>> write_report([d / "run"], d / "page.html").name
        'page.html'
    """
    runs = list(runs)
    if len(runs) == 1:
        html = render_page(runs[0])
    else:
        _check_leaderboard_runs(runs)
        for run in runs:
            check_eval_run(run)
        html = render_leaderboard(runs)
    target = out if out is not None else default_out(runs)
    check_out(target, runs)
    write_text(target, html)
    return target
