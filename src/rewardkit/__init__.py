"""rewardkit: build, audit, calibrate and evaluate reward models, with a CI on every number."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rewardkit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+local"

__all__ = ["__version__"]
