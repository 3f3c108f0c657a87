"""A rewardkit reward model as a TRL reward function (``GRPOTrainer`` / ``RLOOTrainer``).

TRL 1.16 calls each entry of ``reward_funcs`` with keyword arguments only:
``prompts=``, ``completions=``, ``completion_ids=``, ``trainer_state=``, ``log_extra=``,
``log_metric=`` and every other dataset column; it expects one float or ``None`` (no reward for
that sample) per completion, and logs each function under its ``__name__``
(``rewards/<name>/mean``). Prompts and completions are text, or conversations (lists of
``{"role", "content"}`` messages). An ``async def __call__`` is awaited on TRL's own event loop,
concurrently with the other async reward functions.

Example:
    >>> reward = reward_function("baseline:length", name="length", no_cache=True)
    >>> reward(prompts=["2+2?"], completions=["4"], completion_ids=[[19]])
    [1.0]
    >>> reward(
    ...     prompts=[[{"role": "user", "content": "2+2?"}]],
    ...     completions=[[{"role": "assistant", "content": "four"}]],
    ... )
    [4.0]
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from rewardkit.data.records import Prompt
from rewardkit.errors import RewardkitError
from rewardkit.integrations.inputs import to_rewardkit_inputs
from rewardkit.integrations.scorer import Calibration, OnError, RewardScorer
from rewardkit.models.spec import ModelSpec

__all__ = [
    "AsyncRewardFunction",
    "RewardFunction",
    "async_reward_function",
    "reward_function",
    "to_rewardkit_inputs",
]


def _default_name(spec: ModelSpec) -> str:
    tail = re.split(r"[/\\:]", spec.location.rstrip("/\\"))[-1] if spec.location else ""
    name = f"{spec.scheme}_{tail}" if tail else spec.scheme
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


class RewardFunction:
    """TRL's reward-function contract around a :class:`RewardScorer` (see :func:`reward_function`).

    Attributes:
        __name__: The name TRL logs the rewards under (``rewards/<name>/mean``).
        scorer: The loaded model, its calibration and clip.
    """

    def __init__(self, scorer: RewardScorer, name: str) -> None:
        self.scorer = scorer
        self.__name__ = name

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.__name__!r}, {self.scorer.spec.text!r})"

    def __call__(
        self, *, prompts: Sequence[object], completions: Sequence[object], **kwargs: Any
    ) -> list[float | None]:
        """One reward per completion (None where it could not be scored)."""
        ps, rs = to_rewardkit_inputs(prompts, completions)
        return self.scorer(ps, rs)


class AsyncRewardFunction(RewardFunction):
    """The same contract with ``async def __call__``: TRL awaits it on its event loop.

    For an ``http:`` spec the batches are sent concurrently with rewardkit's asyncio client
    (``{"prompts", "responses", "query"}`` bodies: exact for ``rewardkit serve``, ``query`` for
    other OpenRLHF-style servers), with the spec's timeout, retries and token; the score cache
    is not used, and a batch the server refuses (after its retries) gets None. Other specs are
    scored by the blocking path in a worker thread.
    """

    def __init__(self, scorer: RewardScorer, name: str) -> None:
        super().__init__(scorer, name)
        self._clients: dict[int, Any] = {}  # one client per event loop

    def _client(self) -> Any:
        from rewardkit.models.http_client import AsyncRewardClient
        from rewardkit.models.http_rm import endpoint_url, read_token
        from rewardkit.models.options import HTTPOptions

        loop = asyncio.get_running_loop()
        client = self._clients.get(id(loop))
        if client is None:
            options = self.scorer.spec.options_as(HTTPOptions)
            client = AsyncRewardClient(
                endpoint_url(self.scorer.spec.location),
                token=read_token(options),
                timeout=options.timeout,
                retries=options.retries,
            )
            self._clients[id(loop)] = client
        return client

    async def _http_batch(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> list[Any]:
        from rewardkit.models.options import HTTPOptions

        separator = self.scorer.spec.options_as(HTTPOptions).query_separator
        client = self._client()
        try:
            values = await client.rewards(prompts, responses, query_separator=separator)
            return [float(v) for v in np.asarray(values, dtype=np.float64)]
        except RewardkitError as exc:
            if self.scorer.on_error == "raise":
                raise
            return [exc] * len(responses)

    async def _http_scores(
        self, prompts: Sequence[Prompt], responses: Sequence[str]
    ) -> list[float | None]:
        size = self.scorer.batch_size
        starts = range(0, len(responses), size)
        parts = await asyncio.gather(
            *(self._http_batch(prompts[s : s + size], responses[s : s + size]) for s in starts)
        )
        flat = [v for part in parts for v in part]
        errors = [v for v in flat if isinstance(v, Exception)]
        out: list[float | None] = [None if isinstance(v, Exception) else v for v in flat]
        if errors:
            self.scorer._count_failures(out, errors[0])
        return out

    async def __call__(  # type: ignore[override]
        self, *, prompts: Sequence[object], completions: Sequence[object], **kwargs: Any
    ) -> list[float | None]:
        """One reward per completion (None where it could not be scored)."""
        ps, rs = to_rewardkit_inputs(prompts, completions)
        if self.scorer.spec.scheme == "http":
            raw = await self._http_scores(ps, rs)
            return self.scorer.finish(raw)
        return await asyncio.to_thread(self.scorer, ps, rs)

    async def aclose(self) -> None:
        """Close the HTTP client of the running event loop, if any."""
        client = self._clients.pop(id(asyncio.get_running_loop()), None)
        if client is not None:
            await client.aclose()


def _scorer(
    spec: str | ModelSpec,
    calibrated: Calibration | None,
    reference: float,
    clip: tuple[float, float] | None,
    batch_size: int,
    max_tokens: int | None,
    cache: str | None,
    no_cache: bool,
    on_error: OnError,
) -> RewardScorer:
    return RewardScorer(
        spec,
        calibrated=calibrated,
        reference=reference,
        clip=clip,
        batch_size=batch_size,
        max_tokens=max_tokens,
        cache=cache,
        no_cache=no_cache,
        on_error=on_error,
    )


def reward_function(
    spec: str | ModelSpec,
    *,
    calibrated: Calibration | None = None,
    reference: float = 0.0,
    clip: tuple[float, float] | None = None,
    batch_size: int = 32,
    max_tokens: int | None = None,
    cache: str | None = None,
    no_cache: bool = False,
    on_error: OnError = "none",
    name: str | None = None,
) -> RewardFunction:
    """A TRL reward function backed by a rewardkit model spec, loaded once.

    Args:
        spec: Any model spec that scores new texts (``embed:DIR``, ``hf:DIR``, ``dpo:DIR``,
            ``builtin:NAME``, ``http://host:8000``, ``python:module:function``, a YAML spec).
        calibrated: None (raw scores), ``"probability"`` or ``"logit"`` through the
            ``calibrator.json`` that ``rewardkit calibrate`` saved beside the model.
        reference: The score a response is compared with when calibrated.
        clip: ``(low, high)`` range the rewards are clipped to, after calibration.
        batch_size: Inputs per model batch.
        max_tokens: Padded tokens per batch at most.
        cache: Score cache file (default ``$REWARDKIT_CACHE`` or the user's cache).
        no_cache: Do not use the score cache.
        on_error: ``"none"``: a completion that cannot be scored gets None (TRL then leaves
            this function out of that sample's reward); ``"raise"``: the error stops training.
        name: What TRL logs the rewards under (default ``<scheme>_<last path part>``).

    Returns:
        A callable ``f(*, prompts, completions, **kwargs) -> list[float | None]``.

    Example:
        >>> f = reward_function("baseline:length", clip=(0.0, 2.0))
        >>> f.__name__, f(prompts=["q", "q"], completions=["a", "abc"])
        ('baseline_length', [1.0, 2.0])
    """
    scorer = _scorer(
        spec, calibrated, reference, clip, batch_size, max_tokens, cache, no_cache, on_error
    )
    return RewardFunction(scorer, name or _default_name(scorer.spec))


def async_reward_function(
    spec: str | ModelSpec,
    *,
    calibrated: Calibration | None = None,
    reference: float = 0.0,
    clip: tuple[float, float] | None = None,
    batch_size: int = 32,
    max_tokens: int | None = None,
    cache: str | None = None,
    no_cache: bool = False,
    on_error: OnError = "none",
    name: str | None = None,
) -> AsyncRewardFunction:
    """:func:`reward_function` with ``async def __call__``, for reward servers (``http:``).

    TRL 1.16 runs async reward functions on an event loop of its own, concurrently with each
    other: several ``rewardkit serve`` judges or RMs then score a batch at the same time. The
    arguments are those of :func:`reward_function`.

    Example:
        >>> import asyncio
        >>> f = async_reward_function("baseline:length", no_cache=True)
        >>> asyncio.run(f(prompts=["q"], completions=["abcd"]))
        [4.0]
    """
    scorer = _scorer(
        spec, calibrated, reference, clip, batch_size, max_tokens, cache, no_cache, on_error
    )
    return AsyncRewardFunction(scorer, name or _default_name(scorer.spec))
