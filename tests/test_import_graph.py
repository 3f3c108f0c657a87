"""The package's import graph against the floors of DESIGN.md: imports only point down, no
package cycles, only ``cli/`` (and ``__main__``) imports ``cli``, only ``cli/`` and ``jobs/``
import ``jobs``.

The graph is built from the code with :mod:`ast` (every ``import rewardkit...`` and
``from rewardkit... import``, including imports inside functions). ``python
tests/test_import_graph.py`` prints the package-level graph and every arrow that breaks the
floors (exit 1 if any); the ``test_*`` functions keep the house in that shape.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "rewardkit"

# Floors from the ground up (DESIGN.md, "Layout"). A package may import its own floor's
# siblings only where SIBLINGS_ALLOWED says so, and any lower floor.
FLOORS: tuple[frozenset[str], ...] = (
    frozenset({"errors", "registry", "config", "runs"}),
    frozenset({"data"}),
    frozenset({"metrics"}),
    frozenset({"models"}),
    frozenset({"scoring"}),
    frozenset({"benchmarks"}),
    frozenset(
        {
            "curation",
            "annotations",
            "calibration",
            "train",
            "rl",
            "judges",
            "guard",
            "monitor",
            "abtest",
            "probes",
        }
    ),
    # Outward adapters: the RM server and the bridges to RL engines (TRL, verl) use the models,
    # the scoring engine and the calibrators below them.
    frozenset({"serve", "integrations"}),
    frozenset({"report"}),
    frozenset({"jobs"}),
    frozenset({"cli"}),
    frozenset({"__main__"}),
)

# Imports inside one floor that are allowed (importer, imported): the ground floor's modules
# build on each other; stages may use a sibling's public names (never its internals) where the
# pipeline flows that way.
SIBLINGS_ALLOWED: frozenset[tuple[str, str]] = frozenset(
    {
        ("config", "errors"),
        ("registry", "errors"),
        ("runs", "errors"),
        ("annotations", "curation"),
        ("judges", "annotations"),
    }
)

# Top-level modules of the package that are not packages (the ``__init__`` is the package API).
TOP = "rewardkit"


def _unit(rel: Path) -> str:
    """The floor unit of a source file: its top-level package or module name."""
    parts = rel.with_suffix("").parts
    return parts[0] if parts[0] != "__init__" else TOP


def import_edges(package: Path = PACKAGE) -> dict[tuple[str, str], list[str]]:
    """Package-level import edges, each with the files that make it."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package)
        src = _unit(rel)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                if node.level:  # relative import: resolve against the file's package
                    base = list(rel.parent.parts)[: len(rel.parent.parts) - (node.level - 1)]
                    mod = ".".join([TOP, *base, *(node.module.split(".") if node.module else [])])
                else:
                    mod = node.module or ""
                if mod == TOP:
                    targets = [f"{TOP}.{a.name}" for a in node.names]
                elif mod.startswith(TOP + "."):
                    targets = [mod]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith(TOP + ".")]
            for target in targets:
                dst = target.split(".")[1]
                if dst != src:
                    edges[(src, dst)].append(str(rel))
    return dict(edges)


UNPLACED = -1  # a top-level module that belongs on no floor (e.g. a job outside jobs/)


def _floor(unit: str) -> int:
    for level, members in enumerate(FLOORS):
        if unit in members:
            return level
    return UNPLACED


def upward_edges(edges: dict[tuple[str, str], list[str]]) -> list[str]:
    """Edges that point up a floor, or sideways without being allowed."""
    bad = []
    for (src, dst), files in sorted(edges.items()):
        if src == TOP or dst == TOP:
            continue
        s, d = _floor(src), _floor(dst)
        if UNPLACED in (s, d):
            bad.append(f"{src} -> {dst} (on no floor: {', '.join(sorted(set(files)))})")
        elif d > s or (d == s and (src, dst) not in SIBLINGS_ALLOWED):
            bad.append(f"{src} -> {dst} ({', '.join(sorted(set(files)))})")
    return bad


def package_cycles(edges: dict[tuple[str, str], list[str]]) -> list[tuple[str, ...]]:
    """Strongly connected components with more than one package (Tarjan)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for src, dst in edges:
        graph[src].add(dst)
        graph.setdefault(dst, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[tuple[str, ...]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(tuple(sorted(comp)))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_imports_only_point_down_a_floor() -> None:
    assert upward_edges(import_edges()) == []


def test_no_package_cycles() -> None:
    assert package_cycles(import_edges()) == []


def test_only_cli_imports_cli_and_only_cli_or_jobs_import_jobs() -> None:
    edges = import_edges()
    assert sorted({s for s, d in edges if d == "cli"}) == ["__main__"]
    assert sorted({s for s, d in edges if d == "jobs"} - {"cli"}) == []


def test_every_unit_is_on_a_floor() -> None:
    units = {s for s, _ in import_edges()} | {d for _, d in import_edges()}
    assert sorted(u for u in units - {TOP} if _floor(u) == UNPLACED) == []


def test_the_checker_sees_an_upward_import(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.py").write_text("def f():\n    from rewardkit.jobs import y\n")
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "y.py").write_text("from ..data import x\n")
    edges = import_edges(tmp_path)
    assert edges == {("data", "jobs"): ["data/x.py"], ("jobs", "data"): ["jobs/y.py"]}
    assert upward_edges(edges) == ["data -> jobs (data/x.py)"]
    assert package_cycles(edges) == [("data", "jobs")]


if __name__ == "__main__":
    all_edges = import_edges()
    for (a, b), fs in sorted(all_edges.items()):
        print(f"{a:>14} -> {b:<14} {len(fs):3d}  {', '.join(sorted(set(fs))[:3])}")
    problems = upward_edges(all_edges)
    print(f"\nupward or sideways arrows: {len(problems)}")
    for p in problems:
        print("  ", p)
    print(f"package cycles: {package_cycles(all_edges)}")
    sys.exit(1 if problems else 0)
