"""Deferred Ctrl-C / SIGTERM for the training loop.

The first SIGINT or SIGTERM only sets a flag; the loop checks it where its state is consistent
(after an optimizer step, after an epoch is committed), writes a checkpoint there and stops
with ``KeyboardInterrupt``. So an interrupt never lands between an optimizer step and the
bookkeeping of its position, and under ``torchrun`` (which follows SIGINT with SIGTERM
within milliseconds) the workers still save. A second SIGINT interrupts at once.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any


class TrainingInterrupted(KeyboardInterrupt):
    """Raised by the loop after it has checkpointed at a consistent point."""


class StopRequest:
    """Set by the signal handlers; read by the loop."""

    def __init__(self) -> None:
        self.requested = False
        self.signal_name: str | None = None


@contextmanager
def deferred_interrupts() -> Iterator[StopRequest]:
    """Install the deferring handlers for the duration of the block (main thread only; in
    another thread signals cannot be handled and the block runs with the defaults)."""
    request = StopRequest()
    if threading.current_thread() is not threading.main_thread():
        yield request
        return
    previous: dict[signal.Signals, Any] = {}

    def handler(signum: int, frame: FrameType | None) -> None:
        if request.requested and signum == signal.SIGINT:
            raise KeyboardInterrupt  # a second Ctrl-C: stop now
        request.requested = True
        request.signal_name = signal.Signals(signum).name

    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, handler)
    try:
        yield request
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
