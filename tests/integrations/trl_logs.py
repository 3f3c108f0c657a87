"""The table TRL logs at each step, copied by a callback (tests/integrations is on sys.path)."""

from __future__ import annotations

from typing import Any

import pandas as pd


class LoggedTables:
    """Copies, at each log, the table TRL logs (its prompts, completions and rewards: what
    GRPOTrainer writes to completions/*.parquet and both trainers print and send to wandb)."""

    def __init__(self) -> None:
        self.trainer: Any = None
        self.tables: list[pd.DataFrame] = []

    def callback(self) -> Any:
        from transformers import TrainerCallback

        recorder = self

        class Record(TrainerCallback):  # type: ignore[misc]
            def on_log(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
                logs = recorder.trainer._logs
                if not logs["prompt"] or "train_runtime" in (kwargs.get("logs") or {}):
                    return
                table = {"step": state.global_step, "prompt": list(logs["prompt"])}
                table["completion"] = list(logs["completion"])
                table.update({k: list(v) for k, v in logs["rewards"].items()})
                recorder.tables.append(pd.DataFrame(table))

        return Record()
