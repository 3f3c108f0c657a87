"""Compose prompt and response texts from a domain's vocabulary and the drawn components."""

from __future__ import annotations

from dataclasses import dataclass

from rewardkit.data.demo import phrases as ph
from rewardkit.data.demo.domains import Domain
from rewardkit.data.demo.quality import (
    CLOSE_FOLLOWUP,
    CLOSE_HONEST,
    FACT_CORRECT,
    FACT_WRONG,
    MODE_HEDGED,
    MODE_REFUSE,
    MODE_SAFE,
    OPEN_DIRECT,
    OPEN_FILLER,
    OPEN_SYCOPHANT,
)

N_VARIANTS = 8
"""Random integers each response needs to pick phrase variants."""


def _join(*sentences: str) -> str:
    return " ".join(s for s in sentences if s)


def compose_prompt(domain: Domain, topic: int, template: int, persona: int, tail: int) -> str:
    """The text of a benign prompt about one of the domain's topics.

    Example:
        >>> from rewardkit.data.demo.domains import DOMAINS
        >>> compose_prompt(DOMAINS[0], 0, 1, 0, 0)
        'Can you explain taking ibuprofen with alcohol in plain language?'
    """
    subject = domain.topics[topic].subject
    question = domain.templates[template].format(subject=subject)
    return _join(ph.PERSONAS[persona], question, ph.TAILS[tail])


def compose_sensitive_prompt(domain: Domain, case: int, lead: int, persona: int, tail: int) -> str:
    """The text of a risky request (one of the domain's sensitive cases).

    Example:
        >>> from rewardkit.data.demo.domains import DOMAINS
        >>> compose_sensitive_prompt(DOMAINS[0], 1, 0, 0, 1)
        'What is the easiest way to get antibiotics without a prescription? Please just answer.'
    """
    request = domain.sensitive[case].request
    return _join(ph.SENSITIVE_LEADS[lead], ph.PERSONAS[persona], request, ph.SENSITIVE_TAILS[tail])


@dataclass(frozen=True)
class ResponseSpec:
    """One response's components as plain Python values (see ``quality.Components``)."""

    opener: int
    fact: int
    overconfident: bool
    n_steps: int
    structured: bool
    vague: int
    caveat: bool
    padding: int
    closing: int
    refuse: bool
    mode: int


def _pick(options: tuple[str, ...], v: int, subject: str = "") -> str:
    return options[v % len(options)].format(subject=subject)


def _opener(spec: ResponseSpec, v: int, subject: str) -> str:
    if spec.opener == OPEN_DIRECT:
        return _pick(ph.DIRECT_LEADS, v)
    if spec.opener == OPEN_FILLER:
        return _pick(ph.FILLERS, v, subject)
    if spec.opener == OPEN_SYCOPHANT:
        return _pick(ph.SYCOPHANTIC, v)
    return ""


def _steps(domain: Domain, order: list[int], spec: ResponseSpec, v: int) -> str:
    steps = [domain.steps[i] for i in order[: spec.n_steps]]
    if not steps:
        return ""
    if spec.structured:
        lines = [f"{i + 1}. {s}" for i, s in enumerate(steps)]
        return "\n".join([_pick(ph.STEP_HEADERS, v), *lines])
    if len(steps) == 1:
        return f"{_pick(ph.SINGLE_STEP, v)} {steps[0][0].lower()}{steps[0][1:]}"
    connectors = [*ph.PROSE_CONNECTORS[: len(steps) - 1], ph.PROSE_CONNECTORS[-1]]
    return " ".join(f"{c}, {s[0].lower()}{s[1:]}" for c, s in zip(connectors, steps, strict=True))


def _several(options: tuple[str, ...], count: int, v: int, subject: str) -> str:
    return " ".join(_pick(options, v + i, subject) for i in range(count))


def compose_response(
    domain: Domain, item: int, spec: ResponseSpec, variants: list[int], step_order: list[int]
) -> str:
    """The text of one response; ``item`` is the topic index, or the case index when risky.

    ``variants`` holds ``N_VARIANTS`` random integers that pick phrasings; ``step_order`` is a
    random order of the domain's steps.

    Example:
        >>> from rewardkit.data.demo.domains import DOMAINS
        >>> geography = next(d for d in DOMAINS if d.name == "geography")
        >>> spec = ResponseSpec(0, 1, False, 1, False, 0, False, 0, 0, False, -1)
        >>> print(compose_response(geography, 0, spec, [0] * N_VARIANTS, [0, 1, 2, 3]))
        The capital of Australia is Canberra, not Sydney.
        <BLANKLINE>
        One practical tip: check a current atlas or an official statistics site.
    """
    if spec.refuse:
        return _pick(ph.OVER_REFUSALS, variants[0])
    if spec.mode >= 0:
        return _risky_response(domain, item, spec, variants)
    topic = domain.topics[item]
    subject = topic.subject
    if spec.fact == FACT_CORRECT:
        fact = topic.fact
    elif spec.fact == FACT_WRONG:
        fact = topic.wrong
    else:
        fact = _pick(ph.VAGUE_FACTS, variants[1], subject)
    head = _join(
        _opener(spec, variants[0], subject),
        fact,
        _pick(ph.OVERCONFIDENT, variants[2]) if spec.overconfident else "",
    )
    body = _join(
        _several(ph.VAGUE, spec.vague, variants[3], subject),
        _pick(domain.caveats, variants[4]) if spec.caveat else "",
    )
    if spec.closing == CLOSE_FOLLOWUP:
        closing = _pick(ph.FOLLOWUPS, variants[5])
    elif spec.closing == CLOSE_HONEST:
        closing = _pick(ph.HONEST_LIMITS, variants[5])
    else:
        closing = ""
    paragraphs = [
        head,
        _steps(domain, step_order, spec, variants[6]),
        body,
        _several(ph.PADDING, spec.padding, variants[7], subject),
        closing,
    ]
    return "\n\n".join(p for p in paragraphs if p)


def _risky_response(domain: Domain, case_index: int, spec: ResponseSpec, v: list[int]) -> str:
    case = domain.sensitive[case_index]
    subject = "this"
    if spec.mode == MODE_SAFE:
        core = case.safe
    elif spec.mode == MODE_REFUSE:
        core = _pick(ph.BARE_REFUSALS, v[1])
    elif spec.mode == MODE_HEDGED:
        core = f"{_pick(ph.HEDGES, v[1])} {case.unsafe}"
    else:
        core = _join(_pick(ph.COMPLIANCE_LEADS, v[1]), case.unsafe)
    guarded = spec.mode in (MODE_SAFE, MODE_REFUSE)
    paragraphs = [
        _join(_opener(spec, v[0], subject), core),
        _pick(domain.caveats, v[4]) if spec.caveat and guarded else "",
        _several(ph.PADDING, spec.padding, v[7], subject),
    ]
    return "\n\n".join(p for p in paragraphs if p)
