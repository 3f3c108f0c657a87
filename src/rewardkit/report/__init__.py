"""Run directories, manifests, atomic writes and results documents."""

from rewardkit.report.atomic import dumps_json, write_json, write_parquet, write_text
from rewardkit.report.manifest import build_manifest, package_versions, sha256_path
from rewardkit.report.results import SCHEMA_VERSION, evaluation_json, groups_table, metrics_table
from rewardkit.report.run_dir import RunDir, default_run_dir

__all__ = [
    "SCHEMA_VERSION",
    "RunDir",
    "build_manifest",
    "default_run_dir",
    "dumps_json",
    "evaluation_json",
    "groups_table",
    "metrics_table",
    "package_versions",
    "sha256_path",
    "write_json",
    "write_parquet",
    "write_text",
]
