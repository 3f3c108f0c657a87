"""The ``http:`` model sends explicit prompt/response pairs beside OpenRLHF's ``query``: a
prompt with a newline (the query separator) is scored as the pair it is."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from rewardkit.models.registry import load_model

Server = Any  # conftest.Server: a running ``rewardkit serve``


def test_a_multi_line_prompt_keeps_its_pair(
    start_server: Callable[..., Server], tmp_path: Path
) -> None:
    server = start_server(
        "--model", "python:slow_rm:prompt_aware", "--cache", str(tmp_path / "c.sqlite")
    )
    prompts = ["line one\nline two", "single"]
    responses = ["resp", "a\nb"]
    remote = load_model(f"http:{server.url}").score(prompts, responses)
    expected = [1000.0 * len(p) + len(r) for p, r in zip(prompts, responses, strict=True)]
    np.testing.assert_array_equal(remote, expected)  # 17004 and 6003, not a split at "\n"
