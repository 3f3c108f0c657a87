"""Record types, readers, format layouts and validation for preference data."""

from rewardkit.data.layouts import LAYOUTS, detect_layout, split_hh_transcripts
from rewardkit.data.load import LoadReport, LoadResult, SkippedRow, load_preferences
from rewardkit.data.readers import read_rows
from rewardkit.data.records import ChatMessage, PreferenceItem, Prompt, prompt_text

__all__ = [
    "LAYOUTS",
    "ChatMessage",
    "LoadReport",
    "LoadResult",
    "PreferenceItem",
    "Prompt",
    "SkippedRow",
    "detect_layout",
    "load_preferences",
    "prompt_text",
    "read_rows",
    "split_hh_transcripts",
]
