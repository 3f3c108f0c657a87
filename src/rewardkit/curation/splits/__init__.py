"""Leak-free splits: group-aware, domain-stratified, seeded, with held-out domains.

A group (a prompt) never straddles two splits; every response, rating, comparison and
preference of a prompt goes with it. Within each domain the test and validation counts are
within one group of exact proportional stratification; named or seed-drawn domains are held
out entirely; an optional leak finder moves near-duplicates of training prompts out of the
evaluation splits. The written split carries a manifest with the sha256 of every file.

Example:
    >>> import pandas as pd
    >>> prompts = pd.DataFrame({"prompt_id": [f"p{i}" for i in range(20)],
    ...                         "domain": ["math", "law"] * 10})
    >>> a = assign_splits(prompts, SplitConfig(test_share=0.3), group_col="prompt_id")
    >>> {split: sum(n.values()) for split, n in a.counts().items()}
    {'train': 14, 'test': 6}
"""

from rewardkit.curation.splits.assign import SplitAssignment, assign_splits
from rewardkit.curation.splits.config import SPLIT_NAMES, SplitConfig, check_holdout_domains
from rewardkit.curation.splits.demo import (
    DEMO_TABLES,
    preference_prompt_ids,
    read_table,
    split_demo_folder,
)
from rewardkit.curation.splits.leaks import (
    LeakFinder,
    LeakLike,
    MovedGroup,
    resolve_leaks,
    text_leak_finder,
)
from rewardkit.curation.splits.partition import partition_tables
from rewardkit.curation.splits.stratify import (
    apportion,
    draw_domains,
    seeded_permutation,
    stable_seed,
)
from rewardkit.curation.splits.write import (
    MANIFEST_NAME,
    SPLIT_SCHEMA,
    frame_to_jsonl,
    write_split,
)

__all__ = [
    "DEMO_TABLES",
    "MANIFEST_NAME",
    "SPLIT_NAMES",
    "SPLIT_SCHEMA",
    "LeakFinder",
    "LeakLike",
    "MovedGroup",
    "SplitAssignment",
    "SplitConfig",
    "apportion",
    "assign_splits",
    "check_holdout_domains",
    "draw_domains",
    "frame_to_jsonl",
    "partition_tables",
    "preference_prompt_ids",
    "read_table",
    "resolve_leaks",
    "seeded_permutation",
    "split_demo_folder",
    "stable_seed",
    "text_leak_finder",
    "write_split",
]
