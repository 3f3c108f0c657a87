"""Clients for a reward server (``rewardkit serve`` or any OpenRLHF-style ``/get_reward``).

They live on the ``models`` floor (:mod:`rewardkit.models.http_client`) so that the ``http:``
model adapter can use them; this module is their public home next to the server.

Example:
    >>> from rewardkit.serve.client import RewardClient
    >>> with RewardClient("http://127.0.0.1:8000", timeout=5.0) as client:
    ...     client.policy.retries
    3
"""

from rewardkit.models.http_client import (
    MAX_REDIRECTS,
    AsyncRewardClient,
    ItemScores,
    RetryPolicy,
    RewardClient,
    RewardServerError,
)

__all__ = [
    "MAX_REDIRECTS",
    "AsyncRewardClient",
    "ItemScores",
    "RetryPolicy",
    "RewardClient",
    "RewardServerError",
]
