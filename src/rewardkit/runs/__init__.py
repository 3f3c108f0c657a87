"""The ground floor every job writes through: run directories, manifests, atomic writes, and
secret redaction for anything persisted."""

from rewardkit.runs.atomic import dumps_json, write_json, write_parquet, write_text
from rewardkit.runs.manifest import build_manifest, now_iso, package_versions, sha256_path
from rewardkit.runs.run_dir import RunDir, default_run_dir

__all__ = [
    "RunDir",
    "build_manifest",
    "default_run_dir",
    "dumps_json",
    "now_iso",
    "package_versions",
    "sha256_path",
    "write_json",
    "write_parquet",
    "write_text",
]
