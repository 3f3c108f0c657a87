"""``http:URL``: a remote reward model speaking OpenRLHF's protocol.

``POST {url}/get_reward`` with ``{"query": ["<prompt><sep><response>", ...]}``; the answer is
``{"rewards": [float, ...]}``. Timeouts, retries with exponential backoff on connection errors
and 5xx answers, and one clear error when the server cannot be reached.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Sequence

import numpy as np

from rewardkit.data.records import Prompt
from rewardkit.errors import RewardkitError
from rewardkit.models.hf_common import prompt_as_text
from rewardkit.models.options import ModelOptions


class HTTPRewardModel:
    """Scores by calling a reward server; the fingerprint is the URL and query format."""

    cacheable = True

    def __init__(self, url: str, options: ModelOptions, *, backoff: float = 0.5) -> None:
        if not url.startswith(("http://", "https://")):
            url = "http://" + url
        self.url = (
            url if url.rstrip("/").endswith("/get_reward") else url.rstrip("/") + "/get_reward"
        )
        self.options = options
        self.backoff = backoff

    def queries(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> list[str]:
        sep = self.options.query_separator
        return [prompt_as_text(p) + sep + r for p, r in zip(prompts, responses, strict=True)]

    def _post(self, body: bytes) -> bytes:
        last: str = ""
        for attempt in range(self.options.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            request = urllib.request.Request(
                self.url, data=body, method="POST", headers={"Content-Type": "application/json"}
            )
            try:
                with urllib.request.urlopen(request, timeout=self.options.timeout) as answer:
                    data: bytes = answer.read()
                    return data
            except urllib.error.HTTPError as exc:
                detail = exc.read()[:200].decode("utf-8", "replace")
                if exc.code < 500:
                    raise RewardkitError(
                        f"reward server {self.url} answered {exc.code}: {detail}"
                    ) from exc
                last = f"HTTP {exc.code}: {detail}"
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                last = str(getattr(exc, "reason", exc))
        raise RewardkitError(
            f"cannot reach reward server at {self.url} after "
            f"{self.options.retries + 1} attempt(s): {last}"
        )

    def score(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> np.ndarray:
        body = json.dumps({"query": self.queries(prompts, responses)}).encode("utf-8")
        raw = self._post(body)
        try:
            rewards = json.loads(raw)["rewards"]
            values = np.asarray(rewards, dtype=np.float64).reshape(-1)
        except (ValueError, KeyError, TypeError) as exc:
            raise RewardkitError(
                f"reward server {self.url} sent an unexpected answer "
                f'(expected {{"rewards": [...]}}): {raw[:200]!r}'
            ) from exc
        if values.shape[0] != len(responses):
            raise RewardkitError(
                f"reward server {self.url} returned {values.shape[0]} rewards "
                f"for {len(responses)} queries"
            )
        return values

    def fingerprint(self) -> str:
        return f"http:{self.url}/sep={self.options.query_separator!r}"


def from_spec(arg: str, options: ModelOptions) -> HTTPRewardModel:
    return HTTPRewardModel(arg, options)
