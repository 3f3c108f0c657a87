"""``rewardkit cache info|clear``: inspect or empty the score cache."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import typer

from rewardkit.cli.app import app, console, warn
from rewardkit.errors import ConfigError
from rewardkit.scoring import ScoreCache, default_cache_path

cache_app = typer.Typer(help="Inspect or clear the score cache.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")

CacheOption = typer.Option(
    None,
    "--cache",
    help="Cache file [default: $REWARDKIT_CACHE or ~/.cache/rewardkit/scores.sqlite].",
)


@cache_app.command("info")
def cache_info(cache: Path | None = CacheOption) -> None:
    """Where the cache is, its size, and how many scores each model has there."""
    path = cache or default_cache_path()
    if not path.exists():
        console.print(f"cache: {path} (empty: no file yet)", soft_wrap=True)
        return
    try:
        with ScoreCache(path) as store:
            info = store.info()
    except sqlite3.DatabaseError as exc:
        raise ConfigError(
            f"{path}: a damaged score cache ({exc}); `rewardkit cache clear` deletes it"
        ) from exc
    console.print(f"cache: {info.path}", soft_wrap=True)
    console.print(
        f"size: {info.size_bytes / 1e6:.1f} MB, {info.n_scores} scores, "
        f"{info.n_embeddings} embeddings"
    )
    for fingerprint, count in info.models.items():
        console.print(f"  {count:>9}  {fingerprint}", soft_wrap=True, highlight=False)


@cache_app.command("clear")
def cache_clear(
    cache: Path | None = CacheOption,
    model: str | None = typer.Option(
        None, "--fingerprint", help="Only this model fingerprint (as listed by `cache info`)."
    ),
) -> None:
    """Delete cached scores and embeddings (all, or one model's). A damaged cache file that
    cannot be opened is deleted whole (without --fingerprint)."""
    path = cache or default_cache_path()
    if not path.exists():
        console.print(f"cache: {path} (nothing to clear)", soft_wrap=True)
        return
    try:
        with ScoreCache(path) as store:
            removed = store.clear(model)
    except (ConfigError, sqlite3.DatabaseError) as exc:
        if not _damaged(exc):
            raise  # locked, unreadable, a folder...: not a damaged file, never deleted
        if model is not None:
            raise ConfigError(
                f"{path}: a damaged score cache ({exc}); its entries cannot be cleared one model "
                "at a time: run `rewardkit cache clear` without --fingerprint to delete it"
            ) from exc
        deleted = ScoreCache.delete_damaged(path)
        warn(f"{path}: the cache was damaged ({exc.__cause__ or exc}); deleted it")
        console.print(f"removed {len(deleted)} damaged cache file(s) at {path}", soft_wrap=True)
        return
    console.print(f"removed {removed} entries from {path}", soft_wrap=True)


def _damaged(exc: BaseException) -> bool:
    """Whether opening or reading the cache failed because the file is damaged (not an SQLite
    database, a malformed image), as opposed to locked or unreadable."""
    cause = exc if isinstance(exc, sqlite3.DatabaseError) else exc.__cause__
    return isinstance(cause, sqlite3.DatabaseError) and not isinstance(
        cause, sqlite3.OperationalError
    )
