"""Demo domains: typed records parsed from the compact vocabulary blocks in ``vocab_*.py``.

A vocabulary block lists domains; each line starts with a one-character tag:

- ``== name`` starts a domain; the next line holds ``difficulty x | fact x | caveat x |
  sensitive x`` (how often weak answers get facts wrong, how much a wrong fact costs, how much a
  missing caveat costs safety, the share of risky requests among the domain's prompts).
- ``?`` a prompt template with a ``{subject}`` slot; ``>`` a practical step; ``!`` a caveat.
- ``*`` a topic's subject, followed by ``+`` its correct key fact and ``-`` a wrong version.
- ``@`` a risky request, ``=`` the safe reply's core, ``x`` an unsafe compliance; consecutive
  lines with the same tag are one text joined by spaces.
"""

from __future__ import annotations

from dataclasses import dataclass

from rewardkit.data.demo.vocab_everyday import EVERYDAY
from rewardkit.data.demo.vocab_knowledge import KNOWLEDGE
from rewardkit.data.demo.vocab_people import PEOPLE
from rewardkit.data.demo.vocab_risk import RISK
from rewardkit.data.demo.vocab_support import SUPPORT


@dataclass(frozen=True)
class Topic:
    """A subject of the domain with its correct key fact and a plausible wrong version."""

    subject: str
    fact: str
    wrong: str


@dataclass(frozen=True)
class SensitiveCase:
    """A risky request with the core of a safe reply and of an unsafe compliance."""

    request: str
    safe: str
    unsafe: str


@dataclass(frozen=True)
class Domain:
    """One demo domain: its difficulty, criterion emphasis and vocabulary."""

    name: str
    difficulty: float
    fact_stakes: float
    caveat_stakes: float
    sensitive_rate: float
    templates: tuple[str, ...]
    steps: tuple[str, ...]
    caveats: tuple[str, ...]
    topics: tuple[Topic, ...]
    sensitive: tuple[SensitiveCase, ...]


_PARAMS = {"difficulty", "fact", "caveat", "sensitive"}


class _DomainBuilder:
    def __init__(self, name: str) -> None:
        self.name = name
        self.params: dict[str, float] = {}
        self.lists: dict[str, list[str]] = {tag: [] for tag in "?>!*+-@=x"}
        self.last_tag = ""

    def add(self, tag: str, text: str) -> None:
        joinable = tag in "@=x" and tag == self.last_tag
        if joinable:
            self.lists[tag][-1] += " " + text
        else:
            self.lists[tag].append(text)
        self.last_tag = tag

    def build(self) -> Domain:
        lists = self.lists
        if set(self.params) != _PARAMS:
            raise ValueError(f"domain {self.name!r}: parameters must be {sorted(_PARAMS)}")
        if not len(lists["*"]) == len(lists["+"]) == len(lists["-"]) >= 8:
            raise ValueError(f"domain {self.name!r}: needs >= 8 topics, each with + and -")
        if not len(lists["@"]) == len(lists["="]) == len(lists["x"]):
            raise ValueError(f"domain {self.name!r}: each @ request needs = and x replies")
        if len(lists["?"]) < 3 or len(lists[">"]) < 4 or not lists["!"]:
            raise ValueError(f"domain {self.name!r}: needs >= 3 templates, 4 steps, 1 caveat")
        if any("{subject}" not in t for t in lists["?"]):
            raise ValueError(f"domain {self.name!r}: every template needs a {{subject}} slot")
        if (self.params["sensitive"] > 0) != bool(lists["@"]):
            raise ValueError(f"domain {self.name!r}: sensitive > 0 exactly when @ cases exist")
        return Domain(
            name=self.name,
            difficulty=self.params["difficulty"],
            fact_stakes=self.params["fact"],
            caveat_stakes=self.params["caveat"],
            sensitive_rate=self.params["sensitive"],
            templates=tuple(lists["?"]),
            steps=tuple(lists[">"]),
            caveats=tuple(lists["!"]),
            topics=tuple(
                Topic(s, f, w) for s, f, w in zip(lists["*"], lists["+"], lists["-"], strict=True)
            ),
            sensitive=tuple(
                SensitiveCase(r, s, u)
                for r, s, u in zip(lists["@"], lists["="], lists["x"], strict=True)
            ),
        )


def parse_domains(block: str) -> tuple[Domain, ...]:
    """Parse a vocabulary block (format in the module docstring) into domains.

    Example:
        >>> from rewardkit.data.demo.vocab_knowledge import KNOWLEDGE
        >>> parse_domains(KNOWLEDGE)[0].name
        'history'
    """
    domains: list[Domain] = []
    current: _DomainBuilder | None = None
    expect_params = False
    for raw in block.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("=="):
            if current is not None:
                domains.append(current.build())
            current = _DomainBuilder(line[2:].strip())
            expect_params = True
            continue
        if current is None:
            raise ValueError(f"text before the first domain: {line!r}")
        if expect_params:
            for part in line.split("|"):
                key, value = part.split()
                current.params[key] = float(value)
            expect_params = False
            continue
        tag, text = line[0], line[1:].strip()
        if tag not in current.lists or not text:
            raise ValueError(f"domain {current.name!r}: bad line {line!r}")
        current.add(tag, text)
    if current is not None:
        domains.append(current.build())
    return tuple(domains)


DOMAINS: tuple[Domain, ...] = tuple(
    d for block in (RISK, SUPPORT, KNOWLEDGE, EVERYDAY, PEOPLE) for d in parse_domains(block)
)
"""All demo domains in a fixed order (the order decides domain indices)."""

DOMAIN_NAMES: tuple[str, ...] = tuple(d.name for d in DOMAINS)
