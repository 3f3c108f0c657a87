"""The reward server: any rewardkit RM behind OpenRLHF's ``/get_reward`` and rewardkit's
``/score``, with dynamic batching through the scoring engine, auth, limits, metrics, graceful
shutdown, and a Ray Serve deployment for scale-out.

The server needs the ``serve`` extra (FastAPI, uvicorn); names are imported on first use, so
``rewardkit.serve.client`` works with httpx alone.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ServeConfig": "rewardkit.serve.settings",
    "read_token": "rewardkit.serve.settings",
    "DynamicBatcher": "rewardkit.serve.batcher",
    "QueueFull": "rewardkit.serve.batcher",
    "RequestError": "rewardkit.serve.payloads",
    "create_app": "rewardkit.serve.app",
    "serve_http": "rewardkit.serve.run",
    "serve_ray": "rewardkit.serve.ray_app",
    "RewardClient": "rewardkit.serve.client",
    "AsyncRewardClient": "rewardkit.serve.client",
    "RewardServerError": "rewardkit.serve.client",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'rewardkit.serve' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
