"""Help texts show what they promise: every "[default: ...]" written in an option's help
(rich markup used to swallow it: "Run directory ."), every model scheme in a --model help and
every data layout in a --layout help, on the commands that share those options."""

from __future__ import annotations

from typing import Any

import pytest
import typer

from rewardkit.cli.app import app
from rewardkit.cli.main import main
from rewardkit.data.layouts import LAYOUTS
from rewardkit.models.registry import MODEL_SCHEMES


def _commands(group: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    found: list[tuple[tuple[str, ...], Any]] = []
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):  # a group (typer may bring its own click)
            found += _commands(command, (*path, name))
        else:
            found.append(((*path, name), command))
    return found


COMMANDS = _commands(typer.main.get_group(app))


def _help(path: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main([*path, "--help"]) == 0
    return "".join(capsys.readouterr().out.split())


def _squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_written_defaults_show_in_help(
    path: tuple[str, ...], command: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = _help(path, capsys)
    for param in command.params:
        text = getattr(param, "help", None) or ""
        if "[default:" in text:
            assert _squeeze(text) in shown, f"{' '.join(path)} {param.name}: {text}"


def _option_help(path: tuple[str, ...], option: str) -> str:
    command = dict(COMMANDS)[path]
    for param in command.params:
        if option in getattr(param, "opts", []):
            return str(getattr(param, "help", ""))
    raise AssertionError(f"{' '.join(path)} has no {option}")


@pytest.mark.parametrize(
    ("path", "option"),
    [(("calibrate",), "--model"), (("bon",), "--proxy"), (("bon",), "--gold")],
)
def test_model_help_lists_every_scheme(path: tuple[str, ...], option: str) -> None:
    text = _option_help(path, option)
    for scheme in MODEL_SCHEMES.names():
        assert f"{scheme}:" in text


@pytest.mark.parametrize("path", [("calibrate",), ("bon",), ("train",), ("data", "dedup")])
def test_data_commands_share_the_data_options(path: tuple[str, ...]) -> None:
    layout = _option_help(path, "--layout")
    for name in LAYOUTS:
        assert name in layout
    for option in ("--split", "--skip-invalid"):
        assert _option_help(path, option)
    if path in {("calibrate",), ("train",)}:  # the commands that compute pairwise accuracy
        assert _option_help(path, "--tie-value")
