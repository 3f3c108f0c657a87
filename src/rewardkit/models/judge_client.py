"""An asyncio client for OpenAI-compatible ``POST /chat/completions`` (vLLM, llama.cpp,
``transformers serve``, TGI, hosted APIs).

- **bounded**: at most ``concurrency`` requests in flight; each attempt has a total deadline of
  ``timeout`` seconds; answers over :data:`MAX_ANSWER_BYTES` are refused; redirects are refused
  (a POST and its API key go only where the user pointed);
- **retries** with exponential backoff (``Retry-After`` honoured when longer) after 429, 5xx,
  timeouts and lost connections, at most ``retries`` of them per request; any other refusal
  fails at once with the server's message on one line;
- **secrets**: the API key travels in the ``Authorization`` header only: never in ``repr``,
  errors, logs or cache keys; credentials in the URL are refused;
- **counted**: :attr:`ChatClient.n_requests` is the number of HTTP requests sent.
"""

from __future__ import annotations

import asyncio
import json
import math
from dataclasses import dataclass
from typing import Any

from rewardkit.errors import MissingExtraError, RewardkitError
from rewardkit.models.endpoint_url import endpoint_url_of
from rewardkit.models.http_client import RetryPolicy, one_line
from rewardkit.models.judge_parse import TokenLogprob
from rewardkit.runs.redact import redact_secrets

__all__ = [
    "MAX_ANSWER_BYTES",
    "ChatClient",
    "ChatReply",
    "JudgeEndpointError",
    "UnsupportedField",
    "chat_url",
    "reply_from_json",
    "reply_to_json",
]

MAX_ANSWER_BYTES = 8 << 20
_ENDPOINT = "/chat/completions"


class JudgeEndpointError(RewardkitError):
    """The judge endpoint refused a request or could not be reached (``status``: the last HTTP
    status seen, None when no answer came)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class UnsupportedField(JudgeEndpointError):
    """A 400 answer that names a request field the server does not support (``field``)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message, 400)
        self.field = field


class _Retryable(Exception):
    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class ChatReply:
    """The first choice of a chat completion: its text, token usage and log-probabilities."""

    text: str
    finish_reason: str | None
    prompt_tokens: int
    completion_tokens: int
    logprobs: tuple[TokenLogprob, ...] | None


def chat_url(url: str) -> str:
    """The ``/chat/completions`` URL of a base URL as written (scheme added when missing; a
    trailing ``/chat/completions`` kept once; the query kept).

    Example:
        >>> chat_url("127.0.0.1:8000/v1")
        'http://127.0.0.1:8000/v1/chat/completions'
        >>> chat_url("https://api.example.org/v1/chat/completions/")
        'https://api.example.org/v1/chat/completions'
    """
    return endpoint_url_of(
        url,
        _ENDPOINT,
        bad=lambda problem, shown: f"judge url {shown!r}: {problem}",
        credentials=lambda shown: (
            f"judge url {shown}: credentials in the URL are refused (they would be written "
            "into manifests and logs); name the environment variable that holds the API key "
            "with api_key_env (--api-key-env)"
        ),
    )


def _logprobs(choice: dict[str, Any]) -> tuple[TokenLogprob, ...] | None:
    block = choice.get("logprobs")
    content = block.get("content") if isinstance(block, dict) else None
    if not isinstance(content, list):
        return None
    out = []
    for entry in content:
        if not isinstance(entry, dict) or not isinstance(entry.get("token"), str):
            return None
        top = []
        for alt in entry.get("top_logprobs") or []:
            if isinstance(alt, dict) and isinstance(alt.get("token"), str):
                top.append((alt["token"], _finite(alt.get("logprob"))))
        out.append(TokenLogprob(entry["token"], _finite(entry.get("logprob")), tuple(top)))
    return tuple(out)


def _finite(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return -math.inf
    return number if math.isfinite(number) else -math.inf


def _count(usage: Any, key: str) -> int:
    value = usage.get(key) if isinstance(usage, dict) else None
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else 0


def parse_reply(doc: Any, where: str) -> ChatReply:
    """The first choice of a chat completion document.

    Example:
        >>> parse_reply({"choices": [{"message": {"content": "Verdict: A"}}],
        ...              "usage": {"prompt_tokens": 9, "completion_tokens": 3}}, "u").text
        'Verdict: A'
    """
    choices = doc.get("choices") if isinstance(doc, dict) else None
    first = choices[0] if isinstance(choices, list) and choices else None
    message = first.get("message") if isinstance(first, dict) else None
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(first, dict) or not (content is None or isinstance(content, str)):
        raise JudgeEndpointError(
            f"judge endpoint {where} sent an answer that is not a chat completion: "
            f"{one_line(json.dumps(doc, default=str), 160)}"
        )
    usage = doc.get("usage")
    reason = first.get("finish_reason")
    return ChatReply(
        text=content or "",
        finish_reason=reason if isinstance(reason, str) else None,
        prompt_tokens=_count(usage, "prompt_tokens"),
        completion_tokens=_count(usage, "completion_tokens"),
        logprobs=_logprobs(first),
    )


def reply_to_json(reply: ChatReply) -> dict[str, Any]:
    """A reply as the JSON the response cache stores (:func:`reply_from_json` reads it)."""
    return {
        "text": reply.text,
        "finish_reason": reply.finish_reason,
        "prompt_tokens": reply.prompt_tokens,
        "completion_tokens": reply.completion_tokens,
        "logprobs": None
        if reply.logprobs is None
        else [[t.token, t.logprob, [list(a) for a in t.top]] for t in reply.logprobs],
    }


def reply_from_json(doc: dict[str, Any]) -> ChatReply:
    """The reply stored by :func:`reply_to_json`.

    Example:
        >>> r = ChatReply("Score: 4", "stop", 10, 3, (TokenLogprob("4", -0.1, (("4", -0.1),)),))
        >>> reply_from_json(json.loads(json.dumps(reply_to_json(r)))) == r
        True
    """
    lp = doc.get("logprobs")
    return ChatReply(
        text=str(doc["text"]),
        finish_reason=doc.get("finish_reason"),
        prompt_tokens=int(doc.get("prompt_tokens") or 0),
        completion_tokens=int(doc.get("completion_tokens") or 0),
        logprobs=None
        if lp is None
        else tuple(
            TokenLogprob(str(t), float(p), tuple((str(a), float(b)) for a, b in top))
            for t, p, top in lp
        ),
    )


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _error_text(data: bytes) -> str:
    try:
        doc = json.loads(data)
    except ValueError:
        return data.decode("utf-8", "replace")
    if isinstance(doc, dict):
        err = doc.get("error", doc.get("detail"))
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return str(err["message"])
        if isinstance(err, str):
            return err
    return data.decode("utf-8", "replace")


_FIELDS = ("response_format", "top_logprobs", "logprobs")


class ChatClient:
    """Chat completions with bounded concurrency, retries, deadlines and a request count; use
    it as an async context manager.

    Example:
        >>> client = ChatClient("127.0.0.1:8000/v1", api_key="s3cret", retries=2)
        >>> client.url, "s3cret" in repr(client)
        ('http://127.0.0.1:8000/v1/chat/completions', False)
    """

    def __init__(
        self,
        url: str,
        *,
        api_key: str | None = None,
        timeout: float = 120.0,
        retries: int = 4,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
        concurrency: int = 4,
    ) -> None:
        self.url = chat_url(url)
        self.where = redact_secrets(self.url.split("?", 1)[0])
        self.timeout = timeout
        self.policy = RetryPolicy(retries=retries, backoff=backoff, max_backoff=max_backoff)
        self.concurrency = concurrency
        self.n_requests = 0
        self.n_retries = 0
        self._headers = {"Content-Type": "application/json"}
        if api_key:
            self._headers["Authorization"] = f"Bearer {api_key}"
        self._client: Any = None
        self._slots: asyncio.Semaphore | None = None

    def __repr__(self) -> str:  # never shows the key
        return f"{type(self).__name__}({self.where!r})"

    async def __aenter__(self) -> ChatClient:
        try:
            import httpx
        except ImportError as exc:
            raise MissingExtraError("httpx", "judge") from exc
        self._client = httpx.AsyncClient(
            timeout=self.timeout,
            follow_redirects=False,
            trust_env=False,
            limits=httpx.Limits(max_connections=self.concurrency),
        )
        self._slots = asyncio.Semaphore(self.concurrency)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def complete(self, body: dict[str, Any]) -> ChatReply:
        """One chat completion, retried as the policy says.

        Raises:
            UnsupportedField: A 400 answer naming ``response_format`` or ``logprobs``.
            JudgeEndpointError: Any other refusal, or no answer after every retry.
        """
        if self._client is None or self._slots is None:
            raise RuntimeError("use ChatClient as 'async with ChatClient(...) as client'")
        content = json.dumps(body).encode("utf-8")
        last = _Retryable("no attempt")
        async with self._slots:
            for attempt in range(self.policy.retries + 1):
                if attempt:
                    self.n_retries += 1
                    await asyncio.sleep(self.policy.delay(attempt, last.retry_after))
                try:
                    async with asyncio.timeout(self.timeout):
                        data = await self._attempt(content)
                    break
                except TimeoutError:
                    last = _Retryable(f"no answer within {self.timeout:g} s")
                except _Retryable as failure:
                    last = failure
            else:
                raise JudgeEndpointError(
                    f"cannot get an answer from the judge endpoint {self.where} after "
                    f"{self.policy.retries + 1} attempt(s): {last}; is an OpenAI-compatible "
                    "server running there? (set the judge url: --judge-url or judge.url)",
                    last.status,
                )
        try:
            doc = json.loads(data)
        except ValueError:
            raise JudgeEndpointError(
                f"judge endpoint {self.where} sent an answer that is not JSON: "
                f"{one_line(data.decode('utf-8', 'replace'), 120)}"
            ) from None
        return parse_reply(doc, self.where)

    async def _attempt(self, content: bytes) -> bytes:
        import httpx

        self.n_requests += 1
        try:
            request = self._client.build_request(
                "POST", self.url, content=content, headers=self._headers
            )
            response = await self._client.send(request, stream=True)
        except httpx.ConnectError as exc:
            raise _Retryable(f"cannot connect ({one_line(str(exc)) or 'refused'})") from None
        except httpx.TimeoutException as exc:
            raise _Retryable(f"timed out ({type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            raise _Retryable(f"{type(exc).__name__}: {one_line(str(exc))}") from None
        try:
            status = response.status_code
            if 300 <= status < 400:
                raise JudgeEndpointError(
                    f"judge endpoint {self.where} answered {status} (a redirect); refused, "
                    "give the final URL",
                    status,
                )
            declared = response.headers.get("content-length", "")
            if declared.strip().isdigit() and int(declared) > MAX_ANSWER_BYTES:
                raise JudgeEndpointError(
                    f"judge endpoint {self.where} announced a {int(declared)}-byte answer; "
                    f"the limit is {MAX_ANSWER_BYTES} bytes",
                    status,
                )
            chunks: list[bytes] = []
            size = 0
            try:
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > MAX_ANSWER_BYTES:
                        raise JudgeEndpointError(
                            f"judge endpoint {self.where} sent more than {MAX_ANSWER_BYTES} "
                            "bytes; the limit was reached",
                            status,
                        )
                    chunks.append(chunk)
            except httpx.HTTPError as exc:
                raise _Retryable(f"the answer broke off ({type(exc).__name__})") from None
            data = b"".join(chunks)
            if status == 429 or status >= 500:
                raise _Retryable(
                    f"answered {status}: {one_line(_error_text(data), 160)}",
                    status,
                    _retry_after(response.headers.get("retry-after")),
                )
            if status != 200:
                detail = one_line(_error_text(data), 200)
                message = f"judge endpoint {self.where} answered {status}: {detail}"
                if status in (401, 403):
                    message += " (check the API key that api_key_env / --api-key-env names)"
                lowered = detail.lower()
                field = next((f for f in _FIELDS if f in lowered), None)
                if status == 400 and field is not None:
                    raise UnsupportedField(message, "logprobs" if "logprobs" in field else field)
                raise JudgeEndpointError(message, status)
            return data
        finally:
            await response.aclose()
