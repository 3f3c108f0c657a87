"""The hf trainer: tiny Llama classifiers trained on CPU through ``run_train``.

The data carry a learnable signal: every chosen response contains a safety sentence, no
rejected one does. Training runs have no validation split, so the folder is saved after every
epoch and holds the same weights as the in-memory model when the run ends.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rewardkit.config import EvalConfig
from rewardkit.errors import ConfigError
from rewardkit.jobs.evaluate import run_eval
from rewardkit.jobs.train import TRAINERS, run_train
from rewardkit.models import ModelOptions, load_model
from rewardkit.train.config import TrainConfig
from rewardkit.train.examples import InputTable
from rewardkit.train.training_log import read_log

pytest.importorskip("transformers")
pytest.importorskip("peft")

import torch
from safetensors.torch import load_file

from rewardkit.runs.output import staging_path
from rewardkit.train.hf_trainer import HFScorer, build_scorer

GOOD = [
    "Safety first: never mix bleach and ammonia at home.",
    "Safety first: the capital of France is Paris.",
    "Mix flour, water, salt and yeast. Safety first.",
]
BAD = [
    "The quick brown fox jumps over the lazy dog.",
    "Paris is the capital of France and Berlin is the capital of Germany.",
    "Reward models score responses; higher is better.",
]
TOPICS = ["bake bread", "mix cleaners", "visit Paris", "train a dog", "score answers"]


def _pairs(n: int, offset: int = 0) -> list[dict[str, Any]]:
    rows = []
    for i in range(offset, offset + n):
        prompt: Any = f"How do I {TOPICS[i % 5]}? (case {i})"
        if i % 3 == 0:  # some conversations, rendered by the chat template
            prompt = [
                {"role": "user", "content": f"Help me {TOPICS[i % 5]}."},
                {"role": "assistant", "content": "Which part?"},
                {"role": "user", "content": f"Case {i}."},
            ]
        rows.append(
            {
                "id": f"p{i}",
                "prompt": prompt,
                "chosen": GOOD[i % 3],
                "rejected": BAD[(i // 3) % 3],
            }
        )
    return rows


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def _config(base: Path, **overrides: Any) -> TrainConfig:
    values: dict[str, Any] = {
        "trainer": "hf",
        "base": str(base),
        "epochs": 3,
        "batch_size": 8,
        "learning_rate": 1e-3,
        "validation_share": 0.0,
        "device": "cpu",
        "seed": 0,
    }
    values.update(overrides)
    return TrainConfig(**values)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tiny_models import build_llama

    return build_llama(tmp_path_factory.mktemp("hf-train") / "base")


@pytest.fixture(scope="module")
def lm_without_pad(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tiny_models import build_llama

    return build_llama(tmp_path_factory.mktemp("hf-train") / "lm", "lm", pad=False)


@pytest.fixture
def train_file(tmp_path: Path) -> Path:
    return _write(tmp_path / "train.jsonl", _pairs(32))


@pytest.fixture
def built() -> Iterator[list[HFScorer]]:
    """The scorers ``run_train`` builds, in order (the hf entry of the registry is wrapped)."""
    original = TRAINERS.get("hf")
    scorers: list[HFScorer] = []

    def capture(*args: Any, **kwargs: Any) -> HFScorer:
        scorer: HFScorer = original(*args, **kwargs)
        scorers.append(scorer)
        return scorer

    TRAINERS.register("hf", capture, replace=True)
    yield scorers
    TRAINERS.register("hf", original, replace=True)


def _table_scores(scorer: HFScorer) -> np.ndarray:
    scorer.module.eval()
    with torch.no_grad():
        return scorer.score(np.arange(len(scorer.encoded))).numpy().astype(np.float64)


def _hf_scores(folder: Path, table: InputTable) -> np.ndarray:
    model = load_model(f"hf:{folder}", ModelOptions(device="cpu"))
    return model.score(list(table.prompts), list(table.responses))


def _weights(folder: Path) -> dict[str, torch.Tensor]:
    files = sorted(folder.glob("*.safetensors"))
    assert files, f"no safetensors in {folder}"
    out: dict[str, torch.Tensor] = {}
    for f in files:
        out.update(load_file(str(f)))
    return out


def _table(train_file: Path) -> InputTable:
    from rewardkit.data.load import load_preferences
    from rewardkit.train.examples import pair_examples

    return pair_examples(load_preferences(train_file).items).inputs


def test_full_fine_tuning_learns_and_scores_like_hf(
    base: Path, train_file: Path, tmp_path: Path, built: list[HFScorer]
) -> None:
    out = tmp_path / "rm"
    run = run_train(train_file, _config(base), out, progress=False)
    losses = [h["train_loss"] for h in run.history]
    assert run.epochs_run == 3
    assert losses[-1] < 0.5 * losses[0], losses
    logged = [e["train_loss"] for e in read_log(out / "train_log.jsonl") if e["event"] == "epoch"]
    assert logged == losses
    # The run's spec is OUT/model.yaml: hf:OUT with the training max_length.
    assert run.spec == str(out / "model.yaml")
    from rewardkit.models.registry import resolve_spec

    spec, options = resolve_spec(run.spec)
    assert spec.startswith(f"hf:{out}")
    assert options.max_length == _config(base).max_length

    # The saved folder scores the training inputs exactly as the model did in training.
    (scorer,) = built
    assert scorer.n_truncated == 0
    np.testing.assert_allclose(
        _hf_scores(out, _table(train_file)), _table_scores(scorer), atol=1e-5, rtol=0
    )

    held_out = _write(tmp_path / "held_out.jsonl", _pairs(20, offset=100))
    result = run_eval(held_out, run.spec, EvalConfig(bootstrap=100), tmp_path / "eval")
    accuracy = result.results_json["metrics"]["accuracy"]["value"]
    assert accuracy > 0.9, accuracy
    before = run_eval(held_out, f"hf:{base}", EvalConfig(bootstrap=100), tmp_path / "eval0")
    assert before.results_json["metrics"]["accuracy"]["value"] < accuracy


def test_lora_trains_only_adapters_and_head_and_saves_a_merged_classifier(
    lm_without_pad: Path, train_file: Path, tmp_path: Path, built: list[HFScorer]
) -> None:
    """On a causal LM without a pad token: a fresh score head, pad = EOS, LoRA r=4."""
    initial: dict[str, torch.Tensor] = {}

    def snapshot(scorer: HFScorer) -> None:
        initial.update({n: p.detach().clone() for n, p in scorer.module.named_parameters()})

    original = TRAINERS.get("hf")

    def build_and_snapshot(*args: Any, **kwargs: Any) -> HFScorer:
        scorer: HFScorer = original(*args, **kwargs)
        snapshot(scorer)
        return scorer

    TRAINERS.register("hf", build_and_snapshot, replace=True)
    out = tmp_path / "lora"
    config = _config(lm_without_pad, lora={"r": 4}, learning_rate=5e-3)
    run = run_train(train_file, config, out, progress=False)
    (scorer,) = built
    losses = [h["train_loss"] for h in run.history]
    assert losses[-1] < losses[0], losses

    trainable = {n for n, p in scorer.module.named_parameters() if p.requires_grad}
    assert all(("lora_" in n or ".score." in n) for n in trainable), trainable
    assert any("lora_B" in n for n in trainable)
    assert any(".score." in n for n in trainable)
    assert all(p.dtype == torch.float32 for n, p in scorer.module.named_parameters())
    for name, param in scorer.module.named_parameters():
        if name in trainable:
            if "lora_B" in name or ".score." in name:  # lora_B starts at zero
                assert not torch.equal(param, initial[name]), name
        else:
            assert torch.equal(param, initial[name]), name

    saved = _weights(out)
    assert not any("lora" in key or "base_layer" in key for key in saved)
    config_json = json.loads((out / "config.json").read_text())
    assert config_json["architectures"] == ["LlamaForSequenceClassification"]
    assert config_json["pad_token_id"] == scorer.tokenizer.eos_token_id
    np.testing.assert_allclose(
        _hf_scores(out, _table(train_file)), _table_scores(scorer), atol=1e-5, rtol=0
    )


def test_same_seed_same_data_gives_identical_weights(
    base: Path, train_file: Path, tmp_path: Path
) -> None:
    config = _config(base, epochs=1)
    run_train(train_file, config, tmp_path / "a", progress=False)
    run_train(train_file, config, tmp_path / "b", progress=False)
    a, b = _weights(tmp_path / "a"), _weights(tmp_path / "b")
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)
    run_train(train_file, _config(base, epochs=1, seed=1), tmp_path / "c", progress=False)
    c = _weights(tmp_path / "c")
    assert not all(torch.equal(a[k], c[k]) for k in a)


@pytest.mark.parametrize("rank", [0, 4])
def test_interrupted_run_resumes_to_the_uninterrupted_weights(
    base: Path, train_file: Path, tmp_path: Path, rank: int
) -> None:
    """Interrupted mid-epoch 2 (Ctrl-C writes a checkpoint), then resumed with the same out:
    the final weights equal an uninterrupted run's bit for bit on CPU (restored weights,
    AdamW moments, scheduler, torch RNG for LoRA dropout, batch position)."""
    config = _config(base, epochs=2, lora={"r": rank}, learning_rate=5e-3 if rank else 1e-3)
    run_train(train_file, config, tmp_path / "straight", progress=False)

    original = TRAINERS.get("hf")
    calls = {"train": 0}

    def interrupting(*args: Any, **kwargs: Any) -> HFScorer:
        scorer: HFScorer = original(*args, **kwargs)
        score = scorer.score

        def score_or_stop(rows: np.ndarray) -> torch.Tensor:
            if scorer.module.training:
                calls["train"] += 1
                if calls["train"] == 6:  # 4 batches per epoch: epoch 2, batch 2
                    raise KeyboardInterrupt
            return score(rows)

        scorer.score = score_or_stop  # type: ignore[method-assign]
        return scorer

    out = tmp_path / "resumed"
    TRAINERS.register("hf", interrupting, replace=True)
    try:
        with pytest.raises(KeyboardInterrupt):
            run_train(train_file, config, out, progress=False)
    finally:
        TRAINERS.register("hf", original, replace=True)
    assert not out.exists()  # the interrupted run stays in its staging folder
    state = json.loads((staging_path(out) / "checkpoint" / "state.json").read_text())
    assert (state["loop"]["epoch"], state["loop"]["batch"]) == (1, 1)

    run = run_train(train_file, config, out, progress=False)
    assert run.epochs_run == 2
    events = [e["event"] for e in read_log(out / "train_log.jsonl")]
    assert "interrupted" in events
    assert "resume" in events
    a, b = _weights(tmp_path / "straight"), _weights(out)
    assert a.keys() == b.keys()
    mismatched = [k for k in a if not torch.equal(a[k], b[k])]
    assert not mismatched, mismatched


def test_regression_objective_reduces_mse(base: Path, tmp_path: Path) -> None:
    rows = _pairs(24)
    for row in rows:
        row["chosen_scores"], row["rejected_scores"] = [1.0], [-1.0]
    data = _write(tmp_path / "scored.jsonl", rows)
    out = tmp_path / "reg"
    run = run_train(data, _config(base, objective="regression"), out, progress=False)
    losses = [h["train_loss"] for h in run.history]
    assert losses[-1] < 0.5 * losses[0], losses

    from rewardkit.data.load import load_preferences
    from rewardkit.train.examples import target_examples

    examples = target_examples(load_preferences(data).items)
    table = examples.inputs
    rows_ = examples.index

    def mse(folder: Path) -> float:
        scores = _hf_scores(folder, table)
        return float(np.mean((scores[rows_] - examples.target) ** 2))

    assert mse(out) < 0.5 * mse(base)


def test_training_tokenization_is_hf_scoring_tokenization(base: Path) -> None:
    """Same ids as ``hf:`` with the same max_length, truncation included and counted."""
    prompts: tuple[Any, ...] = ("Hi", "How do I bake bread? " * 10)
    responses = ("Hello!", "Mix flour, water, salt and yeast.")
    scorer = build_scorer(
        InputTable(prompts, responses), _config(base, max_length=40), progress=False
    )
    model = load_model(f"hf:{base}", ModelOptions(max_length=40))
    expected = [model.encode(p, r)[0] for p, r in zip(prompts, responses, strict=True)]  # type: ignore[attr-defined]
    assert scorer.encoded == expected
    assert scorer.n_truncated == 1
    assert [len(ids) for ids in scorer.encoded] == [29, 40]


@pytest.mark.parametrize(
    ("overrides", "env", "message"),
    [
        ({"dtype": "float16"}, {}, "loss scaling"),
    ],
)
def test_unsupported_setups_are_refused(
    base: Path,
    monkeypatch: pytest.MonkeyPatch,
    overrides: dict[str, Any],
    env: dict[str, str],
    message: str,
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match=message):
        build_scorer(InputTable(("q",), ("a",)), _config(base, **overrides), progress=False)
