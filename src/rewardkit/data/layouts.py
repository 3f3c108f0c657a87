"""Known preference-data layouts, their detection, and conversion to :class:`PreferenceItem`.

Responses may be empty strings in every layout (a model may answer nothing; several public sets
contain such answers): they are scored like any other response and counted in the load report.

Layouts:

- ``rewardbench`` (also the native layout): ``prompt``, ``chosen``, ``rejected`` as strings
  (RewardBench v1) or lists of strings (RewardBench 2), optional ``subset``, ``domain``, ``id``,
  ``tie``, ``margin``, ``source``, ``chosen_model``/``rejected_model``,
  ``chosen_scores``/``rejected_scores`` (human scores per response).
- ``trl``: ``chosen``/``rejected`` as lists of ``{role, content}`` messages, the prompt either
  implicit (the shared leading messages) or explicit (a ``prompt`` message list or string).
- ``hh-rlhf``: Anthropic transcripts ``"\\n\\nHuman: ...\\n\\nAssistant: ..."`` with no prompt
  field; the prompt is the longest common prefix cut back to the last ``\\n\\nAssistant:``.
- ``judgebench``: ``question``, ``response_A``, ``response_B``, ``label`` (``A>B``/``B>A``).
- ``pandalm``: ``instruction``, ``input``, ``response1``, ``response2`` and three human labels
  ``annotator1..3`` (0 tie, 1 or 2 the better response); the majority label decides, a majority
  of 0 is a labelled tie.
- ``rmb-bon``: RMB's best-of-N set: ``conversation_input`` (messages), ``bon_best`` and
  ``loser_list`` (``{llm_name, answer}``); domain Helpfulness/Harmlessness, subset the scenario.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rewardkit.data.fields import FieldReader
from rewardkit.data.readers import Row
from rewardkit.data.records import ChatMessage, PreferenceItem, Prompt
from rewardkit.errors import DataError

LAYOUTS = ("rewardbench", "trl", "hh-rlhf", "judgebench", "pandalm", "rmb-bon")

_ASSISTANT = "\n\nAssistant:"
_TURN = re.compile(r"\n\n(Human|Assistant):")


def detect_layout(rows: list[Row], path: Path) -> str:
    """Name the layout of ``rows`` from their fields (the first row decides).

    Example:
        >>> detect_layout([{"prompt": "p", "chosen": "a", "rejected": "b"}], Path("x.jsonl"))
        'rewardbench'
    """
    first = rows[0]
    keys = {k for k in first if not k.startswith("__")}
    if {"response_A", "response_B", "label"} <= keys:
        return "judgebench"
    if {"response1", "response2", "annotator1"} <= keys:
        return "pandalm"
    if {"conversation_input", "bon_best", "loser_list"} <= keys:
        return "rmb-bon"
    if keys & {"chosen", "rejected"}:
        # One of the two may be missing; the converter then reports it as a missing field.
        sample = first.get("chosen", first.get("rejected"))
        if isinstance(sample, list) and sample and isinstance(sample[0], dict):
            return "trl"
        if "prompt" not in keys and isinstance(sample, str):
            return "hh-rlhf"
        return "rewardbench"
    raise DataError(
        f"unrecognised layout: fields {sorted(keys)}; expected one of: "
        "prompt/chosen/rejected (RewardBench v1/v2), chosen/rejected message lists (TRL), "
        "chosen/rejected transcripts (HH-RLHF), question/response_A/response_B/label "
        "(JudgeBench)",
        path=path,
        row=int(first.get("__row__", 1)),
    )


def _common(f: FieldReader, default_id: str) -> dict[str, Any]:
    item_id = f.optional_text("id") or f.optional_text("pair_id") or default_id
    return {
        "id": item_id,
        "subset": f.optional_text("subset"),
        "domain": f.optional_text("domain"),
        "tie": f.boolean("tie"),
        "margin": f.number("margin"),
        "source": f.optional_text("source"),
        "chosen_model": f.optional_text("chosen_model"),
        "rejected_model": f.optional_text("rejected_model"),
    }


def _human_scores(f: FieldReader, n_chosen: int, n_rejected: int) -> dict[str, Any]:
    chosen = f.numbers("chosen_scores", n_chosen)
    if chosen is None:
        chosen = f.numbers("chosen_score", n_chosen)
    rejected = f.numbers("rejected_scores", n_rejected)
    if rejected is None:
        rejected = f.numbers("rejected_score", n_rejected)
    if (chosen is None) != (rejected is None):
        missing = "rejected_scores" if rejected is None else "chosen_scores"
        raise f.error(missing, "human scores must be given for both chosen and rejected")
    return {"chosen_scores": chosen, "rejected_scores": rejected}


def _messages(f: FieldReader, field: str, value: Any) -> tuple[ChatMessage, ...]:
    if isinstance(value, str):
        return (ChatMessage("user", value),)
    if not isinstance(value, list) or not value:
        raise f.error(field, "expected a non-empty list of {role, content} messages")
    out = []
    for i, m in enumerate(value):
        if (
            not isinstance(m, dict)
            or not isinstance(m.get("role"), str)
            or not isinstance(m.get("content"), str)
        ):
            raise f.error(f"{field}[{i}]", "expected a message {role: str, content: str}")
        out.append(ChatMessage(m["role"], m["content"]))
    return tuple(out)


def _from_rewardbench(f: FieldReader, default_id: str) -> PreferenceItem:
    prompt_value = f.row.get("prompt")
    prompt: Prompt
    if isinstance(prompt_value, list):
        prompt = _messages(f, "prompt", prompt_value)
    else:
        prompt = f.text("prompt", allow_empty=True)
    chosen = f.responses("chosen")
    rejected = f.responses("rejected")
    return PreferenceItem(
        prompt=prompt,
        chosen=chosen,
        rejected=rejected,
        **_common(f, default_id),
        **_human_scores(f, len(chosen), len(rejected)),
    )


def _final_assistant(f: FieldReader, field: str) -> tuple[tuple[ChatMessage, ...], str]:
    msgs = _messages(f, field, f.row.get(field))
    if msgs[-1].role != "assistant":
        raise f.error(field, "the last message must be the assistant's response")
    return msgs[:-1], msgs[-1].content


def _from_trl(f: FieldReader, default_id: str) -> PreferenceItem:
    c_prefix, chosen = _final_assistant(f, "chosen")
    r_prefix, rejected = _final_assistant(f, "rejected")
    if c_prefix != r_prefix:
        raise f.error(
            "rejected", "chosen and rejected conversations differ before their final assistant turn"
        )
    prompt: Prompt
    if f.has("prompt"):
        value = f.row["prompt"]
        explicit = (
            _messages(f, "prompt", value)
            if isinstance(value, list)
            else (ChatMessage("user", f.text("prompt")),)
        )
        prompt = explicit + c_prefix
        if not c_prefix and isinstance(value, str):
            prompt = value
    else:
        if not c_prefix:
            raise f.error("prompt", "missing field (no prompt and no shared user turns)")
        prompt = c_prefix
    return PreferenceItem(
        prompt=prompt,
        chosen=(chosen,),
        rejected=(rejected,),
        **_common(f, default_id),
        **_human_scores(f, 1, 1),
    )


def split_hh_transcripts(chosen: str, rejected: str) -> tuple[str, str, str] | None:
    """Split two HH-RLHF transcripts into (prompt, chosen response, rejected response).

    The prompt is their longest common prefix cut back to its last ``\\n\\nAssistant:``.

    Example:
        >>> split_hh_transcripts("\\n\\nHuman: hi\\n\\nAssistant: hello",
        ...                      "\\n\\nHuman: hi\\n\\nAssistant: go away")
        ('\\n\\nHuman: hi', 'hello', 'go away')
    """
    n = min(len(chosen), len(rejected))
    i = 0
    while i < n and chosen[i] == rejected[i]:
        i += 1
    cut = chosen.rfind(_ASSISTANT, 0, i)
    if cut < 0:
        return None
    start = cut + len(_ASSISTANT)
    return chosen[:cut], chosen[start:].strip(), rejected[start:].strip()


def hh_prompt_messages(prompt: str) -> tuple[ChatMessage, ...]:
    """Parse an HH-RLHF prompt transcript into chat messages.

    Example:
        >>> hh_prompt_messages("\\n\\nHuman: hi\\n\\nAssistant: hello\\n\\nHuman: bye")
        (ChatMessage(role='user', content='hi'), ChatMessage(role='assistant', content='hello'), ChatMessage(role='user', content='bye'))
    """  # noqa: E501
    parts = _TURN.split(prompt)
    messages = []
    for speaker, content in zip(parts[1::2], parts[2::2], strict=True):
        messages.append(ChatMessage("user" if speaker == "Human" else "assistant", content.strip()))
    return tuple(messages)


def _from_hh(f: FieldReader, default_id: str) -> PreferenceItem:
    chosen_t = f.text("chosen")
    rejected_t = f.text("rejected")
    split = split_hh_transcripts(chosen_t, rejected_t)
    if split is None:
        raise f.error(
            "chosen",
            "no shared prompt ending in '\\n\\nAssistant:' between chosen and rejected transcripts",
        )
    prompt, chosen, rejected = split
    for field, text in (("chosen", chosen), ("rejected", rejected)):
        if _TURN.search(text):
            raise f.error(
                field,
                "chosen and rejected transcripts diverge before the final "
                "assistant turn (the response would span several turns)",
            )
    messages = hh_prompt_messages(prompt)
    return PreferenceItem(
        prompt=messages or prompt, chosen=(chosen,), rejected=(rejected,), **_common(f, default_id)
    )


def _from_judgebench(f: FieldReader, default_id: str) -> PreferenceItem:
    question = f.text("question")
    a = f.text("response_A", allow_empty=True)
    b = f.text("response_B", allow_empty=True)
    label = f.text("label").strip()
    common = _common(f, default_id)
    if label in {"A>B", "A>>B"}:
        chosen, rejected = a, b
    elif label in {"B>A", "B>>A"}:
        chosen, rejected = b, a
    elif label in {"A=B", "tie"}:
        chosen, rejected = a, b
        common["tie"] = True
    else:
        raise f.error("label", f"expected 'A>B', 'B>A' or 'A=B', got {label!r}")
    source = common["source"]
    if source and common["subset"] is None:
        common["subset"] = source
    if source and common["domain"] is None:
        common["domain"] = source.split("-")[0]
    if common["chosen_model"] is None:
        model = f.optional_text("response_model")
        common["chosen_model"] = common["rejected_model"] = model
    return PreferenceItem(prompt=question, chosen=(chosen,), rejected=(rejected,), **common)


def _from_pandalm(f: FieldReader, default_id: str) -> PreferenceItem:
    instruction = f.text("instruction")
    extra = f.optional_text("input")
    prompt = instruction + (f"\n\n{extra}" if extra else "")
    first = f.text("response1", allow_empty=True)
    second = f.text("response2", allow_empty=True)
    labels = []
    for k in (1, 2, 3):
        value = f.number(f"annotator{k}")
        if value not in (0.0, 1.0, 2.0):
            raise f.error(
                f"annotator{k}", f"expected 0, 1 or 2, got {f.row.get(f'annotator{k}')!r}"
            )
        labels.append(int(value or 0))
    majority = max((0, 1, 2), key=lambda v: (labels.count(v), -v))
    if labels.count(majority) < 2:
        majority = 0  # no two annotators agree: treat as a tie
    common = _common(f, f.optional_text("idx") or default_id)
    common["tie"] = majority == 0
    common["source"] = common["source"] or f.optional_text("cmp_key")
    common["subset"] = common["subset"] or f.optional_text("motivation_app")
    chosen, rejected = (second, first) if majority == 2 else (first, second)
    return PreferenceItem(prompt=prompt, chosen=(chosen,), rejected=(rejected,), **common)


def _answer(f: FieldReader, field: str, value: Any) -> str:
    if not isinstance(value, dict) or not isinstance(value.get("answer"), str):
        raise f.error(field, "expected {llm_name, answer}")
    return str(value["answer"])


def _from_rmb_bon(f: FieldReader, default_id: str) -> PreferenceItem:
    prompt = _messages(f, "conversation_input", f.row.get("conversation_input"))
    best = _answer(f, "bon_best", f.row.get("bon_best"))
    losers = f.row.get("loser_list")
    if not isinstance(losers, list) or not losers:
        raise f.error("loser_list", "expected a non-empty list of {llm_name, answer}")
    rejected = tuple(_answer(f, f"loser_list[{i}]", v) for i, v in enumerate(losers))
    common = _common(f, f.optional_text("bon_uid") or default_id)
    path = (f.optional_text("category_path") or "").split("/")
    if len(path) >= 3:
        common["domain"] = common["domain"] or path[1]
        common["subset"] = common["subset"] or "/".join(path[1:])
    return PreferenceItem(prompt=prompt, chosen=(best,), rejected=rejected, **common)


CONVERTERS: dict[str, Callable[[FieldReader, str], PreferenceItem]] = {
    "rewardbench": _from_rewardbench,
    "trl": _from_trl,
    "hh-rlhf": _from_hh,
    "judgebench": _from_judgebench,
    "pandalm": _from_pandalm,
    "rmb-bon": _from_rmb_bon,
}
