"""A hostile-input corpus for the ``rewardkit`` command line, generated from a seed.

:func:`build_corpus` writes every input under a folder and returns the cases: each is the
argument list of one CLI run and what that run must do:

- ``error``: exit 2 with the error on one line (``error: ...``), no traceback;
- ``ok``: exit 0;
- ``any``: one of the two (fuzzed inputs: a damaged file may still hold valid rows).

The inputs are the damaged files of issue 14 (deep JSON nesting, lone surrogates, CSV rows wider
than the header, duplicate column names, unhashable ids, damaged run folders, corrupt weights
and caches, hostile calibrators and training options, a FIFO and ``/dev/zero`` as data, models
that exit, terminal escape sequences in names) and a seeded fuzzing pass over the JSONL reader
(random truncations, nesting and code points). :func:`run_corpus` runs the cases through
``rewardkit.cli.main.main`` of whatever rewardkit is importable and records each outcome, so the
same corpus counts the tracebacks of any checkout::

    PYTHONPATH=<checkout>/src:tests python tests/faults/hostile_corpus.py OUT.json

Nothing here imports rewardkit at module level: the module runs against old code too.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

Expect = str  # "error" | "ok" | "any"

ESCAPES = "\x1b]0;pwned\x07\x1b[31mred\x1b[0m\x9b2J"
"""Terminal control sequences (a title change, a colour, a C1 CSI) planted in names."""


@dataclass
class Case:
    """One CLI run of the corpus."""

    name: str
    group: str
    argv: list[str]
    expect: Expect
    isolate: bool = False  # run in a subprocess (a case that hangs or eats memory on old code)
    timeout: float = 30.0
    heavy: bool = False  # loads a neural encoder or model (the slow test runs these)
    setup: Callable[[], None] | None = field(default=None, repr=False)


@dataclass
class Outcome:
    """What one case did."""

    name: str
    group: str
    expect: Expect
    rc: int | None
    traceback: str | None
    hung: bool
    seconds: float
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("error:")]

    @property
    def clean_error(self) -> bool:
        """Exit 2 with one ``error:`` line and nothing else but ``warning:`` lines."""
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        return (
            self.rc == 2
            and len(self.error_lines) == 1
            and all(line.startswith(("error:", "warning:")) for line in lines)
        )

    @property
    def passed(self) -> bool:
        """No traceback, no hang, and the expected exit."""
        if self.traceback is not None or self.hung:
            return False
        if self.expect == "error":
            return self.clean_error
        if self.expect == "ok":
            return self.rc == 0
        return self.rc == 0 or self.clean_error

    @property
    def verdict(self) -> str:
        if self.hung:
            return "hang"
        if self.traceback is not None:
            return "traceback"
        return "pass" if self.passed else f"wrong (exit {self.rc})"


# --------------------------------------------------------------------------------- inputs


def _pref_rows(n: int = 12) -> list[dict[str, Any]]:
    """Valid preference items: one chosen, two rejected (best-of-n needs N >= 3)."""
    return [
        {
            "id": f"i{i}",
            "prompt": f"Question {i}: how do I handle topic {i % 4} well?",
            "chosen": f"A careful, complete answer number {i} that explains the steps. " * 2,
            "rejected": [f"Short {i}.", f"A wrong answer {i}, sadly."],
            "domain": ["code", "chat"][i % 2],
            "subset": ["easy", "hard"][i % 3 == 0],
        }
        for i in range(n)
    ]


def _lines(rows: list[dict[str, Any]]) -> list[str]:
    return [json.dumps(r) for r in rows]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _deep(depth: int, kind: str = "list") -> str:
    if kind == "list":
        return "[" * depth + "]" * depth
    return '{"a": ' * depth + "1" + "}" * depth


def _with_field(line: str, key: str, raw_json_value: str) -> str:
    """A JSON object line with one more member, its value given as raw JSON text."""
    return line[:-1] + f', "{key}": {raw_json_value}' + "}"


def _replace_value(line: str, key: str, raw_json_value: str) -> str:
    obj = json.loads(line)
    obj[key] = "@@VALUE@@"
    return json.dumps(obj).replace('"@@VALUE@@"', raw_json_value)


_CODE_POINT_POOLS = [
    [chr(c) for c in range(0, 32)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xA0)],
    ["\\ud800", "\\udfff", "\\udbff", "\\ud83d"],  # lone surrogates, as JSON escapes
    ["\ufeff", "\ufffe", "\uffff", "\u202e", "\u2028", "\u2029", "\u200b"],
    ["\U0001f600", "\U0010fffd", "\u0301", "\u4e2d", "\uac00", "\u05d0"],
    ["\\u0000", "\\u001b[2J", "\\\\", '\\"'],
]


def _random_text(rng: random.Random, k: int) -> str:
    out = []
    for _ in range(k):
        pool = rng.choice(_CODE_POINT_POOLS)
        out.append(rng.choice(pool))
    return "".join(out)


def _json_string_body(text: str) -> str:
    """Text for inside a JSON string literal: raw control characters escaped, the planted
    escapes (``\\ud800``...) kept as written."""
    body = []
    for ch in text:
        if ord(ch) < 32 or ch == '"':
            body.append(f"\\u{ord(ch):04x}")
        else:
            body.append(ch)
    return "".join(body)


def _fuzz_file(rng: random.Random, path: Path) -> Path:
    """The valid preference file with one to three random mutations."""
    lines = _lines(_pref_rows())
    data: bytes | None = None
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(["truncate", "nest", "codepoints", "bytes", "types", "dupkey", "nest"])
        i = rng.randrange(len(lines))
        key = rng.choice(["prompt", "chosen", "rejected", "id", "domain", "subset", "extra"])
        if kind == "truncate":
            blob = ("\n".join(lines) + "\n").encode("utf-8")
            data = blob[: rng.randrange(1, len(blob))]
            break
        if kind == "nest":
            depth = rng.choice([10, 99, 101, 500, 999, 1001, 5000, 100_000])
            value = _deep(depth, rng.choice(["list", "dict"]))
            lines[i] = _replace_value(lines[i], key, value)
        elif kind == "codepoints":
            text = _json_string_body(_random_text(rng, rng.randint(1, 12)))
            lines[i] = _replace_value(lines[i], key, f'"x{text}y"')
        elif kind == "bytes":
            blob = ("\n".join(lines) + "\n").encode("utf-8")
            at = rng.randrange(len(blob))
            junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 6)))
            data = blob[:at] + junk + blob[at:]
            break
        elif kind == "types":
            value = rng.choice(["null", "true", "1e999", "-0", "[]", "{}", "[[]]", '[{"a": 1}]'])
            lines[i] = _replace_value(lines[i], key, value)
        else:  # a key given twice
            lines[i] = _with_field(lines[i], "prompt", '"second prompt"')
    if data is None:
        data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(data)
    return path


def _pref_variants(root: Path) -> dict[str, tuple[Path, Expect]]:
    """Named damaged preference files and what a command reading them must do."""
    d = root / "pref"
    d.mkdir()
    good = _lines(_pref_rows())
    out: dict[str, tuple[Path, Expect]] = {}

    def put(name: str, lines: list[str], expect: Expect, suffix: str = ".jsonl") -> None:
        out[name] = (_write(d / f"{name}{suffix}", lines), expect)

    put("good", good, "ok")
    for depth in (1000, 100_000):
        put(f"deep_list_{depth}", [_with_field(good[0], "meta", _deep(depth)), *good[1:]], "error")
    put("deep_dict_1000", [_with_field(good[0], "meta", _deep(1000, "dict")), *good[1:]], "error")
    put("deep_list_300", [_with_field(good[0], "meta", _deep(300)), *good[1:]], "error")
    put("deep_prompt", [_replace_value(good[0], "prompt", _deep(2000)), *good[1:]], "error")
    deep_json = "[" + ", ".join([*good, '{"meta": ' + _deep(5000) + "}"]) + "]"
    out["deep_json"] = (_write(d / "deep_json.json", [deep_json]), "error")
    # Lone surrogates: the reader replaces them by U+FFFD and counts them (warning line).
    for key in ("prompt", "chosen", "id", "domain", "subset"):
        line = _replace_value(good[2], key, '"scraped \\ud800 text \\udfff"')
        put(f"surrogate_{key}", [good[0], good[1], line, *good[3:]], "ok")
    put("surrogate_key", [_with_field(good[3], "\\ud800key", "1"), *good[:3], *good[4:]], "ok")
    rows = _pref_rows()
    out["surrogate_json"] = (
        _write(
            d / "surrogate_json.json",
            [json.dumps(rows).replace('"Short 5."', '"Short \\ud83d 5."')],
        ),
        "ok",
    )
    # Terminal control sequences in names the console prints.
    esc = _json_string_body(ESCAPES)
    put(
        "escapes",
        [
            _replace_value(_replace_value(g, "domain", f'"d{esc}"'), "subset", f'"s{esc}"')
            for g in good
        ],
        "ok",
    )
    # Ids that cannot be hashed or are not text.
    put("id_list", [_replace_value(good[0], "id", '["a", "b"]'), *good[1:]], "error")
    put("id_object", [_replace_value(good[0], "id", '{"a": 1}'), *good[1:]], "error")
    put("id_duplicate", [good[0], _replace_value(good[1], "id", '"i0"'), *good[2:]], "error")
    # Values that are not what the field holds.
    put("margin_inf", [_replace_value(good[0], "margin", "1e999"), *good[1:]], "error")
    put("nan_literal", [_replace_value(good[0], "prompt", "NaN"), *good[1:]], "error")
    put("nul_text", [_replace_value(good[0], "prompt", '"a\\u0000b"'), *good[1:]], "ok")
    put("not_object", ["[1, 2, 3]", *good[1:]], "error")
    put("truncated_line", [good[0][: len(good[0]) // 2], *good[1:]], "error")
    (d / "invalid_utf8.jsonl").write_bytes(good[0].encode()[:20] + b"\xff\xfe\xed\xa0\x80" + b"\n")
    out["invalid_utf8"] = (d / "invalid_utf8.jsonl", "error")
    (d / "empty.jsonl").write_bytes(b"")
    out["empty"] = (d / "empty.jsonl", "error")
    import gzip

    blob = gzip.compress(("\n".join(good) + "\n").encode())
    (d / "truncated.jsonl.gz").write_bytes(blob[: len(blob) // 2])
    out["truncated_gz"] = (d / "truncated.jsonl.gz", "error")
    # CSV: a row wider than the header; duplicate column names.
    header = "id,prompt,chosen,rejected"
    body = [f"c{i},prompt {i},good answer {i},bad {i}" for i in range(6)]
    put("csv_good", [header, *body], "ok", ".csv")
    put("csv_wide_row", [header, *body[:3], body[3] + ",spill,over", *body[4:]], "error", ".csv")
    put(
        "csv_dup_columns",
        ["id,prompt,chosen,rejected,chosen", *[b + ",x" for b in body]],
        "error",
        ".csv",
    )
    return out


def _score_variants(root: Path) -> dict[str, tuple[Path, Expect]]:
    """Score files for ``scores:`` against the good preference file."""
    d = root / "scores"
    d.mkdir()
    rows = [
        {"item_id": f"i{i}", "response_index": j, "score": float(3 - j + i / 100)}
        for i in range(12)
        for j in range(3)
    ]
    good = _lines(rows)
    out: dict[str, tuple[Path, Expect]] = {}

    def put(name: str, lines: list[str], expect: Expect, suffix: str = ".jsonl") -> None:
        out[name] = (_write(d / f"{name}{suffix}", lines), expect)

    put("good", good, "ok")
    put("deep", [_with_field(good[0], "meta", _deep(3000)), *good[1:]], "error")
    put("nan_score", [_replace_value(good[0], "score", "NaN"), *good[1:]], "error")
    put("inf_score", [_replace_value(good[0], "score", "Infinity"), *good[1:]], "error")
    put("nested_score", [_replace_value(good[0], "score", "[[1.0]]"), *good[1:]], "error")
    put("surrogate_id", [_replace_value(good[0], "item_id", '"i\\ud8000"'), *good[1:]], "error")
    put("list_id", [_replace_value(good[0], "item_id", '["i0"]'), *good[1:]], "error")
    csv = [
        "item_id,response_index,score",
        *(f"{r['item_id']},{r['response_index']},{r['score']}" for r in rows),
    ]
    put("csv_wide_row", [csv[0], csv[1] + ",9", *csv[2:]], "error", ".csv")
    put(
        "csv_dup_columns",
        ["item_id,response_index,score,score", *(c + ",1" for c in csv[1:])],
        "error",
        ".csv",
    )
    return out


# ------------------------------------------------------------------------- corpus building


def _special_files(root: Path) -> dict[str, Path]:
    """A FIFO and a symlink to /dev/zero, each named like a data file."""
    d = root / "special"
    d.mkdir()
    out: dict[str, Path] = {}
    fifo = d / "fifo.jsonl"
    with contextlib.suppress(OSError, AttributeError):
        os.mkfifo(fifo)
        out["fifo"] = fifo
    zero = d / "zero.jsonl"
    with contextlib.suppress(OSError):
        zero.symlink_to("/dev/zero")
        out["devzero"] = zero
    return out


def _python_models(root: Path) -> Path:
    pkg = root / "pymods" / "hostile_models"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "exits.py").write_text(
        "import sys\n\n\n"
        "def score_exit0(prompts, responses):\n    raise SystemExit(0)\n\n\n"
        "def score_exit3(prompts, responses):\n    sys.exit(3)\n\n\n"
        "def score_nested(prompts, responses):\n    return [[1.0, 2.0] for _ in responses]\n\n\n"
        "def score_ok(prompts, responses):\n    return [float(len(r)) for r in responses]\n"
    )
    return root / "pymods"


def _save_safetensors(path: Path, tensors: dict[str, Any]) -> None:
    from safetensors.numpy import save_file

    save_file(tensors, str(path))


def _embed_folders(root: Path) -> dict[str, Path]:
    """``embed:`` model folders: a corrupt head, and a valid head beside hostile calibrators."""
    import numpy as np

    out: dict[str, Path] = {}
    config = {"max_length": 64, "head": {"kind": "linear", "hidden": []}}  # packaged encoder
    corrupt = root / "embed_corrupt"
    corrupt.mkdir()
    (corrupt / "embed_config.json").write_text(json.dumps(config))
    (corrupt / "head.safetensors").write_bytes(
        b'\x08\x00\x00\x00\x00\x00\x00\x00{"a":' + b"\x00" * 40
    )
    out["corrupt_head"] = corrupt
    truncated = root / "embed_truncated"
    truncated.mkdir()
    (truncated / "embed_config.json").write_text(json.dumps(config))
    _save_safetensors(
        truncated / "head.safetensors",
        {"weight_0": np.ones((384, 1), np.float32), "bias_0": np.zeros(1, np.float32)},
    )
    raw = (truncated / "head.safetensors").read_bytes()
    (truncated / "head.safetensors").write_bytes(raw[: len(raw) // 2])
    out["truncated_head"] = truncated
    for name, temperature in (("negative", -1.0), ("nan", "NaN"), ("zero", 0.0)):
        folder = root / f"embed_cal_{name}"
        folder.mkdir()
        (folder / "embed_config.json").write_text(json.dumps(config))
        _save_safetensors(
            folder / "head.safetensors",
            {"weight_0": np.full((384, 1), 0.01, np.float32), "bias_0": np.zeros(1, np.float32)},
        )
        value = json.dumps(temperature) if isinstance(temperature, float) else temperature
        payload = (
            '{"kind": "temperature", "version": 1, "params": {"t_min": 0.001, "t_max": 1000.0}, '
            f'"fitted": {{"temperature_": {value}}}}}'
        )
        (folder / "calibrator.json").write_text(payload)
        out[f"calibrator_{name}"] = folder
    return out


def _hf_folders(root: Path) -> dict[str, Path]:
    """Tiny Hugging Face classifier folders: corrupt weights; ``auto_map`` with a standard type."""
    from tiny_models import build_llama

    out: dict[str, Path] = {}
    base = build_llama(root / "hf_base")
    corrupt = root / "hf_corrupt"
    shutil.copytree(base, corrupt)
    weights = corrupt / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    out["corrupt_weights"] = corrupt
    garbage = root / "hf_garbage"
    shutil.copytree(base, garbage)
    (garbage / "model.safetensors").write_bytes(os.urandom(4096))
    out["garbage_weights"] = garbage
    remote = root / "hf_auto_map"
    shutil.copytree(base, remote)
    cfg = json.loads((remote / "config.json").read_text())
    cfg["auto_map"] = {"AutoModelForSequenceClassification": "modeling_evil.EvilModel"}
    (remote / "config.json").write_text(json.dumps(cfg))
    (remote / "modeling_evil.py").write_text("raise SystemExit('remote code ran')\n")
    out["auto_map"] = remote
    return out


def _damage_runs(
    root: Path, good_run: Path, good_bon: Path, good_cal: Path
) -> dict[str, tuple[Path, str]]:
    """Damaged copies of finished runs: (folder, kind)."""
    import numpy as np
    import pandas as pd

    d = root / "runs"
    d.mkdir()
    out: dict[str, tuple[Path, str]] = {}

    def copy(name: str, source: Path = good_run, kind: str = "eval") -> Path:
        target = d / name
        shutil.copytree(source, target)
        out[name] = (target, kind)
        return target

    results = (good_run / "results.json").read_text(encoding="utf-8")
    copy("results_truncated").joinpath("results.json").write_text(results[: len(results) // 2])
    copy("results_garbage").joinpath("results.json").write_bytes(random.Random(7).randbytes(300))
    copy("results_list").joinpath("results.json").write_text("[1, 2, 3]\n")
    copy("results_empty").joinpath("results.json").write_text("")
    copy("results_deep").joinpath("results.json").write_text(
        results[:-2] + ', "x": ' + _deep(50_000) + "}\n"
    )
    doc = json.loads(results)
    copy("results_schema_99").joinpath("results.json").write_text(
        json.dumps({**doc, "schema_version": 99})
    )
    copy("results_no_config").joinpath("results.json").write_text(
        json.dumps({k: v for k, v in doc.items() if k != "config"})
    )
    copy("results_bad_tie_value").joinpath("results.json").write_text(
        json.dumps({**doc, "config": {**doc["config"], "tie_value": "half"}})
    )
    doc_s = dict(doc)
    doc_s["model"] = {"spec": "@@S@@", "fingerprint": "x"}
    copy("results_surrogate").joinpath("results.json").write_text(
        json.dumps(doc_s).replace('"@@S@@"', '"baseline:\\ud800"')
    )
    copy("results_metrics_list").joinpath("results.json").write_text(
        json.dumps({**doc, "metrics": [1, 2]})
    )
    scores = (good_run / "scores.parquet").read_bytes()
    copy("scores_truncated").joinpath("scores.parquet").write_bytes(scores[: len(scores) // 2])
    copy("scores_garbage").joinpath("scores.parquet").write_bytes(b"PAR1" + os.urandom(200))
    frame = pd.read_parquet(good_run / "scores.parquet")
    nan = frame.copy()
    nan.loc[0, "score"] = np.nan
    nan.to_parquet(copy("scores_nan") / "scores.parquet", index=False)
    inf = frame.copy()
    inf.loc[1, "score"] = np.inf
    inf.to_parquet(copy("scores_inf") / "scores.parquet", index=False)
    frame.drop(columns=["score"]).to_parquet(copy("scores_no_column") / "scores.parquet")
    frame.assign(score=frame["score"].astype(str)).to_parquet(
        copy("scores_text") / "scores.parquet", index=False
    )
    frame.iloc[:0].to_parquet(copy("scores_empty") / "scores.parquet", index=False)
    (copy("scores_missing") / "scores.parquet").unlink()
    items = good_run / "items.parquet"
    if items.is_file():
        raw = items.read_bytes()
        copy("items_truncated").joinpath("items.parquet").write_bytes(raw[: len(raw) // 3])
    manifest = good_run / "manifest.json"
    if manifest.is_file():
        copy("manifest_deep").joinpath("manifest.json").write_text(_deep(20_000))
    # bon and calibrate runs, for report.
    bon = (good_bon / "results.json").read_text(encoding="utf-8")
    copy("bon_truncated", good_bon, "bon").joinpath("results.json").write_text(bon[: len(bon) // 2])
    bon_doc = json.loads(bon)
    copy("bon_no_proxies", good_bon, "bon").joinpath("results.json").write_text(
        json.dumps({k: v for k, v in bon_doc.items() if k != "proxies"})
    )
    cal_doc = json.loads((good_cal / "calibration.json").read_text(encoding="utf-8"))
    for name, temperature in (("negative", "-1.0"), ("nan", "NaN"), ("text", '"hot"')):
        target = copy(f"calibrate_{name}", good_cal, "calibrate")
        text = json.dumps({**cal_doc, "calibrator": {**cal_doc["calibrator"], "fitted": "@@T@@"}})
        target.joinpath("calibration.json").write_text(
            text.replace('"@@T@@"', '{"temperature_": ' + temperature + "}")
        )
    target = copy("calibrate_deep", good_cal, "calibrate")
    target.joinpath("calibration.json").write_text(_deep(3000, "dict"))
    return out


def _demo_variants(root: Path, demo: Path) -> dict[str, tuple[Path, Expect]]:
    """Damaged copies of a demo-style folder (prompts.jsonl, ratings.jsonl, ...)."""
    d = root / "demo_variants"
    d.mkdir()
    out: dict[str, tuple[Path, Expect]] = {}
    prompts = (demo / "prompts.jsonl").read_text(encoding="utf-8").splitlines()

    def variant(name: str, table: str, lines: list[str], expect: Expect) -> None:
        target = d / name
        shutil.copytree(demo, target)
        _write(target / f"{table}.jsonl", lines)
        out[name] = (target, expect)

    first = json.loads(prompts[0])
    without = {k: v for k, v in first.items() if k != "prompt_id"}
    variant("prompt_without_id", "prompts", [json.dumps(without), *prompts[1:]], "error")
    variant(
        "prompt_id_null",
        "prompts",
        [_replace_value(prompts[0], "prompt_id", "null"), *prompts[1:]],
        "error",
    )
    twin = _replace_value(prompts[0], "prompt", '"Another prompt under the same id."')
    variant("prompt_id_duplicate", "prompts", [*prompts, twin], "error")
    variant(
        "prompt_id_list",
        "prompts",
        [_replace_value(prompts[0], "prompt_id", '["p", 1]'), *prompts[1:]],
        "error",
    )
    variant(
        "prompt_id_object",
        "prompts",
        [_replace_value(prompts[0], "prompt_id", '{"p": 1}'), *prompts[1:]],
        "error",
    )
    variant(
        "prompt_deep",
        "prompts",
        [_with_field(prompts[0], "meta", _deep(4000)), *prompts[1:]],
        "error",
    )
    variant(
        "prompt_surrogate",
        "prompts",
        [_replace_value(prompts[0], "prompt", '"scraped \\ud800 prompt"'), *prompts[1:]],
        "ok",
    )
    ratings = (demo / "ratings.jsonl").read_text(encoding="utf-8").splitlines()
    variant(
        "ratings_item_list",
        "ratings",
        [_replace_value(ratings[0], "item_id", "[1]"), *ratings[1:]],
        "error",
    )
    return out


def _ratings_variants(root: Path, demo: Path) -> dict[str, tuple[Path, Expect, Expect]]:
    """Ratings files: (path, what agree must do, what aggregate must do)."""
    d = root / "ratings"
    d.mkdir()
    lines = (demo / "ratings.jsonl").read_text(encoding="utf-8").splitlines()
    out: dict[str, tuple[Path, Expect, Expect]] = {}

    def put(
        name: str, rows: list[str], agree: Expect, aggregate: Expect, suffix: str = ".jsonl"
    ) -> None:
        out[name] = (_write(d / f"{name}{suffix}", rows), agree, aggregate)

    put("good", lines, "ok", "ok")
    put(
        "unknown_criterion",
        [_replace_value(lines[0], "criterion", '"helpfulness"'), *lines[1:]],
        "error",
        "error",
    )
    put("half_point", [_replace_value(lines[0], "value", "2.5"), *lines[1:]], "error", "error")
    put("bool_value", [_replace_value(lines[0], "value", "true"), *lines[1:]], "error", "error")
    put("text_value", [_replace_value(lines[0], "value", '"4"'), *lines[1:]], "ok", "ok")
    put("item_list", [_replace_value(lines[0], "item_id", '["x"]'), *lines[1:]], "error", "error")
    put(
        "annotator_object",
        [_replace_value(lines[0], "annotator_id", '{"a": 1}'), *lines[1:]],
        "error",
        "error",
    )
    put("deep", [_with_field(lines[0], "meta", _deep(2000)), *lines[1:]], "error", "error")
    put(
        "surrogate_annotator",
        [_replace_value(lines[0], "annotator_id", '"ann\\udc80"'), *lines[1:]],
        "any",
        "any",
    )
    wide_header = "item_id,prompt_id,criterion,ann1,ann2,ann3"
    wide = [
        f"it{i},p{i // 2},safety,{1 + i % 5},{1 + (i + 1) % 5},{1 + (i + 2) % 5}" for i in range(8)
    ]
    put(
        "wide_good", [wide_header, *wide], "ok", "error", ".csv"
    )  # aggregate: weights name 4 criteria
    put(
        "wide_dup_columns",
        ["item_id,prompt_id,criterion,ann1,ann1,ann3", *wide],
        "error",
        "error",
        ".csv",
    )
    put("wide_extra_field", [wide_header, wide[0] + ",5", *wide[1:]], "error", "error", ".csv")
    return out


def build_corpus(
    root: Path, seed: int = 0, *, n_fuzz: int = 40, heavy: bool = False, quick: bool = False
) -> list[Case]:
    """Write the corpus under ``root`` (an empty folder) and return its cases.

    Builds the valid runs the damaged copies start from with ``rewardkit.cli.main.main`` (so
    call it where rewardkit is importable). ``heavy`` adds the cases that load a neural
    encoder or a Hugging Face model. ``quick`` keeps every input but reads the damaged data
    files with fewer commands (eval and dedup; fuzzed files with eval only) and leaves out
    the FIFO and ``/dev/zero`` (run in subprocesses), for a test of a few seconds.
    """
    from rewardkit.cli.main import main

    root.mkdir(parents=True, exist_ok=True)
    _python_models(root)
    cache = str(root / "score-cache.sqlite")
    outs = root / "out"
    outs.mkdir()
    cases: list[Case] = []
    counter = iter(range(1_000_000))

    def out(name: str) -> str:
        return str(outs / f"{name}-{next(counter)}")

    prefs = _pref_variants(root)
    good = str(prefs["good"][0])
    commands: dict[str, Callable[[str, str], list[str]]] = {
        "eval": lambda p, o: [
            "eval",
            "--data",
            p,
            "--model",
            "baseline:length",
            "--out",
            o,
            "--bootstrap",
            "10",
            "--cache",
            cache,
        ],
        "calibrate": lambda p, o: [
            "calibrate",
            "--data",
            p,
            "--model",
            "baseline:length",
            "--out",
            o,
            "--bootstrap",
            "10",
            "--cache",
            cache,
        ],
        "bon": lambda p, o: [
            "bon",
            "--data",
            p,
            "--proxy",
            "baseline:length",
            "--gold-scores",
            "from-labels",
            "--out",
            o,
            "--bootstrap",
            "10",
            "--cache",
            cache,
        ],
        "dedup": lambda p, o: ["data", "dedup", "--data", p, "--out", o],
        "train": lambda p, o: ["train", "--data", p, "--out", o, "--epochs", "1", "--cache", cache],
    }
    data_commands = ("eval", "dedup") if quick else tuple(commands)
    for name, (path, expect) in prefs.items():
        for command in data_commands:
            argv = commands[command]
            if command == "train" and expect != "error" and not heavy:
                continue  # a valid file trains for real: the slow test runs these
            exp = expect
            if name.startswith("csv") and command == "bon" and expect == "ok":
                exp = "error"  # one rejected response each: best-of-n needs N >= 3
            cases.append(
                Case(
                    f"{command}:{name}",
                    "data",
                    argv(str(path), out(command)),
                    exp,
                    heavy=command == "train" and expect != "error",
                )
            )
    rng = random.Random(seed)
    fuzz = root / "fuzz"
    fuzz.mkdir()
    for k in range(n_fuzz):
        path = str(_fuzz_file(rng, fuzz / f"fuzz{k:03d}.jsonl"))
        for command in ("eval",) if quick else ("eval", "dedup", "bon"):
            cases.append(
                Case(f"{command}:fuzz{k:03d}", "fuzz", commands[command](path, out(command)), "any")
            )
    for name, special in ({} if quick else _special_files(root)).items():
        for command in ("eval", "dedup"):
            cases.append(
                Case(
                    f"{command}:{name}",
                    "special",
                    commands[command](str(special), out(command)),
                    "error",
                    isolate=True,
                    timeout=20,
                )
            )
        cases.append(
            Case(
                f"eval:scores:{name}",
                "special",
                [
                    "eval",
                    "--data",
                    good,
                    "--model",
                    f"scores:{special}",
                    "--out",
                    out("eval"),
                    "--bootstrap",
                    "10",
                    "--no-cache",
                ],
                "error",
                isolate=True,
                timeout=20,
            )
        )
        cases.append(
            Case(
                f"agree:{name}",
                "special",
                ["annotations", "agree", "--ratings", str(special), "--out", out("agree")],
                "error",
                isolate=True,
                timeout=20,
            )
        )
    for name, (path, expect) in _score_variants(root).items():
        cases.append(
            Case(
                f"eval:scores:{name}",
                "scores",
                [
                    "eval",
                    "--data",
                    good,
                    "--model",
                    f"scores:{path}",
                    "--out",
                    out("eval"),
                    "--bootstrap",
                    "10",
                    "--no-cache",
                ],
                expect,
            )
        )

    # Finished runs, then damaged copies of them for compare and report.
    good_run, good_bon, good_cal = root / "good_eval", root / "good_bon", root / "good_cal"
    with _quiet():
        assert main(commands["eval"](good, str(good_run))) == 0
        assert main(commands["bon"](good, str(good_bon))) == 0
        assert (
            main(
                [
                    "calibrate",
                    "--data",
                    good,
                    "--model",
                    "baseline:length",
                    "--out",
                    str(good_cal),
                    "--bootstrap",
                    "10",
                    "--no-cache",
                ]
            )
            == 0
        )
    for name, (run, kind) in _damage_runs(root, good_run, good_bon, good_cal).items():
        expect = "error"
        if kind == "eval":
            cases.append(
                Case(f"compare:{name}", "runs", ["compare", str(run), str(good_run)], expect)
            )
            cases.append(
                Case(f"compare-b:{name}", "runs", ["compare", str(good_run), str(run)], expect)
            )
        if name in ("results_no_config", "scores_missing"):
            expect = "any"  # a page shows what there is (the tie credit defaults to 0.5)
        cases.append(
            Case(
                f"report:{name}",
                "runs",
                ["report", str(run), "--out", out("report") + ".html"],
                expect,
            )
        )
        if kind == "eval":
            cases.append(
                Case(
                    f"report-board:{name}",
                    "runs",
                    ["report", str(run), str(good_run), "--out", out("board") + ".html"],
                    expect,
                )
            )

    # Models (python: specs import from root/pymods: run_corpus puts it on sys.path).
    for fn, expect in (
        ("score_exit0", "error"),
        ("score_exit3", "error"),
        ("score_nested", "error"),
        ("score_ok", "ok"),
    ):
        cases.append(
            Case(
                f"eval:python:{fn}",
                "models",
                [
                    "eval",
                    "--data",
                    good,
                    "--model",
                    f"python:hostile_models.exits:{fn}",
                    "--out",
                    out("eval"),
                    "--bootstrap",
                    "10",
                    "--no-cache",
                ],
                expect,
            )
        )
    spec = root / "python_model.yaml"
    spec.write_text("model: python:hostile_models.exits:score_ok\n")
    cases.append(
        Case(
            "eval:python-yaml",
            "models",
            [
                "eval",
                "--data",
                good,
                "--model",
                str(spec),
                "--out",
                out("eval"),
                "--bootstrap",
                "10",
                "--no-cache",
            ],
            "error",
        )
    )
    cases.append(
        Case(
            "bon:python-yaml",
            "models",
            [
                "bon",
                "--data",
                good,
                "--proxy",
                str(spec),
                "--gold-scores",
                "from-labels",
                "--out",
                out("bon"),
                "--bootstrap",
                "10",
                "--no-cache",
            ],
            "error",
        )
    )
    embeds = _embed_folders(root)
    for name in ("corrupt_head", "truncated_head"):
        cases.append(
            Case(
                f"eval:embed:{name}",
                "models",
                [
                    "eval",
                    "--data",
                    good,
                    "--model",
                    f"embed:{embeds[name]}",
                    "--out",
                    out("eval"),
                    "--bootstrap",
                    "10",
                    "--no-cache",
                ],
                "error",
            )
        )
    if heavy:
        for name in ("calibrator_negative", "calibrator_nan", "calibrator_zero"):
            cases.append(
                Case(
                    f"eval:embed:{name}",
                    "models",
                    [
                        "eval",
                        "--data",
                        good,
                        "--model",
                        f"embed:{embeds[name]}",
                        "--out",
                        out("eval"),
                        "--bootstrap",
                        "10",
                        "--cache",
                        cache,
                    ],
                    "error",
                    heavy=True,
                )
            )
        for name, folder in _hf_folders(root).items():
            cases.append(
                Case(
                    f"eval:hf:{name}",
                    "models",
                    [
                        "eval",
                        "--data",
                        good,
                        "--model",
                        f"hf:{folder}",
                        "--out",
                        out("eval"),
                        "--bootstrap",
                        "10",
                        "--no-cache",
                        "--device",
                        "cpu",
                    ],
                    "error",
                    heavy=True,
                )
            )

    # Score caches: non-finite entries, garbage bytes.
    bad_cache = root / "nonfinite.sqlite"
    cached_spec = "python:hostile_models.exits:score_ok"
    _nonfinite_cache(bad_cache, prefs["good"][0], cached_spec)
    cases.append(
        Case(
            "eval:cache-nonfinite",
            "cache",
            [
                "eval",
                "--data",
                good,
                "--model",
                cached_spec,
                "--out",
                out("eval"),
                "--bootstrap",
                "10",
                "--cache",
                str(bad_cache),
            ],
            "error",
        )
    )
    garbage = root / "garbage.sqlite"
    garbage.write_bytes(b"SQLite format 3\x00" + random.Random(3).randbytes(5000))
    cases.append(
        Case(
            "eval:cache-garbage",
            "cache",
            [
                "eval",
                "--data",
                good,
                "--model",
                "baseline:length",
                "--out",
                out("eval"),
                "--bootstrap",
                "10",
                "--cache",
                str(garbage),
            ],
            "error",
        )
    )
    cases.append(
        Case("cache-info:garbage", "cache", ["cache", "info", "--cache", str(garbage)], "error")
    )
    cases.append(
        Case("cache-clear:garbage", "cache", ["cache", "clear", "--cache", str(garbage)], "ok")
    )

    # Training options.
    for label, argv in (
        ("lr-inf", ["--lr", "inf"]),
        ("lr-nan", ["--lr", "nan"]),
        ("lr-1e300", ["--lr", "1e300"]),
        ("hidden-negative", ["--set", "head.kind=mlp", "--set", "head.hidden=[-5]"]),
        ("hidden-zero", ["--set", "head.kind=mlp", "--set", "head.hidden=[0, 4]"]),
        ("hidden-text", ["--set", "head.kind=mlp", "--set", "head.hidden=wide"]),
        ("dropout-nan", ["--set", "head.dropout=.nan"]),
        ("weight-decay-inf", ["--set", "weight_decay=.inf"]),
        ("max-grad-norm-inf", ["--set", "max_grad_norm=.inf"]),
    ):
        cases.append(
            Case(
                f"train:{label}",
                "train",
                [
                    "train",
                    "--data",
                    good,
                    "--out",
                    out("train"),
                    "--epochs",
                    "1",
                    "--cache",
                    cache,
                    *argv,
                ],
                "error",
                heavy=label == "lr-1e300",
            )
        )

    # Demo-style folders: curate, split, audit.
    demo = root / "demo"
    with _quiet():
        assert main(["data", "demo", "--out", str(demo), "--prompts", "30"]) == 0
    for name, (folder, expect) in _demo_variants(root, demo).items():
        for command in ("curate", "split", "audit"):
            argv = ["data", command, "--data-dir", str(folder)]
            if command != "audit":
                argv += ["--out", out(command)]
            exp = expect
            if command == "audit" and name == "prompt_id_duplicate":
                exp = "any"
            cases.append(Case(f"{command}:{name}", "curation", argv, exp))

    # Annotations.
    for name, (path, agree, aggregate) in _ratings_variants(root, demo).items():
        cases.append(
            Case(
                f"agree:{name}",
                "annotations",
                [
                    "annotations",
                    "agree",
                    "--ratings",
                    str(path),
                    "--out",
                    out("agree"),
                    "--bootstrap",
                    "10",
                    "--min-annotations",
                    "2",
                ],
                agree,
            )
        )
        cases.append(
            Case(
                f"aggregate:{name}",
                "annotations",
                [
                    "annotations",
                    "aggregate",
                    "--ratings",
                    str(path),
                    "--out",
                    out("aggregate"),
                    "--min-annotations",
                    "2",
                ],
                aggregate,
            )
        )
    comparisons = (demo / "comparisons.jsonl").read_text(encoding="utf-8").splitlines()
    for name, line in (
        ("comparison_item_list", _replace_value(comparisons[0], "item_a", "[1, 2]")),
        ("comparison_deep", _with_field(comparisons[0], "meta", _deep(3000))),
    ):
        path = _write(root / "ratings" / f"{name}.jsonl", [line, *comparisons[1:]])
        cases.append(
            Case(
                f"aggregate:{name}",
                "annotations",
                [
                    "annotations",
                    "aggregate",
                    "--ratings",
                    str(demo / "ratings.jsonl"),
                    "--comparisons",
                    str(path),
                    "--out",
                    out("aggregate"),
                ],
                "error",
            )
        )
    return cases


def _nonfinite_cache(path: Path, data: Path, spec: str) -> None:
    """A score cache holding +inf for every input of ``data`` under the model ``spec``."""
    import sqlite3

    from rewardkit.data.load import load_preferences
    from rewardkit.models.registry import load_model
    from rewardkit.scoring.cache import ScoreCache, input_hash

    items = load_preferences(data).items
    with ScoreCache(path):
        pass
    with _on_path(path.parent / "pymods"):
        fingerprint = load_model(spec).fingerprint()
    conn = sqlite3.connect(str(path))
    with conn:
        for item in items:
            for response in item.responses:
                conn.execute(
                    "INSERT OR REPLACE INTO scores VALUES (?, ?, ?, 0)",
                    (fingerprint, input_hash(item.prompt, response), float("inf")),
                )
    conn.close()


# --------------------------------------------------------------------------------- running


class _CaseTimeout(BaseException):
    """Raised by the alarm of a case that runs past its deadline."""


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def fire(signum: int, frame: Any) -> None:
        raise _CaseTimeout()

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_case(case: Case) -> Outcome:
    """Run one case through ``rewardkit.cli.main.main`` and record what happened."""
    if case.isolate:
        return _run_isolated(case)
    from rewardkit.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    rc: int | None = None
    tb: str | None = None
    hung = False
    started = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), _alarm(case.timeout):
            rc = main(case.argv)
    except _CaseTimeout:
        hung = True
    except BaseException:
        tb = traceback.format_exc()
    return Outcome(
        case.name,
        case.group,
        case.expect,
        rc,
        tb,
        hung,
        time.perf_counter() - started,
        out.getvalue(),
        err.getvalue(),
    )


_CHILD = """
import json, sys, traceback
from rewardkit.cli.main import main
try:
    code = main(json.loads(sys.argv[1]))
except BaseException:
    traceback.print_exc()
    sys.exit(99)
sys.exit(code)
"""


def _limit_memory() -> None:  # pragma: no cover  (runs in the child)
    import resource

    limit = 3 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _run_isolated(case: Case) -> Outcome:
    started = time.perf_counter()
    env = dict(os.environ)
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD, json.dumps(case.argv)],
            capture_output=True,
            text=True,
            timeout=case.timeout,
            env=env,
            preexec_fn=_limit_memory,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:

        def text(value: Any) -> str:
            return value.decode(errors="replace") if isinstance(value, bytes) else value or ""

        return Outcome(
            case.name,
            case.group,
            case.expect,
            None,
            None,
            True,
            time.perf_counter() - started,
            text(exc.stdout),
            text(exc.stderr),
        )
    tb = (
        proc.stderr
        if proc.returncode == 99 or "Traceback (most recent call last)" in proc.stderr
        else None
    )
    return Outcome(
        case.name,
        case.group,
        case.expect,
        proc.returncode,
        tb,
        False,
        time.perf_counter() - started,
        proc.stdout,
        proc.stderr,
    )


@contextlib.contextmanager
def _on_path(folder: Path) -> Iterator[None]:
    import importlib

    sys.path.insert(0, str(folder))
    importlib.invalidate_caches()
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(str(folder))


def run_corpus(cases: list[Case], root: Path) -> list[Outcome]:
    """Run every case in order (a case's ``setup`` first), the corpus's ``pymods`` folder
    (its ``python:`` models) importable meanwhile."""
    outcomes = []
    env_path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(root / "pymods"), env_path) if p)
    try:
        with _on_path(root / "pymods"):
            for case in cases:
                if case.setup is not None:
                    case.setup()
                outcomes.append(run_case(case))
    finally:
        os.environ["PYTHONPATH"] = env_path
    return outcomes


def summary(outcomes: list[Outcome]) -> dict[str, Any]:
    """Counts: inputs tried, tracebacks, hangs, wrong exits, passes; failures by case."""
    return {
        "cases": len(outcomes),
        "tracebacks": sum(o.traceback is not None for o in outcomes),
        "hangs": sum(o.hung for o in outcomes),
        "wrong": sum(o.traceback is None and not o.hung and not o.passed for o in outcomes),
        "passed": sum(o.passed for o in outcomes),
        "failures": {o.name: o.verdict for o in outcomes if not o.passed},
    }


def _main(argv: list[str]) -> int:
    import tempfile

    target = Path(argv[0]) if argv else None
    heavy = "--heavy" in argv
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["REWARDKIT_CACHE"] = str(root / "default-cache.sqlite")
        os.environ["REWARDKIT_MODELS"] = str(root / "models-home")
        cases = build_corpus(root / "corpus", heavy=heavy)
        outcomes = run_corpus(cases, root / "corpus")
    report = summary(outcomes)
    report["outcomes"] = [
        {k: v for k, v in asdict(o).items() if k in {"name", "rc", "hung", "seconds"}}
        | {
            "verdict": o.verdict,
            "traceback": (o.traceback or "").strip().splitlines()[-1:],
            "stderr": o.stderr[-400:],
        }
        for o in outcomes
    ]
    text = json.dumps(report, indent=1, ensure_ascii=True)
    if target is not None and target.suffix == ".json":
        target.write_text(text)
    print(json.dumps({k: v for k, v in report.items() if k != "outcomes"}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
