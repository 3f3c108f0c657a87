"""``rewardkit serve`` parses the model spec once: the spec the command parsed is what the app
loads (``serve_http(spec=...)`` -> ``create_app(spec=...)``), not ``--model`` parsed again."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from rewardkit.cli.main import main
from rewardkit.models import spec as spec_module
from rewardkit.models.spec import ModelSpec

pytest.importorskip("fastapi")


class _Apps:
    """A stand-in for uvicorn that keeps the app it was given and serves nothing."""

    def __init__(self) -> None:
        self.apps: list[Any] = []

    def module(self) -> Any:
        apps = self.apps

        class Config:
            def __init__(self, app: Any, **kwargs: Any) -> None:
                apps.append(app)

        class Server:
            def __init__(self, config: Config) -> None:
                pass

            def run(self) -> None:
                pass

        return SimpleNamespace(Config=Config, Server=Server)


def test_serve_reads_a_yaml_spec_once_and_serves_what_it_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec_file = tmp_path / "rm.yaml"
    spec_file.write_text("model: baseline:length\nmax_length: 64\n", encoding="utf-8")
    reads: list[Path] = []
    parsed: list[ModelSpec] = []
    real_read, real_of = spec_module.read_spec_file, ModelSpec.of

    def counting_read(path: Path) -> tuple[str, dict[str, Any]]:
        reads.append(path)
        return real_read(path)

    def recording_of(text: str, settings: Any = None) -> ModelSpec:
        made = real_of(text, settings)
        parsed.append(made)
        return made

    apps = _Apps()
    monkeypatch.setattr(spec_module, "read_spec_file", counting_read)
    monkeypatch.setattr(ModelSpec, "of", staticmethod(recording_of))
    monkeypatch.setattr("rewardkit.serve.run._uvicorn", apps.module)
    code = main(["serve", "--model", str(spec_file), "--no-cache"])
    try:
        assert code == 0
        assert reads == [spec_file]
        assert len(parsed) == 1
        assert parsed[0].settings.max_length == 64
        (served,) = apps.apps
        assert served.state.service.fingerprint == "baseline:length/v1"
    finally:
        for served in apps.apps:
            served.state.service.batcher.close()
