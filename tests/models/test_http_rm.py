"""The http: adapter against a local server speaking OpenRLHF's /get_reward protocol."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from rewardkit.errors import RewardkitError
from rewardkit.models import ModelOptions
from rewardkit.models.http_rm import HTTPRewardModel


class _Handler(BaseHTTPRequestHandler):
    failures_left = 0

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path != "/get_reward":
            self.send_response(404)
            self.end_headers()
            return
        if _Handler.failures_left > 0:
            _Handler.failures_left -= 1
            self.send_response(503)
            self.end_headers()
            self.wfile.write(b"busy")
            return
        rewards = [float(len(q)) for q in body["query"]]
        payload = json.dumps({"rewards": rewards}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_scores_from_server(server: str) -> None:
    model = HTTPRewardModel(server, ModelOptions())
    assert model.url.endswith("/get_reward")
    scores = model.score(["ab", "c"], ["xyz", "w"])
    assert scores.tolist() == [6.0, 3.0]  # len("ab" + "\n" + "xyz"), len("c\nw")


def test_retries_with_backoff_on_server_errors(server: str) -> None:
    _Handler.failures_left = 2
    model = HTTPRewardModel(server, ModelOptions(retries=3), backoff=0.01)
    assert model.score(["a"], ["b"]).tolist() == [3.0]
    _Handler.failures_left = 5
    with pytest.raises(RewardkitError, match="after 2 attempt"):
        HTTPRewardModel(server, ModelOptions(retries=1), backoff=0.01).score(["a"], ["b"])
    _Handler.failures_left = 0


def test_server_down_is_a_clear_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again below: nothing listens there
    model = HTTPRewardModel(f"127.0.0.1:{port}", ModelOptions(retries=1, timeout=2), backoff=0.01)
    with pytest.raises(RewardkitError, match=r"cannot reach reward server at http://127\.0\.0"):
        model.score(["a"], ["b"])


def test_client_errors_are_not_retried(server: str) -> None:
    model = HTTPRewardModel(server + "/other", ModelOptions(retries=5), backoff=10)
    model.url = server + "/nope"
    with pytest.raises(RewardkitError, match="answered 404"):
        model.score(["a"], ["b"])
