"""Guard policies: composition, penalties, one-line errors, and the python: spec gate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rewardkit.errors import ConfigError
from rewardkit.guard import GuardItem, apply_guard, load_policy, policy_from_mapping


def _policy(**extra: object) -> dict[str, object]:
    return {
        "penalty": 1.5,
        "checks": [
            {"name": "pii", "type": "pii", "action": "block"},
            {
                "name": "rules",
                "type": "compliance",
                "action": "block",
                "penalty": 4.0,
                "options": {"rules": [{"name": "no_x", "kind": "keyword", "keywords": ["xyzzy"]}]},
            },
            {"name": "refusal", "type": "refusal", "action": "flag"},
        ],
        **extra,
    }


def test_blocked_flagged_and_penalties() -> None:
    policy = policy_from_mapping(_policy())
    texts = [
        "plain answer",
        "mail me at a@b.io",
        "xyzzy and a@b.io",
        "I'm sorry, I can't help with that.",
    ]
    res = policy.run([GuardItem(t) for t in texts])
    assert res.blocked.tolist() == [False, True, True, False]
    assert res.flagged.tolist() == [False, False, False, True]
    # the largest penalty of the blocking checks that tripped; a flag costs nothing
    assert res.penalties.tolist() == [0.0, 1.5, 4.0, 0.0]
    np.testing.assert_array_equal(apply_guard(policy, texts), res.penalties)
    assert res.reasons[2] == "pii (block): email a****o | rules (block): no_x: 'xyzzy'"
    table = res.table()
    assert list(table["pii.tripped"]) == [False, True, True, False]
    assert table.loc[3, "refusal.label"] == "full_refusal"


def test_apply_guard_checks_lengths_and_uses_domains() -> None:
    policy = policy_from_mapping(
        {
            "checks": [
                {
                    "name": "c",
                    "type": "compliance",
                    "options": {
                        "rules": [
                            {
                                "name": "fin",
                                "kind": "regex",
                                "pattern": "guaranteed",
                                "domains": ["finance"],
                            }
                        ]
                    },
                }
            ]
        }
    )
    got = apply_guard(policy, ["guaranteed", "guaranteed"], domains=["finance", "chat"])
    assert got.tolist() == [1.0, 0.0]
    with pytest.raises(ValueError, match="1 prompts for 2 texts"):
        apply_guard(policy, ["a", "b"], prompts=["p"])


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"checks": []}, "invalid guard policy: checks"),
        ({"checks": [{"name": "a", "type": "nope"}]}, "unknown guard check 'nope'; available: "),
        (
            {"checks": [{"name": "a", "type": "pii", "options": {"kinds": ["dna"]}}]},
            "check 'a' (pii): invalid options: kinds.0",
        ),
        ({"checks": [{"name": "a", "type": "pii"}, {"name": "a", "type": "pii"}]}, "repeated: a"),
        ({"checks": [{"name": "a", "type": "pii", "action": "drop"}]}, "checks.0.action"),
    ],
)
def test_policy_errors_are_one_line(doc: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")) as exc:
        policy_from_mapping(doc, where="p.yaml: ")
    assert "\n" not in str(exc.value)
    assert str(exc.value).startswith(("p.yaml: ", "unknown"))


def test_policy_file_and_python_spec_gate(tmp_path: Path) -> None:
    path = tmp_path / "guard.yaml"
    path.write_text(
        "checks:\n  - name: gate\n    type: rm_gate\n"
        "    options: {model: 'python:math:fsum', threshold: 0.0}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="only with --allow-python") as exc:
        load_policy(path)
    assert str(exc.value).startswith(f"{path}: ")
    path.write_text("policy:\n  checks:\n    - {name: p, type: pii}\n", encoding="utf-8")
    assert load_policy(path).names() == ["p"]  # a policy kept under policy:, as configs/
