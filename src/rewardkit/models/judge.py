"""``judge:NAME``: an LLM judge behind any OpenAI-compatible chat endpoint as a reward model.

``NAME`` is the model name the endpoint serves; the endpoint and everything else come from
:class:`~rewardkit.models.judge_options.JudgeOptions` (a ``judge:`` mapping in a YAML model
spec, or the options of ``rewardkit judge``). Two modes:

- **pairwise** (:class:`PairwiseJudge`, an item-scoring model): the judge sees two responses
  and names the better one or a tie, asked in **both orders**; position-consistent verdicts
  count, the others are ties (JudgeBench's convention). Each item's responses are compared
  round-robin and scored by Copeland (a win 1, a tie 0.5), so with one chosen and one rejected
  response the chosen one scores higher exactly when the judge prefers it in both orders.
- **absolute** (:class:`RubricJudge`, a reward model): a 1-5 rubric score per response on one
  criterion; with log-probabilities the G-Eval expected score over 1-5 is the score.

Answers are cached (see :mod:`rewardkit.models.judge_engine`); the raw judge text is kept in
every :class:`~rewardkit.models.judge_engine.Judgment`.

Example spec file (``eval --model judge.yaml``)::

    model: judge:Qwen2.5-7B-Instruct
    judge:
      url: http://127.0.0.1:8000/v1
      mode: pairwise
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rewardkit.data.records import PreferenceItem, Prompt, prompt_text
from rewardkit.models.judge_engine import JudgeEngine, JudgeUsage, Judgment, Question
from rewardkit.models.judge_options import JudgeOptions
from rewardkit.models.judge_template import load_template
from rewardkit.models.judge_verdicts import (
    Outcome,
    Pattern,
    combine,
    pattern,
    round_robin,
    round_robin_scores,
)
from rewardkit.models.options import ModelOptions
from rewardkit.models.spec import ModelSpec

__all__ = [
    "MIDPOINT",
    "JudgeModel",
    "PairJudgment",
    "PairwiseJudge",
    "RubricJudge",
    "from_spec",
    "judge_options",
]

#: The score of an absolute answer that stayed unreadable after the repair question.
MIDPOINT = 3.0


@dataclass(frozen=True)
class PairJudgment:
    """A pair ``(x, y)`` judged in both orders: ``first`` shows x as A, ``second`` y as A."""

    first: Judgment
    second: Judgment

    @property
    def outcome(self) -> Outcome:
        return combine(_verdict(self.first), _verdict(self.second))

    @property
    def pattern(self) -> Pattern:
        return pattern(_verdict(self.first), _verdict(self.second))


def _verdict(j: Judgment) -> str | None:
    return j.value if isinstance(j.value, str) else None


class JudgeModel:
    """What both modes share: the engine (endpoint, template, cache, usage) and the
    fingerprint."""

    def __init__(self, model: str, options: JudgeOptions) -> None:
        self.options = options
        self.engine = JudgeEngine(model, options, load_template(options.template, options.mode))
        opts = options
        detail = f"/criterion={opts.criterion}" if opts.mode == "absolute" else ""
        self._fingerprint = (
            f"judge/v1:{model}/{opts.mode}{detail}/tpl={self.engine.template.digest[:16]}"
            f"/t={opts.temperature:g}/max={opts.max_tokens}/{opts.structured}"
            f"/lp={int(opts.logprobs)}"
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.engine.model!r}, {self.options.url!r})"

    @property
    def usage(self) -> JudgeUsage:
        return self.engine.usage

    def attach_cache(self, cache: object) -> None:
        """Keep the judge's answers in the score cache's file (called by the scoring engine
        and by ``rewardkit judge``)."""
        self.engine.attach_cache(cache)

    def close(self) -> None:
        self.engine.close()

    def fingerprint(self) -> str:
        return self._fingerprint


class PairwiseJudge(JudgeModel):
    """Both-orders pairwise verdicts; scores items round-robin (Copeland)."""

    def judge_pairs(
        self, pairs: Sequence[tuple[Prompt, str, str]], progress: bool | None = None
    ) -> list[PairJudgment]:
        """Judge each ``(prompt, x, y)`` in both orders."""
        template = self.engine.template
        questions: list[Question] = []
        for prompt, x, y in pairs:
            text = prompt_text(prompt)
            for a, b in ((x, y), (y, x)):
                messages = template.messages(prompt=text, response_a=a, response_b=b)
                questions.append(
                    Question("verdict", tuple((m["role"], m["content"]) for m in messages))
                )
        answers = self.engine.ask(questions, progress)
        out = [PairJudgment(answers[2 * i], answers[2 * i + 1]) for i in range(len(pairs))]
        unreadable = sum(p.pattern == "invalid" for p in out)
        if unreadable:
            self.engine.warn_once(
                "unreadable",
                f"judge {self.engine.model}: {unreadable} of {len(out)} pair(s) had an "
                "unreadable verdict after the repair question; counted as ties",
            )
        return out

    def score_items(self, items: Sequence[PreferenceItem]) -> np.ndarray:
        """Copeland scores of each item's responses (chosen then rejected), item by item."""
        pairs: list[tuple[Prompt, str, str]] = []
        for item in items:
            responses = item.responses
            pairs.extend(
                (item.prompt, responses[i], responses[j]) for i, j in round_robin(len(responses))
            )
        judged = self.judge_pairs(pairs)
        scores: list[np.ndarray] = []
        start = 0
        for item in items:
            n = len(item.responses)
            count = len(round_robin(n))
            outcomes = [p.outcome for p in judged[start : start + count]]
            scores.append(round_robin_scores(n, outcomes))
            start += count
        return np.concatenate(scores) if scores else np.zeros(0, dtype=np.float64)


class RubricJudge(JudgeModel):
    """Absolute 1-5 rubric scores; ``score`` rates ``options.criterion``."""

    def rate(
        self,
        prompts: Sequence[Prompt],
        responses: Sequence[str],
        criterion: str,
        progress: bool | None = None,
    ) -> list[Judgment]:
        """One judgment per (prompt, response) on ``criterion``."""
        return self.rate_criteria(prompts, responses, [criterion], progress)[criterion]

    def rate_criteria(
        self,
        prompts: Sequence[Prompt],
        responses: Sequence[str],
        criteria: Sequence[str],
        progress: bool | None = None,
    ) -> dict[str, list[Judgment]]:
        """One judgment per (prompt, response) on each criterion, asked together (one pool of
        ``concurrency`` requests); an unknown criterion fails before any question."""
        template = self.engine.template
        rubrics = {c: template.rubric(c) for c in criteria}
        texts = [prompt_text(p) for p in prompts]
        if len(texts) != len(responses):
            raise ValueError(f"{len(texts)} prompts but {len(responses)} responses")
        questions = []
        for criterion in criteria:
            for text, response in zip(texts, responses, strict=True):
                messages = template.messages(
                    prompt=text, response=response, criterion=criterion, rubric=rubrics[criterion]
                )
                questions.append(
                    Question("score", tuple((m["role"], m["content"]) for m in messages))
                )
        answers = self.engine.ask(questions, progress)
        n = len(texts)
        return {c: answers[i * n : (i + 1) * n] for i, c in enumerate(criteria)}

    def score(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> np.ndarray:
        """The expected score when log-probabilities came back, else the score read; an answer
        unreadable after the repair question scores :data:`MIDPOINT` (warned)."""
        judged = self.rate(prompts, responses, self.options.criterion)
        out = np.empty(len(judged), dtype=np.float64)
        unreadable = 0
        for i, j in enumerate(judged):
            if j.expected is not None:
                out[i] = j.expected
            elif isinstance(j.value, int):
                out[i] = float(j.value)
            else:
                out[i] = MIDPOINT
                unreadable += 1
        if unreadable:
            self.engine.warn_once(
                "unreadable",
                f"judge {self.engine.model}: {unreadable} answer(s) had no readable score after "
                f"the repair question; scored {MIDPOINT:g}, the middle of the scale",
            )
        return out


def judge_options(options: ModelOptions) -> JudgeOptions:
    """The judge options a model spec carries (the defaults when it carries none)."""
    return options.judge if options.judge is not None else JudgeOptions()


def from_spec(spec: ModelSpec) -> PairwiseJudge | RubricJudge:
    """The judge ``judge:NAME`` names, in the mode its options say.

    Example:
        >>> from_spec(ModelSpec.of("judge:my-judge")).fingerprint().startswith(
        ...     "judge/v1:my-judge/pairwise/")
        True
    """
    opts = spec.options_as(JudgeOptions)
    if opts.mode == "pairwise":
        return PairwiseJudge(spec.location, opts)
    return RubricJudge(spec.location, opts)
