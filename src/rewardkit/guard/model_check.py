"""Checks that score (prompt, response) with any rewardkit model spec.

* ``rm_gate``: trips when the reward (or its calibrated probability) falls **below**
  ``threshold``. With ``calibrator`` (a ``calibration.json`` written by ``rewardkit
  calibrate``) the score is ``P(response beats a reference response scored
  reference_score)`` = ``calibrator.predict_proba(score - reference_score)``, a probability in
  [0, 1]; without it the raw score is compared.
* ``refusal_model``: a refusal classifier or judge whose score is *higher for refusals* (an RM
  trained on refusal labels, a ``judge:`` spec with a refusal rubric, ...): ``full_refusal`` at
  or above ``threshold``, ``partial_refusal`` at or above ``partial_threshold`` when given, else
  ``compliance``.

Example:
    >>> gate = ModelCheck(ModelCheckOptions(model="baseline:length", threshold=10), "below")
    >>> [v.tripped for v in gate.check([GuardItem("short"), GuardItem("a much longer answer")])]
    [True, False]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from rewardkit.errors import ConfigError
from rewardkit.guard.base import (
    BuildContext,
    Check,
    CheckOptions,
    CheckType,
    GuardItem,
    ProbabilityMap,
    Verdict,
)

__all__ = ["REFUSAL_MODEL", "RM_GATE", "ModelCheck", "ModelCheckOptions"]


class ModelCheckOptions(CheckOptions):
    """Options of ``rm_gate`` and ``refusal_model``.

    Attributes:
        model: Any rewardkit model spec (or YAML spec file).
        threshold: The gate (rm_gate: trips below it; refusal_model: full refusal at or above).
        partial_threshold: refusal_model only: partial refusal at or above it.
        calibrator: A ``calibration.json``; the score becomes a probability (see module).
        reference_score: The reference response's score for the calibrated probability.
    """

    model: str
    threshold: float
    partial_threshold: float | None = None
    calibrator: str | None = None
    reference_score: float = 0.0


class ModelCheck:
    """A threshold on a model's score; ``direction`` says which side trips."""

    def __init__(
        self,
        options: ModelCheckOptions,
        direction: Literal["below", "above"],
        *,
        model: Any = None,
        load_calibrator: Callable[[Path], ProbabilityMap] | None = None,
    ) -> None:
        self.options = options
        self.direction = direction
        partial = options.partial_threshold
        if partial is not None and direction == "above" and partial > options.threshold:
            raise ConfigError(
                f"partial_threshold ({partial}) must not exceed threshold ({options.threshold})"
            )
        if model is None:
            from rewardkit.models.registry import load_model

            model = load_model(options.model)
        self.model = model
        self.calibrator: ProbabilityMap | None = None
        if options.calibrator is not None:
            if load_calibrator is None:
                raise ConfigError(
                    f"calibrator {options.calibrator!r}: this caller cannot read calibrators; "
                    "run the policy through rewardkit guard, redteam or serve"
                )
            try:
                self.calibrator = load_calibrator(Path(options.calibrator))
            except (OSError, ValueError) as exc:
                raise ConfigError(
                    f"{options.calibrator}: cannot read the calibrator: {exc}"
                ) from None

    def scores(self, items: Sequence[GuardItem]) -> np.ndarray:
        """The model's scores (probabilities with a calibrator) of the items."""
        if not items:
            return np.zeros(0)
        raw = np.asarray(
            self.model.score([it.prompt for it in items], [it.text for it in items]),
            dtype=np.float64,
        )
        if self.calibrator is None:
            return raw
        return np.asarray(
            self.calibrator.predict_proba(raw - self.options.reference_score), dtype=np.float64
        )

    def check(self, items: Sequence[GuardItem]) -> list[Verdict]:
        o = self.options
        what = "probability" if self.calibrator is not None else "score"
        out = []
        for s in self.scores(items).tolist():
            if self.direction == "below":
                out.append(
                    Verdict(True, s, "below_gate", f"{what} {s:.4g} < {o.threshold:g}")
                    if s < o.threshold
                    else Verdict(False, s, "pass")
                )
            elif s >= o.threshold:
                out.append(Verdict(True, s, "full_refusal", f"{what} {s:.4g} >= {o.threshold:g}"))
            elif o.partial_threshold is not None and s >= o.partial_threshold:
                reason = f"{what} {s:.4g} >= {o.partial_threshold:g} (partial)"
                out.append(Verdict(True, s, "partial_refusal", reason))
            else:
                out.append(Verdict(False, s, "compliance"))
        return out


def _gate(options: CheckOptions, context: BuildContext) -> Check:
    assert isinstance(options, ModelCheckOptions)
    return ModelCheck(options, "below", load_calibrator=context.load_calibrator)


def _refusal(options: CheckOptions, context: BuildContext) -> Check:
    assert isinstance(options, ModelCheckOptions)
    return ModelCheck(options, "above", load_calibrator=context.load_calibrator)


RM_GATE = CheckType(
    ModelCheckOptions,
    _gate,
    scored=True,
    doc="reward (probability) below a gate",
    higher_trips=False,
)
REFUSAL_MODEL = CheckType(
    ModelCheckOptions, _refusal, scored=True, doc="refusal score of any model spec or judge"
)
