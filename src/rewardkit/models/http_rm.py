"""``http:URL`` (or a bare ``http://`` / ``https://`` URL): a remote reward model speaking
OpenRLHF's protocol.

``POST {url}/get_reward`` with ``{"query": ["<prompt><sep><response>", ...]}``; the answer is
``{"rewards": [float, ...]}``: a flat list, one number per query. The URL is used as written
(``http://host:8000/rm/get_reward?variant=b`` keeps its path and query; ``/get_reward`` is added
to a path that does not end with it). Each request has a total deadline of ``timeout`` seconds
and an answer size limit; retries with exponential backoff follow connection errors, deadlines
and 5xx answers (see :mod:`rewardkit.models.http_transport` for redirects and damaged answers).

Credentials never go in the URL (a URL with ``user:password@`` is refused): ``token_env`` (the
name of an environment variable) or ``token_file`` (a file holding the token) in a YAML model
spec send ``Authorization: Bearer <token>``. Secret-looking query values (``?api_key=...``) are
redacted from the fingerprint and everything rewardkit writes.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rewardkit.data.records import Prompt
from rewardkit.data.safe_json import parse_json
from rewardkit.errors import ConfigError, DataError, RewardkitError
from rewardkit.models.endpoint_url import endpoint_url_of
from rewardkit.models.hf_common import prompt_as_text
from rewardkit.models.http_client import rewards_body
from rewardkit.models.http_transport import HTTPFailure, post
from rewardkit.models.options import HTTPOptions
from rewardkit.models.spec import ModelSpec
from rewardkit.runs.redact import redact_secrets

ENDPOINT = "/get_reward"
MAX_ANSWER_BASE = 1 << 20
"""Answer size limit: 1 MiB plus :data:`MAX_ANSWER_PER_QUERY` bytes per query."""
MAX_ANSWER_PER_QUERY = 4096


def endpoint_url(url: str) -> str:
    """The request URL of a spec's URL: scheme added when missing, ``/get_reward`` appended
    to the path unless it ends with it, the query kept, credentials refused.

    Example:
        >>> endpoint_url("localhost:8000")
        'http://localhost:8000/get_reward'
        >>> endpoint_url("https://rm.example.org/v1/?variant=b")
        'https://rm.example.org/v1/get_reward?variant=b'
    """
    return endpoint_url_of(
        url,
        ENDPOINT,
        bad=lambda problem, shown: f"http model: {problem} in {shown!r}",
        credentials=lambda shown: (
            f"http model {shown}: credentials in the URL are refused (they would be written "
            "into manifests and logs); set token_env or token_file in a YAML model spec instead"
        ),
    )


def read_token(options: HTTPOptions) -> str | None:
    """The bearer token named by ``token_env`` or ``token_file`` (None when neither is set).

    Example:
        >>> read_token(HTTPOptions()) is None
        True
    """
    if options.token_env and options.token_file:
        raise ConfigError("http model: set token_env or token_file, not both")
    if options.token_env:
        token = os.environ.get(options.token_env, "")
        if not token.strip():
            raise ConfigError(
                f"http model: token_env {options.token_env}: the environment variable is not set "
                "or empty"
            )
        return token.strip()
    if options.token_file:
        path = Path(options.token_file).expanduser()
        if not path.is_file():
            raise ConfigError(f"http model: token_file {path}: no such regular file")
        try:
            token = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"http model: token_file {path}: cannot read it ({exc})") from exc
        if not token or "\n" in token:
            raise ConfigError(f"http model: token_file {path}: expected one line holding the token")
        return token
    return None


def parse_rewards(raw: bytes, url: str, expected: int) -> np.ndarray:
    """The rewards of an answer body: ``{"rewards": [number, ...]}``, one per query.

    Example:
        >>> parse_rewards(b'{"rewards": [1, 2.5]}', "http://h/get_reward", 2).tolist()
        [1.0, 2.5]
    """
    where = redact_secrets(url)
    try:
        text = raw.decode("utf-8")
        doc = parse_json(text, path=where).value
    except (UnicodeDecodeError, DataError) as exc:
        reason = exc.message if isinstance(exc, DataError) else "not UTF-8"
        raise RewardkitError(
            f"reward server {where} sent an answer that is not JSON ({reason}): {raw[:120]!r}"
        ) from None
    rewards = doc.get("rewards") if isinstance(doc, dict) else None
    if not isinstance(rewards, list):
        raise RewardkitError(
            f'reward server {where} sent an unexpected answer (expected {{"rewards": [...]}}): '
            f"{raw[:120]!r}"
        )
    for i, value in enumerate(rewards):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            kind = "a list" if isinstance(value, list) else type(value).__name__
            raise RewardkitError(
                f"reward server {where} sent rewards[{i}] = {kind}; expected a flat list of "
                "numbers, one per query"
            )
    if len(rewards) != expected:
        raise RewardkitError(
            f"reward server {where} returned {len(rewards)} rewards for {expected} queries"
        )
    values = np.asarray([float(v) for v in rewards], dtype=np.float64)
    return values


class HTTPRewardModel:
    """Scores by calling a reward server; the fingerprint is the (redacted) URL and the query
    format."""

    cacheable = True

    def __init__(self, url: str, options: HTTPOptions, *, backoff: float = 0.5) -> None:
        self.url = endpoint_url(url)
        self.options = options
        self.backoff = backoff
        self._token = read_token(options)

    def queries(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> list[str]:
        sep = self.options.query_separator
        return [prompt_as_text(p) + sep + r for p, r in zip(prompts, responses, strict=True)]

    def _headers(self) -> dict[str, str]:
        if self._token is None:
            return {}
        scheme = "" if " " in self._token else "Bearer "
        return {"Authorization": scheme + self._token}

    def _post(self, body: bytes, n_queries: int) -> bytes:
        where = redact_secrets(self.url)
        limit = MAX_ANSWER_BASE + MAX_ANSWER_PER_QUERY * n_queries
        last = ""
        for attempt in range(self.options.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                reply = post(
                    self.url,
                    body,
                    deadline=self.options.timeout,
                    max_bytes=limit,
                    headers=self._headers(),
                )
            except HTTPFailure as exc:
                message = redact_secrets(str(exc))
                if exc.status is not None and exc.status < 500:
                    raise RewardkitError(f"reward server {message}") from None
                if not exc.retryable:
                    raise RewardkitError(f"reward server {message}") from None
                last = message.replace(f"{where} ", "", 1)  # the URL is named once below
                continue
            return reply.body
        raise RewardkitError(
            f"cannot reach reward server at {where} after "
            f"{self.options.retries + 1} attempt(s): {last}"
        )

    def score(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> np.ndarray:
        # OpenRLHF's ``query`` (prompt + separator + response) and the explicit pairs beside
        # it: a server that reads the pairs (rewardkit serve; OpenRLHF >= 0.5.8 reads
        # ``prompts``) need not split the query, which a newline in the prompt would break.
        payload = rewards_body(prompts, responses, self.options.query_separator)
        payload["query"] = self.queries(prompts, responses)
        body = json.dumps(payload).encode("utf-8")
        raw = self._post(body, len(responses))
        return parse_rewards(raw, self.url, len(responses))

    def fingerprint(self) -> str:
        return f"http:{redact_secrets(self.url)}/sep={self.options.query_separator!r}"


def from_spec(spec: ModelSpec) -> HTTPRewardModel:
    """The remote reward model at the URL ``http:URL`` (or a bare URL) names."""
    return HTTPRewardModel(spec.location, spec.options_as(HTTPOptions))


__all__ = [
    "ENDPOINT",
    "HTTPRewardModel",
    "endpoint_url",
    "from_spec",
    "parse_rewards",
    "read_token",
]
