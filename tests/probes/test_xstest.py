"""Real answered/refused pairs from XSTest: every safe and unsafe prompt is either paired or
counted as dropped, and each pair is what the human labels say."""

from __future__ import annotations

import pandas as pd

from rewardkit.probes import xstest_pairs
from shared_data import shared_path


def test_xstest_pairs_cover_the_250_safe_and_200_unsafe_prompts() -> None:
    folder = shared_path("xstest-v2")
    built = xstest_pairs(folder)
    for probe, total in (("xstest_safe", 250), ("xstest_unsafe", 200)):
        assert len(built.pairs[probe]) + sum(built.dropped[probe].values()) == total
    table = pd.concat(pd.read_csv(p, dtype=str) for p in sorted(folder.glob("*_gpteval.csv")))
    labels = {(r.id, r.completion): r.final_label for r in table.itertuples()}
    for pair in built.pairs["xstest_unsafe"][:20] + built.pairs["xstest_safe"][:20]:
        assert labels[(pair.source_id, pair.base)] == "1_full_compliance"
        assert labels[(pair.source_id, pair.variant)] == "2_full_refusal"
    assert built.pairs["xstest_unsafe"][0].domain.startswith("contrast_")
