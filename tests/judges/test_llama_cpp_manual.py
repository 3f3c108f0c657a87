"""The optional, manual check against ``llama_cpp.server`` (a server that honours
``response_format`` and returns ``logprobs``): skipped unless you start one and name it.

    CMAKE_ARGS="-DGGML_NATIVE=OFF" pip install "llama-cpp-python[server]"   # ~17 min from source
    python -m llama_cpp.server --model SmolLM2-135M-Instruct.gguf --host 127.0.0.1 --port 8080
    REWARDKIT_LLAMA_CPP_URL=http://127.0.0.1:8080/v1 REWARDKIT_LLAMA_CPP_MODEL=smollm2 \\
        python -m pytest tests/judges/test_llama_cpp_manual.py
"""

from __future__ import annotations

import os

import pytest

from rewardkit.models.judge import PairwiseJudge, RubricJudge
from rewardkit.models.judge_options import JudgeOptions

URL = os.environ.get("REWARDKIT_LLAMA_CPP_URL")
MODEL = os.environ.get("REWARDKIT_LLAMA_CPP_MODEL", "")

pytestmark = pytest.mark.skipif(
    not (URL and MODEL), reason="manual check: set REWARDKIT_LLAMA_CPP_URL and _MODEL"
)


def test_json_schema_answers_and_expected_scores() -> None:
    assert URL is not None
    judge = RubricJudge(MODEL, JudgeOptions(url=URL, mode="absolute", max_tokens=32))
    judged = judge.rate(["What is 2 + 2?"], ["2 + 2 = 4."], "factuality")[0]
    assert judged.how == "json"  # the grammar forced the schema
    assert judged.value in (1, 2, 3, 4, 5)
    assert judged.expected is not None  # G-Eval from the returned log-probabilities
    assert 1.0 <= judged.expected <= 5.0
    assert sum(judged.probabilities or ()) == pytest.approx(1.0)
    pairwise = PairwiseJudge(MODEL, JudgeOptions(url=URL, max_tokens=32))
    pair = pairwise.judge_pairs([("What is 2 + 2?", "4", "5")])[0]
    assert (pair.first.how, pair.second.how) == ("json", "json")
