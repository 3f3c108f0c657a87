"""The typed options of ``rewardkit serve`` (defaults in ``configs/serve.yaml``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rewardkit.errors import ConfigError


class ServeConfig(BaseModel):
    """What the server listens on, how it batches and what it refuses.

    Example:
        >>> ServeConfig(model="baseline:length").max_batch_size
        64
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = Field(description="model spec or YAML spec file")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    max_batch_size: int = Field(default=64, ge=1, description="inputs per model batch")
    max_wait_ms: float = Field(
        default=5.0, ge=0.0, description="how long a batch waits to fill after its first input"
    )
    max_queue: int = Field(default=4096, ge=1, description="inputs waiting; more gets 503")
    max_items: int = Field(default=1024, ge=1, description="inputs in one request; more: 413")
    max_body_mb: float = Field(default=16.0, gt=0.0, description="request body size; more: 413")
    request_timeout: float = Field(default=60.0, gt=0.0, description="seconds; then 504")
    max_tokens: int | None = Field(default=None, ge=1, description="padded tokens per batch")
    cache: str | None = None
    no_cache: bool = False
    calibrated: bool | None = Field(
        default=None,
        description="pair probabilities from the calibrator beside the model: true requires "
        "one, false uses sigmoid(score difference), null uses one when present",
    )
    query_separator: str = Field(
        default="\n",
        description="splits a /get_reward query sent without prompts: prompt, then response",
    )
    token_file: str | None = None
    ray: bool = False
    replicas: int = Field(default=1, ge=1)
    replica_cpus: float = Field(default=1.0, gt=0.0)
    replica_gpus: float | None = Field(default=None, ge=0.0, description="null: 1 when present")

    @model_validator(mode="after")
    def _limits_fit(self) -> ServeConfig:
        if self.max_items > self.max_queue:
            raise ValueError(
                f"max_items ({self.max_items}) must not exceed max_queue ({self.max_queue}): "
                "such a request could never be queued"
            )
        if not self.query_separator:
            raise ValueError("query_separator must not be empty")
        return self

    @property
    def max_body_bytes(self) -> int:
        return int(self.max_body_mb * 1024 * 1024)


def read_token(path: str | Path) -> str:
    """The bearer token in ``path`` (surrounding whitespace dropped); never echoed in errors.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "token"
        >>> _ = p.write_text("s3cret\\n")
        >>> read_token(p)
        's3cret'
    """
    try:
        token = Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the token file: {exc}") from exc
    if not token:
        raise ConfigError(f"{path}: the token file is empty")
    if any(c.isspace() for c in token) or not token.isprintable():
        raise ConfigError(f"{path}: the token must be one line without spaces")
    return token
