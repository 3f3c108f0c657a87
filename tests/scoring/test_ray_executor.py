"""The ray executor gives the same scores as the local one (a local Ray, fractional CPUs)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from rewardkit.data import PreferenceItem
from rewardkit.models import ModelOptions, load_model
from rewardkit.scoring import make_executor, score_items

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.slow

MODEL = """
def score(prompts, responses):
    return [len(r) * 1.5 + len(str(p)) for p, r in zip(prompts, responses)]
"""


@pytest.fixture
def local_ray(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "ray_test_rm.py").write_text(MODEL)
    monkeypatch.syspath_prepend(str(tmp_path))
    # Two actors at 0.5 CPU each fit on one CPU: whole CPUs would deadlock a 2-core machine.
    ray.init(
        num_cpus=1,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": f"{tmp_path}:{':'.join(sys.path)}"}},
    )
    yield tmp_path
    ray.shutdown()


def test_same_scores_on_ray_and_local(local_ray: Path) -> None:
    items = [
        PreferenceItem(
            id=str(i),
            prompt=f"p{i}",
            chosen=("c" * (i % 9 + 1),),
            rejected=("r" * (i % 4 + 1), "x" * i),
        )
        for i in range(40)
    ]
    spec = "python:ray_test_rm:score"
    model = load_model(spec, ModelOptions())
    local = score_items(model, items, batch_size=8, progress=False).scores
    executor = make_executor("ray", spec, ModelOptions(), actors=2, num_cpus=0.5)
    remote = score_items(model, items, batch_size=8, executor=executor, progress=False)
    np.testing.assert_array_equal(remote.scores, local)
    assert remote.report.n_batches == 15
