"""``rewardkit rl ppo``: PPO of a causal-LM policy against a rewardkit RM (one machine)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from rewardkit.cli import options
from rewardkit.cli.app import ALLOW_PYTHON, app, console
from rewardkit.config import load_config
from rewardkit.report.html.svg import fmt
from rewardkit.rl.ppo.config import PPOConfig
from rewardkit.runs import default_run_dir

rl_app = typer.Typer(
    help="Optimise a policy against a reward model (PPO on one machine).", no_args_is_help=True
)
app.add_typer(rl_app, name="rl")


@rl_app.command("ppo")
def ppo_command(
    policy: Path = typer.Option(..., "--policy", help="Causal-LM folder (with its tokenizer)."),
    reward: str = typer.Option(..., "--reward", help=options.model_help("Proxy RM spec")),
    prompts: Path = typer.Option(
        ..., "--prompts", help="Prompt rows: 'prompt' as text or {role, content} messages."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Run directory [default: runs/rl-ppo-<time>]."
    ),
    reference: Path | None = typer.Option(
        None, "--reference", help="Frozen reference folder [default: the policy]."
    ),
    gold: str | None = typer.Option(
        None, "--gold", help=options.model_help("Gold RM spec, scored on held-out samples")
    ),
    guard: Path | None = typer.Option(
        None,
        "--guard",
        help="Guard policy YAML (rewardkit guard): blocked responses lose its penalty.",
    ),
    steps: int | None = typer.Option(None, "--steps", help="PPO steps [default: 100]."),
    seed: int | None = typer.Option(None, "--seed", help="Seed [default: 0]."),
    device: str | None = typer.Option(None, "--device", help="auto, cpu, cuda [default: auto]."),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Start afresh instead of resuming an interrupted run."
    ),
    allow_python: bool | None = ALLOW_PYTHON,
    config: Path | None = typer.Option(
        None, "--config", help="YAML file of the PPO options (see configs/ppo.yaml)."
    ),
) -> None:
    """PPO with a KL penalty to a frozen reference, GAE and a value head; with --gold, watches
    overoptimization on held-out prompts. Writes log.jsonl, results.json, report.html, the
    final policy (policy/) and a resumable checkpoint."""
    from rewardkit.jobs.rl_ppo import run_ppo

    cfg = load_config(
        PPOConfig,
        config,
        {
            "steps": steps,
            "seed": seed,
            "device": device,
            "guard": None if guard is None else str(guard),
        },
    )
    run = run_ppo(
        policy,
        reward,
        prompts,
        out or default_run_dir("rl-ppo"),
        config=cfg,
        reference=reference,
        gold=gold,
        model_options={"allow_python": allow_python},
        overwrite=overwrite,
        progress=console.is_terminal,
    )
    final = run.results["final"]
    console.print(
        f"{run.steps_run} steps: proxy reward {fmt(final['reward'])}, KL {fmt(final['kl'])}, "
        f"KL coef {fmt(run.results['kl_coef'])}",
        highlight=False,
    )
    watch = run.results.get("overoptimization")
    if watch:
        peak = watch["gold_peak"]
        console.print(
            f"gold peaks at step {peak['step']} (d = {fmt(peak['d'], 3)}, gold "
            f"{fmt(peak['gold'])})" + ("; stopped early" if run.stopped_early else ""),
            highlight=False,
        )
    console.print(f"run directory: {escape(str(run.out))}", soft_wrap=True)
