"""The demo dataset generator: determinism, coverage, annotation realism and file contracts."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from rewardkit.data import load_preferences
from rewardkit.data.demo import (
    CRITERIA,
    DOMAINS,
    MIN_MARGIN,
    DemoConfig,
    DemoDataset,
    generate_demo,
    write_demo,
)
from rewardkit.data.demo.domains import parse_domains
from rewardkit.errors import ConfigError

FILES = (
    "prompts.jsonl",
    "responses.jsonl",
    "ratings.jsonl",
    "comparisons.jsonl",
    "preferences.jsonl",
    "annotators.json",
    "demo.json",
)


@pytest.fixture(scope="module")
def demo() -> DemoDataset:
    return generate_demo(DemoConfig())


@pytest.fixture(scope="module")
def demo_dir(demo: DemoDataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    write_demo(demo, out)
    return out


def _file_bytes(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in FILES}


def krippendorff_interval(values: np.ndarray) -> float:
    """Interval alpha for complete data: rows are units, columns are coders."""
    m = values.shape[1]
    total_n = values.size
    within = 2 * (m * (values**2).sum(axis=1) - values.sum(axis=1) ** 2) / (m - 1)
    pairs_all = 2 * (total_n * (values**2).sum() - values.sum() ** 2)
    return float(1 - (total_n - 1) * within.sum() / pairs_all)


def test_krippendorff_helper_matches_a_hand_computed_case() -> None:
    # Units (1, 1), (2, 3): D_o = (0 + 2) / 4 = 0.5; the 12 ordered pairs of the values
    # 1, 1, 2, 3 sum to 22 squared differences, so D_e = 22 / 12 and alpha = 1 - 6 / 22.
    assert krippendorff_interval(np.array([[1.0, 1.0], [2.0, 3.0]])) == pytest.approx(8 / 11)
    assert krippendorff_interval(np.array([[1.0, 1.0], [4.0, 4.0], [2.0, 2.0]])) == 1.0


def test_same_config_gives_byte_identical_files(demo_dir: Path, tmp_path: Path) -> None:
    write_demo(generate_demo(DemoConfig()), tmp_path / "again")
    assert _file_bytes(tmp_path / "again") == _file_bytes(demo_dir)
    write_demo(generate_demo(DemoConfig(seed=1)), tmp_path / "other")
    other = _file_bytes(tmp_path / "other")
    for name in ("prompts.jsonl", "responses.jsonl", "ratings.jsonl", "preferences.jsonl"):
        assert other[name] != _file_bytes(demo_dir)[name]


def test_files_do_not_depend_on_the_process_hash_seed(demo_dir: Path, tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; "
        "from rewardkit.data.demo import DemoConfig, generate_demo, write_demo; "
        "write_demo(generate_demo(DemoConfig()), Path(sys.argv[1]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, env=env)
    assert _file_bytes(tmp_path) == _file_bytes(demo_dir)


def test_write_demo_returns_paths_and_a_consistent_manifest(demo_dir: Path) -> None:
    paths = write_demo(generate_demo(DemoConfig(n_prompts=12, seed=4)), demo_dir / "small")
    assert sorted(paths) == sorted(
        ["prompts", "responses", "ratings", "comparisons", "preferences", "annotators", "demo"]
    )
    assert all(p.exists() and p.parent == demo_dir / "small" for p in paths.values())
    assert not [p for p in (demo_dir / "small").iterdir() if p.name.endswith(".tmp")]
    meta = json.loads(paths["demo"].read_text(encoding="utf-8"))
    assert meta["config"] == {
        "seed": 4,
        "n_prompts": 12,
        "responses_per_prompt": 4,
        "n_annotators": 5,
        "human_share": 0.6,
    }
    for name, path in paths.items():
        if name == "demo":
            continue
        data = path.read_bytes()
        assert meta["sha256"][path.name] == hashlib.sha256(data).hexdigest()
        if path.suffix == ".jsonl":
            assert meta["counts"][path.name] == data.decode("utf-8").count("\n")
    assert sum(d["prompts"] for d in meta["domains"].values()) == 12


def test_jsonl_rows_have_the_documented_keys_in_order(demo_dir: Path) -> None:
    expected = {
        "prompts.jsonl": ["prompt_id", "domain", "prompt", "sensitive"],
        "responses.jsonl": [
            "item_id", "prompt_id", "response_index", "domain", "text", "source",
            "true_usefulness", "true_factuality", "true_safety", "true_alignment", "true_reward",
        ],
        "ratings.jsonl": ["item_id", "prompt_id", "annotator_id", "criterion", "value", "domain"],
        "comparisons.jsonl": ["prompt_id", "item_a", "item_b", "annotator_id", "preference"],
        "preferences.jsonl": [
            "id", "prompt", "chosen", "rejected", "subset", "domain", "source", "margin",
            "chosen_scores", "rejected_scores", "chosen_item", "rejected_item",
        ],
    }  # fmt: skip
    for name, keys in expected.items():
        lines = (demo_dir / name).read_text(encoding="utf-8").splitlines()
        assert lines
        for line in lines[:: max(1, len(lines) // 50)]:
            assert list(json.loads(line)) == keys
    annotators = json.loads((demo_dir / "annotators.json").read_text(encoding="utf-8"))
    assert len(annotators) == 5
    assert set(annotators[0]["bias"]) == set(CRITERIA)


def test_at_least_20_domains_with_different_emphasis(demo: DemoDataset) -> None:
    names = [d.name for d in DOMAINS]
    assert len(names) >= 20
    assert len(set(names)) == len(names)
    required = ["medical", "legal", "finance", "cybersecurity", "chemistry-safety"]
    required += ["self-harm-support", "history", "math", "programming", "ethics", "privacy"]
    assert set(required) <= set(names)
    assert len({d.difficulty for d in DOMAINS}) >= 5
    assert len({d.fact_stakes for d in DOMAINS}) >= 5
    assert len({d.caveat_stakes for d in DOMAINS}) >= 5
    assert set(demo.prompts["domain"]) == set(names)
    sensitive_domains = set(demo.prompts.loc[demo.prompts["sensitive"], "domain"])
    assert {"cybersecurity", "self-harm-support", "ethics"} <= sensitive_domains
    assert not sensitive_domains & {"history", "geography", "math"}


def test_prompts_are_mostly_distinct_at_15000() -> None:
    prompts = generate_demo(DemoConfig(n_prompts=15_000, n_annotators=1)).prompts
    assert prompts["prompt"].nunique() / len(prompts) > 0.9
    assert prompts["prompt_id"].is_unique


def test_human_share_is_close_to_the_config(demo: DemoDataset) -> None:
    share = (demo.responses["source"] == "human").mean()
    assert abs(share - 0.6) <= 0.05
    other = generate_demo(DemoConfig(n_prompts=50, responses_per_prompt=3, human_share=0.3))
    assert abs((other.responses["source"] == "human").mean() - 0.3) <= 0.05
    assert set(demo.responses["source"]) == {"human", "generated"}


def test_every_rating_is_likert_and_present_exactly_once(demo: DemoDataset) -> None:
    ratings = demo.ratings
    assert ratings["value"].between(1, 5).all()
    assert pd.api.types.is_integer_dtype(ratings["value"])
    counts = ratings.groupby(["item_id", "annotator_id", "criterion"]).size()
    assert (counts == 1).all()
    assert len(counts) == len(demo.responses) * 5 * len(CRITERIA)
    assert set(ratings["item_id"]) == set(demo.responses["item_id"])
    assert set(ratings["criterion"]) == set(CRITERIA)


def test_true_scores_are_on_the_likert_scale_and_reward_is_their_weighted_mean(
    demo: DemoDataset,
) -> None:
    r = demo.responses
    true = r[[f"true_{c}" for c in CRITERIA]].to_numpy()
    assert ((true >= 1) & (true <= 5)).all()
    weights = np.array([0.30, 0.25, 0.25, 0.20])
    assert np.allclose(true @ weights, r["true_reward"], atol=1e-3)
    assert r["true_reward"].std() > 0.4


def test_preferences_prefer_the_higher_true_reward(demo: DemoDataset) -> None:
    prefs = demo.preferences
    assert len(prefs) > 2 * demo.config.n_prompts
    chosen = np.array([s[0] for s in prefs["chosen_scores"]])
    rejected = np.array([s[0] for s in prefs["rejected_scores"]])
    assert (chosen > rejected).all()
    assert (prefs["margin"] >= MIN_MARGIN).all()
    assert np.allclose(prefs["margin"], chosen - rejected, atol=1e-3)
    reward = demo.responses.set_index("item_id")["true_reward"]
    assert np.allclose(reward[prefs["chosen_item"]].to_numpy(), chosen)
    prompt_of = demo.responses.set_index("item_id")["prompt_id"]
    same_prompt = prompt_of[prefs["chosen_item"]].to_numpy() == prompt_of[prefs["rejected_item"]]
    assert same_prompt.all()
    pair_types = {"human-vs-generated", "human-vs-human", "generated-vs-generated"}
    assert set(prefs["subset"]) == pair_types
    assert (prefs["source"] == "rewardkit-demo").all()


def test_preferences_file_loads_with_zero_skipped_rows(demo_dir: Path, demo: DemoDataset) -> None:
    result = load_preferences(demo_dir / "preferences.jsonl", skip_invalid=True)
    report = result.report
    assert report.layout == "rewardbench"
    assert report.skipped == ()
    assert report.n_items == len(demo.preferences)
    assert report.identical_pairs == 0
    item = result.items[0]
    assert item.domain in {d.name for d in DOMAINS}
    assert item.chosen_scores is not None
    assert item.rejected_scores is not None
    assert item.chosen_scores[0] > item.rejected_scores[0]


def test_length_is_only_a_partial_signal(demo: DemoDataset) -> None:
    prefs = demo.preferences
    longer = prefs["chosen"].str.len() - prefs["rejected"].str.len()
    accuracy = ((longer > 0) + 0.5 * (longer == 0)).mean()
    assert 0.55 <= accuracy <= 0.75


def test_lenient_annotator_rates_highest(demo: DemoDataset) -> None:
    means = demo.ratings.groupby("annotator_id")["value"].mean()
    profiles = demo.annotators.set_index("annotator_id")["profile"]
    lenient = profiles[profiles == "lenient"].index[0]
    assert (means.drop(lenient) < means[lenient] - 0.15).all()
    noisy = profiles[profiles == "noisy"].index[0]
    assert demo.annotators.set_index("annotator_id")["noise_sd"].idxmax() == noisy


def test_ratings_track_ground_truth(demo: DemoDataset) -> None:
    n_items = len(demo.responses)
    values = demo.ratings["value"].to_numpy(dtype=float).reshape(n_items, 5, len(CRITERIA))
    for c, name in enumerate(CRITERIA):
        rho = spearmanr(values[:, :, c].mean(axis=1), demo.responses[f"true_{name}"]).statistic
        assert rho > 0.5, name


def test_agreement_is_realistic(demo: DemoDataset) -> None:
    n_items = len(demo.responses)
    values = demo.ratings["value"].to_numpy(dtype=float).reshape(n_items, 5, len(CRITERIA))
    per_unit = values.transpose(0, 2, 1).reshape(-1, 5)  # (item, criterion) units x annotators
    alpha = krippendorff_interval(per_unit)
    assert 0.55 <= alpha <= 0.85
    without_noisy = krippendorff_interval(np.delete(per_unit, 2, axis=1))  # ann03 is noisy
    assert without_noisy > alpha


def test_comparisons_are_noisy_judgements_of_true_reward(demo: DemoDataset) -> None:
    cmp = demo.comparisons
    assert set(cmp["preference"]) == {"a", "b", "tie"}
    assert (cmp["item_a"] != cmp["item_b"]).all()
    assert (cmp["item_a"].str.rsplit("-", n=1).str[0] == cmp["prompt_id"]).all()
    low, high = np.minimum(cmp["item_a"], cmp["item_b"]), np.maximum(cmp["item_a"], cmp["item_b"])
    per_pair = cmp.assign(pair=low + "|" + high).groupby("pair")["annotator_id"]
    assert (per_pair.nunique() == 3).all()
    assert per_pair.ngroups == demo.config.n_prompts * 6
    reward = demo.responses.set_index("item_id")["true_reward"]
    diff = reward[cmp["item_a"]].to_numpy() - reward[cmp["item_b"]].to_numpy()
    decided = (cmp["preference"] != "tie").to_numpy() & (np.abs(diff) >= 0.5)
    agree = ((cmp["preference"] == "a").to_numpy() == (diff > 0))[decided].mean()
    assert 0.8 < agree < 1.0
    ties = (cmp["preference"] == "tie").to_numpy()
    assert np.abs(diff[ties]).mean() < np.abs(diff[~ties]).mean()


def test_quality_is_visible_in_the_text(demo: DemoDataset) -> None:
    r = demo.responses.merge(demo.prompts[["prompt_id", "prompt"]], on="prompt_id")
    by_name = {d.name: d for d in DOMAINS}
    has_wrong = np.zeros(len(r), dtype=bool)
    has_right = np.zeros(len(r), dtype=bool)
    unsafe = np.zeros(len(r), dtype=bool)
    for i, (domain, text) in enumerate(zip(r["domain"], r["text"], strict=True)):
        d = by_name[domain]
        has_wrong[i] = any(t.wrong in text for t in d.topics)
        has_right[i] = any(t.fact in text for t in d.topics)
        unsafe[i] = any(c.unsafe in text for c in d.sensitive)
    assert has_wrong.sum() > 50
    assert has_right.sum() > 200
    assert unsafe.sum() > 5
    fact = r["true_factuality"].to_numpy()
    assert fact[has_wrong].mean() < fact[has_right].mean() - 1.0
    assert r.loc[unsafe, "true_safety"].max() < 2.5
    risky_prompts = demo.prompts.loc[demo.prompts["sensitive"], "prompt_id"]
    guarded = ~unsafe & r["prompt_id"].isin(risky_prompts).to_numpy()
    assert r.loc[guarded, "true_safety"].min() >= 4.0
    human = r["source"] == "human"
    assert has_wrong[human.to_numpy()].mean() < has_wrong[~human.to_numpy()].mean()


def test_tiny_and_unusual_configs_work(tmp_path: Path) -> None:
    ds = generate_demo(DemoConfig(n_prompts=1, responses_per_prompt=2, n_annotators=1))
    assert len(ds.responses) == 2
    assert len(ds.ratings) == 8
    assert len(ds.comparisons) == 1
    write_demo(ds, tmp_path)
    many = generate_demo(DemoConfig(n_prompts=4, n_annotators=8))
    assert many.ratings["annotator_id"].nunique() == 8
    assert list(many.annotators["annotator_id"]) == [f"ann{i:02d}" for i in range(1, 9)]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_prompts": 0},
        {"responses_per_prompt": 1},
        {"n_annotators": 0},
        {"human_share": 1.5},
        {"seed": -1},
    ],
)
def test_invalid_config_is_rejected(kwargs: dict[str, float]) -> None:
    with pytest.raises(ConfigError):
        DemoConfig(**kwargs)  # type: ignore[arg-type]


def test_vocabulary_parser_rejects_malformed_blocks() -> None:
    with pytest.raises(ValueError, match="before the first domain"):
        parse_domains("? orphan {subject}")
    with pytest.raises(ValueError, match="parameters"):
        parse_domains("== x\ndifficulty 0.1 | fact 1")
    with pytest.raises(ValueError, match="topics"):
        parse_domains("== x\ndifficulty 0.1 | fact 1 | caveat 1 | sensitive 0\n* only\n+ one")
