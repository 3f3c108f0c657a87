"""The same app as a Ray Serve deployment: ``--replicas`` copies, one model each.

Each replica builds the app of :func:`rewardkit.serve.app.create_app` (its own batcher and
model; a GPU each when the cluster has GPUs, unless ``--replica-gpus`` says otherwise); Ray
Serve's proxy listens on ``--host``/``--port`` and spreads requests over the replicas. Without
``RAY_ADDRESS`` a local Ray is started with just the CPUs the replicas ask for (fractions
allowed). ``/metrics`` answers for the replica that takes the request.
"""

from __future__ import annotations

import math
import os
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from rewardkit.errors import MissingExtraError
from rewardkit.models.spec import ModelSpec
from rewardkit.serve.run import SHUTDOWN_MARGIN_S
from rewardkit.serve.scorer import ProbabilityMap
from rewardkit.serve.settings import ServeConfig

APP_NAME = "rewardkit"


def _ray() -> tuple[Any, Any]:
    try:
        import ray
        from ray import serve
    except ImportError as exc:
        raise MissingExtraError("ray[serve]", "ray") from exc
    return ray, serve


def replica_class() -> type:
    """The deployment class: each replica builds the app once, at start."""
    _, serve = _ray()

    @serve.ingress()
    class RewardReplica:
        def __init__(
            self,
            config: dict[str, Any],
            model_options: dict[str, Any] | None,
            spec: ModelSpec | None,
            calibrator: ProbabilityMap | None,
            token: str | None,
        ) -> None:
            from rewardkit.serve.app import create_app

            self._app = create_app(
                ServeConfig(**config),
                model_options=model_options,
                spec=spec,
                calibrator=calibrator,
                token=token,
            )

        def __serve_build_asgi_app__(self) -> Any:
            return self._app

    return RewardReplica


def replica_gpus(config: ServeConfig, cluster: dict[str, float]) -> float:
    """GPUs per replica: ``--replica-gpus``, else one when the cluster has any.

    Example:
        >>> replica_gpus(ServeConfig(model="baseline:length"), {"CPU": 2.0})
        0.0
    """
    if config.replica_gpus is not None:
        return config.replica_gpus
    return 1.0 if cluster.get("GPU", 0.0) >= 1.0 else 0.0


def serve_ray(
    config: ServeConfig,
    *,
    model_options: dict[str, Any] | None = None,
    spec: ModelSpec | None = None,
    calibrator: ProbabilityMap | None = None,
    token: str | None = None,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Deploy ``config.replicas`` replicas on Ray Serve and serve until SIGTERM or Ctrl-C;
    ``on_ready`` gets the URL once the replicas answer. ``spec`` is ``config.model`` as the
    caller parsed it (each replica loads it without parsing again; ``model_options`` then stays
    None)."""
    ray, serve = _ray()
    started_ray = not ray.is_initialized()
    if started_ray:
        local = (
            {}
            if os.environ.get("RAY_ADDRESS")
            else {"num_cpus": max(1, math.ceil(config.replicas * config.replica_cpus))}
        )
        ray.init(include_dashboard=False, log_to_driver=False, **local)
    stop = threading.Event()

    def on_signal(sig: int, frame: FrameType | None) -> None:
        stop.set()

    # After ray.init, which installs handlers of its own; a signal during the deployment ends
    # the command as soon as the deployment call returns.
    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        serve.start(http_options={"host": config.host, "port": config.port})
        deployment = serve.deployment(
            replica_class(),
            name=APP_NAME,
            num_replicas=config.replicas,
            ray_actor_options={
                "num_cpus": config.replica_cpus,
                "num_gpus": replica_gpus(config, ray.cluster_resources()),
            },
            max_ongoing_requests=config.max_queue,
            graceful_shutdown_timeout_s=config.request_timeout + SHUTDOWN_MARGIN_S,
        )
        serve.run(
            deployment.bind(config.model_dump(), model_options, spec, calibrator, token),
            name=APP_NAME,
            route_prefix="/",
            blocking=False,
        )
        if on_ready is not None and not stop.is_set():
            on_ready(f"http://{config.host}:{config.port}")
        while not stop.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        serve.shutdown()
        if started_ray:
            ray.shutdown()
