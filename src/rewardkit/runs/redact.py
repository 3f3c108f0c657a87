"""Redact secret-looking parts of URLs (credentials, token-like query values) from any text.

Model specs such as ``http://host:8000/rm?api_key=...`` end up in manifests, logs, results,
reports and cache fingerprints; :func:`redact_secrets` is applied to each of them so that a
credential typed into a URL is never written anywhere. The token of a remote model belongs in
an environment variable or a token file (``token_env`` / ``token_file`` of a YAML model spec),
which is sent as an ``Authorization`` header and never written.

Example:
    >>> redact_secrets("http://u:pw@host:8000/rm?api_key=abc&model=x")
    'http://REDACTED@host:8000/rm?api_key=REDACTED&model=x'
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["REDACTED", "redact_in", "redact_secrets"]

REDACTED = "REDACTED"

_SECRET_NAME = (
    r"[\w.\-]*(?:token|key|secret|passw(?:or)?d|pwd|auth|signature|sig|credential|session)"
    r"[\w.\-]*"
)
_QUERY_SECRET = re.compile(rf"(?i)([?&;]{_SECRET_NAME}=)([^&#\s'\"]+)")
_USERINFO = re.compile(r"(//)([^/?#@\s'\"]+)@")


def redact_secrets(text: str) -> str:
    """``text`` with URL credentials (``//user:password@``) and the values of token-like query
    parameters (``token``, ``api_key``, ``secret``, ``password``, ``sig``, ...) replaced by
    ``REDACTED``.

    Example:
        >>> redact_secrets("http:localhost:8000?token=t0p&batch=4")
        'http:localhost:8000?token=REDACTED&batch=4'
        >>> redact_secrets("hf:models/rm")
        'hf:models/rm'
    """
    if "=" not in text and "@" not in text:
        return text
    text = _USERINFO.sub(rf"\1{REDACTED}@", text)
    return _QUERY_SECRET.sub(rf"\1{REDACTED}", text)


def redact_in(value: Any) -> Any:
    """:func:`redact_secrets` applied to every string inside lists, tuples and dicts.

    Example:
        >>> redact_in({"argv": ["eval", "--model", "http://h/x?key=1"], "seed": 0})
        {'argv': ['eval', '--model', 'http://h/x?key=REDACTED'], 'seed': 0}
    """
    if isinstance(value, str):
        return redact_secrets(value)
    if isinstance(value, list):
        return [redact_in(v) for v in value]
    if isinstance(value, tuple):
        return tuple(redact_in(v) for v in value)
    if isinstance(value, dict):
        return {k: redact_in(v) for k, v in value.items()}
    return value
