"""One reward per (prompt, response) from a rewardkit model spec, for the RL bridges.

The model is loaded once; each call goes through the scoring engine (length-sorted batches,
the score cache, one SQLite connection per calling thread), then the optional calibration and
clip. A batch that fails (an unreachable server, a non-finite score) is scored again input by
input, so that only the inputs that fail get ``None`` (``on_error="none"``, TRL's convention for
"no reward for this sample") or the error is raised (``on_error="raise"``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

from rewardkit.data.records import PreferenceItem, Prompt
from rewardkit.errors import ConfigError, RewardkitError
from rewardkit.models.protocol import RewardModel, uses_score_cache
from rewardkit.models.registry import load_spec
from rewardkit.models.spec import ModelSpec, as_model_spec
from rewardkit.scoring import ScoreCache, open_score_cache, score_items

__all__ = [
    "LOGIT_EPS",
    "Calibration",
    "OnError",
    "ProbabilityMap",
    "RewardScorer",
    "calibrated_rewards",
]

logger = logging.getLogger(__name__)

#: ``"probability"``: p(the response is preferred over one scoring ``reference``) from the
#: calibrator beside the model; ``"logit"``: the log-odds of that probability.
Calibration = Literal["probability", "logit"]
OnError = Literal["none", "raise"]

#: Probabilities are kept in [LOGIT_EPS, 1 - LOGIT_EPS] before the log-odds (an isotonic
#: calibrator gives exactly 0 or 1 at its ends), so a logit reward lies within about +-13.8.
LOGIT_EPS = 1e-6


class ProbabilityMap(Protocol):
    """What a fitted calibrator offers here: ``predict_proba`` of score differences."""

    def predict_proba(self, diffs: npt.ArrayLike) -> npt.NDArray[np.float64]: ...


def calibrated_rewards(
    scores: npt.ArrayLike,
    calibrator: ProbabilityMap,
    kind: Calibration,
    reference: float = 0.0,
) -> np.ndarray:
    """Rewards from raw scores through a calibrator of score differences.

    A calibrator maps ``r_a - r_b`` to ``p(a preferred over b)``; the reward of a response
    scoring ``r`` is ``p = calibrator(r - reference)`` (``"probability"``) or
    ``log(p / (1 - p))`` (``"logit"``, with ``p`` kept in ``[LOGIT_EPS, 1 - LOGIT_EPS]``).
    For temperature scaling the logit is ``(r - reference) / T``.

    Example:
        >>> from rewardkit.calibration import TemperatureScaling
        >>> cal = TemperatureScaling()
        >>> cal.temperature_ = 2.0
        >>> calibrated_rewards([4.0, -2.0], cal, "logit").round(6).tolist()
        [2.0, -1.0]
        >>> calibrated_rewards([0.0], cal, "probability").tolist()
        [0.5]
    """
    diffs = np.asarray(scores, dtype=np.float64) - float(reference)
    probs = np.asarray(calibrator.predict_proba(diffs), dtype=np.float64)
    if kind == "probability":
        return probs
    if kind == "logit":
        p = np.clip(probs, LOGIT_EPS, 1.0 - LOGIT_EPS)
        return np.asarray(np.log(p) - np.log1p(-p), dtype=np.float64)
    raise ConfigError(f"calibrated must be 'probability', 'logit' or None, got {kind!r}")


def _find_calibrator(spec: ModelSpec, kind: Calibration | None) -> ProbabilityMap | None:
    if kind is None:
        return None
    if kind not in ("probability", "logit"):
        raise ConfigError(f"calibrated must be 'probability', 'logit' or None, got {kind!r}")
    from rewardkit.calibration.serialize import CALIBRATOR_FILE, calibrator_beside

    found = calibrator_beside(spec)
    if found is None:
        raise ConfigError(
            f"model {spec.text}: calibrated={kind!r} needs the {CALIBRATOR_FILE} that "
            "`rewardkit calibrate` saves in the model's folder, and there is none; run "
            "`rewardkit calibrate --model ...` first or leave calibrated=None for raw scores"
        )
    return found[0]


def _check_clip(clip: tuple[float, float] | None) -> tuple[float, float] | None:
    if clip is None:
        return None
    low, high = (float(v) for v in clip)
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ConfigError(f"clip must be (low, high) with finite low < high, got {clip!r}")
    return low, high


class RewardScorer:
    """A reward model spec loaded once, scoring (prompt, response) pairs for an RL loop.

    Args:
        spec: A model spec (``embed:DIR``, ``hf:DIR``, ``http://host:8000``, ``python:mod:fn``,
            a YAML spec file, ...) or a parsed :class:`~rewardkit.models.spec.ModelSpec`.
        calibrated: None for raw scores, or ``"probability"`` / ``"logit"`` through the
            calibrator saved beside the model (see :func:`calibrated_rewards`); asking for one
            when the model's folder holds none is a :class:`~rewardkit.errors.ConfigError`.
        reference: The score a response is compared with when calibrated.
        clip: ``(low, high)``: rewards are clipped to this range (after calibration).
        batch_size: Inputs per model batch.
        max_tokens: Padded tokens per batch at most (None: no limit).
        cache: Score cache file (None: ``$REWARDKIT_CACHE`` or the user's cache).
        no_cache: Neither read nor write the score cache.
        on_error: ``"none"``: an input that cannot be scored gets None; ``"raise"``: the
            error propagates.

    Example:
        >>> scorer = RewardScorer("baseline:length", clip=(0.0, 3.0), no_cache=True)
        >>> scorer(["q", "q"], ["ab", "abcdef"])
        [2.0, 3.0]
    """

    def __init__(
        self,
        spec: str | ModelSpec,
        *,
        calibrated: Calibration | None = None,
        reference: float = 0.0,
        clip: tuple[float, float] | None = None,
        batch_size: int = 32,
        max_tokens: int | None = None,
        cache: str | None = None,
        no_cache: bool = False,
        on_error: OnError = "none",
    ) -> None:
        if batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, got {batch_size}")
        if on_error not in ("none", "raise"):
            raise ConfigError(f"on_error must be 'none' or 'raise', got {on_error!r}")
        if not np.isfinite(reference):
            raise ConfigError(f"reference must be a finite number, got {reference!r}")
        self.spec = as_model_spec(spec)
        model = load_spec(self.spec)
        if not isinstance(model, RewardModel):
            raise ConfigError(
                f"{self.spec.text} scores only the items it was given ahead of time; an RL loop "
                "needs a model that scores new texts (hf:, embed:, dpo:, python:, http:, ...)"
            )
        self.model = model
        self.calibrated = calibrated
        self.calibrator = _find_calibrator(self.spec, calibrated)
        self.reference = float(reference)
        self.clip = _check_clip(clip)
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self.cache_file = cache
        self.no_cache = no_cache
        self.on_error = on_error
        self.n_failed = 0
        self._lock = threading.Lock()  # one scoring pass at a time (the model is shared)
        self._local = threading.local()  # a SQLite connection belongs to its thread

    def _cache(self) -> ScoreCache | None:
        if self.no_cache or not uses_score_cache(self.model):
            return None
        if not hasattr(self._local, "cache"):
            self._local.cache = open_score_cache(self.cache_file)
        cache: ScoreCache | None = self._local.cache
        return cache

    def _score(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> np.ndarray:
        items = [
            PreferenceItem(id=str(i), prompt=p, chosen=(r,), rejected=())
            for i, (p, r) in enumerate(zip(prompts, responses, strict=True))
        ]
        with self._lock:
            return score_items(
                self.model,
                items,
                batch_size=self.batch_size,
                max_tokens=self.max_tokens,
                cache=self._cache(),
                progress=False,
            ).scores

    def raw_scores(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> list[float | None]:
        """The model's scores; None for an input that cannot be scored (``on_error="none"``).

        Example:
            >>> RewardScorer("baseline:length", no_cache=True).raw_scores(["q"], ["abc"])
            [3.0]
        """
        if len(prompts) != len(responses):
            raise ConfigError(f"{len(prompts)} prompts but {len(responses)} responses")
        if not responses:
            return []
        try:
            return [float(s) for s in self._score(prompts, responses)]
        except RewardkitError as exc:
            if self.on_error == "raise" or isinstance(exc, ConfigError):
                raise
            first = exc
        out: list[float | None] = []
        for p, r in zip(prompts, responses, strict=True):  # find the inputs that fail
            try:
                out.append(float(self._score([p], [r])[0]))
            except RewardkitError:
                out.append(None)
        self._count_failures(out, first)
        return out

    def _count_failures(self, out: Sequence[float | None], error: Exception) -> None:
        failed = sum(1 for v in out if v is None)
        self.n_failed += failed
        if failed:
            logger.warning(
                "rewardkit: %d of %d input(s) got no reward from %s: %s",
                failed,
                len(out),
                self.spec.text,
                error,
            )

    def finish(self, raw: Sequence[float | None]) -> list[float | None]:
        """Calibration and clip applied to raw scores (None stays None).

        Example:
            >>> RewardScorer("baseline:length", clip=(-1.0, 1.0)).finish([0.5, None, 7.0])
            [0.5, None, 1.0]
        """
        present = [i for i, v in enumerate(raw) if v is not None]
        values = np.asarray([raw[i] for i in present], dtype=np.float64)
        if self.calibrator is not None and self.calibrated is not None and values.size:
            values = calibrated_rewards(values, self.calibrator, self.calibrated, self.reference)
        if self.clip is not None:
            values = np.clip(values, *self.clip)
        out: list[float | None] = [None] * len(raw)
        for i, v in zip(present, values.tolist(), strict=True):
            out[i] = float(v)
        return out

    def __call__(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> list[float | None]:
        """One reward per (prompt, response): raw score, calibrated if asked, clipped."""
        return self.finish(self.raw_scores(prompts, responses))

    def close(self) -> None:
        """Close this thread's score-cache connection (others close when their thread ends)."""
        cache = getattr(self._local, "cache", None)
        if cache is not None:
            cache.close()
            del self._local.cache
