"""Run the reward server on uvicorn until SIGTERM or Ctrl-C, answering every accepted request.

On SIGTERM uvicorn stops accepting connections and waits for the requests in flight (at most
``--request-timeout`` plus a margin); the app's shutdown then drains the batcher. The process
exits 0 after a SIGTERM (130 after Ctrl-C, as every rewardkit command).
"""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any

from rewardkit.errors import MissingExtraError
from rewardkit.guard import GuardPolicy
from rewardkit.models.spec import ModelSpec
from rewardkit.serve.app import create_app
from rewardkit.serve.scorer import ProbabilityMap
from rewardkit.serve.settings import ServeConfig

#: Seconds granted after ``--request-timeout`` for answers to be written out on shutdown.
SHUTDOWN_MARGIN_S = 5


def _uvicorn() -> Any:
    try:
        import uvicorn
    except ImportError as exc:
        raise MissingExtraError("uvicorn", "serve") from exc
    return uvicorn


def serve_http(
    config: ServeConfig,
    *,
    model_options: dict[str, Any] | None = None,
    spec: ModelSpec | None = None,
    calibrator: ProbabilityMap | None = None,
    token: str | None = None,
    guard: GuardPolicy | None = None,
) -> None:
    """Load the model, start the batcher (so a bad cache path fails here, in one line), then
    serve until stopped. ``spec`` is ``config.model`` as the caller parsed it (then
    ``model_options`` stays None); without it the model is parsed here with ``model_options``."""
    uvicorn = _uvicorn()
    app = create_app(
        config,
        model_options=model_options,
        spec=spec,
        calibrator=calibrator,
        token=token,
        guard=guard,
    )
    app.state.service.start()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=config.host,
            port=config.port,
            lifespan="on",
            access_log=False,
            log_level="info",
            timeout_graceful_shutdown=int(config.request_timeout) + SHUTDOWN_MARGIN_S,
        )
    )
    stopped: list[int] = []

    def on_term(sig: int, frame: FrameType | None) -> None:
        # uvicorn re-raises the signal it shut down on; landing here ends the command with 0.
        stopped.append(sig)

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        server.run()
    finally:
        signal.signal(signal.SIGTERM, previous)
