"""Deduplication of preference data by prompt.

In preference data one prompt often carries several items (different chosen/rejected
response pairs of the same prompt). Those items are not duplicates of each other, so
:func:`dedup_preferences` first groups items whose prompt text (:func:`prompt_text`) is
*identical* into one prompt, deduplicates the distinct prompts, and then keeps or drops each
prompt with all of its items.
"""

from __future__ import annotations

from collections.abc import Sequence

from rewardkit.curation.dedup.config import DedupConfig
from rewardkit.curation.dedup.core import dedup
from rewardkit.curation.dedup.result import DedupResult
from rewardkit.data.records import PreferenceItem, prompt_text
from rewardkit.errors import DataError

__all__ = ["dedup_preferences"]


def dedup_preferences(
    items: Sequence[PreferenceItem], config: DedupConfig | None = None
) -> tuple[list[PreferenceItem], DedupResult]:
    """Drop the items of prompts that duplicate an earlier (or kept) prompt.

    Items with the same prompt string form one prompt, identified by the id of its first item;
    the distinct prompts are deduplicated with :func:`~rewardkit.curation.dedup.core.dedup`
    (``keep`` picks the representative prompt), and every item of a removed prompt is dropped.
    Items of a kept prompt are all kept, in input order. The result's ids (``kept_ids``,
    ``removed``, ``pairs``) are these prompt ids, and ``n_input`` counts distinct prompts.

    Args:
        items: Preference items with unique ids.
        config: Dedup options.

    Returns:
        The kept items (input order) and the dedup result over distinct prompts.

    Raises:
        DataError: An item id repeats.

    Example:
        >>> mk = lambda i, p: PreferenceItem(i, p, ("good",), ("bad",))
        >>> prompts = ["Hi there!", "Hi there!", "hi THERE", "Bye"]
        >>> items = [mk(str(i), p) for i, p in enumerate(prompts, start=1)]
        >>> kept, res = dedup_preferences(items)
        >>> [it.id for it in kept], [(r.id, r.duplicate_of) for r in res.removed]
        (['1', '2', '4'], [('3', '1')])
    """
    prompt_id: dict[str, str] = {}
    item_ids: set[str] = set()
    for item in items:
        if item.id in item_ids:
            raise DataError(f"duplicate item id {item.id!r}", field="id")
        item_ids.add(item.id)
        prompt_id.setdefault(prompt_text(item.prompt), item.id)
    result = dedup(list(prompt_id.values()), list(prompt_id), config)
    kept = set(result.kept_ids)
    return [it for it in items if prompt_id[prompt_text(it.prompt)] in kept], result
