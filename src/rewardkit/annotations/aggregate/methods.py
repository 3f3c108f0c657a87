"""Preference methods by name: how comparisons become preference scores (``preference_method``
of :class:`~rewardkit.annotations.aggregate.config.AggregationConfig`, ``--method`` of
``rewardkit annotations aggregate``).

A method is a function ``comparisons -> pd.Series``: it receives validated comparisons
(``prompt_id, item_a, item_b, annotator_id, preference`` with preference ``a``, ``b`` or
``tie``, only between items that met the quorum) and returns a float score in [0, 1] per
compared item, indexed by ``item_id`` and normalised within each prompt
(:func:`~rewardkit.annotations.aggregate.preference.preference_scores` does the normalising for
a function of the points matrix). Items it leaves out have no preference score: their final
reward falls back to the criterion score.

Adding a method takes one module with that function and one ``PREFERENCE_METHODS.register``
line below; third-party packages register through the ``rewardkit.plugins`` entry-point group
as ``aggregators.NAME = "pkg.module:function"``.

Example:
    >>> PREFERENCE_METHODS.names()
    ['borda', 'bradley_terry']
    >>> c = pd.DataFrame({"prompt_id": ["p"], "item_a": ["x"], "item_b": ["y"],
    ...                   "annotator_id": ["a"], "preference": ["a"]})
    >>> PREFERENCE_METHODS.get("borda")(c).to_dict()
    {'x': 1.0, 'y': 0.0}
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from rewardkit.registry import Registry

__all__ = ["PREFERENCE_METHODS", "PreferenceMethod", "unknown_method_message"]

PreferenceMethod = Callable[[pd.DataFrame], pd.Series]

PREFERENCE_METHODS: Registry[PreferenceMethod] = Registry(
    "preference method", check=callable, plugin_prefix="aggregators"
)
PREFERENCE_METHODS.register("borda", "rewardkit.annotations.aggregate.preference:borda_scores")
PREFERENCE_METHODS.register(
    "bradley_terry", "rewardkit.annotations.aggregate.bradley_terry:bradley_terry_scores"
)


def unknown_method_message(names: list[str]) -> str:
    """The message for an unknown method, worded as pydantic words a wrong literal.

    Example:
        >>> unknown_method_message(["borda", "bradley_terry", "elo"])
        "Input should be 'borda', 'bradley_terry' or 'elo'"
    """
    quoted = [repr(name) for name in names]
    if len(quoted) == 1:
        return f"Input should be {quoted[0]}"
    return f"Input should be {', '.join(quoted[:-1])} or {quoted[-1]}"
