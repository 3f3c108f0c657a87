"""The HTTP app: ``POST /get_reward``, ``POST /score``, ``GET /health``, ``GET /metrics``.

Every refusal is one JSON line ``{"error": "..."}`` with its status: 400 malformed JSON, 401
missing or wrong bearer token (when the server has one), 413 body or input count over the
limits, 422 fields that do not fit, 503 with ``Retry-After`` when the queue is full or the
server is draining, 504 when a request is not scored within ``--request-timeout``. A failure
inside the model answers 500 for the requests it touched; the server keeps serving.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import numpy as np
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from rewardkit.data.records import PreferenceItem
from rewardkit.errors import RewardkitError
from rewardkit.guard import GuardItem, GuardPolicy
from rewardkit.models.protocol import RewardModel
from rewardkit.models.spec import ModelSpec
from rewardkit.serve.batcher import DynamicBatcher, QueueFull, ShuttingDown
from rewardkit.serve.metrics import ServerMetrics
from rewardkit.serve.payloads import RequestError, parse_get_reward, parse_json, parse_score
from rewardkit.serve.scorer import (
    EngineScorer,
    ProbabilityMap,
    load_served_model,
    pair_probabilities,
    probability_name,
)
from rewardkit.serve.settings import ServeConfig

log = logging.getLogger("rewardkit.serve")

#: Seconds a client is told to wait while the server drains before it stops.
DRAINING_RETRY_AFTER = 5


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def authorized(header: str | None, token: str) -> bool:
    """Whether an ``Authorization`` header carries ``Bearer <token>`` (constant-time compare).

    Example:
        >>> authorized("Bearer s3cret", "s3cret"), authorized("Bearer s3cre", "s3cret")
        (True, False)
    """
    if header is None:
        return False
    scheme, _, value = header.strip().partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        value.strip().encode("utf-8"), token.encode("utf-8")
    )


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length")
    too_big = f"the request body exceeds the limit of {limit} bytes (--max-body-mb)"
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise RequestError(400, f"invalid Content-Length {declared[:40]!r}") from None
        if size > limit:
            raise RequestError(413, too_big.replace("the request body", f"{size} bytes"))
    chunks: list[bytes] = []
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise RequestError(413, too_big)
        chunks.append(chunk)
    return b"".join(chunks)


class _Service:
    """What the endpoints share: the model, the batcher, the metrics and the limits."""

    def __init__(
        self,
        config: ServeConfig,
        spec: ModelSpec | str,
        model: RewardModel,
        calibrator: ProbabilityMap | None,
        token: str | None,
        guard: GuardPolicy | None = None,
    ) -> None:
        self.config = config
        self.guard = guard
        self.fingerprint = model.fingerprint()
        self.calibrator = calibrator
        self.probability = probability_name(spec, calibrator)
        self.token = token
        self.metrics = ServerMetrics(queue_depth=lambda: self.batcher.queued_inputs)
        self.batcher = DynamicBatcher(
            lambda: EngineScorer(
                model,
                batch_size=config.max_batch_size,
                max_tokens=config.max_tokens,
                cache=config.cache,
                no_cache=config.no_cache,
            ),
            max_batch_size=config.max_batch_size,
            max_wait_s=config.max_wait_ms / 1000.0,
            max_queue=config.max_queue,
            on_round=self.metrics.observe_round,
            on_split=lambda n: self.metrics.rounds_split.inc(),
        )
        self.started = False

    def start(self) -> None:
        if not self.started:
            self.batcher.start()
            self.started = True

    async def scores(self, items: Sequence[PreferenceItem]) -> np.ndarray:
        n = sum(len(it.responses) for it in items)
        if n == 0:
            return np.zeros(0)
        if n > self.config.max_items:
            raise RequestError(
                413,
                f"{n} inputs in one request; the limit is {self.config.max_items} (--max-items)",
            )
        future = self.batcher.submit(items)
        self.metrics.inputs.inc(n)
        try:
            return await asyncio.wait_for(
                asyncio.wrap_future(future), timeout=self.config.request_timeout
            )
        except TimeoutError:
            raise RequestError(
                504,
                f"not scored within {self.config.request_timeout:g} s (--request-timeout)",
            ) from None

    async def handle(
        self,
        request: Request,
        endpoint: str,
        work: Callable[[Request], Awaitable[Response]],
        *,
        scoring: bool = True,
    ) -> Response:
        """Answer one request and count it; ``scoring`` requests also count as in progress
        until answered (a scrape of ``/metrics`` does not count itself)."""
        started = time.perf_counter()
        if scoring:
            self.metrics.in_progress.inc()
        try:
            response = await self._answer(request, work)
        finally:
            if scoring:
                self.metrics.in_progress.dec()
        self.metrics.request_done(endpoint, response.status_code, time.perf_counter() - started)
        return response

    async def _answer(
        self, request: Request, work: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        try:
            if self.token is not None and not authorized(
                request.headers.get("authorization"), self.token
            ):
                missing = "authorization" not in request.headers
                return _error(
                    401,
                    "missing bearer token" if missing else "invalid bearer token",
                    {"WWW-Authenticate": "Bearer"},
                )
            return await work(request)
        except RequestError as exc:
            return _error(exc.status, exc.message)
        except QueueFull as exc:
            return _error(503, str(exc), {"Retry-After": str(exc.retry_after)})
        except ShuttingDown as exc:
            return _error(503, str(exc), {"Retry-After": str(DRAINING_RETRY_AFTER)})
        except RewardkitError as exc:
            return _error(422, str(exc))
        except Exception as exc:
            log.exception("scoring failed")
            return _error(500, f"internal error: {type(exc).__name__}: {exc}")

    async def body(self, request: Request) -> dict[str, Any]:
        return parse_json(await read_body(request, self.config.max_body_bytes))

    async def get_reward(self, request: Request) -> Response:
        pairs = parse_get_reward(await self.body(request), self.config.query_separator)
        items = [
            PreferenceItem(id=str(i), prompt=p, chosen=(r,), rejected=())
            for i, (p, r) in enumerate(zip(pairs.prompts, pairs.responses, strict=True))
        ]
        scores = await self.scores(items)
        if self.guard is None:
            rewards = scores.tolist()
            return JSONResponse({"rewards": rewards, "scores": rewards, "extra_logs": {}})
        checked = await self.guarded(pairs.prompts, pairs.responses)
        rewards = (scores - np.array([g["penalty"] for g in checked])).tolist()
        return JSONResponse(
            {
                "rewards": rewards,
                "scores": rewards,
                "raw_rewards": scores.tolist(),
                "guard": checked,
                "extra_logs": {},
            }
        )

    async def guarded(self, prompts: Sequence[Any], responses: Sequence[str]) -> list[Any]:
        """The guard policy's decision on each response: blocked, flagged, penalty, reasons."""
        assert self.guard is not None
        items = [
            GuardItem(r, prompt=p if isinstance(p, str) else str(p))
            for p, r in zip(prompts, responses, strict=True)
        ]
        res = await asyncio.to_thread(self.guard.run, items)
        return [
            {"blocked": bool(b), "flagged": bool(f), "penalty": float(pen), "reasons": why}
            for b, f, pen, why in zip(
                res.blocked, res.flagged, res.penalties, res.reasons, strict=True
            )
        ]

    async def score(self, request: Request) -> Response:
        items = parse_score(await self.body(request))
        scores = await self.scores(items)
        rows = []
        start = 0
        verdicts: list[Any] = []
        if self.guard is not None:
            flat = [(it.prompt, r) for it in items for r in it.responses]
            verdicts = await self.guarded([p for p, _ in flat], [r for _, r in flat])
        for it in items:
            chosen = scores[start : start + len(it.chosen)]
            rejected = scores[start + len(it.chosen) : start + len(it.responses)]
            start += len(it.responses)
            rows.append(
                {
                    "id": it.id,
                    "chosen_scores": chosen.tolist(),
                    "rejected_scores": rejected.tolist(),
                    "probabilities": None
                    if self.probability is None
                    else pair_probabilities(chosen, rejected, self.calibrator),
                }
            )
            if verdicts:  # scores stay raw here; the guard's decisions sit beside them
                mine = verdicts[start - len(it.responses) : start]
                rows[-1]["guard"] = {
                    "chosen": mine[: len(it.chosen)],
                    "rejected": mine[len(it.chosen) :],
                }
        return JSONResponse(
            {"model": self.fingerprint, "probability": self.probability, "items": rows}
        )

    async def metrics_text(self, request: Request) -> Response:
        return Response(self.metrics.render(), media_type=self.metrics.content_type)


def create_app(
    config: ServeConfig,
    *,
    model_options: dict[str, Any] | None = None,
    spec: ModelSpec | None = None,
    model: RewardModel | None = None,
    calibrator: ProbabilityMap | None = None,
    token: str | None = None,
    guard: GuardPolicy | None = None,
) -> FastAPI:
    """The reward server for ``config.model`` (loaded here unless ``model`` is given; parsed
    with ``model_options`` unless the caller parsed it already as ``spec``). With ``guard``,
    ``/get_reward`` subtracts each blocked response's penalty from its reward and reports the
    guard's decisions (``guard``, ``raw_rewards``); ``/score`` adds them beside raw scores.

    The batcher starts with the app's lifespan (or earlier through ``app.state.service``) and
    drains on shutdown: every queued request is answered before the app stops.

    Example:
        >>> app = create_app(ServeConfig(model="baseline:length"))
        >>> sorted(r.path for r in app.routes)
        ['/get_reward', '/health', '/metrics', '/score']
    """
    shown: ModelSpec | str = config.model
    if model is None:
        shown, model = load_served_model(spec or config.model, model_options)
    service = _Service(config, shown, model, calibrator, token, guard)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(service.start)
        yield
        await asyncio.to_thread(service.batcher.close)

    app = FastAPI(
        title="rewardkit reward server",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.service = service

    @app.post("/get_reward")
    async def get_reward(request: Request) -> Response:
        return await service.handle(request, "/get_reward", service.get_reward)

    @app.post("/score")
    async def score(request: Request) -> Response:
        return await service.handle(request, "/score", service.score)

    @app.get("/metrics")
    async def metrics(request: Request) -> Response:
        return await service.handle(request, "/metrics", service.metrics_text, scoring=False)

    @app.get("/health")
    async def health() -> Response:
        draining = service.batcher.closing
        return JSONResponse(
            {
                "status": "draining" if draining else "ok",
                "model": service.fingerprint,
                "queue_depth": service.batcher.queued_inputs,
            },
            status_code=503 if draining else 200,
        )

    return app
