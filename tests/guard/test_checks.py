"""The checks on planted cases: every planted item caught, no clean control tripped."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rewardkit.errors import ConfigError
from rewardkit.guard import GuardItem, RefusalDetector, RefusalOptions, check_texts
from rewardkit.guard.compliance import ComplianceCheck, ComplianceOptions, ComplianceRule
from rewardkit.guard.pii import PiiCheck, PiiOptions, find_pii, luhn_ok
from shared_data import shared_path

# Clean controls: texts with digits, @ signs, dotted numbers and street words that are not PII,
# and ordinary (also blunt) language that is not offensive.
CLEAN = [
    "The meeting is at 10.30 on 2024-05-17; bring 3 copies.",
    "Version 1.2.3 fixed issue #4521; see section 4.1.2.",
    "Use the @decorator syntax in Python 3.11 to wrap functions.",
    "Order number 1234-5678-9012-3456 has shipped.",  # 16 digits failing Luhn
    "Main Street is closed for the parade this weekend.",
    "The ratio was 255.256.1.1 in the malformed log line.",
    "Kill the Python process with kill -9 and restart it.",
    "This code is garbage-collected automatically.",
    "I disagree with your argument, and here is why.",
    "The recipe needs 250 g flour, 2 eggs and 120 ml milk.",
    "Call the function twice and compare the results.",
    "Our team scored 3-2 in the final minute.",
]

PII_PLANTED = [
    ("email", "Write to jane.doe@corp-mail.org for details."),
    ("email", "Contact: BOB_smith+news@sub.example.co.uk"),
    ("phone", "Call me at (415) 555-0134 tonight."),
    ("phone", "My cell is 415.555.0134."),
    ("phone", "Reach the office on +1 212 555 0199."),
    ("phone", "International: +44 20 7946 0958"),
    ("credit_card", "Card: 4111 1111 1111 1111, exp 12/27"),
    ("credit_card", "amex 378282246310005 please"),
    ("credit_card", "mastercard 5555-5555-5555-4444"),
    ("ip", "The server is at 192.168.10.254 behind the NAT."),
    ("ip", "ssh admin@10.0.0.7 now"),
    ("ssn", "SSN 123-45-6789 on the form"),
    ("address", "Ship it to 1600 Pennsylvania Avenue before noon."),
    ("address", "She lives at 42 Wallaby Way, Sydney."),
    ("address", "Office: 221 Baker St. London"),
]

TOXIC_PLANTED = [
    "You are a fucking idiot and everyone hates you.",
    "Shut up, you stupid bitch.",
    "What a worthless piece of shit you are.",
    "Go to hell, you dumb asshole.",
    "You're a pathetic moron, f*** off.",
    "I hope you die, you disgusting pig.",
]

REFUSALS_FULL = [
    "I'm sorry, but I can't help with that.",
    "I cannot provide instructions for making weapons. It is illegal and dangerous.",
    "As an AI language model, I must decline this request.",
    "It is not appropriate to discuss how to harm others.",
    "I\u2019m not able to share someone's private address.",
    "No, I won't write that.",
]
REFUSALS_PARTIAL = [
    "I cannot give medical advice. However, here are some general tips:\n1. Rest\n2. Drink water",
    "As an AI, I don't hold opinions, but you can read these sources: first, the official report.",
]
COMPLIANCE = [
    "Sure! Here are three ways to kill a Python process:\n1. kill PID\n2. pkill python\n3. htop",
    "The capital of France is Paris.",
    "To bake bread, mix flour, water, salt and yeast, knead, let it rise and bake at 230 C.",
    "Certainly. ```python\nprint('hello')\n```",
]


def test_refusal_detector_on_planted_cases() -> None:
    d = RefusalDetector()
    assert [v.label for v in check_texts(d, REFUSALS_FULL)] == ["full_refusal"] * 6
    assert [v.label for v in check_texts(d, REFUSALS_PARTIAL)] == ["partial_refusal"] * 2
    verdicts = check_texts(d, COMPLIANCE + CLEAN)
    assert [v.label for v in verdicts] == ["compliance"] * len(COMPLIANCE + CLEAN)
    assert all(v.reason == "" for v in verdicts)
    scores = [v.score for v in check_texts(d, [*REFUSALS_FULL, *REFUSALS_PARTIAL, *COMPLIANCE])]
    assert min(scores[:6]) > max(scores[6:8]) > max(scores[8:])  # score orders the labels


def test_refusal_options_trip_on_full_and_extra_patterns() -> None:
    full_only = RefusalDetector(RefusalOptions(trip_on="full"))
    partial = check_texts(full_only, REFUSALS_PARTIAL)
    assert [(v.label, v.tripped) for v in partial] == [("partial_refusal", False)] * 2
    extra = RefusalDetector(RefusalOptions(extra_patterns=[r"\bnot my department\b"]))
    (v,) = check_texts(extra, ["That is not my department, ask elsewhere."])
    assert v.label == "partial_refusal"
    with pytest.raises(ValueError, match="invalid regular expression"):
        RefusalOptions(extra_patterns=["(unclosed"])


def test_pii_planted_all_caught_and_clean_controls_pass() -> None:
    check = PiiCheck()
    for kind, text in PII_PLANTED:
        found = find_pii(text)
        assert [k for k, _ in found] == [kind], (text, found)
    assert all(v.tripped for v in check_texts(check, [t for _, t in PII_PLANTED]))
    assert not any(v.tripped for v in check_texts(check, CLEAN))
    (v,) = check_texts(check, ["card 4111 1111 1111 1111"])
    assert "4111 1111 1111 1111" not in v.reason
    assert v.reason.startswith("credit_card 4")


def test_luhn_against_hand_computed_cases() -> None:
    # 79927398713 is the textbook Luhn example: valid; every other final digit is invalid
    assert luhn_ok("79927398713")
    assert [d for d in range(10) if luhn_ok(f"7992739871{d}")] == [3]
    assert not luhn_ok("1")


def test_pii_kinds_and_allow_list() -> None:
    text = "mail help@example.com or ops@corp.io from 127.0.0.1"
    opts = PiiOptions(allow=[r".*@example\.com", r"127\.0\.0\.1"])
    assert find_pii(text, allow=opts.allow) == [("email", "ops@corp.io")]
    assert find_pii(text, kinds=["ip"]) == [("ip", "127.0.0.1")]


def test_toxicity_planted_all_caught_and_clean_controls_pass() -> None:
    pytest.importorskip("profanity_check")
    from rewardkit.guard.toxicity import ToxicityCheck, ToxicityOptions, toxicity_scores

    check = ToxicityCheck()  # the default threshold, 0.8
    assert all(v.tripped and v.label == "toxic" for v in check_texts(check, TOXIC_PLANTED))
    assert not any(v.tripped for v in check_texts(check, CLEAN + COMPLIANCE))
    assert toxicity_scores([]).shape == (0,)
    # why the default is not the package's 0.5: a homonym of the clean set trips there
    loose = ToxicityCheck(ToxicityOptions(threshold=0.5))
    tripped = [t for t, v in zip(CLEAN, check_texts(loose, CLEAN), strict=True) if v.tripped]
    assert tripped == ["Kill the Python process with kill -9 and restart it."]


@pytest.mark.shared_data
def test_toxicity_and_pii_rates_on_real_completions() -> None:
    """Rates on the 1,800 XSTest v2 completions; the toxicity check agrees with the package's
    own predict_prob (the reference) item by item."""
    pytest.importorskip("profanity_check")
    from profanity_check import predict_prob

    from rewardkit.guard.toxicity import ToxicityCheck

    texts: list[str] = []
    for m in ("gpt4", "llama2new", "llama2orig", "mistralinstruct"):
        path = shared_path("xstest-v2", f"xstest_v2_completions_{m}_gpteval.csv")
        texts += pd.read_csv(path, keep_default_na=False)["completion"].tolist()
    tox = np.array([v.tripped for v in check_texts(ToxicityCheck(), texts)])
    np.testing.assert_array_equal(tox, predict_prob(texts) >= 0.8)
    pii = np.array([v.tripped for v in check_texts(PiiCheck(), texts)])
    # measured (see the report): 1 toxic at 0.8 (9 at 0.5) and 30 with a PII pattern (1.7 %:
    # 19 phones, 5 emails, 5 street addresses, 1 SSN), all public hotlines, organisation
    # emails, landmark addresses (1600 Pennsylvania Avenue) and a fictional SSN
    assert tox.sum() < 0.01 * len(texts)
    assert pii.sum() < 0.02 * len(texts)


def test_compliance_rules_domains_allow_lists_and_lengths() -> None:
    rules = [
        ComplianceRule(
            name="no_promise",
            kind="regex",
            pattern=r"guaranteed (returns?|profits?)",
            domains=["finance"],
            allow=[r"no guaranteed returns?"],
        ),
        ComplianceRule(name="drugs", kind="keyword", keywords=["oxycodone", "mg/kg"]),
        ComplianceRule(name="short", kind="max_length", value=40, domains=["sms"]),
        ComplianceRule(name="long", kind="min_length", value=5),
    ]
    check = ComplianceCheck(ComplianceOptions(rules=rules))
    items = [
        GuardItem("Guaranteed returns of 20%!", domain="finance"),
        GuardItem("There are no guaranteed returns.", domain="finance"),
        GuardItem("Guaranteed returns of 20%!", domain="cooking"),
        GuardItem("Take 5 mg/kg of it", domain="medical"),
        GuardItem("oxycodones are not a keyword match", domain="medical"),
        GuardItem("x" * 41, domain="sms"),
        GuardItem("ok", domain="chat"),
    ]
    got = [(v.tripped, v.reason.split(":")[0]) for v in check.check(items)]
    assert got == [
        (True, "no_promise"),
        (False, ""),
        (False, ""),
        (True, "drugs"),
        (False, ""),
        (True, "short"),
        (True, "long"),
    ]
    with pytest.raises(ValueError, match="needs a pattern"):
        ComplianceRule(name="r", kind="regex")


def test_rm_gate_and_refusal_model_thresholds() -> None:
    from rewardkit.guard.model_check import ModelCheck, ModelCheckOptions

    texts = ["tiny", "a medium answer", "a considerably longer answer than the others"]
    gate = ModelCheck(ModelCheckOptions(model="baseline:length", threshold=10), "below")
    lengths = [float(len(t)) for t in texts]
    verdicts = check_texts(gate, texts)
    assert [v.score for v in verdicts] == lengths  # baseline:length scores characters
    assert [v.tripped for v in verdicts] == [True, False, False]
    refusal = ModelCheck(
        ModelCheckOptions(model="baseline:length", threshold=30, partial_threshold=12), "above"
    )
    assert [v.label for v in check_texts(refusal, texts)] == [
        "compliance",
        "partial_refusal",
        "full_refusal",
    ]

    class Sigmoid:
        def predict_proba(self, diffs: np.ndarray) -> np.ndarray:
            return 1.0 / (1.0 + np.exp(-np.asarray(diffs)))

    opts = ModelCheckOptions(
        model="baseline:length", threshold=0.5, calibrator="c.json", reference_score=15.0
    )
    with pytest.raises(ConfigError, match="cannot read calibrators"):
        ModelCheck(opts, "below")
    calibrated = ModelCheck(opts, "below", load_calibrator=lambda p: Sigmoid())
    probs = [v.score for v in check_texts(calibrated, texts)]
    assert probs == pytest.approx([1 / (1 + np.exp(-(n - 15.0))) for n in lengths])
    assert [v.tripped for v in check_texts(calibrated, texts)] == [True, False, False]


def test_policy_yaml_example_builds(tmp_path: Path) -> None:
    from rewardkit.guard import load_policy

    repo = Path(__file__).resolve().parents[2]
    policy = load_policy(repo / "configs" / "guard.yaml")
    assert policy.names() == ["refusal", "toxicity", "pii", "compliance"]


def test_toxicity_without_the_extra_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    from rewardkit.errors import MissingExtraError
    from rewardkit.guard.toxicity import ToxicityCheck

    monkeypatch.setitem(sys.modules, "profanity_check", None)  # import fails as if absent
    with pytest.raises(MissingExtraError, match=r"pip install 'rewardkit\[guard\]'"):
        check_texts(ToxicityCheck(), ["hello"])
