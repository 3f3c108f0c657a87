"""Benchmark: the scoring engine against naive batching, on a real model (MiniLM).

Usage::

    python benchmarks/bench_scoring.py [--pairs 300] [--batch-size 32] [--data FILE]

All in one process, on the same inputs (hh-rlhf harmless-base test pairs from
``../shared/data`` when present, else the demo's preference pairs):

- naive: what RewardBench does: dataset order, chosen and rejected in separate passes, each
  batch padded to its longest input;
- engine: ``score_items`` cold (length-sorted buckets, fresh cache), then warm (same cache);
- padding efficiency (real tokens / padded tokens) of both;
- FLOP utilisation of the engine: model FLOPs of the real tokens / engine time / the FLOP/s
  of a plain GEMM of the model's own shape measured in the same run.

The model is an ``embed:`` RM on the packaged all-MiniLM-L6-v2 encoder with a fixed random
linear head (the head's cost is negligible). Timings are wall times on this machine.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from rewardkit.data import PreferenceItem, load_preferences
from rewardkit.models import ModelOptions, load_model
from rewardkit.models.embed_head import EmbedHeadModel, EmbedModelConfig, save_embed_model
from rewardkit.scoring import ScoreCache, plan_batches, score_items

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def load_items(path: Path | None, n: int) -> list[PreferenceItem]:
    if path is None:
        hh = SHARED / "hh-rlhf-test" / "harmless-base.test.jsonl.gz"
        if hh.exists():
            path = hh
        else:
            from rewardkit.data.demo import DemoConfig, generate_demo, write_demo

            out = Path(tempfile.mkdtemp())
            path = write_demo(generate_demo(DemoConfig(n_prompts=max(60, n // 3))), out)[
                "preferences"
            ]
    return list(load_preferences(path, skip_invalid=True).items[:n])


def gemm_flops_per_second(hidden: int, intermediate: int, tokens: int = 4096) -> float:
    """FLOP/s of the model's largest GEMM shape (tokens x hidden @ hidden x intermediate)."""
    a = torch.randn(tokens, hidden)
    b = torch.randn(hidden, intermediate)
    for _ in range(3):
        a @ b
    best = float("inf")
    for _ in range(10):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2.0 * tokens * hidden * intermediate / best


def model_flops(model: EmbedHeadModel, lengths: np.ndarray) -> float:
    """Forward FLOPs of real tokens: 2 * params * tokens plus attention (QK^T and AV)."""
    config = model.encoder.model.config
    params = model.count_parameters()
    attention = (
        4.0
        * config.num_hidden_layers
        * config.hidden_size
        * float((lengths.astype(np.float64) ** 2).sum())
    )
    return 2.0 * params * float(lengths.sum()) + attention


def uniform_utilisation(model: EmbedHeadModel, length: int, batch: int, gemm: float) -> float:
    """FLOP utilisation of one full, unpadded batch of ``batch`` x ``length`` tokens."""
    ids = torch.randint(1000, 20000, (batch, length))
    mask = torch.ones_like(ids)
    with torch.inference_mode():
        model.encoder.model(input_ids=ids, attention_mask=mask)
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            model.encoder.model(input_ids=ids, attention_mask=mask)
            best = min(best, time.perf_counter() - t0)
    return model_flops(model, np.full(batch, length)) / best / gemm


def naive(
    model: EmbedHeadModel, items: list[PreferenceItem], batch_size: int
) -> tuple[float, float]:
    """Dataset order, chosen pass then rejected pass, padding to each batch's longest."""
    real = padded = 0
    t0 = time.perf_counter()
    for side in ("chosen", "rejected"):
        for start in range(0, len(items), batch_size):
            batch = items[start : start + batch_size]
            prompts = [it.prompt for it in batch]
            responses = [getattr(it, side)[0] for it in batch]
            lengths = model.encoder.token_lengths(prompts, responses).lengths
            real += int(lengths.sum())
            padded += int(lengths.max()) * len(batch)
            model.encoder.embed(prompts, responses)
    return time.perf_counter() - t0, real / padded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument(
        "--max-tokens", type=int, default=None, help="engine token budget per batch (padded tokens)"
    )
    parser.add_argument("--max-length", type=int, default=256, help="encoder tokens per input")
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()
    torch.manual_seed(0)
    items = load_items(args.data, args.pairs)
    work = Path(tempfile.mkdtemp())
    rng = np.random.default_rng(0)
    save_embed_model(
        work / "rm",
        EmbedModelConfig(max_length=args.max_length),
        [(rng.normal(size=(384, 1)), np.zeros(1))],
    )
    model = load_model(f"embed:{work / 'rm'}", ModelOptions())
    assert isinstance(model, EmbedHeadModel)
    model.encoder.embed(["warm"], ["up"])  # first-call overheads out of both timings
    prompts = [it.prompt for it in items for _ in it.responses]
    responses = [r for it in items for r in it.responses]
    lengths = model.encoder.token_lengths(prompts, responses).lengths
    model.encoder._encoded.clear()
    print(
        f"torch {torch.__version__}, threads {torch.get_num_threads()}; {len(items)} pairs, "
        f"{len(responses)} inputs, {int(lengths.sum())} real tokens, batch {args.batch_size}, "
        f"engine token budget {args.max_tokens}"
    )

    # Best of --repeats for both (the machine is shared and noisy); each engine run is cold.
    naive_s, naive_eff = min(naive(model, items, args.batch_size) for _ in range(args.repeats))
    colds = []
    for k in range(args.repeats):
        with ScoreCache(work / f"cache{k}.sqlite") as cache:
            colds.append(
                score_items(
                    model,
                    items,
                    batch_size=args.batch_size,
                    cache=cache,
                    max_tokens=args.max_tokens,
                    progress=False,
                )
            )
            warm = score_items(
                model,
                items,
                batch_size=args.batch_size,
                cache=cache,
                max_tokens=args.max_tokens,
                progress=False,
            )
    cold = min(colds, key=lambda scored: scored.report.seconds)
    engine_plan = plan_batches(lengths, batch_size=args.batch_size, max_tokens=args.max_tokens)
    gemm = gemm_flops_per_second(384, 1536)
    flops = model_flops(model, lengths)
    n = len(responses)
    print(
        f"naive   {naive_s:8.2f} s  {n / naive_s:7.1f} inputs/s  padding efficiency {naive_eff:.3f}"
    )
    print(
        f"engine  {cold.report.seconds:8.2f} s  {n / cold.report.seconds:7.1f} inputs/s  "
        f"padding efficiency {cold.report.padding_efficiency:.3f} "
        f"(global plan {engine_plan.padding_efficiency:.3f})"
    )
    print(
        f"warm    {warm.report.seconds:8.4f} s  (cached {warm.report.n_cached}, "
        f"scored {warm.report.n_scored})"
    )
    print(f"speed-up engine/naive       {naive_s / cold.report.seconds:6.2f}x")
    print(f"warm rerun vs cold          {cold.report.seconds / warm.report.seconds:6.0f}x")
    print(f"GEMM (4096x384 @ 384x1536)  {gemm / 1e9:6.1f} GFLOP/s")
    print(f"engine model FLOP/s         {flops / cold.report.seconds / 1e9:6.1f} GFLOP/s")
    print(f"FLOP utilisation            {flops / cold.report.seconds / gemm:6.2f}")
    print(f"naive FLOP utilisation      {flops / naive_s / gemm:6.2f}")
    for length in (100, int(np.median(lengths)), int(lengths.max())):
        ceiling = uniform_utilisation(model, length, args.batch_size, gemm)
        print(f"uniform {args.batch_size}x{length} batch utilisation {ceiling:6.2f}")
    np.testing.assert_allclose(cold.scores, warm.scores)


if __name__ == "__main__":
    main()
