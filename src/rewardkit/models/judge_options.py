"""Typed options of the ``judge:`` model scheme (an LLM judge behind an OpenAI-compatible API).

A YAML model spec carries them under ``judge:``; ``rewardkit judge`` takes each as a CLI option.

Example spec file::

    model: judge:Qwen2.5-7B-Instruct        # the model name the endpoint serves
    judge:
      url: http://127.0.0.1:8000/v1
      api_key_env: OPENAI_API_KEY           # the variable's name; the key is never written
      mode: pairwise                        # or absolute (a 1-5 rubric score per criterion)
      prices:
        Qwen2.5-7B-Instruct: {input: 0.2, output: 0.6}   # USD per million tokens
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["JudgeMode", "JudgeOptions", "Structured", "TokenPrice"]

JudgeMode = Literal["pairwise", "absolute"]
Structured = Literal["auto", "json", "pattern"]


class TokenPrice(BaseModel):
    """The price of one endpoint model, in USD per million tokens.

    Example:
        >>> TokenPrice(input=2.5, output=10.0).cost(1_000_000, 500_000)
        7.5
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: float = Field(ge=0, allow_inf_nan=False, description="USD per 1M prompt tokens")
    output: float = Field(ge=0, allow_inf_nan=False, description="USD per 1M completion tokens")

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        """The cost of these token counts."""
        return (prompt_tokens * self.input + completion_tokens * self.output) / 1e6


class JudgeOptions(BaseModel):
    """How to reach and ask an LLM judge; every field has a default.

    Example:
        >>> JudgeOptions(mode="absolute", criterion="safety").url
        'http://127.0.0.1:8000/v1'
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(
        default="http://127.0.0.1:8000/v1",
        description="base URL of the OpenAI-compatible API (…/v1); /chat/completions is added",
    )
    api_key_env: str | None = Field(
        default=None, description="environment variable holding the API key (never logged)"
    )
    mode: JudgeMode = Field(
        default="pairwise",
        description="pairwise: name the better of two responses, asked in both orders; "
        "absolute: a 1-5 rubric score per response",
    )
    criterion: str = Field(
        default="usefulness", description="criterion an absolute judge scores (eval, bon)"
    )
    template: str | None = Field(
        default=None, description="YAML prompt template file [default: the shipped one]"
    )
    structured: Structured = Field(
        default="auto",
        description="auto: ask for a JSON schema (response_format), fall back to the pattern; "
        "json: require it; pattern: plain text only",
    )
    logprobs: bool = Field(
        default=True,
        description="ask for top-5 log-probabilities: an absolute judge then also gives the "
        "expected score over 1-5 (G-Eval)",
    )
    temperature: float = Field(default=0.0, ge=0.0, le=2.0, allow_inf_nan=False)
    max_tokens: int = Field(default=512, ge=1, le=32768, description="tokens per answer")
    concurrency: int = Field(default=4, ge=1, le=256, description="requests in flight at most")
    retries: int = Field(
        default=4, ge=0, le=20, description="retries after 429, 5xx, timeouts, lost connections"
    )
    backoff: float = Field(
        default=1.0, ge=0.0, le=60.0, allow_inf_nan=False, description="first retry delay (s)"
    )
    max_backoff: float = Field(default=30.0, ge=0.0, le=600.0, allow_inf_nan=False)
    timeout: float = Field(
        default=120.0, gt=0.0, le=3600.0, allow_inf_nan=False, description="seconds per request"
    )
    prices: dict[str, TokenPrice] = Field(
        default_factory=dict, description="USD per million tokens, by endpoint model name"
    )
    cache: str | None = Field(
        default=None,
        description="response cache file when the caller attaches no score cache (a library "
        "call, or eval of a pairwise judge); null = none",
    )
