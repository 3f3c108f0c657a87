"""Asking an LLM judge many questions: cache look-up, bounded concurrency, one repair question
per unreadable answer, token and cost accounting.

A *question* is a list of chat messages and what its answer should hold (a verdict or a
score). Its cache key is the hash of the request as rewardkit means it (endpoint model,
messages, decoding settings, the JSON schema and log-probabilities asked for), under the
fingerprint ``judge/v1:<model>/tpl=<template hash>``: a rerun finds every answer and sends
nothing. Answers are committed one by one, so an interrupted run resumes.
"""

from __future__ import annotations

import asyncio
import os
import sys
import warnings
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from rewardkit.errors import ConfigError
from rewardkit.models.judge_cache import ResponseCache, request_hash
from rewardkit.models.judge_client import (
    ChatClient,
    ChatReply,
    UnsupportedField,
    reply_from_json,
    reply_to_json,
)
from rewardkit.models.judge_options import JudgeOptions
from rewardkit.models.judge_parse import (
    Reading,
    expected_score,
    parse_score,
    parse_verdict,
    score_schema,
    verdict_schema,
)
from rewardkit.models.judge_template import JudgeTemplate

__all__ = ["JudgeEngine", "JudgeUsage", "Judgment", "Kind", "Question", "read_api_key"]

Kind = Literal["verdict", "score"]
T = TypeVar("T")


@dataclass(frozen=True)
class Question:
    """The messages of one question and what its answer must hold."""

    kind: Kind
    messages: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Judgment:
    """One question's answer as read: the raw judge text is always kept.

    Attributes:
        key: The cache key of the question (hash of the request).
        text: The judge's answer, as sent.
        repair_text: The answer to the repair question, when the first was unreadable.
        value: ``A``/``B``/``tie`` or a score 1-5; None when neither answer was readable.
        how: ``json``, ``pattern`` (the first answer) or ``repair``; None when unreadable.
        expected: G-Eval expected score (absolute mode, when log-probabilities came back).
        probabilities: The distribution over 1-5 behind ``expected``.
        cached: Every answer of this question came from the cache.
        prompt_tokens: Prompt tokens of the answers (from the cache too).
        completion_tokens: Completion tokens of the answers.
    """

    key: str
    text: str
    repair_text: str | None
    value: str | int | None
    how: Literal["json", "pattern", "repair"] | None
    expected: float | None
    probabilities: tuple[float, ...] | None
    cached: bool
    prompt_tokens: int
    completion_tokens: int


@dataclass
class JudgeUsage:
    """What the judge cost: requests, answers, tokens and (with a price) USD. Tokens and cost
    count the answers received in this run; answers read from the cache cost nothing."""

    n_questions: int = 0
    n_requests: int = 0
    n_answers: int = 0
    n_cached: int = 0
    n_repairs: int = 0
    n_unreadable: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None
    dropped_fields: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "n_questions": self.n_questions,
            "n_requests": self.n_requests,
            "n_answers": self.n_answers,
            "n_cached": self.n_cached,
            "n_repairs": self.n_repairs,
            "n_unreadable": self.n_unreadable,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cost_usd": self.cost_usd,
            "unsupported_fields": list(self.dropped_fields),
        }


def read_api_key(options: JudgeOptions) -> str | None:
    """The API key in the variable ``api_key_env`` names (None when none is named).

    Example:
        >>> read_api_key(JudgeOptions()) is None
        True
    """
    if options.api_key_env is None:
        return None
    key = os.environ.get(options.api_key_env, "").strip()
    if not key:
        raise ConfigError(
            f"judge: api_key_env {options.api_key_env}: the environment variable is not set or "
            "empty"
        )
    return key


def run_sync(factory: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion from synchronous code, also when the calling thread
    already runs an event loop (then on a worker thread)."""

    async def main() -> T:
        return await factory()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(main())
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


def _progress(enabled: bool) -> Progress:
    return Progress(
        TextColumn("[bold]judging"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        disable=not enabled,
        transient=True,
    )


class JudgeEngine:
    """Asks questions of one endpoint model with one template.

    Example:
        >>> from rewardkit.models.judge_template import shipped_template
        >>> engine = JudgeEngine("my-judge", JudgeOptions(), shipped_template("pairwise"))
        >>> engine.response_fingerprint.startswith("judge/v1:my-judge/tpl=")
        True
    """

    def __init__(self, model: str, options: JudgeOptions, template: JudgeTemplate) -> None:
        if not model.strip():
            raise ConfigError("judge: the spec needs the endpoint's model name, judge:NAME")
        self.model = model
        self.options = options
        self.template = template
        self.response_fingerprint = f"judge/v1:{model}/tpl={template.digest[:16]}"
        self.usage = JudgeUsage()
        self._api_key = read_api_key(options)
        self._cache = ResponseCache(Path(options.cache)) if options.cache else None
        self._dropped: set[str] = set()
        self._warned: set[str] = set()

    def __repr__(self) -> str:  # never shows the key
        return f"{type(self).__name__}({self.model!r}, {self.options.url!r})"

    def attach_cache(self, cache: Any) -> None:
        """Keep answers in the score cache's file (``cache.path``), in their own table."""
        path = getattr(cache, "path", None)
        if path is None:
            return
        if self._cache is not None and self._cache.path == Path(path):
            return
        self.close()
        self._cache = ResponseCache(Path(path))

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    def body(self, question: Question, *, sent: bool) -> dict[str, Any]:
        """The request of a question; ``sent=False`` gives the form the cache key hashes
        (everything asked for, whatever the server turned out to support)."""
        opts = self.options
        dropped = self._dropped if sent else set()
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": r, "content": c} for r, c in question.messages],
            "temperature": opts.temperature,
            "max_tokens": opts.max_tokens,
        }
        if opts.structured != "pattern" and "response_format" not in dropped:
            schema = verdict_schema() if question.kind == "verdict" else score_schema()
            body["response_format"] = schema
        if opts.logprobs and question.kind == "score" and "logprobs" not in dropped:
            body["logprobs"] = True
            body["top_logprobs"] = 5
        return body

    def ask(self, questions: Sequence[Question], progress: bool | None = None) -> list[Judgment]:
        """Answer every question (identical ones once); results in the order asked."""
        unique = list(dict.fromkeys(questions))
        show = sys.stderr.isatty() if progress is None else progress

        async def go() -> list[Judgment]:
            async with ChatClient(
                self.options.url,
                api_key=self._api_key,
                timeout=self.options.timeout,
                retries=self.options.retries,
                backoff=self.options.backoff,
                max_backoff=self.options.max_backoff,
                concurrency=self.options.concurrency,
            ) as client:
                with _progress(show) as bar:
                    task = bar.add_task("judging", total=len(unique))

                    async def one(q: Question) -> Judgment:
                        result = await self._judge(client, q)
                        bar.update(task, advance=1)
                        return result

                    try:
                        return list(await asyncio.gather(*(one(q) for q in unique)))
                    finally:
                        self.usage.n_requests += client.n_requests

        answers = dict(zip(unique, run_sync(go), strict=True)) if unique else {}
        self.usage.n_questions += len(unique)
        price = self.options.prices.get(self.model)
        if price is not None:
            self.usage.cost_usd = price.cost(self.usage.prompt_tokens, self.usage.completion_tokens)
        return [answers[q] for q in questions]

    async def _reply(self, client: ChatClient, question: Question) -> tuple[ChatReply, bool]:
        key = request_hash(self.body(question, sent=False))
        if self._cache is not None:
            stored = self._cache.get(self.response_fingerprint, key)
            if stored is not None:
                self.usage.n_cached += 1
                return reply_from_json(stored), True
        for _ in range(4):  # bounded: each refused field is dropped once, then asked without
            body = self.body(question, sent=True)
            try:
                reply = await client.complete(body)
                break
            except UnsupportedField as exc:
                if exc.field not in body:
                    raise
                if exc.field == "response_format" and self.options.structured == "json":
                    raise ConfigError(
                        f"{exc} (structured: json needs a server that supports "
                        "response_format; use auto or pattern)"
                    ) from None
                self._dropped.add(exc.field)  # other questions in flight may have added it
                self.usage.dropped_fields = sorted(self._dropped)
        else:  # pragma: no cover - two optional fields at most
            raise ConfigError(f"judge endpoint {client.where} refuses every request")
        self.usage.n_answers += 1
        self.usage.prompt_tokens += reply.prompt_tokens
        self.usage.completion_tokens += reply.completion_tokens
        if self._cache is not None:
            self._cache.put(self.response_fingerprint, key, reply_to_json(reply))
        return reply, False

    async def _judge(self, client: ChatClient, question: Question) -> Judgment:
        parse = parse_verdict if question.kind == "verdict" else parse_score
        reply, cached = await self._reply(client, question)
        reading: Reading = parse(reply.text)
        used, repair_text = reply, None
        how: Literal["json", "pattern", "repair"] | None = reading.how
        tokens = (reply.prompt_tokens, reply.completion_tokens)
        if reading.value is None:
            self.usage.n_repairs += 1
            repair = Question(
                question.kind,
                (
                    *question.messages,
                    ("assistant", reply.text),
                    ("user", self.template.repair),
                ),
            )
            used, repair_cached = await self._reply(client, repair)
            cached = cached and repair_cached
            repair_text = used.text
            reading = parse(used.text)
            how = "repair" if reading.value is not None else None
            tokens = (tokens[0] + used.prompt_tokens, tokens[1] + used.completion_tokens)
        if reading.value is None:
            self.usage.n_unreadable += 1
        expected = None
        if question.kind == "score" and reading.value is not None:
            expected = expected_score(used.logprobs, used.text, reading.offset)
        return Judgment(
            key=request_hash(self.body(question, sent=False)),
            text=reply.text,
            repair_text=repair_text,
            value=reading.value,
            how=how,
            expected=None if expected is None else expected[0],
            probabilities=None if expected is None else expected[1],
            cached=cached,
            prompt_tokens=tokens[0],
            completion_tokens=tokens[1],
        )

    def warn_once(self, key: str, message: str) -> None:
        """One warning per kind of problem and judge."""
        if key not in self._warned:
            self._warned.add(key)
            warnings.warn(message, UserWarning, stacklevel=3)
