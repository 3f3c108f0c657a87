"""Small best-of-n data sets written to disk for the run and CLI tests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def write_candidates(path: Path, n_prompts: int = 60, seed: int = 0) -> list[dict[str, object]]:
    """Items with 3-6 candidates each; the best response (by quality) is the chosen one, the
    rest rejected; ``chosen_scores``/``rejected_scores`` repeat the quality. Longer padding
    goes with *lower* quality half of the time, so ``baseline:length`` is a poor proxy."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, object]] = []
    for p in range(n_prompts):
        size = int(rng.integers(3, 7))
        quality = np.round(rng.normal(size=size), 3)
        pad = rng.integers(1, 40, size=size)
        texts = [f"quality={q:.3f} " + "x" * int(k) for q, k in zip(quality, pad, strict=True)]
        best = int(np.argmax(quality))
        rest = [i for i in range(size) if i != best]
        rows.append(
            {
                "id": f"p{p}",
                "prompt": f"prompt {p}",
                "chosen": [texts[best]],
                "rejected": [texts[i] for i in rest],
                "chosen_scores": [float(quality[best])],
                "rejected_scores": [float(quality[i]) for i in rest],
                "domain": "even" if p % 2 == 0 else "odd",
                "subset": f"s{p % 3}",
            }
        )
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return rows
