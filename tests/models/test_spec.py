"""ModelSpec: a spec string (or YAML file) parsed once into scheme, location and the scheme's
own typed options; loaders, the calibrator lookup and the cache key read its fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from rewardkit.calibration.serialize import model_folder
from rewardkit.errors import ConfigError
from rewardkit.models.judge_options import JudgeOptions
from rewardkit.models.options import (
    AdapterOptions,
    DPOOptions,
    HTTPOptions,
    LocalOptions,
    ModelOptions,
)
from rewardkit.models.registry import load_model, load_spec, resolve_spec
from rewardkit.models.spec import ModelSpec, as_model_spec, parse_model_spec


@pytest.mark.parametrize(
    ("text", "scheme", "location", "kind"),
    [
        ("baseline:length", "baseline", "length", AdapterOptions),
        ("python:pkg.mod:fn", "python", "pkg.mod:fn", AdapterOptions),
        ("scores:run/scores.parquet", "scores", "run/scores.parquet", AdapterOptions),
        ("hf:models/rm", "hf", "models/rm", LocalOptions),
        ("embed:models/rm", "embed", "models/rm", LocalOptions),
        ("builtin:demo", "builtin", "demo", LocalOptions),
        ("dpo:policy", "dpo", "policy", DPOOptions),
        ("http:127.0.0.1:8000", "http", "127.0.0.1:8000", HTTPOptions),
        ("https://rm.example.org/v1", "http", "https://rm.example.org/v1", HTTPOptions),
        ("judge:Qwen2.5-7B-Instruct", "judge", "Qwen2.5-7B-Instruct", JudgeOptions),
    ],
)
def test_each_scheme_gets_its_own_typed_options(
    text: str, scheme: str, location: str, kind: type
) -> None:
    spec = parse_model_spec(text)
    assert (spec.scheme, spec.location, str(spec)) == (scheme, location, text)
    assert type(spec.options) is kind
    assert spec.options_as(kind) is spec.options


def test_options_carry_the_given_values_and_only_the_schemes_fields() -> None:
    given = {"max_length": 64, "beta": 0.5, "timeout": 5.0, "device": None}
    dpo = parse_model_spec("dpo:policy", given, defaults={"seed": 7})
    assert isinstance(dpo.options, DPOOptions)
    assert (dpo.options.max_length, dpo.options.beta, dpo.options.seed) == (64, 0.5, 7)
    assert "timeout" not in DPOOptions.model_fields  # an http option a dpo model never reads
    http = parse_model_spec("http:h:1", given)
    assert isinstance(http.options, HTTPOptions)
    assert http.options.timeout == 5.0
    assert "max_length" not in HTTPOptions.model_fields
    assert dpo.settings.timeout == 5.0  # every option as given stays for the manifest
    with pytest.raises(ConfigError, match="options are DPOOptions, not HTTPOptions"):
        dpo.options_as(HTTPOptions)


def test_a_yaml_file_is_read_once_with_cli_over_file_over_defaults(tmp_path: Path) -> None:
    (tmp_path / "rm").mkdir()
    path = tmp_path / "model.yaml"
    path.write_text("model: hf:rm\nmax_length: 48\ntruncation_side: right\nseed: 1\n")
    spec = parse_model_spec(str(path), {"max_length": 32, "dtype": None}, {"seed": 9})
    assert (spec.scheme, spec.location, spec.text) == ("hf", str(tmp_path / "rm"), spec.text)
    assert isinstance(spec.options, LocalOptions)
    assert (spec.options.max_length, spec.options.truncation_side, spec.options.seed) == (
        32,
        "right",
        1,
    )
    assert resolve_spec(str(path), {"max_length": 32}, {"seed": 9}) == (spec.text, spec.settings)
    assert model_folder(spec) == tmp_path / "rm"  # calibrator lookup reads the fields
    assert model_folder(spec.text) == tmp_path / "rm"  # and the string of a results document


def test_a_judge_spec_file_carries_its_judge_options(tmp_path: Path) -> None:
    path = tmp_path / "judge.yaml"
    path.write_text("model: judge:m\njudge:\n  mode: absolute\n  criterion: safety\n")
    spec = parse_model_spec(str(path))
    judge = spec.options_as(JudgeOptions)
    assert (judge.mode, judge.criterion) == ("absolute", "safety")
    swapped = spec.with_judge(judge.model_copy(update={"criterion": "honesty"}))
    assert swapped.options_as(JudgeOptions).criterion == "honesty"
    assert swapped.settings.judge == swapped.options
    assert swapped.text == spec.text


def test_a_plugin_scheme_reads_every_option() -> None:
    spec = parse_model_spec("myplugin:thing", {"beta": 0.2})
    assert type(spec.options) is ModelOptions
    assert spec.options.beta == 0.2


def test_a_malformed_spec_parses_and_its_loader_gives_the_one_line_error() -> None:
    spec = parse_model_spec("baseline")  # the run writes its manifest before loading
    assert (spec.scheme, spec.location) == ("baseline", "")
    with pytest.raises(ConfigError, match="must look like SCHEME:ARGUMENT"):
        load_spec(spec)
    with pytest.raises(ConfigError, match="unknown baseline 'len'"):
        load_spec(parse_model_spec("baseline:len"))
    with pytest.raises(ConfigError, match="invalid model options: max_length"):
        parse_model_spec("hf:x", {"max_length": 4})


def test_a_parsed_spec_takes_no_more_options() -> None:
    spec = parse_model_spec("baseline:random", defaults={"seed": 3})
    assert as_model_spec(spec, {"max_length": None}) is spec
    with pytest.raises(ConfigError, match="already parsed"):
        as_model_spec(spec, {"max_length": 64})


def test_the_cache_key_is_the_same_from_a_spec_as_from_the_string_and_options(
    tiny_classifier: Path, tmp_path: Path
) -> None:
    from rewardkit.models.hf_classifier import HFClassifierModel

    path = tmp_path / "model.yaml"
    path.write_text(f"model: hf:{tiny_classifier}\nmax_length: 48\ntruncation_side: right\n")
    direct = HFClassifierModel(
        str(tiny_classifier), ModelOptions(max_length=48, truncation_side="right")
    ).fingerprint()
    assert load_spec(parse_model_spec(str(path))).fingerprint() == direct
    assert load_model(str(path)).fingerprint() == direct
    assert '"max_length": 48, "truncation_side": "right"' in direct
    random = load_spec(parse_model_spec("baseline:random", defaults={"seed": 3}))
    assert random.fingerprint() == load_model("baseline:random", ModelOptions(seed=3)).fingerprint()


def test_model_options_keep_the_field_order_the_manifest_records() -> None:
    # A run's manifest writes ModelOptions().model_dump() in field order: keep it.
    assert list(ModelOptions.model_fields) == [
        "seed",
        "max_length",
        "truncation_side",
        "padding_side",
        "dtype",
        "device",
        "trust_remote_code",
        "allow_pickle",
        "reference",
        "beta",
        "length_normalize",
        "reference_free",
        "timeout",
        "retries",
        "query_separator",
        "token_env",
        "token_file",
        "judge",
        "allow_python",
    ]
    assert isinstance(ModelOptions(), DPOOptions | HTTPOptions)  # one of each adapter's options


def test_builtin_retargets_with_the_same_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "home" / "mine"
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}")
    monkeypatch.setenv("REWARDKIT_MODELS", str(tmp_path / "home"))
    spec = parse_model_spec("builtin:mine", {"max_length": 64})
    assert model_folder(spec) == folder
    target = spec.retarget(f"hf:{folder}")
    assert isinstance(target.options, LocalOptions)
    assert target.options.max_length == 64
    assert ModelSpec.of("hf:x").settings == ModelOptions()
