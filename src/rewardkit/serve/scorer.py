"""The served model: loaded once from its spec, scored through the scoring engine (batches,
score cache), with preference probabilities for the pairs of ``/score``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from scipy.special import expit

from rewardkit.data.records import PreferenceItem
from rewardkit.errors import ConfigError
from rewardkit.models.protocol import RewardModel
from rewardkit.models.registry import load_spec
from rewardkit.models.spec import ModelSpec, as_model_spec
from rewardkit.scoring import Scored, open_score_cache, score_items

#: Schemes whose scores are not log-odds of preference: without a calibrator, ``sigmoid`` of
#: their differences is no probability, so ``/score`` gives none.
NOT_LOG_ODDS_SCHEMES = frozenset({"baseline", "judge"})


class ProbabilityMap(Protocol):
    """Maps score differences ``r_a - r_b`` to ``p(a preferred)``: a fitted calibrator."""

    def predict_proba(self, diffs: npt.ArrayLike) -> npt.NDArray[np.float64]: ...


def load_served_model(
    spec: str | ModelSpec, overrides: Mapping[str, Any] | None = None
) -> tuple[ModelSpec, RewardModel]:
    """Parse (if a string) and load a model that scores new texts batch by batch.

    Example:
        >>> load_served_model("baseline:length")[1].fingerprint()
        'baseline:length/v1'
    """
    parsed = as_model_spec(spec, overrides)
    model = load_spec(parsed)
    if not isinstance(model, RewardModel):
        raise ConfigError(
            f"{parsed.text} scores only the items it was given ahead of time; serve a model that "
            "scores new texts (hf:, embed:, dpo:, python:, http:, baseline:)"
        )
    return parsed, model


class EngineScorer:
    """Scores rounds through :func:`rewardkit.scoring.score_items` with the score cache open.

    Build it in the thread that will call it (SQLite connections belong to their thread).

    Example:
        >>> from rewardkit.models import LengthBaseline
        >>> scorer = EngineScorer(LengthBaseline(), batch_size=4, no_cache=True)
        >>> scorer([PreferenceItem("1", "q", ("abc",), ())]).scores.tolist()
        [3.0]
        >>> scorer.close()
    """

    def __init__(
        self,
        model: RewardModel,
        *,
        batch_size: int,
        max_tokens: int | None = None,
        cache: str | None = None,
        no_cache: bool = False,
    ) -> None:
        self.model = model
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self.cache = open_score_cache(cache, no_cache)

    def __call__(self, items: Sequence[PreferenceItem]) -> Scored:
        return score_items(
            self.model,
            items,
            batch_size=self.batch_size,
            max_tokens=self.max_tokens,
            cache=self.cache,
            progress=False,
        )

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()


def probability_name(spec: ModelSpec | str, calibrator: ProbabilityMap | None) -> str | None:
    """What ``/score`` probabilities are computed from; None when it gives none.

    Example:
        >>> probability_name("embed:rm", None), probability_name("baseline:length", None)
        ('sigmoid(score difference)', None)
    """
    if calibrator is not None:
        return f"{type(calibrator).__name__} calibrator"
    scheme = spec.scheme if isinstance(spec, ModelSpec) else spec.partition(":")[0]
    if scheme in NOT_LOG_ODDS_SCHEMES:
        return None
    return "sigmoid(score difference)"


def pair_probabilities(
    chosen: np.ndarray, rejected: np.ndarray, calibrator: ProbabilityMap | None
) -> list[list[float]]:
    """``p(chosen i preferred over rejected j)`` for every pair of an item.

    Example:
        >>> pair_probabilities(np.array([1.0]), np.array([1.0, 3.0]), None)
        [[0.5, 0.11920292202211755]]
    """
    diffs = np.subtract.outer(np.asarray(chosen, float), np.asarray(rejected, float))
    flat = diffs.reshape(-1)
    if calibrator is not None:
        probs = np.asarray(calibrator.predict_proba(flat), dtype=np.float64)
    else:
        probs = expit(flat)
    out: list[list[float]] = probs.reshape(diffs.shape).tolist()
    return out
