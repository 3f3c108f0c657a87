"""Write a demo dataset to disk: JSONL tables plus ``annotators.json`` and ``demo.json``.

Every file is UTF-8 with ``\\n`` line ends and a fixed key order, written to a temporary file in
the target folder and then moved into place with ``os.replace``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from rewardkit.data.demo.domains import DOMAIN_NAMES
from rewardkit.data.demo.generate import GENERATOR_VERSION, DemoDataset
from rewardkit.data.demo.pairs import MIN_MARGIN
from rewardkit.data.demo.quality import CRITERIA, REWARD_WEIGHTS

TABLES = ("prompts", "responses", "ratings", "comparisons", "preferences")
_CHUNK = 50_000


def _encode_column(values: pd.Series) -> list[str]:
    """JSON text of every value of a column (repeated values are encoded once)."""
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return np.where(values.to_numpy(dtype=bool), "true", "false").tolist()  # type: ignore[no-any-return]
    if pd.api.types.is_integer_dtype(dtype):
        return [str(v) for v in values.tolist()]
    if pd.api.types.is_float_dtype(dtype):
        array = values.to_numpy(dtype=np.float64)
        if not np.isfinite(array).all():
            raise ValueError(f"column {values.name!r} has non-finite values")
        return [repr(v) for v in array.tolist()]
    if len(values) and isinstance(values.iloc[0], list):
        return [json.dumps(v) for v in values.tolist()]
    codes, uniques = pd.factorize(values)
    encoded = [json.dumps(str(u), ensure_ascii=False) for u in uniques]
    return [encoded[c] for c in codes.tolist()]


def jsonl_lines(frame: pd.DataFrame) -> Iterable[str]:
    """One JSON object per row, keys in column order, each line ending in ``\\n``.

    Example:
        >>> list(jsonl_lines(pd.DataFrame({"id": ["a"], "n": [1], "x": [0.5], "ok": [True]})))
        ['{"id": "a", "n": 1, "x": 0.5, "ok": true}\\n']
    """
    template = "{" + ", ".join(f"{json.dumps(str(c))}: %s" for c in frame.columns) + "}\n"
    columns = [_encode_column(frame[c]) for c in frame.columns]
    return (template % row for row in zip(*columns, strict=True))


def _write_atomic(path: Path, chunks: Iterable[str]) -> str:
    """Write ``chunks`` to ``path`` atomically; return the SHA-256 of the bytes written."""
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            buffer: list[str] = []
            for chunk in chunks:
                buffer.append(chunk)
                if len(buffer) >= _CHUNK:
                    data = "".join(buffer).encode("utf-8")
                    digest.update(data)
                    handle.write(data)
                    buffer.clear()
            data = "".join(buffer).encode("utf-8")
            digest.update(data)
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest.hexdigest()


def _json_text(obj: object) -> list[str]:
    return [json.dumps(obj, indent=2, ensure_ascii=False) + "\n"]


def _annotators(frame: pd.DataFrame) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for row in frame.to_dict(orient="records"):
        out.append(
            {
                "annotator_id": row["annotator_id"],
                "profile": row["profile"],
                "bias": {c: float(row[f"bias_{c}"]) for c in CRITERIA},
                "noise_sd": float(row["noise_sd"]),
                "tie_threshold": float(row["tie_threshold"]),
                "careless_rate": float(row["careless_rate"]),
            }
        )
    return out


def _per_domain(dataset: DemoDataset) -> dict[str, dict[str, int]]:
    def counts(frame: pd.DataFrame) -> dict[str, int]:
        return {str(k): int(v) for k, v in frame["domain"].value_counts().items()}

    prompts = counts(dataset.prompts)
    sensitive = counts(dataset.prompts[dataset.prompts["sensitive"]])
    responses = counts(dataset.responses)
    preferences = counts(dataset.preferences)
    return {
        name: {
            "prompts": prompts.get(name, 0),
            "sensitive_prompts": sensitive.get(name, 0),
            "responses": responses.get(name, 0),
            "preferences": preferences.get(name, 0),
        }
        for name in DOMAIN_NAMES
    }


def write_demo(dataset: DemoDataset, out_dir: Path) -> dict[str, Path]:
    """Write the dataset's files into ``out_dir`` (created if needed).

    Args:
        dataset: What :func:`generate_demo` returned.
        out_dir: Target folder; existing files of the same names are replaced atomically.

    Returns:
        Name (``prompts``, ``responses``, ``ratings``, ``comparisons``, ``preferences``,
        ``annotators``, ``demo``) -> path written.

    Example:
        >>> import tempfile
        >>> from rewardkit.data.demo import DemoConfig, generate_demo
        >>> paths = write_demo(generate_demo(DemoConfig(n_prompts=10)), Path(tempfile.mkdtemp()))
        >>> sorted(p.name for p in paths.values())[:3]
        ['annotators.json', 'comparisons.jsonl', 'demo.json']
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    hashes: dict[str, str] = {}
    counts: dict[str, int] = {}
    for name in TABLES:
        frame: pd.DataFrame = getattr(dataset, name)
        path = out_dir / f"{name}.jsonl"
        hashes[path.name] = _write_atomic(path, jsonl_lines(frame))
        counts[path.name] = len(frame)
        paths[name] = path
    path = out_dir / "annotators.json"
    hashes[path.name] = _write_atomic(path, _json_text(_annotators(dataset.annotators)))
    counts[path.name] = len(dataset.annotators)
    paths["annotators"] = path
    human = float((dataset.responses["source"] == "human").mean())
    meta = {
        "generator": "rewardkit.data.demo",
        "generator_version": GENERATOR_VERSION,
        "config": dataclasses.asdict(dataset.config),
        "criteria": list(CRITERIA),
        "reward_weights": dict(zip(CRITERIA, REWARD_WEIGHTS, strict=True)),
        "min_margin": MIN_MARGIN,
        "human_share": round(human, 6),
        "counts": counts,
        "sha256": hashes,
        "domains": _per_domain(dataset),
    }
    paths["demo"] = out_dir / "demo.json"
    _write_atomic(paths["demo"], _json_text(meta))
    return paths
