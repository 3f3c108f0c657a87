"""The demo's derived data files: preference pairs from a split's aggregated annotations, the
three benchmarks it evaluates on, and the best-of-N candidates of its test prompts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from rewardkit.annotations.aggregate.result import AggregationResult
from rewardkit.errors import DataError
from rewardkit.jobs.suite import SuiteEntry

__all__ = [
    "NO_VALIDATION",
    "annotated_pairs",
    "benchmarks",
    "candidates_file",
    "gap_references",
    "has_rows",
    "probe_source",
    "write_pairs",
]

NO_VALIDATION = "no validation prompts at this size (use more --prompts)"


def has_rows(path: Path) -> bool:
    """Whether ``path`` is a non-empty file.

    Example:
        >>> has_rows(Path("no/such/file.jsonl"))
        False
    """
    return path.is_file() and path.stat().st_size > 0


def write_pairs(result: AggregationResult, part_dir: Path, out_file: Path) -> Path:
    """The aggregated pairs of one split with their texts and margins."""
    from rewardkit.annotations.training_data import pair_items, read_texts
    from rewardkit.data.writers import write_preferences

    texts = read_texts(part_dir / "responses.jsonl", part_dir / "prompts.jsonl")
    return write_preferences(pair_items(result, texts), out_file)


def annotated_pairs(part_dir: Path, out_file: Path, seed: int) -> Path:
    """Pairs (with margins and texts) from one split's aggregated human annotations: training
    data for the validation split, a third benchmark for the test split."""
    from rewardkit.annotations.aggregate import AggregationConfig, aggregate
    from rewardkit.annotations.tables import Scale, read_comparisons, read_ratings

    ratings = read_ratings(part_dir / "ratings.jsonl", scale=Scale(1, 5))
    comparisons = read_comparisons(part_dir / "comparisons.jsonl")
    result = aggregate(
        ratings.drop(columns=["__row__"]),
        comparisons.drop(columns=["__row__"]),
        AggregationConfig(seed=seed),
    )
    return write_pairs(result, part_dir, out_file)


def probe_source(preferences: Path, out_file: Path) -> Path | None:
    """The first pair of each prompt of ``preferences`` (the held-out test pairs): the source
    pairs of the demo's bias probes, one per prompt to keep the probe run to seconds. None when
    ``preferences`` has no rows."""
    import json

    from rewardkit.runs import write_text

    if not has_rows(preferences):
        return None
    seen: set[str] = set()
    kept = []
    for line in preferences.read_text(encoding="utf-8").splitlines():
        if line.strip():
            prompt_id = str(json.loads(line)["prompt_id"])
            if prompt_id not in seen:
                seen.add(prompt_id)
                kept.append(line + "\n")
    write_text(out_file, "".join(kept))
    return out_file


def candidates_file(split_dir: Path, out_file: Path) -> Path | None:
    """The test prompts with their candidates (the highest simulated true reward first), each
    with its true reward as its score: ``rewardkit bon --gold-scores from-data`` reads it.
    None when there are no test prompts."""
    from rewardkit.curation.splits import read_table
    from rewardkit.data.records import PreferenceItem
    from rewardkit.data.writers import write_preferences

    responses = read_table(split_dir / "test" / "responses.jsonl")
    prompts = read_table(split_dir / "test" / "prompts.jsonl")
    if responses.empty:
        return None
    prompt_of = dict(
        zip(prompts["prompt_id"].astype(str), prompts["prompt"].astype(str), strict=True)
    )
    domain_of = dict(
        zip(prompts["prompt_id"].astype(str), prompts["domain"].astype(str), strict=True)
    )
    items = []
    for prompt_id, group in responses.groupby("prompt_id", sort=True):
        group = group.sort_values("true_reward", ascending=False, kind="stable")
        texts = [str(t) for t in group["text"]]
        rewards = [float(x) for x in group["true_reward"]]
        items.append(
            PreferenceItem(
                id=str(prompt_id),
                prompt=prompt_of[str(prompt_id)],
                chosen=(texts[0],),
                rejected=tuple(texts[1:]),
                domain=domain_of[str(prompt_id)],
                chosen_scores=(rewards[0],),
                rejected_scores=tuple(rewards[1:]),
            )
        )
    return write_preferences(items, out_file)


def benchmarks(
    split_dir: Path, data_dir: Path, seed: int, warn: Callable[[str], None]
) -> list[SuiteEntry]:
    """The demo's three benchmarks: held-out prompts (ground-truth pairs), held-out domains
    (domain-shifted) and held-out prompts labelled by the aggregated annotations; ``warn``
    hears when some have no pairs."""
    from rewardkit.benchmarks import BenchmarkSpec, OverallFormula, load_spec

    annotated = BenchmarkSpec(
        name="demo-annotated",
        description="held-out prompts, pairs from aggregated annotations",
        item_format="pairwise",
        metric="accuracy",
        group_by="domain",
        overall=[OverallFormula(name="mean")],
    )
    candidates = [
        (load_spec("demo"), split_dir / "test" / "preferences.jsonl"),
        (load_spec("demo-holdout"), split_dir / "holdout" / "preferences.jsonl"),
        (
            annotated,
            annotated_pairs(
                split_dir / "test", data_dir / "preferences.annotated-test.jsonl", seed
            ),
        ),
    ]
    entries = [SuiteEntry(spec=spec, data=path) for spec, path in candidates if has_rows(path)]
    if len(entries) < len(candidates):
        warn("some demo benchmarks have no pairs at this size; use more --prompts")
    if not entries:
        raise DataError("the demo produced no evaluation pairs; use more --prompts")
    return entries


def gap_references(entries: Sequence[SuiteEntry]) -> dict[str, str]:
    """For each domain-shifted benchmark, the in-domain benchmark(s) its robustness gap is
    measured against: its ``shifted_from`` when that ran, else every in-domain one (the rule
    of :func:`rewardkit.jobs.suite.run_suite`).

    Example:
        >>> from rewardkit.benchmarks import load_spec
        >>> entries = [SuiteEntry(load_spec(n), Path(n)) for n in ("demo", "demo-holdout")]
        >>> gap_references(entries)
        {'demo-holdout': 'demo'}
    """
    names = [e.spec.name for e in entries]
    in_domain = [e.spec.name for e in entries if not e.spec.domain_shifted]
    refs = {}
    for e in entries:
        if e.spec.domain_shifted and in_domain:
            ref = e.spec.shifted_from
            refs[e.spec.name] = ref if ref in names else " + ".join(in_domain)
    return refs
