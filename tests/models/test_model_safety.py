"""Model specs and folders under hostile input (issue 14): a model that exits, python: code
named by a YAML file, auto_map folders, corrupt weights, URL specs and secret redaction."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from rewardkit.cli.main import main
from rewardkit.errors import ConfigError
from rewardkit.models import ModelOptions
from rewardkit.models.embed_head import load_embed_config
from rewardkit.models.hf_common import check_weights
from rewardkit.models.http_rm import endpoint_url
from rewardkit.models.registry import load_model, resolve_spec
from rewardkit.runs.redact import redact_in, redact_secrets


@pytest.fixture
def module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A module ``exiting_rm`` on sys.path with scorers that exit or behave."""
    (tmp_path / "exiting_rm.py").write_text(
        "import sys\n"
        "def exit0(prompts, responses):\n    raise SystemExit(0)\n"
        "def exit_none(prompts, responses):\n    sys.exit()\n"
        "def length(prompts, responses):\n    return [float(len(r)) for r in responses]\n"
    )
    (tmp_path / "exits_on_import.py").write_text("raise SystemExit(0)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "exiting_rm", raising=False)
    return "exiting_rm"


@pytest.mark.parametrize("fn", ["exit0", "exit_none"])
def test_a_model_that_exits_is_an_error(module: str, fn: str) -> None:
    model = load_model(f"python:{module}:{fn}")
    with pytest.raises(ConfigError, match=rf"python:{module}:{fn} raised SystemExit\(.*\) while"):
        model.score(["q"], ["a"])  # type: ignore[union-attr]
    with pytest.raises(ConfigError, match="while importing it"):
        load_model("python:exits_on_import:f")


def test_eval_with_an_exiting_model_exits_2(
    module: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "p.jsonl"
    data.write_text(json.dumps({"prompt": "q", "chosen": "long answer", "rejected": "no"}) + "\n")
    code = main(
        ["eval", "--data", str(data), "--model", f"python:{module}:exit0", "--out",
         str(tmp_path / "run"), "--bootstrap", "10", "--no-cache"]
    )  # fmt: skip
    assert code == 2
    assert "raised SystemExit(0)" in capsys.readouterr().err
    assert not (tmp_path / "run" / "results.json").exists()


def test_python_spec_from_yaml_needs_allow_python(module: str, tmp_path: Path) -> None:
    spec = tmp_path / "model.yaml"
    spec.write_text(f"model: python:{module}:length\n")
    with pytest.raises(ConfigError, match="only with --allow-python"):
        resolve_spec(str(spec))
    model, options = resolve_spec(str(spec), {"allow_python": True})
    assert model == f"python:{module}:length"
    assert options.allow_python
    assert resolve_spec(f"python:{module}:length")[0] == f"python:{module}:length"  # typed
    spec.write_text(f"model: python:{module}:length\nallow_python: true\n")
    with pytest.raises(ConfigError, match="allow_python cannot be set in a model spec file"):
        resolve_spec(str(spec), {"allow_python": True})


def test_bon_allow_python_flag(module: str, tmp_path: Path) -> None:
    data = tmp_path / "c.jsonl"
    rows = [
        {"id": f"i{i}", "prompt": f"q{i}", "chosen": "x" * (5 + i), "rejected": ["y", "zz" * i]}
        for i in range(6)
    ]
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    spec = tmp_path / "model.yaml"
    spec.write_text(f"model: python:{module}:length\n")
    base = ["bon", "--data", str(data), "--proxy", str(spec), "--gold-scores", "from-labels",
            "--bootstrap", "10", "--no-cache"]  # fmt: skip
    assert main([*base, "--out", str(tmp_path / "a")]) == 2
    assert main([*base, "--out", str(tmp_path / "b"), "--allow-python"]) == 0


def _folder(tmp_path: Path, config: dict[str, object]) -> Path:
    folder = tmp_path / "rm"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "model.safetensors").write_bytes(b"")
    return folder


def test_auto_map_refused_without_trust_remote_code(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"model_type": "llama", "auto_map": {"AutoModel": "m.M"}})
    with pytest.raises(ConfigError, match=r"config\.json has auto_map .* --trust-remote-code"):
        check_weights(str(folder), ModelOptions())
    assert check_weights(str(folder), ModelOptions(trust_remote_code=True)) == folder
    (folder / "config.json").write_text('{"model_type": "llama"}')
    (folder / "tokenizer_config.json").write_text('{"auto_map": {"AutoTokenizer": ["t.T"]}}')
    with pytest.raises(ConfigError, match=r"tokenizer_config\.json has auto_map"):
        check_weights(str(folder), ModelOptions())


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],
        lambda raw: b"\x08\x00\x00\x00\x00\x00\x00\x00{bad json" + raw[16:],
        lambda raw: b"",
    ],
)
def test_corrupt_embed_head_is_one_error(tmp_path: Path, damage: object) -> None:
    from safetensors.numpy import save_file

    folder = tmp_path / "head"
    folder.mkdir()
    (folder / "embed_config.json").write_text('{"head": {"kind": "linear"}}')
    path = folder / "head.safetensors"
    save_file({"weight_0": np.ones((4, 1), np.float32), "bias_0": np.zeros(1, np.float32)}, path)
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    with pytest.raises(ConfigError, match=r"head\.safetensors: not a readable safetensors"):
        load_embed_config(folder)


def test_embed_head_with_nan_or_mismatched_weights(tmp_path: Path) -> None:
    from safetensors.numpy import save_file

    folder = tmp_path / "head"
    folder.mkdir()
    (folder / "embed_config.json").write_text("{}")
    path = folder / "head.safetensors"
    save_file(
        {"weight_0": np.full((4, 1), np.nan, np.float32), "bias_0": np.zeros(1, np.float32)}, path
    )
    with pytest.raises(ConfigError, match="non-finite weights"):
        load_embed_config(folder)
    save_file({"weight_0": np.ones((4, 2), np.float32), "bias_0": np.zeros(3, np.float32)}, path)
    with pytest.raises(ConfigError, match="do not match"):
        load_embed_config(folder)


@pytest.mark.parametrize(
    ("spec", "url"),
    [
        ("http://127.0.0.1:8000/rm", "http://127.0.0.1:8000/rm/get_reward"),
        ("https://rm.example.org/v1/get_reward?k=1", "https://rm.example.org/v1/get_reward?k=1"),
        ("http:localhost:8000", "http://localhost:8000/get_reward"),
        ("http:https://h/x/?a=b", "https://h/x/get_reward?a=b"),
    ],
)
def test_url_specs_as_written(spec: str, url: str) -> None:
    model = load_model(spec, ModelOptions())
    assert model.url == url  # type: ignore[union-attr]


def test_bad_urls_are_config_errors() -> None:
    for url, message in (
        ("http://", "no host"),
        ("http://h:notaport/x", "invalid port"),
        ("https://me:pw@h/x", "credentials in the URL are refused"),
    ):
        with pytest.raises(ConfigError, match=message):
            endpoint_url(url)


def test_redaction() -> None:
    assert redact_secrets("http://h/x?api_key=abc&access_token=t&sig=1&n=2") == (
        "http://h/x?api_key=REDACTED&access_token=REDACTED&sig=REDACTED&n=2"
    )
    assert redact_secrets("https://user:pw@h/x") == "https://REDACTED@h/x"
    assert redact_secrets("embed:runs/model") == "embed:runs/model"
    assert redact_in(["--model", "http:h?password=p"]) == ["--model", "http:h?password=REDACTED"]
