"""Reading judge answers: verdicts and scores (golden cases), G-Eval expected scores checked by
hand, templates, and the both-orders verdict rules."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from rewardkit.errors import ConfigError
from rewardkit.models.judge_parse import TokenLogprob, expected_score, parse_score, parse_verdict
from rewardkit.models.judge_template import load_template, shipped_template
from rewardkit.models.judge_verdicts import combine, pattern, round_robin, round_robin_scores

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "judge_answers.json"


def _golden() -> dict[str, list[dict[str, object]]]:
    doc: dict[str, list[dict[str, object]]] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return doc


@pytest.mark.parametrize("case", _golden()["verdicts"], ids=lambda c: repr(c["text"])[:40])
def test_verdicts_read_as_the_golden_file_says(case: dict[str, object]) -> None:
    reading = parse_verdict(str(case["text"]))
    assert (reading.value, reading.how) == (case["value"], case["how"])


@pytest.mark.parametrize("case", _golden()["scores"], ids=lambda c: repr(c["text"])[:40])
def test_scores_read_as_the_golden_file_says(case: dict[str, object]) -> None:
    reading = parse_score(str(case["text"]))
    assert (reading.value, reading.how) == (case["value"], case["how"])


def test_expected_score_by_hand_at_the_token_that_carries_the_score() -> None:
    # "Score: 4" as three tokens; the digit token's top-5: 4 (0.5), " 5" (0.2), "3" (0.1),
    # a word (0.1, ignored) and " 4" again as another spelling (0.1, added to 4).
    top = (
        (" 4", math.log(0.5)),
        (" 5", math.log(0.2)),
        ("3", math.log(0.1)),
        ("Score", math.log(0.1)),
        ("4", math.log(0.1)),
    )
    tokens = [
        TokenLogprob("Score", 0.0, ()),
        TokenLogprob(":", 0.0, ()),
        TokenLogprob(" 4", 0, top),
    ]
    reading = parse_score("Score: 4")
    value, probs = expected_score(tokens, "Score: 4", reading.offset)  # type: ignore[misc]
    mass = {3: 0.1, 4: 0.6, 5: 0.2}
    total = sum(mass.values())
    assert value == pytest.approx(sum(k * p for k, p in mass.items()) / total, abs=1e-12)
    assert probs == pytest.approx([0.0, 0.0, 0.1 / total, 0.6 / total, 0.2 / total])


def test_expected_score_uses_the_score_line_not_an_earlier_digit() -> None:
    # "2 points off. Score: 4": the digit 2 comes first; the score token is the 4.
    text = "2 points off.\nScore: 4"
    tokens = [
        TokenLogprob("2", 0.0, (("2", 0.0),)),
        TokenLogprob(" points off.\nScore:", 0.0, ()),
        TokenLogprob(" 4", math.log(0.8), ((" 4", math.log(0.8)), (" 3", math.log(0.2)))),
    ]
    value, _ = expected_score(tokens, text, parse_score(text).offset)  # type: ignore[misc]
    assert value == pytest.approx(4 * 0.8 + 3 * 0.2)


def test_no_expected_score_without_logprobs_or_digit_alternatives() -> None:
    assert expected_score(None, "Score: 4", 7) is None
    tokens = [TokenLogprob("Score: ", 0.0, ()), TokenLogprob("4", 0.0, (("four", 0.0),))]
    assert expected_score(tokens, "Score: 4", 7) is None


def test_shipped_templates_render_and_have_the_four_rubrics() -> None:
    pairwise = shipped_template("pairwise")
    user = pairwise.messages(prompt="Q?", response_a="one $5", response_b="two")[-1]["content"]
    assert "one $5" in user
    assert user.index("one $5") < user.index("two")
    absolute = shipped_template("absolute")
    assert [k for k, _ in absolute.rubrics] == ["usefulness", "factuality", "safety", "alignment"]
    with pytest.raises(ConfigError, match="no rubric for criterion 'style'"):
        absolute.rubric("style")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("system: s\nuser: $prompt $response_a\nrepair: r\n", "must use \\$response_b"),
        (
            "user: $prompt $response_a $response_b $extra\nrepair: r\n",
            "unknown placeholder\\(s\\) \\$extra",
        ),
        ("user: $prompt $response_a $response_b costs $5\nrepair: r\n", "'\\$' that starts no"),
        ("user: $prompt $response_a $response_b\n", "'repair' must be a non-empty text"),
        ("user: $prompt $response_a $response_b\nrepair: r\nshots: 3\n", "unknown key"),
        ("- a list\n", "expected a mapping"),
    ],
)
def test_a_bad_template_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_template(path, "pairwise")


def test_an_edited_template_has_another_digest(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    shipped = shipped_template("pairwise")
    path.write_text(
        "user: |\n  $prompt\n  A: $response_a\n  B: $response_b\n  Say Verdict: A or B.\n"
        "repair: Verdict line only.\n"
    )
    mine = load_template(path, "pairwise")
    assert mine.digest != shipped.digest
    assert mine.messages(prompt="q", response_a="x", response_b="y") == [
        {"role": "user", "content": "q\nA: x\nB: y\nSay Verdict: A or B.\n"}
    ]


@pytest.mark.parametrize(
    ("first", "second", "outcome", "kind"),
    [
        ("A", "B", "x", "consistent"),  # x wins in both orders
        ("B", "A", "y", "consistent"),  # y wins in both orders
        ("tie", "tie", "tie", "consistent"),
        ("A", "A", "tie", "AA"),  # the first position won twice: inconsistent -> tie
        ("B", "B", "tie", "BB"),
        ("A", "tie", "tie", "mixed"),
        ("tie", "A", "tie", "mixed"),
        (None, "B", "tie", "invalid"),
    ],
)
def test_both_orders_rules(first: str | None, second: str, outcome: str, kind: str) -> None:
    assert combine(first, second) == outcome
    assert pattern(first, second) == kind


def test_round_robin_copeland_scores_by_hand() -> None:
    # 4 responses; outcomes of (0,1) (0,2) (0,3) (1,2) (1,3) (2,3):
    outcomes = ["x", "x", "tie", "y", "x", "y"]
    assert round_robin(4) == [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    # 0: 1 + 1 + 0.5 (tie with 3); 1: 1 (beats 3); 2: 1 (beats 1); 3: 0.5 + 1 (beats 2)
    np.testing.assert_array_equal(round_robin_scores(4, outcomes), [2.5, 1.0, 1.0, 1.5])
