"""A seeded split that keeps every item of one prompt on the same side."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from rewardkit.data.records import PreferenceItem, prompt_text


def split_by_prompt(
    items: Sequence[PreferenceItem], *, test_share: float = 0.2, seed: int = 0
) -> tuple[list[PreferenceItem], list[PreferenceItem]]:
    """(train, test): a prompt goes to test when a hash of (seed, prompt) falls below
    ``test_share``, so no prompt leaks across the split and the split is reproducible.

    Example:
        >>> items = [PreferenceItem(id=str(i), prompt=f"p{i % 10}", chosen=("a",),
        ...                         rejected=("b",)) for i in range(100)]
        >>> train, test = split_by_prompt(items, test_share=0.3)
        >>> {it.prompt for it in train} & {it.prompt for it in test}
        set()
    """
    train: list[PreferenceItem] = []
    test: list[PreferenceItem] = []
    for item in items:
        digest = hashlib.sha256(f"{seed}\x00{prompt_text(item.prompt)}".encode()).digest()
        u = int.from_bytes(digest[:8], "big") / 2.0**64
        (test if u < test_share else train).append(item)
    return train, test
