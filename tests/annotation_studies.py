"""Long-form ratings tables built from the human studies in ../shared/data (tests only)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from shared_data import shared_path


def pandalm() -> pd.DataFrame:
    """PandaLM: 3 annotators label each pair 0 (tie), 1 or 2: one nominal criterion."""
    rows = json.loads(shared_path("pandalm-testset", "testset-v1.json").read_text())
    records = [
        {
            "item_id": str(r["idx"]),
            "prompt_id": str(r["idx"]),
            "annotator_id": f"annotator{k}",
            "criterion": "preference",
            "value": float(r[f"annotator{k}"]),
            "domain": r["motivation_app"],
        }
        for r in rows
        for k in (1, 2, 3)
    ]
    return pd.DataFrame(records)


def qags(name: str) -> pd.DataFrame:
    """QAGS: 3 crowd workers answer yes (1) / no (0) per summary sentence."""
    path = shared_path("qags-mturk", f"mturk_{name}.jsonl")
    records = []
    for a, line in enumerate(path.read_text().splitlines()):
        article = json.loads(line)
        for s, sentence in enumerate(article["summary_sentences"]):
            for response in sentence["responses"]:
                records.append(
                    {
                        "item_id": f"{a}-{s}",
                        "prompt_id": str(a),
                        "annotator_id": str(response["worker_id"]),
                        "criterion": "factuality",
                        "value": 1.0 if response["response"] == "yes" else 0.0,
                    }
                )
    return pd.DataFrame(records)


def squality() -> pd.DataFrame:
    """SQuALITY: 3 of 4 reviewers rate (passage, question, system) on 0-100, 3 properties."""
    path = shared_path("squality-human-eval", "all-responses.jsonl")
    records = []
    for line in path.read_text().splitlines():
        passage = json.loads(line)
        for q, systems in passage["questions"].items():
            for system, entry in systems.items():
                item = f"{passage['passage-id']}-{q}-{system}"
                for review in entry["reviews"]:
                    for prop in ("correctness", "selection", "overall"):
                        records.append(
                            {
                                "item_id": item,
                                "prompt_id": f"{passage['passage-id']}-{q}",
                                "annotator_id": str(review["worker_id"]),
                                "criterion": prop,
                                "value": float(review[f"{prop}-rating"]),
                            }
                        )
    return pd.DataFrame(records)


def eks() -> pd.DataFrame:
    """EKS: 3 annotators rate 6 summaries per document on a 1-5 Likert scale."""
    records = []
    for k in (1, 2, 3):
        path: Path = shared_path("eks-mucsum-human-study", f"a{k}_data_with_model_names.json")
        for doc, entry in json.loads(path.read_text()).items():
            for s in range(1, 7):
                records.append(
                    {
                        "item_id": f"{doc}-{s}",
                        "prompt_id": doc,
                        "annotator_id": f"a{k}",
                        "criterion": "quality",
                        "value": float(entry[f"summary {s}"]["score"]),
                    }
                )
    return pd.DataFrame(records)
