"""``rewardkit serve``: any rewardkit RM as a batched HTTP reward service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from rewardkit.calibration.serialize import CALIBRATOR_FILE, calibrator_beside
from rewardkit.cli import options
from rewardkit.cli.app import ALLOW_PYTHON, app, err_console, warn
from rewardkit.config import load_config
from rewardkit.errors import ConfigError
from rewardkit.models.spec import ModelSpec, parse_model_spec
from rewardkit.serve.scorer import ProbabilityMap, probability_name
from rewardkit.serve.settings import ServeConfig, read_token

#: Addresses only this machine can reach.
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def served_calibrator(spec: ModelSpec, calibrated: bool | None) -> ProbabilityMap | None:
    """The calibrator ``/score`` applies: the one saved beside the model unless ``--raw``;
    ``--calibrated`` insists on one."""
    if calibrated is False:
        return None
    found = calibrator_beside(spec)
    if found is None and calibrated:
        raise ConfigError(
            f"--calibrated: no {CALIBRATOR_FILE} beside {spec}; fit one with `rewardkit "
            "calibrate` or serve raw sigmoid(score difference) probabilities with --raw"
        )
    return None if found is None else found[0]


@app.command("serve")
def serve_command(
    model: str = typer.Option(..., "--model", help=options.model_help()),
    host: str | None = typer.Option(
        None, "--host", help="Address to listen on [default: 127.0.0.1]."
    ),
    port: int | None = typer.Option(None, "--port", help="Port [default: 8000]."),
    max_batch_size: int | None = typer.Option(
        None, "--max-batch-size", help="Inputs per model batch; 1 turns batching off [default: 64]."
    ),
    max_wait_ms: float | None = typer.Option(
        None,
        "--max-wait-ms",
        help="How long a batch waits to fill after its first input [default: 5].",
    ),
    max_queue: int | None = typer.Option(
        None,
        "--max-queue",
        help="Inputs allowed to wait; beyond, 503 with Retry-After [default: 4096].",
    ),
    max_items: int | None = typer.Option(
        None, "--max-items", help="Inputs in one request; beyond, 413 [default: 1024]."
    ),
    max_body_mb: float | None = typer.Option(
        None, "--max-body-mb", help="Request body size in MiB; beyond, 413 [default: 16]."
    ),
    request_timeout: float | None = typer.Option(
        None,
        "--request-timeout",
        help="Seconds a request may wait for its scores; then 504 [default: 60].",
    ),
    token_file: Path | None = typer.Option(
        None,
        "--token-file",
        help="File holding the bearer token clients must send (Authorization: Bearer ...) "
        "[default: no auth].",
    ),
    cache: str | None = options.CACHE,
    no_cache: bool | None = options.NO_CACHE,
    max_tokens: int | None = options.MAX_TOKENS,
    calibrated: bool | None = typer.Option(
        None,
        "--calibrated/--raw",
        help="/score pair probabilities from the calibrator.json beside the model (--calibrated "
        "requires one) or raw sigmoid(score difference) [default: the calibrator when present].",
    ),
    query_separator: str | None = typer.Option(
        None,
        "--query-separator",
        help="Splits a /get_reward query sent without prompts into prompt and response, at its "
        "first occurrence [default: a newline].",
    ),
    ray: bool | None = typer.Option(
        None, "--ray", help="Serve on Ray Serve (pip install 'rewardkit[ray]')."
    ),
    replicas: int | None = typer.Option(
        None, "--replicas", help="With --ray: model replicas [default: 1]."
    ),
    replica_cpus: float | None = typer.Option(
        None, "--replica-cpus", help="With --ray: CPUs per replica, fractions allowed [default: 1]."
    ),
    replica_gpus: float | None = typer.Option(
        None,
        "--replica-gpus",
        help="With --ray: GPUs per replica [default: 1 when the cluster has GPUs].",
    ),
    max_length: int | None = options.MAX_LENGTH,
    truncation_side: str | None = typer.Option(
        None, "--truncation-side", help="left or right [default: left]."
    ),
    dtype: str | None = options.DTYPE,
    device: str | None = options.DEVICE,
    trust_remote_code: bool | None = options.TRUST_REMOTE_CODE,
    allow_pickle: bool | None = typer.Option(
        None, "--allow-pickle", help="Allow pickle weight files (can run code)."
    ),
    allow_python: bool | None = ALLOW_PYTHON,
    config: Path | None = typer.Option(None, "--config", help="YAML file of the serve options."),
    guard: Path | None = typer.Option(
        None,
        "--guard",
        help="Guard policy YAML (see configs/guard.yaml): /get_reward subtracts a blocked "
        "response's penalty and reports the guard's decisions; /score reports them.",
    ),
) -> None:
    """Serve a reward model over HTTP: POST /get_reward (OpenRLHF's remote RM protocol),
    POST /score (native items, pair probabilities), GET /health, GET /metrics (Prometheus).
    Concurrent requests are batched through the scoring engine; SIGTERM answers every
    accepted request before the server stops."""
    cfg = load_config(
        ServeConfig,
        config,
        {
            "model": model,
            "host": host,
            "port": port,
            "max_batch_size": max_batch_size,
            "max_wait_ms": max_wait_ms,
            "max_queue": max_queue,
            "max_items": max_items,
            "max_body_mb": max_body_mb,
            "request_timeout": request_timeout,
            "token_file": str(token_file) if token_file is not None else None,
            "cache": cache,
            "no_cache": no_cache,
            "max_tokens": max_tokens,
            "calibrated": calibrated,
            "query_separator": query_separator,
            "ray": ray,
            "replicas": replicas,
            "replica_cpus": replica_cpus,
            "replica_gpus": replica_gpus,
        },
    )
    model_options: dict[str, Any] = {
        "max_length": max_length,
        "truncation_side": truncation_side,
        "dtype": dtype,
        "device": device,
        "trust_remote_code": trust_remote_code,
        "allow_pickle": allow_pickle,
        "allow_python": allow_python,
    }
    spec = parse_model_spec(cfg.model, model_options)
    calibrator = served_calibrator(spec, cfg.calibrated)
    token = read_token(cfg.token_file) if cfg.token_file else None
    probabilities = probability_name(spec, calibrator) or "none"
    err_console.print(
        f"serving {spec}: max batch {cfg.max_batch_size}, max wait {cfg.max_wait_ms:g} ms, "
        f"queue {cfg.max_queue} inputs, /score probabilities: {probabilities}, "
        f"auth: {'bearer token' if token else 'none'}",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    if token is None and cfg.host not in LOOPBACK:
        warn(
            f"listening on {cfg.host} without --token-file: anyone who reaches this port can "
            "use the model"
        )
    if cfg.ray and guard is not None:
        raise ConfigError("--guard is not supported with --ray yet; serve without --ray")
    if cfg.ray:
        from rewardkit.serve.ray_app import serve_ray

        def ready(url: str) -> None:
            err_console.print(f"{cfg.replicas} replica(s) answering on {url}", highlight=False)

        serve_ray(cfg, spec=spec, calibrator=calibrator, token=token, on_ready=ready)
        return
    from rewardkit.serve.run import serve_http

    policy = None
    if guard is not None:
        from rewardkit.calibration.serialize import load_calibrator
        from rewardkit.guard import load_policy
        from rewardkit.guard.base import BuildContext

        context = BuildContext(load_calibrator=load_calibrator)
        policy = load_policy(guard, allow_python=bool(allow_python), context=context)
        err_console.print(f"guard: {', '.join(policy.names())}", highlight=False, markup=False)
    serve_http(cfg, spec=spec, calibrator=calibrator, token=token, guard=policy)
