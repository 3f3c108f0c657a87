"""Position bias: by hand, and measured on planted stub judges (30 % of pairs answered
'position A' whatever is shown; a consistent judge) through the judges stage and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from judges.openai_stub import OpenAIStub, StubConfig
from rewardkit.annotations.tables import read_comparisons
from rewardkit.cli.main import main
from rewardkit.judges import PairTask, compare_pairs, position_bias
from rewardkit.metrics import bootstrap_mean, rng_for
from rewardkit.models.judge import PairwiseJudge
from rewardkit.models.judge_options import JudgeOptions

N_PAIRS = 400
PLANTED = 0.30


def _tasks(n: int) -> list[PairTask]:
    # x is the better response of every pair; half the pairs list it second in the data.
    out = []
    for i in range(n):
        good, bad = f"pair-{i} [good] a careful answer", f"pair-{i} [bad] a sloppy answer"
        x, y = (good, bad) if i % 2 == 0 else (bad, good)
        out.append(
            PairTask(f"u{i}", f"question {i}", f"i{i}x", x, f"i{i}y", y, "x" if i % 2 == 0 else "y")
        )
    return out


def _planted(n: int, share: float) -> frozenset[str]:
    chosen = np.random.default_rng(15).permutation(n)[: round(share * n)]
    return frozenset(f"pair-{i}" for i in chosen)


def test_position_bias_by_hand() -> None:
    patterns = ["consistent"] * 5 + ["AA"] * 3 + ["BB"] + ["mixed"] + ["invalid"] * 2
    pb = position_bias(patterns, n_resamples=500, seed=1)  # type: ignore[arg-type]
    assert (pb.n_pairs, pb.n_invalid) == (10, 2)
    assert pb.consistency.value == 0.5
    assert pb.position_bias.value == 0.4
    assert pb.prefers_first.value == 0.3
    assert pb.prefers_second.value == 0.1
    assert pb.mixed.value == 0.1
    # each pair its own unit: exactly metrics.bootstrap_mean on the 0/1 outcomes
    reference = bootstrap_mean(
        [1.0] * 3 + [0.0] * 7, n_resamples=500, rng=rng_for(1, "judge-position", "prefers_first")
    )
    assert pb.prefers_first == reference


@pytest.mark.parametrize("share", [PLANTED, 0.0])
def test_a_planted_position_bias_is_measured_within_its_ci(share: float) -> None:
    biased = _planted(N_PAIRS, share)
    with OpenAIStub(StubConfig(biased=biased)) as stub:
        judge = PairwiseJudge("stub-judge", JudgeOptions(url=stub.url, concurrency=8, backoff=0.01))
        result = compare_pairs(judge, _tasks(N_PAIRS), annotator="judge", progress=False)
        assert stub.n_requests == 2 * N_PAIRS
    pos = result.position
    planted = len(biased) / N_PAIRS
    assert planted == share
    assert pos.prefers_first.value == planted  # exactly the planted pairs
    assert pos.position_bias.value == planted
    assert pos.prefers_second.value == 0.0
    assert pos.consistency.value == 1.0 - planted
    assert pos.prefers_first.ci_low <= share <= pos.prefers_first.ci_high
    if share == 0.0:
        assert (pos.position_bias.ci_low, pos.position_bias.ci_high) == (0.0, 0.0)
    else:
        assert pos.prefers_first.ci_high - pos.prefers_first.ci_low < 0.1
    # inconsistent verdicts are ties (0 credit): accuracy is the unbiased share
    assert result.accuracy is not None
    assert result.accuracy.value == pytest.approx(1.0 - planted)
    assert result.outcomes["tie"] == len(biased)


def test_judge_rate_pairwise_cli_writes_comparisons_and_position_bias(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    n = 60
    data = tmp_path / "pairs.jsonl"
    rows = [
        {
            "id": f"p{i}",
            "prompt": f"q{i}",
            "chosen": f"pair-{i} [good]",
            "rejected": f"pair-{i} [bad]",
        }
        for i in range(n)
    ]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    biased = _planted(n, PLANTED)
    with OpenAIStub(StubConfig(biased=biased)) as stub:
        args = ["judge", "rate", "--data", str(data), "--model", "judge:stub-judge"]
        args += ["--judge-url", stub.url, "--out", str(tmp_path / "comparisons.csv")]
        args += ["--run-dir", str(tmp_path / "run"), "--cache", str(tmp_path / "c.sqlite")]
        assert main(args) == 0
        assert stub.n_requests == 2 * n
    out = capsys.readouterr().out
    assert "position bias (verdict follows the position)" in out
    assert "0.3000" in out
    comparisons = read_comparisons(tmp_path / "comparisons.csv")
    assert len(comparisons) == n
    assert set(comparisons["annotator_id"]) == {"judge:stub-judge"}
    assert (comparisons["preference"] == "tie").sum() == len(biased)
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    assert results["position_bias"]["prefers_first"]["value"] == 0.3
    assert results["accuracy"]["value"] == pytest.approx(0.7)
    judgments = pd.read_parquet(tmp_path / "run" / "judgments.parquet")
    assert len(judgments) == 2 * n
    assert judgments["text"].str.startswith("{").all()  # the raw judge text, kept
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["judge_usage"]["n_requests"] == 2 * n
