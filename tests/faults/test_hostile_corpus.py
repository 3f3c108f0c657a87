"""Issue 14: a generated hostile-input corpus through the real CLI (``rewardkit.cli.main.main``).

Every run must end without a traceback, within its deadline, and either succeed or exit 2 with
its error on one line (see :mod:`faults.hostile_corpus` for the inputs). The quick corpus runs
in a few seconds; the full one (every command on every damaged file, 40 fuzzed files, a FIFO and
``/dev/zero`` as data, models that load an encoder) is marked slow.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest

from faults.hostile_corpus import (
    ESCAPES,
    Case,
    Outcome,
    build_corpus,
    run_case,
    run_corpus,
    summary,
)
from rewardkit.data.run_files import check_eval_run
from rewardkit.errors import DataError

Corpus = tuple[Path, list[Case], list[Outcome]]


def compare_checks_runs() -> bool:
    """Whether ``compare`` reads run directories through :mod:`rewardkit.data.run_files` yet
    (the lead wires it in ``report/compare.py``; until then its cases are expected failures)."""
    import rewardkit.cli.compare_cmd as command
    import rewardkit.jobs.compare as library

    return "check_eval_run" in inspect.getsource(library) + inspect.getsource(command)


def _pending(outcome: Outcome) -> bool:
    return outcome.name.startswith("compare") and not compare_checks_runs()


def _describe(outcomes: list[Outcome]) -> str:
    lines = []
    for o in outcomes:
        detail = (o.traceback or "").strip().splitlines()[-1:] or o.stderr.strip().splitlines()
        lines.append(f"{o.name}: {o.verdict}: {' | '.join(detail)[:300]}")
    return "\n".join(lines)


def _run(root: Path, *, n_fuzz: int, heavy: bool = False, quick: bool = False) -> Corpus:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REWARDKIT_CACHE", str(root / "default-cache.sqlite"))
        mp.setenv("REWARDKIT_MODELS", str(root / "models-home"))
        cases = build_corpus(root / "corpus", n_fuzz=n_fuzz, heavy=heavy, quick=quick)
        return root / "corpus", cases, run_corpus(cases, root / "corpus")


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    return _run(tmp_path_factory.mktemp("hostile"), n_fuzz=12, quick=True)


def _check(outcomes: list[Outcome]) -> None:
    failed = [o for o in outcomes if not o.passed and not _pending(o)]
    assert not failed, f"{len(failed)} of {len(outcomes)} runs failed:\n{_describe(failed)}"


def test_quick_corpus_no_traceback_and_one_line_errors(quick: Corpus) -> None:
    _, _, outcomes = quick
    counts = summary(outcomes)
    assert counts["cases"] >= 200
    _check(outcomes)


def test_damaged_runs_rejected_by_the_compare_check(
    quick: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each damaged eval run fails the check compare is to call, in one line naming the run;
    with the check wired in front of ``load_outcomes`` every compare case passes."""
    root, cases, outcomes = quick
    damaged = sorted((root / "runs").iterdir())
    eval_runs = [d for d in damaged if not d.name.startswith(("bon_", "calibrate_"))]
    assert len(eval_runs) >= 18
    for run in eval_runs:
        with pytest.raises(DataError) as info:
            check_eval_run(run, need_scores=True, strict=True)
        assert "\n" not in str(info.value)
        assert str(run) in str(info.value)

    import rewardkit.jobs.compare as library

    load_outcomes = library.load_outcomes

    def checked(run_dir: Path, **kwargs: object) -> object:
        check_eval_run(run_dir, need_scores=True, strict=True)
        return load_outcomes(run_dir, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(library, "load_outcomes", checked)
    compare = [c for c in cases if c.name.startswith("compare")]
    assert len(compare) >= 36
    with monkeypatch.context() as mp:
        mp.syspath_prepend(str(root / "pymods"))
        rerun = [run_case(c) for c in compare]
    failed = [o for o in rerun if not o.passed]
    assert not failed, _describe(failed)
    if not compare_checks_runs():
        pending = [o for o in outcomes if _pending(o) and not o.passed]
        pytest.xfail(
            f"compare does not call rewardkit.data.run_files.check_eval_run yet: {len(pending)} "
            "compare runs fail without it (all pass with it, above)"
        )


def test_terminal_escapes_in_names_never_reach_the_terminal(quick: Corpus) -> None:
    _, _, outcomes = quick
    runs = [o for o in outcomes if o.name.endswith(":escapes")]
    assert runs
    assert all(o.rc == 0 for o in runs)
    printed = "".join(o.stdout + o.stderr for o in runs)
    assert "\\x1b" in printed  # the names are shown, their control characters escaped
    for char in {c for c in ESCAPES if ord(c) < 32 or 0x7F <= ord(c) <= 0x9F}:
        assert char not in printed


def test_lone_surrogates_replaced_and_counted(quick: Corpus) -> None:
    _, _, outcomes = quick
    by_name = {o.name: o for o in outcomes}
    run = by_name["eval:surrogate_prompt"]
    assert run.rc == 0
    warning = [line for line in run.stderr.splitlines() if "lone surrogate" in line]
    assert len(warning) == 1
    assert "2 lone surrogate(s)" in warning[0]
    assert "row 3, field 'prompt'" in warning[0]
    assert by_name["dedup:surrogate_chosen"].rc == 0


@pytest.mark.slow
def test_full_corpus_no_traceback_no_hang(tmp_path: Path) -> None:
    """Every command that reads the damaged files, 40 fuzzed files, a FIFO and /dev/zero as
    data, and (with transformers) the cases that load the encoder or a Hugging Face model:
    corrupt weights, auto_map, hostile calibrators beside a model, training on repaired text."""
    try:
        import transformers  # noqa: F401

        heavy = True
    except ImportError:
        heavy = False
    _, _, outcomes = _run(tmp_path, n_fuzz=40, heavy=heavy)
    assert summary(outcomes)["cases"] >= 400
    assert not [o for o in outcomes if o.hung]
    _check(outcomes)
