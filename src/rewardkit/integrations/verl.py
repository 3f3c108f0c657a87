"""A rewardkit reward model as verl's custom reward function.

verl (checked against volcengine/verl at commit ``b178a3cd56f5``, January 2026) loads
``custom_reward_function.name`` from ``custom_reward_function.path`` (a file, or
``pkg://module.path``) and calls it with keyword arguments:
``compute_score(data_source=, solution_str=, ground_truth=, extra_info=, **reward_kwargs)``,
where ``reward_kwargs`` is ``custom_reward_function.reward_kwargs`` from the config (the reward
loop also passes ``reward_router_address`` and ``reward_model_tokenizer``); it expects a float
(or a dict with ``"score"``). The ``batch`` reward manager calls
``compute_score(data_sources=, solution_strs=, ground_truths=, extra_infos=, **reward_kwargs)``
and expects a list.

``solution_str`` is the decoded response only: the prompt must travel in ``extra_info`` (verl's
example preprocessing stores it as ``extra_info["question"]``; a list of ``{role, content}``
messages is a conversation). :data:`PROMPT_KEYS` are tried in order, or ``prompt_key``.

Two ways to name the model:

- **config only**: ``path: pkg://rewardkit.integrations.verl``, ``name: compute_score`` (or
  ``compute_score_batch``), and ``reward_kwargs: {model: "embed:/models/rm"}`` (plus
  ``calibrated``, ``clip``, ``prompt_key``, ``batch_size`` when wanted), or the spec in the
  environment variable :data:`MODEL_ENV` of the reward workers;
- **a file of yours**: ``compute_score = make_compute_score("embed:/models/rm", ...)``.

The model is loaded once per process and setting, and scores through the scoring engine with
the score cache. A sample that cannot be scored raises (verl has no "no reward" value).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rewardkit.errors import ConfigError, DataError
from rewardkit.integrations.inputs import to_rewardkit_inputs
from rewardkit.integrations.scorer import Calibration, RewardScorer
from rewardkit.models.spec import ModelSpec

__all__ = [
    "MODEL_ENV",
    "PROMPT_KEYS",
    "compute_score",
    "compute_score_batch",
    "make_compute_score",
    "prompt_of",
]

#: The environment variable naming the model spec when ``reward_kwargs`` give no ``model``.
MODEL_ENV = "REWARDKIT_VERL_MODEL"
#: Where the prompt is looked for in ``extra_info``, in order.
PROMPT_KEYS = ("prompt", "question")

ComputeScore = Callable[..., float]

_SCORERS: dict[tuple[Any, ...], RewardScorer] = {}
_SCORERS_LOCK = threading.Lock()


def prompt_of(extra_info: Mapping[str, Any] | None, prompt_key: str | None = None) -> object:
    """The prompt a verl sample carries in ``extra_info``.

    Example:
        >>> prompt_of({"question": "2+2?", "index": 3})
        '2+2?'
    """
    info = extra_info if isinstance(extra_info, Mapping) else {}
    keys = (prompt_key,) if prompt_key else PROMPT_KEYS
    for key in keys:
        if key in info and info[key] is not None:
            value = info[key]
            if hasattr(value, "tolist"):  # verl keeps object columns as numpy arrays
                value = value.tolist()
            return value
    raise DataError(
        f"no prompt in extra_info (looked for {', '.join(map(repr, keys))}; it has "
        f"{', '.join(map(repr, sorted(info))) or 'nothing'}): store the prompt there in your "
        "preprocessing, or set prompt_key in custom_reward_function.reward_kwargs",
        field="extra_info",
    )


def _scorer(
    spec: str | ModelSpec,
    calibrated: Calibration | None,
    clip: tuple[float, float] | None,
    batch_size: int,
) -> RewardScorer:
    key = (str(spec), calibrated, None if clip is None else tuple(clip), batch_size)
    with _SCORERS_LOCK:
        scorer = _SCORERS.get(key)
        if scorer is None:
            scorer = RewardScorer(
                spec, calibrated=calibrated, clip=clip, batch_size=batch_size, on_error="raise"
            )
            _SCORERS[key] = scorer
    return scorer


def _model_spec(model: str | None) -> str:
    spec = model or os.environ.get(MODEL_ENV, "").strip()
    if not spec:
        raise ConfigError(
            "rewardkit's verl reward needs a model: set custom_reward_function.reward_kwargs."
            f"model (e.g. embed:/models/rm) or the environment variable {MODEL_ENV}"
        )
    return spec


def _score_all(
    scorer: RewardScorer,
    solution_strs: Sequence[str],
    extra_infos: Sequence[Mapping[str, Any] | None],
    prompt_key: str | None,
) -> list[float]:
    prompts = [prompt_of(info, prompt_key) for info in extra_infos]
    ps, rs = to_rewardkit_inputs(prompts, list(solution_strs))
    out = scorer(ps, rs)
    return [float(v) for v in out if v is not None]  # on_error="raise": never None


def compute_score(
    data_source: str | None = None,
    solution_str: str = "",
    ground_truth: object = None,
    extra_info: Mapping[str, Any] | None = None,
    *,
    model: str | None = None,
    calibrated: Calibration | None = None,
    clip: Sequence[float] | None = None,
    prompt_key: str | None = None,
    batch_size: int = 32,
    **kwargs: Any,
) -> float:
    """verl's ``compute_score``, for ``reward_kwargs.model`` or ``$REWARDKIT_VERL_MODEL``.

    ``data_source`` and ``ground_truth`` are not used (the RM judges the response against its
    prompt); other keyword arguments verl passes are ignored.

    Example:
        >>> compute_score("gsm8k", "1234", "4", {"question": "2+2?"}, model="baseline:length")
        4.0
    """
    clip_pair = None if clip is None else (float(clip[0]), float(clip[1]))
    scorer = _scorer(_model_spec(model), calibrated, clip_pair, batch_size)
    return _score_all(scorer, [solution_str], [extra_info], prompt_key)[0]


def compute_score_batch(
    data_sources: Sequence[str] | None = None,
    solution_strs: Sequence[str] = (),
    ground_truths: Sequence[object] | None = None,
    extra_infos: Sequence[Mapping[str, Any] | None] | None = None,
    *,
    model: str | None = None,
    calibrated: Calibration | None = None,
    clip: Sequence[float] | None = None,
    prompt_key: str | None = None,
    batch_size: int = 32,
    **kwargs: Any,
) -> list[float]:
    """The ``batch`` reward manager's form (``reward_model.reward_manager=batch``): one model
    pass for the whole batch.

    Example:
        >>> compute_score_batch(
        ...     ["a", "a"], ["12", "1"], [None, None], [{"prompt": "q"}] * 2,
        ...     model="baseline:length",
        ... )
        [2.0, 1.0]
    """
    infos = list(extra_infos) if extra_infos is not None else [None] * len(solution_strs)
    clip_pair = None if clip is None else (float(clip[0]), float(clip[1]))
    scorer = _scorer(_model_spec(model), calibrated, clip_pair, batch_size)
    return _score_all(scorer, solution_strs, infos, prompt_key)


def make_compute_score(
    spec: str | ModelSpec,
    *,
    calibrated: Calibration | None = None,
    clip: tuple[float, float] | None = None,
    prompt_key: str | None = None,
    batch_size: int = 32,
) -> ComputeScore:
    """A ``compute_score`` bound to one model (loaded now), for a reward file of your own.

    Example:
        >>> score = make_compute_score("baseline:length", clip=(0.0, 3.0))
        >>> score(data_source="x", solution_str="abcdef", ground_truth=None,
        ...       extra_info={"prompt": "q"})
        3.0
    """
    scorer = _scorer(spec, calibrated, clip, batch_size)

    def bound_compute_score(
        data_source: str | None = None,
        solution_str: str = "",
        ground_truth: object = None,
        extra_info: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> float:
        return _score_all(scorer, [solution_str], [extra_info], prompt_key)[0]

    return bound_compute_score
