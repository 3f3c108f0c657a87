"""The server's Prometheus metrics (``GET /metrics``), one registry per app.

- ``rewardkit_requests_total{endpoint, status}``: answered requests.
- ``rewardkit_request_latency_seconds{endpoint}``: latency histogram, arrival to answer.
- ``rewardkit_requests_in_progress``: requests received and not yet answered.
- ``rewardkit_queue_depth``: inputs waiting for a round.
- ``rewardkit_inputs_total``: inputs received in requests that were queued.
- ``rewardkit_batch_size``: inputs per engine round (histogram); ``rewardkit_round_requests``:
  requests merged per round (histogram).
- ``rewardkit_rounds_split_total``: merged rounds that failed and were scored again request
  by request (a failing input fails only its own request).
- ``rewardkit_cache_hits_total``: distinct inputs whose score came from the score cache;
  ``rewardkit_model_inputs_total``: distinct inputs the model scored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rewardkit.errors import MissingExtraError
from rewardkit.serve.batcher import Round

_SIZE_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096)
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


def _prometheus() -> Any:
    try:
        import prometheus_client
    except ImportError as exc:
        raise MissingExtraError("prometheus-client", "serve") from exc
    return prometheus_client


class ServerMetrics:
    """Counters, gauges and histograms of one server process.

    Example:
        >>> metrics = ServerMetrics(queue_depth=lambda: 3)
        >>> metrics.request_done("/get_reward", 200, 0.01)
        >>> 'rewardkit_queue_depth 3.0' in metrics.render().decode()
        True
    """

    def __init__(self, queue_depth: Callable[[], float]) -> None:
        prom = _prometheus()
        self.registry = prom.CollectorRegistry()
        reg = self.registry
        self.requests = prom.Counter(
            "rewardkit_requests", "Answered requests.", ["endpoint", "status"], registry=reg
        )
        self.latency = prom.Histogram(
            "rewardkit_request_latency_seconds",
            "Seconds from arrival to answer.",
            ["endpoint"],
            buckets=_LATENCY_BUCKETS,
            registry=reg,
        )
        self.in_progress = prom.Gauge(
            "rewardkit_requests_in_progress", "Requests not answered yet.", registry=reg
        )
        depth = prom.Gauge("rewardkit_queue_depth", "Inputs waiting for a round.", registry=reg)
        depth.set_function(queue_depth)
        self.inputs = prom.Counter(
            "rewardkit_inputs", "Inputs received in queued requests.", registry=reg
        )
        self.batch_size = prom.Histogram(
            "rewardkit_batch_size", "Inputs per engine round.", buckets=_SIZE_BUCKETS, registry=reg
        )
        self.round_requests = prom.Histogram(
            "rewardkit_round_requests",
            "Requests merged into one engine round.",
            buckets=_SIZE_BUCKETS,
            registry=reg,
        )
        self.rounds_split = prom.Counter(
            "rewardkit_rounds_split",
            "Merged rounds that failed and were scored again request by request.",
            registry=reg,
        )
        self.cache_hits = prom.Counter(
            "rewardkit_cache_hits", "Distinct inputs scored from the cache.", registry=reg
        )
        self.model_inputs = prom.Counter(
            "rewardkit_model_inputs", "Distinct inputs the model scored.", registry=reg
        )
        self._content_type: str = prom.CONTENT_TYPE_LATEST
        self._generate: Callable[[Any], bytes] = prom.generate_latest

    @property
    def content_type(self) -> str:
        return self._content_type

    def request_done(self, endpoint: str, status: int, seconds: float) -> None:
        self.requests.labels(endpoint=endpoint, status=str(status)).inc()
        self.latency.labels(endpoint=endpoint).observe(seconds)

    def observe_round(self, done: Round) -> None:
        self.batch_size.observe(done.n_inputs)
        self.round_requests.observe(done.n_requests)
        self.cache_hits.inc(done.report.n_cached)
        self.model_inputs.inc(done.report.n_scored)

    def render(self) -> bytes:
        return self._generate(self.registry)
