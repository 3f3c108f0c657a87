"""Dynamic batching: requests wait in a bounded queue and are merged into rounds for the engine.

One worker thread owns the scorer (the model and the score cache: SQLite connections belong to
the thread that opened them). A round starts when the oldest waiting request has waited
``max_wait_s`` or ``max_batch_size`` inputs are waiting, takes whole requests first come first
served up to ``max_batch_size`` inputs (a larger request goes alone; the engine cuts it into
batches), scores them in one call of the scoring engine (length-sorted batches, one score per
input whatever else shares its batch) and hands each request its slice. While a round runs new
requests queue up, so under load rounds fill without waiting. When a merged round fails, its
requests are scored again one by one, so a bad input fails only its own request.

The queue is bounded in inputs: a request that would overflow it is refused at once
(:class:`QueueFull`, with a retry delay estimated from the recent throughput). :meth:`close`
refuses new requests and returns after every queued one is answered.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from rewardkit.data.records import PreferenceItem
from rewardkit.scoring import Scored, ScoringReport


class QueueFull(Exception):
    """The queue cannot take the request now; ``retry_after`` is a whole number of seconds."""

    def __init__(self, queued: int, limit: int, retry_after: int) -> None:
        super().__init__(
            f"the queue is full ({queued} of {limit} inputs waiting); retry after {retry_after} s"
        )
        self.retry_after = retry_after


class ShuttingDown(Exception):
    """The server is draining its queue before it stops and takes no new requests."""


class Scorer(Protocol):
    """Scores the items of one round (in score order) through the scoring engine."""

    def __call__(self, items: Sequence[PreferenceItem]) -> Scored: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Round:
    """What one engine call did: requests and inputs merged, the engine's report, seconds."""

    n_requests: int
    n_inputs: int
    report: ScoringReport
    seconds: float


@dataclass(frozen=True)
class _Job:
    items: tuple[PreferenceItem, ...]
    n_inputs: int
    future: Future[np.ndarray]
    enqueued: float


class DynamicBatcher:
    """Merges concurrent requests into rounds scored by one worker thread.

    Example:
        >>> from rewardkit.models import LengthBaseline
        >>> from rewardkit.scoring import score_items
        >>> class Engine:
        ...     def __call__(self, items): return score_items(LengthBaseline(), items)
        ...     def close(self): pass
        >>> batcher = DynamicBatcher(Engine, max_batch_size=8, max_wait_s=0.0, max_queue=16)
        >>> batcher.start()
        >>> item = PreferenceItem(id="1", prompt="q", chosen=("four",), rejected=("xy",))
        >>> batcher.submit([item]).result(timeout=10).tolist()
        [4.0, 2.0]
        >>> batcher.close()
    """

    def __init__(
        self,
        make_scorer: Callable[[], Scorer],
        *,
        max_batch_size: int,
        max_wait_s: float,
        max_queue: int,
        on_round: Callable[[Round], None] | None = None,
        on_split: Callable[[int], None] | None = None,
    ) -> None:
        self.max_batch_size = max_batch_size
        self.max_wait_s = max_wait_s
        self.max_queue = max_queue
        self._make_scorer = make_scorer
        self._on_round = on_round
        self._on_split = on_split
        self._cond = threading.Condition()
        self._queue: deque[_Job] = deque()
        self._queued = 0
        self._closing = False
        self._rate = 0.0  # inputs per second of recent rounds (exponential average)
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="rewardkit-batcher", daemon=True)

    @property
    def queued_inputs(self) -> int:
        """Inputs waiting for a round (not counting the round being scored)."""
        return self._queued

    @property
    def closing(self) -> bool:
        return self._closing

    def start(self) -> None:
        """Start the worker; raises what building the scorer raised."""
        self._thread.start()
        self._ready.wait()
        if self._startup_error is not None:
            raise self._startup_error

    def submit(self, items: Sequence[PreferenceItem]) -> Future[np.ndarray]:
        """Queue one request; its future gets one score per response, in score order."""
        n = sum(len(it.responses) for it in items)
        future: Future[np.ndarray] = Future()
        with self._cond:
            if self._closing:
                raise ShuttingDown("the server is shutting down")
            if self._queued + n > self.max_queue:
                raise QueueFull(self._queued, self.max_queue, self._retry_after(n))
            self._queue.append(_Job(tuple(items), n, future, time.monotonic()))
            self._queued += n
            self._cond.notify_all()
        return future

    def close(self, timeout: float | None = None) -> None:
        """Refuse new requests, answer every queued one, stop the worker."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _retry_after(self, n: int) -> int:
        if self._rate <= 0:
            return 1
        return max(1, min(60, math.ceil((self._queued + n) / self._rate)))

    def _run(self) -> None:
        try:
            scorer = self._make_scorer()
        except BaseException as exc:
            self._startup_error = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            while True:
                jobs = self._next_round()
                if jobs is None:
                    break
                if jobs:
                    self._score(scorer, jobs)
        finally:
            scorer.close()

    def _next_round(self) -> list[_Job] | None:
        with self._cond:
            while not self._queue and not self._closing:
                self._cond.wait()
            if not self._queue:
                return None
            deadline = self._queue[0].enqueued + self.max_wait_s
            while not self._closing and self._queued < self.max_batch_size:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            jobs: list[_Job] = []
            total = 0
            while self._queue and total < self.max_batch_size:
                job = self._queue[0]
                if jobs and total + job.n_inputs > self.max_batch_size:
                    break
                self._queue.popleft()
                self._queued -= job.n_inputs
                if job.future.set_running_or_notify_cancel():  # False: timed out while queued
                    jobs.append(job)
                    total += job.n_inputs
            return jobs

    def _score(self, scorer: Scorer, jobs: list[_Job]) -> None:
        items = [it for job in jobs for it in job.items]
        started = time.perf_counter()
        try:
            scored = scorer(items)
        except Exception as exc:
            if len(jobs) > 1:  # one request's input must not fail the others: one by one
                if self._on_split is not None:
                    with contextlib.suppress(Exception):
                        self._on_split(len(jobs))
                for job in jobs:
                    self._score(scorer, [job])
            else:
                jobs[0].future.set_exception(exc)
            return
        seconds = time.perf_counter() - started
        start = 0
        for job in jobs:
            job.future.set_result(scored.scores[start : start + job.n_inputs])
            start += job.n_inputs
        if seconds > 0:
            rate = start / seconds
            self._rate = rate if self._rate <= 0 else 0.8 * self._rate + 0.2 * rate
        if self._on_round is not None:
            with contextlib.suppress(Exception):  # metrics must never stop scoring
                self._on_round(Round(len(jobs), start, scored.report, seconds))
