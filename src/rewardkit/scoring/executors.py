"""Executors map scoring over batches: ``local`` in this process, ``ray`` on Ray Data."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

import numpy as np

from rewardkit.data.records import Prompt
from rewardkit.errors import ConfigError, MissingExtraError
from rewardkit.models.options import ModelOptions
from rewardkit.models.protocol import RewardModel
from rewardkit.models.spec import ModelSpec
from rewardkit.registry import Registry

Batch = tuple[np.ndarray, list[Prompt], list[str]]  # positions, prompts, responses


class Executor(Protocol):
    """Scores batches and yields (positions, scores) as each batch finishes (any order)."""

    def run(
        self, model: RewardModel, batches: Sequence[Batch]
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]: ...


class LocalExecutor:
    """Scores batches one after another in this process (the default)."""

    def run(
        self, model: RewardModel, batches: Sequence[Batch]
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for positions, prompts, responses in batches:
            yield positions, np.asarray(model.score(prompts, responses), dtype=np.float64)


class RayExecutor:
    """Ray Data ``map_batches`` over an actor pool; each actor loads the model once.

    The model is rebuilt inside every actor from its parsed spec, so it must be loadable
    there (a local path visible to the workers). ``num_cpus`` per actor may be fractional: on a
    small machine two actors at one CPU each would wait for each other forever.
    """

    def __init__(self, spec: ModelSpec, *, actors: int = 1, num_cpus: float = 0.5) -> None:
        self.spec = spec
        self.actors = actors
        self.num_cpus = num_cpus

    def run(
        self, model: RewardModel, batches: Sequence[Batch]
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        try:
            import ray
        except ImportError as exc:
            raise MissingExtraError("ray", "ray") from exc
        if not ray.is_initialized():
            ray.init(
                num_cpus=max(1, int(self.actors * self.num_cpus + 0.999)),
                include_dashboard=False,
                log_to_driver=False,
            )
        rows = [{"batch": i} for i in range(len(batches))]
        payload = ray.put([(b[1], b[2]) for b in batches])
        spec = self.spec

        class _Scorer:
            def __init__(self) -> None:
                from rewardkit.models.registry import load_spec

                model = load_spec(spec)
                if not isinstance(model, RewardModel):
                    raise ConfigError(f"{spec} cannot be scored batch by batch")
                self.model = model
                self.batches = ray.get(payload)

            def __call__(self, rows: dict[str, Any]) -> dict[str, Any]:
                scores = []
                for i in rows["batch"]:
                    prompts, responses = self.batches[int(i)]
                    scores.append(np.asarray(self.model.score(prompts, responses), dtype=float))
                return {"batch": rows["batch"], "scores": np.array(scores, dtype=object)}

        dataset = ray.data.from_items(rows).map_batches(
            _Scorer,
            batch_size=1,
            num_cpus=self.num_cpus,
            compute=ray.data.ActorPoolStrategy(size=self.actors),
        )
        for row in dataset.iter_rows():
            index = int(row["batch"])
            yield batches[index][0], np.asarray(row["scores"], dtype=np.float64)


ExecutorFactory = Callable[..., Executor]
EXECUTORS: Registry[ExecutorFactory] = Registry(
    "executor", check=callable, plugin_prefix="executors"
)
EXECUTORS.register("local", lambda spec, **settings: LocalExecutor())
EXECUTORS.register("ray", RayExecutor)

#: Schemes whose models score only the items given ahead of time, in this process.
LOCAL_ONLY_SCHEMES = frozenset({"scores"})


def make_executor(
    name: str, spec: ModelSpec | str, options: ModelOptions | None = None, **settings: Any
) -> Executor:
    """Build an executor by name for the model ``spec`` names (a string is read as resolved,
    with ``options``); ``settings`` go to its constructor (e.g. ``actors=2``).

    Example:
        >>> type(make_executor("local", ModelSpec.of("baseline:length"))).__name__
        'LocalExecutor'
        >>> make_executor("ray", "scores:s.parquet")
        Traceback (most recent call last):
        ...
        rewardkit.errors.ConfigError: executor 'ray' cannot run a scores: model
    """
    if isinstance(spec, str):
        spec = ModelSpec.of(spec, options)
    if name != "local" and spec.scheme in LOCAL_ONLY_SCHEMES:
        raise ConfigError(f"executor {name!r} cannot run a {spec.scheme}: model")
    return EXECUTORS.get(name)(spec, **settings)
