"""Pre-registration files: the experiment, its plan and decision rule, the time they were
recorded, and a SHA-256 of their canonical content.

The canonical content is the document without its ``sha256`` field, serialised as JSON with
sorted keys, no whitespace and UTF-8 (``json.dumps(doc, sort_keys=True,
separators=(",", ":"), ensure_ascii=False)``), so the hash does not depend on YAML vs JSON or
on key order. An analysis refuses a file whose hash no longer matches (metrics, margins, rule or
time edited after it was recorded) and one recorded after the data log's first timestamp.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from rewardkit.abtest.power import Plan
from rewardkit.abtest.spec import ExperimentConfig
from rewardkit.config import validation_problems
from rewardkit.errors import DataError

__all__ = [
    "KIND",
    "Preregistration",
    "build_prereg",
    "canonical_sha256",
    "check_recorded_before",
    "dump_prereg",
    "load_prereg",
    "parse_time",
    "verify_prereg",
]

KIND = "rewardkit-abtest-preregistration"


def canonical_sha256(doc: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of ``doc`` without its ``sha256`` key.

    Example:
        >>> canonical_sha256({"b": 1, "a": [1.5]}) == canonical_sha256({"a": [1.5], "b": 1})
        True
    """
    body = {k: v for k, v in doc.items() if k != "sha256"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_time(value: Any, *, path: str | Path | None = None, field: str = "time") -> datetime:
    """An ISO-8601 time (a naive one is read as UTC), or a one-line :class:`DataError`.

    Example:
        >>> parse_time("2026-01-02T03:04:05Z").isoformat()
        '2026-01-02T03:04:05+00:00'
    """
    if isinstance(value, datetime):
        t = value
    else:
        try:
            t = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            raise DataError(f"not an ISO-8601 time: {value!r}", path=path, field=field) from None
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def _rule_text(cfg: ExperimentConfig) -> list[str]:
    d = cfg.decision
    which = "at least one" if d.primary == "any" else "every"
    test = {
        "fixed": "fixed-horizon two-sided tests",
        "sequential": "mSPRT always-valid p-values and confidence sequences",
        "paired": "paired tests on the same units",
    }[cfg.design]
    return [
        f"Tests: {test}; primary metrics {d.adjust}-adjusted at alpha {cfg.alpha}.",
        "don't ship: a primary metric significantly worse, or a guardrail shown worse than "
        f"its margin ((1 - 2 x {d.guardrail_alpha}) interval entirely beyond it).",
        f"ship: {which} primary metric significantly better, every guardrail shown "
        f"non-inferior (one-sided p < {d.guardrail_alpha}), and no sample-ratio mismatch "
        f"(chi-square p >= {d.srm_alpha}).",
        "inconclusive: anything else.",
    ]


def build_prereg(cfg: ExperimentConfig, plan: Plan, recorded_at: datetime) -> dict[str, Any]:
    """The pre-registration document of ``cfg`` with its plan, hashed.

    Example:
        >>> from rewardkit.abtest.power import plan_experiment
        >>> from rewardkit.abtest.spec import MetricSpec
        >>> cfg = ExperimentConfig(
        ...     name="x", metrics=[MetricSpec(name="s", kind="binary", baseline=0.5, mde=0.1)]
        ... )
        >>> doc = build_prereg(cfg, plan_experiment(cfg), parse_time("2026-01-01T00:00:00"))
        >>> doc["sha256"] == canonical_sha256(doc), doc["plan"]["n_control"]
        (True, 388)
    """
    doc: dict[str, Any] = {
        "kind": KIND,
        "schema_version": 1,
        "recorded_at": recorded_at.astimezone(UTC).isoformat(),
        "experiment": cfg.model_dump(mode="json"),
        "plan": plan.to_json(),
        "decision_rule": _rule_text(cfg),
    }
    doc["sha256"] = canonical_sha256(doc)
    return doc


def dump_prereg(doc: dict[str, Any], path: Path) -> str:
    """The text of ``doc`` as JSON (``.json``) or YAML (any other suffix)."""
    if path.suffix.lower() == ".json":
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    return str(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))


@dataclass(frozen=True)
class Preregistration:
    """A verified pre-registration."""

    path: Path | None
    experiment: ExperimentConfig
    recorded_at: datetime
    sha256: str
    document: dict[str, Any]


def verify_prereg(doc: Any, path: Path | None = None) -> Preregistration:
    """Check a loaded pre-registration document (kind, hash, experiment) and type it."""
    if not isinstance(doc, dict) or doc.get("kind") != KIND:
        raise DataError("not a rewardkit A/B pre-registration", path=path, field="kind")
    recorded = doc.get("sha256")
    if not isinstance(recorded, str) or recorded != canonical_sha256(doc):
        raise DataError(
            "content changed since it was recorded (its SHA-256 no longer matches: metrics, "
            "margins, decision rule or time were edited); refusing to analyse",
            path=path,
            field="sha256",
        )
    try:
        cfg = ExperimentConfig(**doc.get("experiment", {}))
    except (ValidationError, TypeError) as exc:
        detail = validation_problems(exc) if isinstance(exc, ValidationError) else str(exc)
        raise DataError(f"invalid experiment: {detail}", path=path, field="experiment") from None
    when = parse_time(doc.get("recorded_at"), path=path, field="recorded_at")
    return Preregistration(path, cfg, when, recorded, doc)


def load_prereg(path: Path) -> Preregistration:
    """Read and verify a pre-registration file (YAML or JSON).

    Raises:
        DataError: unreadable, not a pre-registration, or its hash does not match.
    """
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(f"cannot read pre-registration: {exc}", path=path) from None
    return verify_prereg(doc, Path(path))


def check_recorded_before(
    prereg: Preregistration, first_time: datetime, data: str | Path | None
) -> None:
    """Refuse when the pre-registration was recorded after data collection started.

    Example:
        >>> from rewardkit.abtest.power import plan_experiment
        >>> from rewardkit.abtest.spec import MetricSpec
        >>> cfg = ExperimentConfig(
        ...     name="x", metrics=[MetricSpec(name="s", kind="binary", baseline=0.5, mde=0.1)]
        ... )
        >>> doc = build_prereg(cfg, plan_experiment(cfg), parse_time("2026-01-02T00:00:00"))
        >>> try:
        ...     check_recorded_before(verify_prereg(doc), parse_time("2026-01-01"), None)
        ... except DataError as exc:
        ...     print(str(exc)[:60])
        field 'recorded_at': recorded 2026-01-02T00:00:00+00:00 afte
    """
    if prereg.recorded_at > first_time:
        raise DataError(
            f"recorded {prereg.recorded_at.isoformat()} after data collection started "
            f"({first_time.isoformat()}, first timestamp of {data or 'the log'}); a "
            "pre-registration must precede the data",
            path=prereg.path,
            field="recorded_at",
        )
