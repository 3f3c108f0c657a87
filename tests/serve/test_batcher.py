"""The dynamic batcher: merges queued requests into engine rounds, splits the scores back,
bounds the queue, skips timed-out requests, isolates failures and drains on close."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import pytest

from rewardkit.data import PreferenceItem, Prompt
from rewardkit.serve.batcher import DynamicBatcher, QueueFull, Round, ShuttingDown
from rewardkit.serve.scorer import EngineScorer

WAIT = 10.0  # seconds: the bound of every wait in this file


class Recorder:
    """A reward model that records its batches; its first call blocks until released."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.entered = threading.Event()
        self.release = threading.Event()

    def score(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> np.ndarray:
        self.entered.set()
        assert self.release.wait(WAIT)
        if "boom" in responses:
            raise RuntimeError("boom")
        self.batches.append(list(responses))
        return np.array(
            [len(r) + 0.01 * len(str(p)) for p, r in zip(prompts, responses, strict=True)]
        )

    def fingerprint(self) -> str:
        return "recorder/v1"


def expected(prompt: str, response: str) -> float:
    return len(response) + 0.01 * len(prompt)


def request(tag: str, n: int) -> list[PreferenceItem]:
    return [
        PreferenceItem(f"{tag}{i}", f"p-{tag}", (f"{tag}-r{i}" * (i + 1),), ()) for i in range(n)
    ]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def make_batcher(
    model: Recorder, rounds: list[Round], *, max_batch: int = 4, max_queue: int = 64
) -> DynamicBatcher:
    batcher = DynamicBatcher(
        lambda: EngineScorer(model, batch_size=max_batch, no_cache=True),
        max_batch_size=max_batch,
        max_wait_s=0.0,
        max_queue=max_queue,
        on_round=rounds.append,
    )
    batcher.start()
    return batcher


@pytest.fixture
def rounds() -> list[Round]:
    return []


def test_queued_requests_merge_into_rounds_and_get_their_own_scores(
    recorder: Recorder, rounds: list[Round]
) -> None:
    batcher = make_batcher(recorder, rounds, max_batch=4)
    first = batcher.submit(request("a", 1))
    assert recorder.entered.wait(WAIT)  # the worker is busy with the first request
    queued = {tag: batcher.submit(request(tag, n)) for tag, n in [("b", 1), ("c", 2), ("d", 1)]}
    assert batcher.queued_inputs == 4
    recorder.release.set()
    assert first.result(WAIT).tolist() == [expected("p-a", "a-r0")]
    for tag, future in queued.items():
        items = request(tag, {"b": 1, "c": 2, "d": 1}[tag])
        assert future.result(WAIT).tolist() == [expected(it.prompt, it.chosen[0]) for it in items]
    batcher.close(WAIT)
    # b, c and d shared one round and one model batch: 4 inputs, 3 requests.
    assert [(r.n_requests, r.n_inputs) for r in rounds] == [(1, 1), (3, 4)]
    assert sorted(len(b) for b in recorder.batches) == [1, 4]


def test_rounds_keep_to_max_batch_size_and_a_large_request_goes_alone(
    recorder: Recorder, rounds: list[Round]
) -> None:
    batcher = make_batcher(recorder, rounds, max_batch=4)
    blocker = batcher.submit(request("x", 1))
    assert recorder.entered.wait(WAIT)
    small = [batcher.submit(request(f"s{i}", 1)) for i in range(5)]
    large = batcher.submit(request("L", 10))
    recorder.release.set()
    for future in [blocker, *small, large]:
        future.result(WAIT)
    batcher.close(WAIT)
    assert [r.n_inputs for r in rounds] == [1, 4, 1, 10]
    # The engine cuts the large request into length-sorted batches of at most 4.
    assert all(len(b) <= 4 for b in recorder.batches)
    assert sum(len(b) for b in recorder.batches) == 16
    assert large.result(WAIT).tolist() == [
        expected(it.prompt, it.chosen[0]) for it in request("L", 10)
    ]


def test_a_full_queue_refuses_at_once_with_a_retry_delay(
    recorder: Recorder, rounds: list[Round]
) -> None:
    batcher = make_batcher(recorder, rounds, max_batch=1, max_queue=3)
    running = batcher.submit(request("a", 1))
    assert recorder.entered.wait(WAIT)
    waiting = batcher.submit(request("b", 3))
    with pytest.raises(QueueFull) as info:
        batcher.submit(request("c", 1))
    assert info.value.retry_after >= 1
    assert "3 of 3 inputs waiting" in str(info.value)
    recorder.release.set()
    assert len(running.result(WAIT)) == 1
    assert len(waiting.result(WAIT)) == 3
    batcher.close(WAIT)


def test_a_request_cancelled_while_queued_is_never_scored(
    recorder: Recorder, rounds: list[Round]
) -> None:
    batcher = make_batcher(recorder, rounds)
    running = batcher.submit(request("a", 1))
    assert recorder.entered.wait(WAIT)
    gone = batcher.submit(request("gone", 2))
    kept = batcher.submit(request("kept", 1))
    assert gone.cancel()  # what a request timeout does
    recorder.release.set()
    running.result(WAIT)
    kept.result(WAIT)
    batcher.close(WAIT)
    assert not any(r.startswith("gone") for b in recorder.batches for r in b)


def test_one_failing_request_does_not_fail_the_others_of_its_round(
    recorder: Recorder, rounds: list[Round]
) -> None:
    batcher = make_batcher(recorder, rounds, max_batch=8)
    running = batcher.submit(request("a", 1))
    assert recorder.entered.wait(WAIT)
    good = batcher.submit(request("g", 2))
    bad = batcher.submit([PreferenceItem("x", "p", ("boom",), ())])
    recorder.release.set()
    running.result(WAIT)
    assert good.result(WAIT).tolist() == [
        expected(it.prompt, it.chosen[0]) for it in request("g", 2)
    ]
    with pytest.raises(RuntimeError, match="boom"):
        bad.result(WAIT)
    batcher.close(WAIT)


def test_close_answers_every_queued_request_then_refuses_new_ones(
    recorder: Recorder, rounds: list[Round]
) -> None:
    batcher = make_batcher(recorder, rounds, max_batch=2)
    futures = [batcher.submit(request(f"r{i}", 1)) for i in range(7)]
    assert recorder.entered.wait(WAIT)
    closer = threading.Thread(target=batcher.close, args=(WAIT,))
    closer.start()
    for _ in range(1000):  # close() sets the flag at once; bounded wait for the thread
        if batcher.closing:
            break
        threading.Event().wait(0.01)
    with pytest.raises(ShuttingDown):
        batcher.submit(request("late", 1))
    recorder.release.set()
    closer.join(WAIT)
    assert not closer.is_alive()
    assert all(len(f.result(0)) == 1 for f in futures)


def test_a_scorer_that_cannot_start_fails_start() -> None:
    def broken() -> EngineScorer:
        raise OSError("no cache here")

    batcher = DynamicBatcher(broken, max_batch_size=1, max_wait_s=0.0, max_queue=1)
    with pytest.raises(OSError, match="no cache here"):
        batcher.start()
