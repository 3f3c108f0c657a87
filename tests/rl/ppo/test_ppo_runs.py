"""PPO end to end on a task with a known optimum (a tiny policy built from a config; the
python: RM rewards the share of '!' tokens, maximum 1): the reward reaches its maximum, the
adaptive controller holds KL near its target, a higher fixed KL coefficient ends at a lower
KL, runs are reproducible, and a run stopped by SIGTERM resumes to the same bytes. Then the
planted overoptimization case: proxy = gold + a bonus per '!'."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from ppo_tiny import build_policy, write_prompts  # noqa: E402

from rewardkit.jobs.rl_ppo import TIMING_FIELDS, run_ppo  # noqa: E402
from rewardkit.rl.ppo.config import PPOConfig  # noqa: E402
from rewardkit.runs.output import staging_path  # noqa: E402
from rewardkit.train.training_log import read_log  # noqa: E402

HERE = Path(__file__).resolve().parent
TASK = dict(
    rollout_batch_size=16,
    minibatch_size=8,
    ppo_epochs=4,
    learning_rate=3e-3,
    max_new_tokens=6,
    device="cpu",
    checkpoint_every=5,
)


@pytest.fixture(scope="module")
def task(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("ppo")
    return build_policy(root / "policy"), write_prompts(root / "prompts.jsonl", 32)


def _run(task: tuple[Path, Path], out: Path, reward: str = "python:ppo_tiny:bang", **kw: Any):  # type: ignore[no-untyped-def]
    gold = kw.pop("gold", None)
    config = PPOConfig(**{**TASK, **kw})
    return run_ppo(task[0], reward, task[1], out, config=config, gold=gold, progress=False)


def _steps(log: Path) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in e.items() if k not in TIMING_FIELDS}
        for e in read_log(log)
        if e["event"] in ("step", "eval")
    ]


def test_reward_reaches_its_maximum(task: tuple[Path, Path], tmp_path: Path) -> None:
    run = _run(task, tmp_path / "out", steps=30, kl_coef=0.0)
    rewards = [h["reward"] for h in run.history]
    assert rewards[0] < 0.1  # the random policy: '!' is one of 16 tokens
    assert max(rewards[:30]) >= 0.95  # the maximum is 1 ('!' in all 6 slots)
    assert min(rewards[-5:]) >= 0.9
    # the run directory: log, results, report and a plain HF policy that samples '!'
    out = run.out
    assert len(_steps(out / "log.jsonl")) == 30
    for key in ("reward", "kl", "entropy", "clip_frac", "value_loss", "explained_variance"):
        assert key in read_log(out / "log.jsonl")[1]
    assert "tokens_per_s" in read_log(out / "log.jsonl")[1]
    assert "<svg" in (out / "report.html").read_text()
    from transformers import AutoModelForCausalLM, AutoTokenizer

    lm = AutoModelForCausalLM.from_pretrained(str(out / "policy"))
    tok = AutoTokenizer.from_pretrained(str(out / "policy"))
    ids = tok("the fox", return_tensors="pt")["input_ids"]
    assert tok.convert_ids_to_tokens(int(lm(ids).logits[0, -1].argmax())) == "!"


@pytest.mark.slow
def test_adaptive_controller_holds_kl_near_target(task: tuple[Path, Path], tmp_path: Path) -> None:
    target = 3.0
    # a slower learner and larger batches than TASK: the controller acts on a noisy KL
    kw = dict(steps=160, kl_coef=0.01, kl_horizon=50, learning_rate=5e-4, rollout_batch_size=32)
    adaptive = _run(task, tmp_path / "adaptive", kl_target=target, **kw)
    fixed = _run(task, tmp_path / "fixed", **kw)
    kl = [h["kl"] for h in adaptive.history]
    assert max(kl[:60]) > 3 * target  # KL grows past the target first ...
    late = kl[80:]
    assert abs(sum(late) / len(late) - target) < 0.5 * target  # ... then is held near it
    assert adaptive.history[-1]["kl_coef"] > 0.03  # by raising the coefficient
    fixed_late = [h["kl"] for h in fixed.history[80:]]
    assert sum(fixed_late) / len(fixed_late) > 3 * target  # without control it runs off


@pytest.mark.slow
def test_higher_fixed_kl_coefficient_ends_at_lower_kl(
    task: tuple[Path, Path], tmp_path: Path
) -> None:
    finals = []
    for coef in (0.02, 0.1, 0.3):
        run = _run(task, tmp_path / f"kl{coef}", steps=60, kl_coef=coef)
        finals.append(sum(h["kl"] for h in run.history[-10:]) / 10)
    assert finals[0] > finals[1] > finals[2], finals


def test_same_seed_same_log_and_weights(task: tuple[Path, Path], tmp_path: Path) -> None:
    a = _run(task, tmp_path / "a", steps=6, seed=3)
    b = _run(task, tmp_path / "b", steps=6, seed=3)
    c = _run(task, tmp_path / "c", steps=6, seed=4)
    weights = "policy/model.safetensors"
    assert _steps(a.out / "log.jsonl") == _steps(b.out / "log.jsonl")
    assert (a.out / weights).read_bytes() == (b.out / weights).read_bytes()
    assert (a.out / "results.json").read_bytes() == (b.out / "results.json").read_bytes()
    assert (a.out / weights).read_bytes() != (c.out / weights).read_bytes()


@pytest.mark.slow
def test_sigterm_then_resume_is_byte_identical(task: tuple[Path, Path], tmp_path: Path) -> None:
    policy, prompts = task
    config = tmp_path / "ppo.yaml"
    config.write_text(json.dumps({**TASK, "steps": 120, "checkpoint_every": 7}))
    args = [sys.executable, "-m", "rewardkit", "rl", "ppo", "--policy", str(policy)]
    args += ["--reward", "python:ppo_tiny:bang", "--prompts", str(prompts)]
    args += ["--config", str(config)]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(HERE)}
    full = subprocess.run([*args, "--out", str(tmp_path / "full")], env=env, capture_output=True)
    assert full.returncode == 0, full.stderr[-2000:]

    out = tmp_path / "stopped"
    proc = subprocess.Popen([*args, "--out", str(out)], env=env, stderr=subprocess.PIPE)
    log = staging_path(out) / "log.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # stop between two checkpoints
        if log.exists() and sum(e["event"] == "step" for e in read_log(log)) >= 10:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr[-2000:]
    stop = [e for e in read_log(log) if e["event"] == "interrupted"]
    assert len(stop) == 1
    assert stop[0]["signal"] == "SIGTERM"
    assert stop[0]["step"] < 120
    assert not out.exists()

    again = subprocess.run([*args, "--out", str(out)], env=env, capture_output=True)
    assert again.returncode == 0, again.stderr[-2000:]
    events = read_log(out / "log.jsonl")
    assert [e["event"] for e in events].count("resume") == 1
    for name in ("policy/model.safetensors", "value_head.safetensors", "results.json"):
        assert (out / name).read_bytes() == (tmp_path / "full" / name).read_bytes(), name
    assert _steps(out / "log.jsonl") == _steps(tmp_path / "full" / "log.jsonl")


def test_planted_overoptimization_gold_peaks_and_early_stop(
    task: tuple[Path, Path], tmp_path: Path
) -> None:
    patience = 3
    kw = dict(gold="python:ppo_tiny:gold", kl_coef=0.0, eval_every=2, eval_prompts=16)
    run = _run(task, tmp_path / "watch", "python:ppo_tiny:proxy", steps=40, **kw)
    watch = run.results["overoptimization"]
    evals = watch["evaluations"]
    gold = [e["gold"] for e in evals]
    proxy = [e["proxy"] for e in evals]
    peak = gold.index(max(gold))
    assert 0 < peak < len(gold) - 1
    assert gold[peak] > gold[0] + 0.1  # gold rises ...
    assert gold[-1] < gold[peak] - 0.1  # ... then falls
    assert proxy[-1] > proxy[peak] > proxy[0]  # while proxy keeps rising
    assert watch["gold_peak"]["step"] == evals[peak]["step"]
    assert watch["fits"]["gold"]["beta"] > 0
    assert watch["fits"]["gold"]["peak_d"] is not None
    assert watch["fits"]["proxy"]["peak_d"] is None or (
        watch["fits"]["proxy"]["peak_d"] > watch["fits"]["gold"]["peak_d"]
    )
    html = (run.out / "report.html").read_text()
    assert f"gold peaks at step {evals[peak]['step']}" in html
    assert 'class="peak"' in html

    stopped = _run(
        task,
        tmp_path / "stop",
        "python:ppo_tiny:proxy",
        steps=40,
        early_stop_patience=patience,
        **kw,
    )
    assert stopped.stopped_early
    w = stopped.results["overoptimization"]
    assert w["gold_peak"]["step"] == watch["gold_peak"]["step"]  # same run up to the stop
    assert 0 < w["early_stop_step"] - w["gold_peak"]["step"] <= patience * 2
    assert stopped.steps_run == w["early_stop_step"] < 40


def test_lora_and_separate_critic_train_and_save_a_plain_policy(
    task: tuple[Path, Path], tmp_path: Path
) -> None:
    pytest.importorskip("peft")
    lora = _run(task, tmp_path / "lora", steps=3, lora_r=4)
    critic = _run(task, tmp_path / "critic", steps=3, critic="separate")
    from transformers import AutoModelForCausalLM

    for run in (lora, critic):
        names = set(AutoModelForCausalLM.from_pretrained(str(run.out / "policy")).state_dict())
        assert not any("lora" in n for n in names)  # LoRA merged: a plain HF folder
    base = (task[0] / "model.safetensors").read_bytes()
    assert (lora.out / "policy" / "model.safetensors").read_bytes() != base


def test_a_guard_policy_takes_its_penalty_from_blocked_responses(
    task: tuple[Path, Path], tmp_path: Path
) -> None:
    """The task rewards '!'; a guard policy blocking any '!' with a penalty of 2 turns the
    optimum around: the guarded run ends with fewer '!' and its logged rewards carry the
    penalty (reward = share of '!' - 2 when blocked)."""
    policy = tmp_path / "guard.yaml"
    policy.write_text(
        "penalty: 2.0\nchecks:\n"
        "  - {name: no-bang, type: compliance, action: block,\n"
        "     options: {rules: [{name: bang, kind: regex, pattern: '!'}]}}\n"
    )
    free = _run(task, tmp_path / "free", steps=15, kl_coef=0.0)
    guarded = _run(task, tmp_path / "guarded", steps=15, kl_coef=0.0, guard=str(policy))
    assert free.history[-1]["reward"] >= 0.5  # unguarded, the policy learns to say "!"
    assert guarded.history[-1]["reward"] <= 0.05  # '!' costs more than it earns
    assert min(h["reward"] for h in guarded.history) < 0  # the penalty reached the reward
    results = json.loads((guarded.out / "results.json").read_text())
    assert results["config"]["guard"] == str(policy)
