"""The request URL of a remote model as written by a user: scheme added when missing, the
endpoint path appended once, the query kept, credentials in the URL refused (they would be
written into manifests and logs). Shared by the ``http:`` RM and the ``judge:`` client."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from rewardkit.errors import ConfigError
from rewardkit.runs.redact import redact_secrets

__all__ = ["endpoint_url_of"]


def endpoint_url_of(
    url: str,
    endpoint: str,
    *,
    bad: Callable[[str, str], str],
    credentials: Callable[[str], str],
) -> str:
    """``url`` with ``endpoint`` appended to its path (unless it ends with it).

    Args:
        url: The URL as written (``host:port/path``, ``//host``, ``https://...``).
        endpoint: The path to end with, e.g. ``/get_reward``.
        bad: The error message for a problem (``invalid port``, ``no host``) with the
            redacted URL.
        credentials: The error message for a URL with credentials, given the redacted URL.

    Example:
        >>> endpoint_url_of("localhost:8000/v1/", "/x", bad=str.format, credentials=str)
        'http://localhost:8000/v1/x'
    """
    if url.startswith("//"):
        url = "http:" + url
    elif not url.lower().startswith(("http://", "https://")):
        url = "http://" + url
    parts = urlsplit(url)
    try:
        host, _ = parts.hostname, parts.port
    except ValueError:
        raise ConfigError(bad("invalid port", redact_secrets(url))) from None
    if not host:
        raise ConfigError(bad("no host", redact_secrets(url)))
    if parts.username is not None or parts.password is not None:
        raise ConfigError(credentials(redact_secrets(url)))
    path = parts.path.rstrip("/")
    if not path.endswith(endpoint):
        path += endpoint
    return urlunsplit((parts.scheme.lower(), parts.netloc, path, parts.query, ""))
