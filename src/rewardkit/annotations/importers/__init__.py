"""Importers of annotation-tool exports into rewardkit's long-form ratings and comparisons:
one module per tool (Label Studio, Argilla, wide tables and the published studies)."""

from rewardkit.annotations.importers.argilla import import_argilla
from rewardkit.annotations.importers.common import Imported
from rewardkit.annotations.importers.label_studio import import_label_studio
from rewardkit.annotations.importers.wide_csv import import_wide

SOURCES = ("label-studio", "argilla", "wide-csv")

__all__ = ["SOURCES", "Imported", "import_argilla", "import_label_studio", "import_wide"]
