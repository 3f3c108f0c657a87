"""``rewardkit cache info|clear``: inspect or empty the score cache."""

from __future__ import annotations

from pathlib import Path

import typer

from rewardkit.cli.app import app, console
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
    with ScoreCache(path) as store:
        info = store.info()
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
    """Delete cached scores and embeddings (all, or one model's)."""
    path = cache or default_cache_path()
    if not path.exists():
        console.print(f"cache: {path} (nothing to clear)", soft_wrap=True)
        return
    with ScoreCache(path) as store:
        removed = store.clear(model)
    console.print(f"removed {removed} entries from {path}", soft_wrap=True)
