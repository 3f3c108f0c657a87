"""Entry point: registers the command modules and turns user errors into one clear line."""

from __future__ import annotations

import sqlite3
import sys
import warnings

from rich.markup import escape

from rewardkit.cli import (  # noqa: F401  (register the commands)
    abtest_cmd,
    annotations_cmd,
    annotations_import_cmd,
    bon_cmd,
    cache_cmd,
    calibrate_cmd,
    compare_cmd,
    curation_cmd,
    data_cmd,
    demo_cmd,
    eval_cmd,
    guard_cmd,
    judge_cmd,
    monitor_cmd,
    probe_cmd,
    report_cmd,
    rl_cmd,
    serve_cmd,
    train_cmd,
)
from rewardkit.cli.app import app, err_console, one_line, warn
from rewardkit.errors import RewardkitError

EXIT_USER_ERROR = 2


def _show_warning(
    message: Warning | str, category: type[Warning], *args: object, **kwargs: object
) -> None:
    warn(str(message))


def print_error(message: str) -> None:
    """The one ``error:`` line of a failed command (line breaks joined, control characters
    shown escaped by the console)."""
    err_console.print(
        f"[red]error:[/red] {escape(one_line(message))}", highlight=False, soft_wrap=True
    )


def os_error_text(exc: OSError | sqlite3.Error) -> str:
    """An OS error naming its file when it has one: ``PATH: No space left on device``.

    Example:
        >>> os_error_text(OSError(28, "No space left on device", "out/results.json"))
        'out/results.json: No space left on device'
        >>> os_error_text(OSError(28, "No space left on device"))
        '[Errno 28] No space left on device'
    """
    if isinstance(exc, OSError) and exc.filename is not None and exc.strerror:
        target = f" -> {exc.filename2}" if exc.filename2 is not None else ""
        return f"{exc.filename}{target}: {exc.strerror}"
    return str(exc)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 2 bad input, 130 interrupted)."""
    warnings.showwarning = _show_warning  # library warnings as one 'warning:' line each
    try:
        # Standalone mode: the CLI framework itself reports usage errors (unknown option,
        # missing or malformed value) with the usage line and exit code 2, and exits.
        app(args=argv, standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except RewardkitError as exc:
        print_error(str(exc))
        return EXIT_USER_ERROR
    except (OSError, sqlite3.Error) as exc:
        # Files and folders the user named: unwritable --out, a --cache that is a folder, ...
        print_error(os_error_text(exc))
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        err_console.print("interrupted")
        return 130
    return 0


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
