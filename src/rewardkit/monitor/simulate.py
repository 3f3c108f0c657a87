"""Simulated deployment traffic with planted drift, built on the demo generator.

Rows are demo prompts and responses (:func:`rewardkit.data.demo.generate_demo`) scored by a
simulated RM (the response's true reward plus Gaussian noise) and, for a share of the rows, a
spot-check label (the RM was right with probability ``accuracy``). From window ``drift_at`` of
the current log on, three things change at once (each can be switched off with 0):

* domain mix: ``mix_domain``'s share of the traffic rises to ``mix_share``;
* score shift: ``shift_domain``'s scores rise by ``shift_sd`` of its reference sd;
* accuracy: ``shift_domain``'s accuracy drops by ``accuracy_drop``.

Example:
    >>> t = simulate_traffic(TrafficConfig(n_windows=2, window_size=50, n_reference=100,
    ...                                    drift_at=1))
    >>> len(t.reference), len(t.current), t.truth["drift_at"]
    (100, 100, 1)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rewardkit.data.demo import DOMAIN_NAMES, DemoConfig, generate_demo
from rewardkit.errors import ConfigError

__all__ = ["Traffic", "TrafficConfig", "planted_found", "simulate_traffic", "write_traffic"]

_START = pd.Timestamp("2026-01-01T00:00:00Z")


@dataclass(frozen=True)
class TrafficConfig:
    """What traffic to simulate (same config, same rows).

    Attributes:
        seed: Seed of every random choice.
        domains: The domains of the traffic (demo domain names).
        n_reference: Rows of the reference log.
        n_windows: Windows of the current log.
        window_size: Rows per window (one row per ``seconds_per_row``).
        drift_at: First drifted window (0-based).
        shift_domain: Domain whose scores shift and whose accuracy drops.
        shift_sd: Score shift, in that domain's reference sd.
        accuracy: Spot-check accuracy of the RM before drift.
        accuracy_drop: Accuracy drop of ``shift_domain`` after drift.
        mix_domain: Domain whose traffic share rises.
        mix_share: Its share after drift (before: an equal share).
        label_rate: Share of rows with a spot-check label.
        noise_sd: Noise of the simulated RM around the true reward.
        seconds_per_row: Time between rows.
    """

    seed: int = 0
    domains: tuple[str, ...] = DOMAIN_NAMES[:4]
    n_reference: int = 4000
    n_windows: int = 10
    window_size: int = 1000
    drift_at: int = 6
    shift_domain: str = DOMAIN_NAMES[0]
    shift_sd: float = 0.5
    accuracy: float = 0.8
    accuracy_drop: float = 0.1
    mix_domain: str = DOMAIN_NAMES[1]
    mix_share: float = 0.5
    label_rate: float = 1.0
    noise_sd: float = 0.5
    seconds_per_row: float = 60.0

    def __post_init__(self) -> None:
        unknown = sorted(set(self.domains) - set(DOMAIN_NAMES))
        if unknown or len(self.domains) < 2:
            raise ConfigError(f"domains: give >= 2 demo domains (unknown: {unknown})")
        for name in (self.shift_domain, self.mix_domain):
            if name not in self.domains:
                raise ConfigError(f"{name!r} is not one of the traffic's domains")
        if not 0 <= self.drift_at <= self.n_windows:
            raise ConfigError(f"drift_at must be in [0, {self.n_windows}], got {self.drift_at}")
        if not 0.0 < self.mix_share < 1.0 or not 0.0 <= self.label_rate <= 1.0:
            raise ConfigError("mix_share must be in (0, 1) and label_rate in [0, 1]")
        if not 0.0 <= self.accuracy - self.accuracy_drop <= self.accuracy <= 1.0:
            raise ConfigError("accuracy and accuracy - accuracy_drop must lie in [0, 1]")


@dataclass(frozen=True, eq=False)
class Traffic:
    """The simulated logs and what was planted in them."""

    reference: pd.DataFrame
    current: pd.DataFrame
    truth: dict[str, Any]


def _pool(config: TrafficConfig) -> dict[str, tuple[list[str], list[str], np.ndarray]]:
    """Per domain: prompts, responses and true rewards of the demo's responses."""
    per_domain = 12
    ds = generate_demo(
        DemoConfig(seed=config.seed, n_prompts=per_domain * len(DOMAIN_NAMES), n_annotators=1)
    )
    prompts = dict(zip(ds.prompts["prompt_id"], ds.prompts["prompt"], strict=True))
    out = {}
    for name in config.domains:
        part = ds.responses[ds.responses["domain"] == name]
        out[name] = (
            [prompts[p] for p in part["prompt_id"]],
            part["text"].tolist(),
            part["true_reward"].to_numpy(dtype=np.float64),
        )
    return out


def _rows(
    config: TrafficConfig,
    pool: dict[str, tuple[list[str], list[str], np.ndarray]],
    shares: np.ndarray,
    drifted: bool,
    sd: dict[str, float],
    n: int,
    t0: pd.Timestamp,
    rng: np.random.Generator,
) -> pd.DataFrame:
    names = list(config.domains)
    which = rng.choice(len(names), size=n, p=shares)
    pick = rng.random(n)
    noise = rng.standard_normal(n) * config.noise_sd
    right = rng.random(n)
    checked = rng.random(n) < config.label_rate
    rows: dict[str, list[Any]] = {k: [] for k in ("prompt", "response", "score", "domain")}
    labels: list[int | None] = []
    for i in range(n):
        name = names[int(which[i])]
        prompts, texts, reward = pool[name]
        j = int(pick[i] * len(texts))
        score = float(reward[j] + noise[i])
        acc = config.accuracy
        if drifted and name == config.shift_domain:
            score += config.shift_sd * sd[name]
            acc -= config.accuracy_drop
        rows["prompt"].append(prompts[j])
        rows["response"].append(texts[j])
        rows["score"].append(round(score, 6))
        rows["domain"].append(name)
        labels.append(int(right[i] < acc) if checked[i] else None)
    step = pd.Timedelta(seconds=config.seconds_per_row)
    stamps = [(t0 + i * step).strftime("%Y-%m-%dT%H:%M:%SZ") for i in range(n)]
    return pd.DataFrame({"timestamp": stamps, **rows, "label": labels})


def simulate_traffic(config: TrafficConfig | None = None) -> Traffic:
    """A reference log and a current log with drift planted at ``config.drift_at``.

    Returns:
        :class:`Traffic`; ``truth`` records the planted drift (window, domains, sizes) and
        the time the first drifted row was logged.
    """
    cfg = config or TrafficConfig()
    rng = np.random.default_rng(cfg.seed)
    pool = _pool(cfg)
    k = len(cfg.domains)
    even = np.full(k, 1.0 / k)
    mixed = np.full(k, (1.0 - cfg.mix_share) / (k - 1))
    mixed[list(cfg.domains).index(cfg.mix_domain)] = cfg.mix_share
    sd = {name: float(np.sqrt(pool[name][2].var() + cfg.noise_sd**2)) for name in cfg.domains}
    step = pd.Timedelta(seconds=cfg.seconds_per_row)
    reference = _rows(cfg, pool, even, False, sd, cfg.n_reference, _START, rng)
    t_cur = _START + cfg.n_reference * step
    before = cfg.drift_at * cfg.window_size
    after = (cfg.n_windows - cfg.drift_at) * cfg.window_size
    current = pd.concat(
        [
            _rows(cfg, pool, even, False, sd, before, t_cur, rng),
            _rows(cfg, pool, mixed, True, sd, after, t_cur + before * step, rng),
        ],
        ignore_index=True,
    )
    truth = {
        "drift_at": cfg.drift_at,
        "drift_time": (t_cur + before * step).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "shift_domain": cfg.shift_domain,
        "shift_sd": cfg.shift_sd,
        "accuracy_drop": cfg.accuracy_drop,
        "mix_domain": cfg.mix_domain,
        "mix_share": cfg.mix_share,
        "config": asdict(cfg),
    }
    return Traffic(reference=reference, current=current, truth=truth)


def write_traffic(traffic: Traffic, folder: Path) -> dict[str, Path]:
    """Write ``reference.jsonl`` and ``current.jsonl`` (unlabelled rows have no ``label``).

    Example:
        >>> import tempfile
        >>> t = simulate_traffic(TrafficConfig(n_windows=2, window_size=20, n_reference=20,
        ...                                    drift_at=1))
        >>> sorted(write_traffic(t, Path(tempfile.mkdtemp())))
        ['current', 'reference']
    """
    from rewardkit.runs import write_text

    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, frame in (("reference", traffic.reference), ("current", traffic.current)):
        records = frame.to_dict(orient="records")
        lines = []
        for rec in records:
            if rec["label"] is None or rec["label"] != rec["label"]:
                rec.pop("label")
            else:
                rec["label"] = int(rec["label"])
            lines.append(json.dumps(rec, ensure_ascii=False))
        path = folder / f"{name}.jsonl"
        write_text(path, "\n".join(lines) + "\n")
        out[name] = path
    return out


_SCORE_METRICS = ("score_mean_shift", "score_psi", "score_wasserstein", "score_ks")


def planted_found(results: dict[str, Any], truth: dict[str, Any]) -> dict[str, Any]:
    """Which planted drifts a monitor run alerted, and at which window.

    Args:
        results: The monitor run's ``results.json`` document.
        truth: :attr:`Traffic.truth` of the simulated traffic.

    Returns:
        ``score_shift``, ``domain_mix`` and ``accuracy_drop``: the first window at or after
        the drift with an alert of that kind on the planted segment (None: not found);
        ``delay`` of each in windows; ``alerts_before_drift`` and ``alerts_elsewhere``
        (alerts on other domains after the drift) count false alarms.

    Example:
        >>> truth = {"drift_at": 2, "shift_domain": "math"}
        >>> doc = {"windows": [{"index": i} for i in range(4)], "alerts": [
        ...     {"metric": "score_psi", "segment": "math", "window": 3},
        ...     {"metric": "domain_mix_psi", "segment": "all", "window": 2}]}
        >>> found = planted_found(doc, truth)
        >>> found["score_shift"], found["domain_mix"], found["accuracy_drop"]
        (3, 2, None)
    """
    at, domain = int(truth["drift_at"]), str(truth["shift_domain"])
    drift_window = results["windows"][at]["index"] if at < len(results["windows"]) else at
    kinds: dict[str, Callable[[dict[str, Any]], bool]] = {
        "score_shift": lambda a: a["metric"] in _SCORE_METRICS and a["segment"] == domain,
        "domain_mix": lambda a: a["metric"] == "domain_mix_psi",
        "accuracy_drop": lambda a: a["metric"] == "accuracy_drop" and a["segment"] == domain,
    }
    after = [a for a in results["alerts"] if a["window"] >= drift_window]
    out: dict[str, Any] = {}
    for kind, match in kinds.items():
        windows = [a["window"] for a in after if match(a)]
        out[kind] = min(windows) if windows else None
    out["delay"] = {k: None if out[k] is None else out[k] - drift_window for k in kinds}
    out["alerts_before_drift"] = sum(a["window"] < drift_window for a in results["alerts"])
    out["alerts_elsewhere"] = sum(a["segment"] not in ("all", domain) for a in after)
    return out
