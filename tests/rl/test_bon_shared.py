"""``rewardkit bon`` on RMB's best-of-N set (../shared/data/rmb-bon; skipped when absent):
``baseline:length`` as proxy, the dataset's own best response as gold (1 best, 0 losers)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rewardkit.jobs.bon import run_bon
from rewardkit.rl import BonConfig
from shared_data import shared_path

pytestmark = pytest.mark.shared_data


def test_rmb_bon_length_proxy_by_scenario(tmp_path: Path) -> None:
    data = shared_path("rmb-bon", "BoN_set")
    run = run_bon(
        data,
        ["baseline:length"],
        tmp_path / "run",
        gold_scores="from-labels",
        config=BonConfig(bootstrap=200, cache=str(tmp_path / "cache.sqlite")),
    )
    res = run.results_json
    assert res["data"]["n_prompts"] == 3786
    assert res["data"]["n_candidates"] == {"3": 2878, "4": 712, "5": 165, "6": 24, "7": 7}
    curves = res["curves"]
    assert curves["n"] == [1, 2, 3, 4, 5, 6, 7]
    assert curves["n_prompts"][:3] == [3786, 3786, 3786]
    # oracle: picking by the label finds the best response whenever it is in the subset
    assert curves["oracle"]["value"][2] > curves["proxy"]["value"][2] > 0
    gamma = res["gamma"]
    assert 0 < gamma["ci"][0] <= gamma["value"] <= gamma["ci"][1] < 1.2
    groups = res["proxies"][0]["groups"]
    assert set(groups["domain"]) == {"Helpfulness", "Harmlessness"}
    assert len(groups["subset"]) == 49
    for entry in groups["subset"].values():
        assert entry["gamma"]["n"] >= 8
        assert len(entry["curves"]["proxy"]["value"]) == len(entry["curves"]["n"])
    html = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert "Helpfulness/Chat/Casual Conversation" in html
    assert json.loads((tmp_path / "run" / "results.json").read_text()) == res
