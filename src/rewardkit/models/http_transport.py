"""One bounded HTTP POST: a total deadline, a response size limit, a strict redirect policy.

``urllib`` bounds each socket operation, not a request: a server dripping one byte a second
never trips a 2 s timeout, and a 400 MB answer is read whole. :func:`post` bounds both:

- **deadline**: a watchdog closes the connection when ``deadline`` seconds have passed since
  the request started, whatever the server does (connect, headers, body);
- **size**: at most ``max_bytes`` of body are read (a larger ``Content-Length`` is refused at
  once);
- **redirects**: 307 and 308 to the same scheme, host and port are followed (the POST and its
  body kept, at most :data:`MAX_REDIRECTS`); any other redirect is refused: 301, 302 and 303
  would turn the POST into a GET, and another host or scheme would receive the request (and
  its ``Authorization`` header);
- **damaged answers**: a reply that is not HTTP, a body shorter than its ``Content-Length`` or
  a broken chunked encoding is one :class:`HTTPFailure`.

Example:
    >>> try:
    ...     post("ftp://example.org/x", b"{}", deadline=1.0, max_bytes=100)
    ... except HTTPFailure as exc:
    ...     print(exc)
    only http:// and https:// URLs are supported, got 'ftp://example.org/x'
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

__all__ = ["MAX_REDIRECTS", "HTTPFailure", "Reply", "post"]

MAX_REDIRECTS = 3
_CHUNK = 1 << 16
_DETAIL = 200


class HTTPFailure(Exception):
    """A request that failed; ``retryable`` says whether trying again may help."""

    def __init__(self, message: str, *, retryable: bool = False, status: int | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.status = status


@dataclass(frozen=True)
class Reply:
    """A successful (2xx) answer: its status and body."""

    status: int
    body: bytes


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    default = 443 if scheme == "https" else 80
    try:
        port = parts.port or default
    except ValueError:
        raise HTTPFailure(f"invalid port in URL {url!r}") from None
    return scheme, (parts.hostname or "").lower(), port


class _Watchdog:
    """Closes a connection's socket when the deadline passes (a blocked read then returns)."""

    def __init__(self, connection: http.client.HTTPConnection, seconds: float) -> None:
        self.connection = connection
        self.fired = False
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        self.fired = True
        sock = self.connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def _connection(url: str, timeout: float) -> http.client.HTTPConnection:
    scheme, host, port = _origin(url)
    if scheme == "https":
        return http.client.HTTPSConnection(host, port, timeout=timeout)
    return http.client.HTTPConnection(host, port, timeout=timeout)


def _target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _read_body(response: http.client.HTTPResponse, url: str, max_bytes: int) -> bytes:
    declared = response.getheader("Content-Length")
    if declared is not None and declared.strip().isdigit() and int(declared) > max_bytes:
        raise HTTPFailure(
            f"{url} announced a {int(declared)}-byte answer; the limit is {max_bytes} bytes"
        )
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = response.read(min(_CHUNK, max_bytes + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise HTTPFailure(f"{url} sent more than {max_bytes} bytes; the limit was reached")
    remaining = getattr(response, "length", None)
    if remaining:
        raise HTTPFailure(
            f"{url} sent a short answer: {total} of {total + remaining} bytes (connection "
            "closed early)",
            retryable=True,
        )
    return b"".join(chunks)


def _detail(response: http.client.HTTPResponse) -> str:
    try:
        raw = response.read(_DETAIL)
    except (http.client.HTTPException, OSError):
        raw = b""
    return " ".join(raw.decode("utf-8", "replace").split())


def _redirect(url: str, status: int, location: str | None) -> str:
    if not location:
        raise HTTPFailure(f"{url} answered {status} (a redirect) without a Location")
    target = urljoin(url, location)
    if status in (301, 302, 303):
        raise HTTPFailure(
            f"{url} answered {status}, a redirect to {target} that would turn the POST into a "
            "GET; give the model the final URL"
        )
    if _origin(target) != _origin(url):
        raise HTTPFailure(
            f"{url} redirects to {target}, another host or scheme: refused (the request and "
            "its credentials would go there); give the model the final URL"
        )
    return target


def _once(
    url: str, body: bytes, headers: dict[str, str], left: float, deadline: float, max_bytes: int
) -> tuple[int, bytes, str | None]:
    """One request within ``left`` seconds (of the whole ``deadline``); returns (status, body
    or error detail, Location of a redirect)."""
    connection = _connection(url, left)
    try:
        with _Watchdog(connection, left) as watchdog:
            try:
                connection.request("POST", _target(url), body=body, headers=headers)
                response = connection.getresponse()
                status = response.status
                if status in (301, 302, 303, 307, 308):
                    return status, b"", response.getheader("Location")
                if status >= 300 or status < 200:
                    return status, _detail(response).encode(), None
                data = _read_body(response, url, max_bytes)
            except HTTPFailure:
                if watchdog.fired:
                    raise _late(url, deadline) from None
                raise
            except http.client.RemoteDisconnected as exc:
                if watchdog.fired:
                    raise _late(url, deadline) from None
                raise HTTPFailure(
                    f"{url} closed the connection without answering ({exc})", retryable=True
                ) from None
            except http.client.HTTPException as exc:
                if watchdog.fired:
                    raise _late(url, deadline) from None
                kind = type(exc).__name__
                detail = " ".join(repr(exc.args[0] if exc.args else "").split())[:_DETAIL]
                raise HTTPFailure(
                    f"{url} sent a reply that is not valid HTTP ({kind}: {detail})"
                ) from None
            except (TimeoutError, OSError) as exc:
                if watchdog.fired or isinstance(exc, TimeoutError):
                    raise _late(url, deadline) from None
                reason = exc.strerror or str(exc) or type(exc).__name__
                raise HTTPFailure(f"cannot reach {url}: {reason}", retryable=True) from None
            if watchdog.fired:
                raise _late(url, deadline)
            return status, data, None
    finally:
        connection.close()


def _late(url: str, deadline: float) -> HTTPFailure:
    return HTTPFailure(f"{url} did not answer within {deadline:g} s", retryable=True)


def post(
    url: str,
    body: bytes,
    *,
    deadline: float,
    max_bytes: int,
    headers: dict[str, str] | None = None,
) -> Reply:
    """POST ``body`` to ``url`` and return the 2xx answer, bounded in time and size.

    Args:
        url: An ``http://`` or ``https://`` URL (its query string is sent as given).
        body: The request body.
        deadline: Seconds the whole request may take, redirects included.
        max_bytes: Largest body accepted.
        headers: Extra headers (``Content-Type`` defaults to JSON).

    Returns:
        The status and body of the answer.

    Raises:
        HTTPFailure: Any failure (``status`` set for an HTTP error answer, ``retryable`` for
            failures worth another attempt: connection errors, the deadline, 5xx answers).
    """
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise HTTPFailure(f"only http:// and https:// URLs are supported, got {url!r}")
    sent = {"Content-Type": "application/json", **(headers or {})}
    started = time.monotonic()
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        left = deadline - (time.monotonic() - started)
        if left <= 0:
            raise _late(url, deadline)
        status, data, location = _once(current, body, sent, left, deadline, max_bytes)
        if location is not None or status in (301, 302, 303, 307, 308):
            current = _redirect(current, status, location)
            continue
        if status >= 300 or status < 200:
            detail = data.decode("utf-8", "replace")
            raise HTTPFailure(
                f"{current} answered {status}" + (f": {detail}" if detail else ""),
                retryable=status >= 500,
                status=status,
            )
        return Reply(status, data)
    raise HTTPFailure(f"{url} redirected more than {MAX_REDIRECTS} times")
