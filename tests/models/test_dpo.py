"""The dpo: adapter against a hand computation of log-probabilities on a tiny causal LM."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from rewardkit.data import ChatMessage
from rewardkit.errors import ConfigError
from rewardkit.models import ModelOptions, load_model
from rewardkit.models.dpo import DPOImplicitModel

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

PROMPTS = ["How do I bake bread?", (ChatMessage("user", "Capital of France?"),)]
RESPONSES = ["Mix flour, water, salt and yeast, then wait.", "Paris."]


def _hand_logprob(folder: Path, prompt_ids: list[int], response_ids: list[int]) -> float:
    model = transformers.AutoModelForCausalLM.from_pretrained(str(folder)).eval()
    ids = torch.tensor([prompt_ids + response_ids])
    with torch.no_grad():
        logits = model(input_ids=ids).logits[0].double()
    total = 0.0
    for k, token in enumerate(response_ids):
        position = len(prompt_ids) + k - 1  # logits at t predict token t + 1
        total += float(torch.log_softmax(logits[position], -1)[token])
    return total


def test_implicit_reward_matches_hand_computation(
    tiny_lm_factory: Callable[[int], Path],
) -> None:
    policy, reference = tiny_lm_factory(1), tiny_lm_factory(2)
    model = DPOImplicitModel(str(policy), ModelOptions(reference=str(reference), beta=0.25))
    scores = model.score(PROMPTS, RESPONSES)
    tok = model.tokenizer
    for i, (prompt, response) in enumerate(zip(PROMPTS, RESPONSES, strict=True)):
        messages = (
            [{"role": "user", "content": prompt}]
            if isinstance(prompt, str)
            else [{"role": m.role, "content": m.content} for m in prompt]
        )
        prompt_text = tok.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        prompt_ids = tok(prompt_text, add_special_tokens=False)["input_ids"]
        assert prompt_ids.count(tok.bos_token_id) == 1
        response_ids = [*tok(response, add_special_tokens=False)["input_ids"], tok.eos_token_id]
        expected = 0.25 * (
            _hand_logprob(policy, prompt_ids, response_ids)
            - _hand_logprob(reference, prompt_ids, response_ids)
        )
        assert scores[i] == pytest.approx(expected, abs=1e-4)
    # Batch of one equals the batch of two (padding does not leak into the sums).
    single = np.concatenate(
        [model.score([p], [r]) for p, r in zip(PROMPTS, RESPONSES, strict=True)]
    )
    np.testing.assert_allclose(single, scores, atol=1e-5)


def test_reference_free_and_length_normalised(tiny_lm_factory: Callable[[int], Path]) -> None:
    policy, reference = tiny_lm_factory(1), tiny_lm_factory(2)
    free = DPOImplicitModel(str(policy), ModelOptions(reference_free=True, beta=1.0))
    full = DPOImplicitModel(str(policy), ModelOptions(reference=str(reference), beta=1.0))
    norm = DPOImplicitModel(
        str(policy), ModelOptions(reference=str(reference), beta=1.0, length_normalize=True)
    )
    encoded = [full.encode(p, r) for p, r in zip(PROMPTS, RESPONSES, strict=True)]
    logp, count = full.response_logprobs(full.policy, encoded)
    np.testing.assert_allclose(free.score(PROMPTS, RESPONSES), logp, atol=1e-6)
    np.testing.assert_allclose(
        norm.score(PROMPTS, RESPONSES), full.score(PROMPTS, RESPONSES) / count, atol=1e-6
    )
    assert len({free.fingerprint(), full.fingerprint(), norm.fingerprint()}) == 3


def test_reference_is_required(tiny_lm_factory: Callable[[int], Path]) -> None:
    with pytest.raises(ConfigError, match="--reference"):
        load_model(f"dpo:{tiny_lm_factory(1)}", ModelOptions())


def test_truncation_keeps_bos_and_response_start(tiny_lm_factory: Callable[[int], Path]) -> None:
    model = DPOImplicitModel(
        str(tiny_lm_factory(1)), ModelOptions(reference_free=True, max_length=12)
    )
    long_prompt = "Tell me everything about bread and flour and water " * 4
    ids, n_prompt, truncated = model.encode(long_prompt, "Mix flour, water, salt and yeast.")
    assert truncated
    assert len(ids) == 12
    assert ids[0] == model.tokenizer.bos_token_id
    full_response = model.tokenizer("Mix flour, water, salt and yeast.", add_special_tokens=False)[
        "input_ids"
    ]
    assert ids[n_prompt:] == full_response[: 12 - n_prompt]
    info = model.token_lengths([long_prompt, "Hi"], ["Mix flour.", "Hello"])
    assert bool(info.truncated[0])
    assert info.lengths.max() <= 12
    roomy = DPOImplicitModel(str(tiny_lm_factory(1)), ModelOptions(reference_free=True))
    assert not roomy.token_lengths(["Hi"], ["Hello"]).truncated.any()
