"""A client for reward servers: OpenRLHF's ``POST /get_reward`` and rewardkit's ``POST /score``.

- **connections** are pooled and kept alive (one client, many requests);
- **deadline**: each attempt has a total deadline of ``timeout`` seconds, whatever the server
  does (connect, a dripping head or body, redirects);
- **retries** with exponential backoff after 5xx answers (a 503's ``Retry-After`` is honoured
  when longer), connection failures and deadlines; any other refusal fails at once with the
  server's message on one line (control characters escaped);
- **size**: answers larger than 1 MiB plus 4 KiB per input are refused;
- **redirects**: 307/308 to the same scheme, host and port are followed (POST and body kept, at
  most :data:`MAX_REDIRECTS`); any other redirect is refused (301/302/303 would turn the POST
  into a GET; another host would receive the request and its token).

:class:`AsyncRewardClient` is the implementation (asyncio, httpx); :class:`RewardClient` runs
it on a private event-loop thread, so it blocks, and may be shared by threads (their requests
then travel concurrently and a ``rewardkit serve`` merges them into batches).

The URL is the server's root as written (``http://host:8000``, ``http://host/rm?variant=b``):
a trailing ``/get_reward`` or ``/score`` is dropped, each request appends its endpoint to the
path and keeps the query. Error messages name the URL without its query (it may hold secrets).

Request bodies (see ``rewardkit serve``):

- ``get_reward(queries, prompts)``: ``{"query": [...], "prompts": [...]}`` as OpenRLHF sends it.
- ``rewards(prompts, responses)``: ``{"prompts": [...], "responses": [...]}``, exact for a
  rewardkit server (a prompt may be a list of ``{role, content}`` messages); with
  ``query_separator`` set it also sends ``query`` (prompt text + separator + response), so
  servers that read only OpenRLHF's ``query`` answer too.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit, urlunsplit

import numpy as np

from rewardkit.data.records import ChatMessage, PreferenceItem, Prompt
from rewardkit.errors import MissingExtraError, RewardkitError
from rewardkit.models.hf_common import prompt_as_text

__all__ = [
    "MAX_REDIRECTS",
    "AsyncRewardClient",
    "ItemScores",
    "RetryPolicy",
    "RewardClient",
    "RewardServerError",
    "parse_rewards",
    "server_root",
]

MAX_REDIRECTS = 3
MAX_ANSWER_BASE = 1 << 20
MAX_ANSWER_PER_INPUT = 4096
ENDPOINTS = ("/get_reward", "/score", "/health", "/metrics")
_DETAIL = 200
T = TypeVar("T")


class RewardServerError(RewardkitError):
    """A reward server refused a request or could not be reached; ``status`` is the last HTTP
    status seen (None when no answer came)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class _Failure(Exception):
    """One attempt's failure: a message and whether another attempt may help."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait before trying a request again.

    Example:
        >>> policy = RetryPolicy(retries=3, backoff=0.5, max_backoff=4.0)
        >>> [policy.delay(a, None) for a in (1, 2, 3, 4)], policy.delay(1, 2.0)
        ([0.5, 1.0, 2.0, 4.0], 2.0)
    """

    retries: int = 3
    backoff: float = 0.5
    max_backoff: float = 30.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based): exponential backoff, or
        the server's ``Retry-After`` when that is longer, never more than ``max_backoff``."""
        wait = self.backoff * 2 ** (attempt - 1)
        if retry_after is not None:
            wait = max(wait, retry_after)
        return float(min(wait, self.max_backoff))


@dataclass(frozen=True)
class ItemScores:
    """One item's answer from ``POST /score``: scores per response and, for each (chosen i,
    rejected j) pair, ``p(chosen i preferred)`` (None when the server gives no probabilities)."""

    id: str
    chosen_scores: tuple[float, ...]
    rejected_scores: tuple[float, ...]
    probabilities: tuple[tuple[float, ...], ...] | None


async def _async_sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


def _httpx() -> Any:
    try:
        import httpx
    except ImportError as exc:
        raise MissingExtraError("httpx", "serve") from exc
    return httpx


def server_root(url: str) -> tuple[str, str]:
    """``(root, query)`` of a server URL as written: a scheme is added when missing, a trailing
    endpoint (``/get_reward``, ``/score``) and slash are dropped, the query is kept apart.

    Example:
        >>> server_root("127.0.0.1:8000/get_reward")
        ('http://127.0.0.1:8000', '')
        >>> server_root("https://rm.example.org/v1/?variant=b")
        ('https://rm.example.org/v1', 'variant=b')
    """
    if url.startswith("//"):
        url = "http:" + url
    elif not url.lower().startswith(("http://", "https://")):
        url = "http://" + url
    parts = urlsplit(url)
    if not parts.hostname:
        raise RewardkitError(f"reward server URL {url.split('?')[0]!r} has no host")
    path = parts.path.rstrip("/")
    for endpoint in ENDPOINTS:
        if path.endswith(endpoint):
            path = path[: -len(endpoint)]
            break
    return urlunsplit((parts.scheme.lower(), parts.netloc, path, "", "")), parts.query


def prompt_payload(prompt: Prompt | Sequence[dict[str, str]]) -> str | list[dict[str, str]]:
    """A prompt as JSON: text stays text, a conversation becomes ``{role, content}`` messages.

    Example:
        >>> prompt_payload((ChatMessage("user", "Hi"),))
        [{'role': 'user', 'content': 'Hi'}]
    """
    if isinstance(prompt, str):
        return prompt
    out = []
    for m in prompt:
        if isinstance(m, dict):
            out.append({"role": str(m["role"]), "content": str(m["content"])})
        else:
            out.append({"role": m.role, "content": m.content})
    return out


def rewards_body(
    prompts: Sequence[Prompt | Sequence[dict[str, str]]],
    responses: Sequence[str],
    query_separator: str | None = None,
) -> dict[str, Any]:
    """The JSON body of :meth:`AsyncRewardClient.rewards`.

    Example:
        >>> rewards_body(["q"], ["a"], query_separator="\\n")
        {'prompts': ['q'], 'responses': ['a'], 'query': ['q\\na']}
    """
    if len(prompts) != len(responses):
        raise RewardkitError(f"{len(prompts)} prompts but {len(responses)} responses")
    payload = [prompt_payload(p) for p in prompts]
    body: dict[str, Any] = {"prompts": payload, "responses": list(responses)}
    if query_separator is not None:
        body["query"] = [
            (p if isinstance(p, str) else prompt_as_text(_messages(p))) + query_separator + r
            for p, r in zip(payload, responses, strict=True)
        ]
    return body


def _messages(payload: list[dict[str, str]]) -> Prompt:
    return tuple(ChatMessage(m["role"], m["content"]) for m in payload)


def items_body(items: Sequence[PreferenceItem]) -> dict[str, Any]:
    """The JSON body of :meth:`AsyncRewardClient.score`: items in rewardkit's native layout.

    Example:
        >>> items_body([PreferenceItem("a", "q", ("yes",), ("no",))])["items"][0]["chosen"]
        ['yes']
    """
    return {
        "items": [
            {
                "id": it.id,
                "prompt": prompt_payload(it.prompt),
                "chosen": list(it.chosen),
                "rejected": list(it.rejected),
            }
            for it in items
        ]
    }


def one_line(raw: bytes | str, limit: int = _DETAIL) -> str:
    """Server text fit for one line of a terminal: control characters escaped, cut to ``limit``.

    Example:
        >>> one_line(b"bad \\x1b[2J request\\nline two")
        'bad \\\\x1b[2J request\\\\nline two'
    """
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    text = text.strip()[:limit]
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def parse_rewards(answer: Any, expected: int, where: str) -> np.ndarray:
    """The ``rewards`` of a ``/get_reward`` answer: a flat list of numbers, one per input.

    Example:
        >>> parse_rewards({"rewards": [1, 2.5]}, 2, "u").tolist()
        [1.0, 2.5]
    """
    rewards = answer.get("rewards") if isinstance(answer, dict) else None
    if not isinstance(rewards, list):
        raise RewardServerError(
            f'reward server {where} sent an unexpected answer (expected {{"rewards": [...]}}): '
            f"{one_line(json.dumps(answer), 120)}"
        )
    for i, value in enumerate(rewards):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            kind = "a list" if isinstance(value, list) else type(value).__name__
            raise RewardServerError(
                f"reward server {where} sent rewards[{i}] = {kind}; expected a flat list of "
                "numbers, one per input"
            )
    if len(rewards) != expected:
        raise RewardServerError(
            f"reward server {where} returned {len(rewards)} rewards for {expected} inputs"
        )
    values = np.asarray(rewards, dtype=np.float64)
    if not np.isfinite(values).all():
        raise RewardServerError(f"reward server {where} returned non-finite rewards")
    return values


def parse_items(answer: Any, where: str) -> list[ItemScores]:
    """The items of a ``/score`` answer."""
    try:
        out = []
        for row in answer["items"]:
            probs = row.get("probabilities")
            out.append(
                ItemScores(
                    id=str(row["id"]),
                    chosen_scores=tuple(float(s) for s in row["chosen_scores"]),
                    rejected_scores=tuple(float(s) for s in row["rejected_scores"]),
                    probabilities=None
                    if probs is None
                    else tuple(tuple(float(p) for p in r) for r in probs),
                )
            )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RewardServerError(
            f"reward server {where} sent an unexpected /score answer: "
            f"{one_line(json.dumps(answer, default=str), 120)}"
        ) from exc
    return out


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: the backoff decides


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80)


def _no_query(url: str) -> str:
    return url.split("?", 1)[0]


def _transport_failure(httpx: Any, exc: Exception, where: str) -> _Failure:
    """An httpx error as one attempt's failure, phrased for people."""
    text = one_line(str(exc))
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return _Failure(f"cannot connect to {where}: {text}", retryable=True)
    if isinstance(exc, httpx.RemoteProtocolError):
        short = re.search(r"received (\d+) bytes, expected (\d+)", text)
        if short:
            got, total = short.groups()
            return _Failure(f"{where} sent a short answer: {got} of {total} bytes", retryable=True)
        if "without sending" in text or "disconnected" in text.lower():
            return _Failure(f"{where} closed the connection without answering", retryable=True)
        return _Failure(f"{where} sent a reply that is not valid HTTP ({text})", retryable=False)
    if isinstance(exc, httpx.TimeoutException):
        return _Failure(f"{where} did not answer in time ({type(exc).__name__})", retryable=True)
    return _Failure(f"{where}: {type(exc).__name__}: {text}", retryable=True)


class AsyncRewardClient:
    """A reward-server client for asyncio; use it as an async context manager or call
    :meth:`aclose`.

    Example:
        >>> client = AsyncRewardClient("127.0.0.1:8000", token="s3cret", retries=5)
        >>> client.url, client.policy.retries, "s3cret" in repr(client)
        ('http://127.0.0.1:8000', 5, False)
    """

    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        max_answer_bytes: int | None = None,
    ) -> None:
        httpx = _httpx()
        self.url, self.query = server_root(url)
        self.timeout = timeout
        self.policy = RetryPolicy(retries=retries, backoff=backoff, max_backoff=max_backoff)
        self.max_answer_bytes = max_answer_bytes
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.AsyncClient(
            headers=headers, timeout=timeout, follow_redirects=False, trust_env=False
        )

    def __repr__(self) -> str:  # never shows the token (nor the query)
        return f"{type(self).__name__}({self.url!r})"

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> AsyncRewardClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def endpoint(self, path: str) -> str:
        """The URL of ``path`` on this server, the query as written."""
        return self.url + path + (f"?{self.query}" if self.query else "")

    async def request(
        self, method: str, path: str, body: dict[str, Any] | None = None, n_inputs: int = 0
    ) -> Any:
        """One call, retried as the policy says; the decoded JSON answer."""
        url = self.endpoint(path)
        where = _no_query(url)
        limit = self.max_answer_bytes or MAX_ANSWER_BASE + MAX_ANSWER_PER_INPUT * n_inputs
        content = None if body is None else json.dumps(body).encode("utf-8")
        last = _Failure("no attempt", retryable=False)
        for attempt in range(self.policy.retries + 1):
            if attempt:
                await _async_sleep(self.policy.delay(attempt, last.retry_after))
            try:
                async with asyncio.timeout(self.timeout):
                    raw = await self._attempt(method, url, content, limit)
                break
            except TimeoutError:
                last = _Failure(f"{where} did not answer within {self.timeout:g} s", retryable=True)
            except _Failure as failure:
                last = failure
            if not last.retryable:
                raise RewardServerError(f"reward server {last}", last.status)
        else:
            detail = str(last).replace(f"{where} ", "", 1)
            raise RewardServerError(
                f"cannot reach reward server at {where} after {self.policy.retries + 1} "
                f"attempt(s): {detail}",
                last.status,
            )
        try:
            return json.loads(raw)
        except ValueError:
            raise RewardServerError(
                f"reward server {where} sent an answer that is not JSON: {one_line(raw, 120)}"
            ) from None

    async def _attempt(self, method: str, url: str, content: bytes | None, limit: int) -> bytes:
        httpx = _httpx()
        headers = {"Content-Type": "application/json"} if content is not None else {}
        for _ in range(MAX_REDIRECTS + 1):
            where = _no_query(url)
            try:
                request = self._client.build_request(method, url, content=content, headers=headers)
                response = await self._client.send(request, stream=True)
            except httpx.HTTPError as exc:
                raise _transport_failure(httpx, exc, where) from None
            try:
                status = response.status_code
                if status in (301, 302, 303, 307, 308):
                    url = self._redirect(where, url, status, response.headers.get("location"))
                    continue
                declared = response.headers.get("content-length", "")
                if declared.strip().isdigit() and int(declared) > limit:
                    raise _Failure(
                        f"{where} announced a {int(declared)}-byte answer; the limit is "
                        f"{limit} bytes",
                        retryable=False,
                    )
                chunks: list[bytes] = []
                size = 0
                try:
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                        if size > limit:
                            raise _Failure(
                                f"{where} sent more than {limit} bytes; the limit was reached",
                                retryable=False,
                            )
                        chunks.append(chunk)
                except httpx.HTTPError as exc:
                    raise _transport_failure(httpx, exc, where) from None
                data = b"".join(chunks)
                if status != 200:
                    detail = one_line(_error_text(data))
                    raise _Failure(
                        f"{where} answered {status}" + (f": {detail}" if detail else ""),
                        retryable=status >= 500,
                        status=status,
                        retry_after=_retry_after(response.headers.get("retry-after")),
                    )
                return data
            finally:
                await response.aclose()
        raise _Failure(f"{where} redirected more than {MAX_REDIRECTS} times", retryable=False)

    def _redirect(self, where: str, url: str, status: int, location: str | None) -> str:
        if not location:
            raise _Failure(
                f"{where} answered {status} (a redirect) without a Location", retryable=False
            )
        target = urljoin(url, location)
        if status in (301, 302, 303):
            raise _Failure(
                f"{where} answered {status}, a redirect to {_no_query(target)} that would turn "
                "the POST into a GET; give the client the final URL",
                retryable=False,
            )
        if _origin(target) != _origin(url):
            raise _Failure(
                f"{where} redirects to {_no_query(target)}, another host or scheme: refused "
                "(the request and its token would go there); give the client the final URL",
                retryable=False,
            )
        return target

    async def get_reward(
        self, queries: Sequence[str], prompts: Sequence[str] | None = None
    ) -> np.ndarray:
        """OpenRLHF's call: one reward per query (prompt + response text)."""
        body: dict[str, Any] = {"query": list(queries)}
        if prompts is not None:
            body["prompts"] = list(prompts)
        answer = await self.request("POST", "/get_reward", body, len(queries))
        return parse_rewards(answer, len(queries), self.endpoint("/get_reward").split("?")[0])

    async def rewards(
        self,
        prompts: Sequence[Prompt | Sequence[dict[str, str]]],
        responses: Sequence[str],
        *,
        query_separator: str | None = None,
    ) -> np.ndarray:
        """One reward per (prompt, response)."""
        body = rewards_body(prompts, responses, query_separator)
        answer = await self.request("POST", "/get_reward", body, len(responses))
        return parse_rewards(answer, len(responses), self.endpoint("/get_reward").split("?")[0])

    async def score(self, items: Sequence[PreferenceItem]) -> list[ItemScores]:
        """Scores (and pair probabilities) of preference items."""
        n = sum(len(it.responses) for it in items)
        answer = await self.request("POST", "/score", items_body(items), n)
        return parse_items(answer, self.endpoint("/score").split("?")[0])

    async def health(self) -> dict[str, Any]:
        answer: dict[str, Any] = await self.request("GET", "/health")
        return answer


def _error_text(data: bytes) -> str:
    try:
        doc = json.loads(data)
    except ValueError:
        return data.decode("utf-8", "replace")
    if isinstance(doc, dict) and isinstance(doc.get("error"), str):
        return str(doc["error"])
    return data.decode("utf-8", "replace")


class RewardClient:
    """The blocking client: :class:`AsyncRewardClient` on a private event-loop thread (same
    arguments and methods). Safe to share between threads; close it (or use ``with``).

    Example:
        >>> with RewardClient("127.0.0.1:8000", token="s3cret", timeout=5.0) as client:
        ...     client.url, client.policy.retries, "s3cret" in repr(client)
        ('http://127.0.0.1:8000', 3, False)
    """

    def __init__(self, url: str, **kwargs: Any) -> None:
        self._async = AsyncRewardClient(url, **kwargs)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="rewardkit-reward-client", daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        return self._async.url

    @property
    def policy(self) -> RetryPolicy:
        return self._async.policy

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"

    def _run(self, call: Coroutine[Any, Any, T]) -> T:
        future = asyncio.run_coroutine_threadsafe(call, self._loop)
        try:
            return future.result()
        except BaseException:
            future.cancel()  # Ctrl-C while waiting: stop the request too
            raise

    def close(self) -> None:
        if self._loop.is_closed():
            return
        self._run(self._async.aclose())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def __enter__(self) -> RewardClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self, method: str, path: str, body: dict[str, Any] | None = None, n_inputs: int = 0
    ) -> Any:
        return self._run(self._async.request(method, path, body, n_inputs))

    def get_reward(
        self, queries: Sequence[str], prompts: Sequence[str] | None = None
    ) -> np.ndarray:
        return self._run(self._async.get_reward(queries, prompts))

    def rewards(
        self,
        prompts: Sequence[Prompt | Sequence[dict[str, str]]],
        responses: Sequence[str],
        *,
        query_separator: str | None = None,
    ) -> np.ndarray:
        return self._run(self._async.rewards(prompts, responses, query_separator=query_separator))

    def score(self, items: Sequence[PreferenceItem]) -> list[ItemScores]:
        return self._run(self._async.score(items))

    def health(self) -> dict[str, Any]:
        return self._run(self._async.health())
