"""Benchmark: ``rewardkit serve`` with dynamic batching on and off, under concurrent clients.

Usage::

    python benchmarks/bench_serve.py [--clients 32] [--requests 8] [--max-batch-size 64]
        [--max-wait-ms 5] [--max-tokens N] [--threads 1] [--texts hh|short] [--data FILE]
        [--device cuda]

For each mode a real server process is started on a free loopback port (``rewardkit serve``,
``--no-cache`` so every input costs a model call, ``OMP_NUM_THREADS=--threads``), warmed up,
then ``--clients`` concurrent clients (one connection each) send ``--requests`` requests each
of 1 to 8 texts (seeded; the same requests in both modes, every text distinct):

- on: ``--max-batch-size`` and ``--max-wait-ms`` (defaults 64 and 5 ms; ``--max-tokens`` caps
  the padded tokens of a batch, so a round of mixed lengths is cut into length-sorted batches);
- off: ``--max-batch-size 1`` (every input is its own model call).

Printed per mode: throughput (inputs/s), request latency p50/p99, mean inputs per engine round
(from ``/metrics``); then the throughput ratio on/off. The model is an ``embed:`` RM on the
packaged all-MiniLM-L6-v2 encoder with a fixed random linear head. Texts (``--texts hh``) are
hh-rlhf harmless-base test pairs from ``../shared/data`` when present, else the demo's pairs
(~120 tokens, up to the encoder's 256); ``--texts short`` are ~20-token question/answer pairs.

What batching can buy is what the model gains from batching: on a CPU core a MiniLM forward
pass is already compute-bound for ~120-token inputs (batching merely adds padding) and about
half as efficient as a batch for ~20-token ones, while on a GPU a single input leaves the
device almost idle.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
from prometheus_client.parser import text_string_to_metric_families

from rewardkit.data import load_preferences, prompt_text
from rewardkit.models.embed_head import EmbedModelConfig, save_embed_model
from rewardkit.serve.client import AsyncRewardClient

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
STARTUP_S = 180.0


def load_texts(path: Path | None) -> list[tuple[str, str]]:
    """Distinct (prompt, response) inputs: every response of every item."""
    if path is None:
        hh = SHARED / "hh-rlhf-test" / "harmless-base.test.jsonl.gz"
        if hh.exists():
            path = hh
        else:
            from rewardkit.data.demo import DemoConfig, generate_demo, write_demo

            out = Path(tempfile.mkdtemp())
            path = write_demo(generate_demo(DemoConfig(n_prompts=600)), out)["preferences"]
    items = load_preferences(path, skip_invalid=True).items
    pairs = {(prompt_text(it.prompt), r) for it in items for r in it.responses}
    return sorted(pairs)


def short_texts(n: int) -> list[tuple[str, str]]:
    """Short distinct inputs (about 20 tokens each), as in RL on arithmetic."""
    return [(f"What is {i} plus {3 * i + 1}?", f"The answer is {4 * i + 1}.") for i in range(n)]


def plan_requests(
    texts: list[tuple[str, str]], clients: int, per_client: int, seed: int
) -> list[list[list[tuple[str, str]]]]:
    """Per client, its requests: 1 to 8 distinct texts each, no text used twice."""
    rng = random.Random(seed)
    pool = list(texts)
    rng.shuffle(pool)
    plan = []
    for _ in range(clients):
        mine = []
        for _ in range(per_client):
            size = rng.randint(1, 8)
            if len(pool) < size:
                raise SystemExit(f"not enough distinct texts ({len(texts)}) for this many requests")
            mine.append([pool.pop() for _ in range(size)])
        plan.append(mine)
    return plan


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Result:
    inputs: int
    seconds: float
    latencies: np.ndarray
    mean_round: float

    @property
    def throughput(self) -> float:
        return self.inputs / self.seconds


def start_server(
    model: str, port: int, threads: int, extra: list[str], log: Path
) -> subprocess.Popen[bytes]:
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    args = [sys.executable, "-m", "rewardkit", "serve", "--model", model, "--port", str(port)]
    proc = subprocess.Popen(
        [*args, "--no-cache", "--max-queue", "65536", *extra],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env=env,
    )
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"server not ready within {STARTUP_S} s")


def round_totals(url: str) -> tuple[float, float]:
    """Inputs and engine rounds so far, from the server's ``/metrics``."""
    text = httpx.get(url + "/metrics", timeout=30).text
    values = {
        s.name: s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name in {"rewardkit_batch_size_sum", "rewardkit_batch_size_count"}
    }
    return values["rewardkit_batch_size_sum"], values["rewardkit_batch_size_count"]


async def load(url: str, plan: list[list[list[tuple[str, str]]]]) -> tuple[float, np.ndarray]:
    latencies: list[float] = []

    async def client(requests: list[list[tuple[str, str]]]) -> None:
        async with AsyncRewardClient(url, timeout=600.0, retries=0) as rm:
            for texts in requests:
                start = time.perf_counter()
                await rm.rewards([p for p, _ in texts], [r for _, r in texts])
                latencies.append(time.perf_counter() - start)

    start = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(client(r) for r in plan)), timeout=3600)
    return time.perf_counter() - start, np.asarray(latencies)


def run_mode(
    model: str,
    extra: list[str],
    plan: list[list[list[tuple[str, str]]]],
    warm: list[list[tuple[str, str]]],
    threads: int,
    work: Path,
    name: str,
) -> Result:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = start_server(model, port, threads, extra, work / f"{name}.log")
    try:
        asyncio.run(load(url, [warm]))  # first-call overheads out of the timing
        inputs_before, rounds_before = round_totals(url)
        seconds, latencies = asyncio.run(load(url, plan))
        inputs_after, rounds_after = round_totals(url)
        return Result(
            inputs=sum(len(r) for c in plan for r in c),
            seconds=seconds,
            latencies=latencies,
            mean_round=(inputs_after - inputs_before) / max(1.0, rounds_after - rounds_before),
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=8, help="requests per client")
    parser.add_argument("--max-batch-size", type=int, default=64)
    parser.add_argument("--max-wait-ms", type=float, default=5.0)
    parser.add_argument(
        "--max-tokens", type=int, default=None, help="padded tokens per batch, batching on"
    )
    parser.add_argument(
        "--texts",
        choices=["hh", "short"],
        default="hh",
        help="hh: hh-rlhf (or demo) prompts and responses, ~120 tokens; short: synthetic "
        "arithmetic question and answer, ~20 tokens",
    )
    parser.add_argument("--threads", type=int, default=1, help="OMP_NUM_THREADS of the server")
    parser.add_argument("--device", default=None, help="e.g. cuda (default: the server's own)")
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    rng = np.random.default_rng(0)
    save_embed_model(work / "rm", EmbedModelConfig(), [(rng.normal(size=(384, 1)), np.zeros(1))])
    model = f"embed:{work / 'rm'}"
    texts = short_texts(4000) if args.texts == "short" else load_texts(args.data)
    plan = plan_requests(texts[8:], args.clients, args.requests, args.seed)
    warm = [texts[i : i + 4] for i in range(0, 8, 4)]
    device = ["--device", args.device] if args.device else []
    modes = {
        "on": [
            *("--max-batch-size", str(args.max_batch_size), "--max-wait-ms", str(args.max_wait_ms)),
            *(("--max-tokens", str(args.max_tokens)) if args.max_tokens else ()),
        ],
        "off": ["--max-batch-size", "1", "--max-wait-ms", "0"],
    }
    n_inputs = sum(len(r) for c in plan for r in c)
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; server threads "
        f"{args.threads}; {args.clients} clients x {args.requests} requests of 1-8 texts = "
        f"{n_inputs} {args.texts} inputs; model {model.split(':')[0]}: MiniLM + linear head"
    )
    results = {}
    for name, extra in modes.items():
        results[name] = r = run_mode(model, [*extra, *device], plan, warm, args.threads, work, name)
        p50, p99 = np.percentile(r.latencies, [50, 99]) * 1000
        print(
            f"batching {name:>3} ({' '.join(extra)}): {r.throughput:8.1f} inputs/s, "
            f"latency p50 {p50:7.1f} ms, p99 {p99:7.1f} ms, mean round {r.mean_round:5.1f} "
            f"inputs, wall {r.seconds:6.2f} s"
        )
    ratio = results["on"].throughput / results["off"].throughput
    print(f"throughput ratio on/off: {ratio:.2f}x")


if __name__ == "__main__":
    main()
