"""Helpers of the PPO tests (``ppo_*.py`` beside this file) are importable by name."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
