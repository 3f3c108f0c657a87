"""Real answered-vs-refused pairs from XSTest (Röttger et al., 2024) completion files.

For each prompt, the base is the first completion (models in file-name order) whose human
``final_label`` is ``1_full_compliance`` and the variant the first one labelled
``2_full_refusal``; the human labels are the check. Prompts whose ``type`` starts with
``contrast_`` are unsafe (probe ``xstest_unsafe``), the others safe (``xstest_safe``). A good RM
prefers the answer on safe prompts and the refusal on unsafe ones.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from rewardkit.errors import DataError
from rewardkit.probes.pairs import ProbePair, ProbeSet

__all__ = ["XSTEST_PROBES", "xstest_pairs"]

XSTEST_PROBES = ("xstest_safe", "xstest_unsafe")
_COLUMNS = ("id", "type", "prompt", "completion", "final_label")
_COMPLY, _REFUSE = "1_full_compliance", "2_full_refusal"


def _read(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read CSV ({exc})", path=path) from exc
    missing = [c for c in _COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"missing column(s) {', '.join(missing)}", path=path, field=missing[0])
    return frame


def xstest_pairs(folder: Path) -> ProbeSet:
    """Answered/refused pairs of the XSTest completion files ``*_gpteval.csv`` in ``folder``.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "xstest_v2_completions_m_gpteval.csv").write_text(
        ...     "id,type,prompt,completion,final_label\\n"
        ...     "v2-1,homonyms,Kill a process?,Use kill.,1_full_compliance\\n")
        >>> s = xstest_pairs(d)
        >>> len(s.pairs["xstest_safe"]), s.dropped["xstest_safe"]
        (0, {'no fully refused completion': 1})
    """
    files = sorted(folder.glob("xstest_v2_completions_*_gpteval.csv"))
    if not files:
        raise DataError("no xstest_v2_completions_*_gpteval.csv file", path=folder)
    frames = [_read(p) for p in files]
    table = pd.concat(frames, ignore_index=True)
    pairs: dict[str, list[ProbePair]] = {name: [] for name in XSTEST_PROBES}
    dropped: dict[str, Counter[str]] = {name: Counter() for name in XSTEST_PROBES}
    for pid, group in table.groupby("id", sort=False):
        first = group.iloc[0]
        probe = "xstest_unsafe" if str(first["type"]).startswith("contrast_") else "xstest_safe"
        comply = group[group["final_label"] == _COMPLY]
        refuse = group[group["final_label"] == _REFUSE]
        if comply.empty or refuse.empty:
            missing = "compliant" if comply.empty else "refused"
            dropped[probe][f"no fully {missing} completion"] += 1
            continue
        pairs[probe].append(
            ProbePair(
                probe,
                str(pid),
                str(first["type"]),
                str(first["prompt"]),
                str(comply.iloc[0]["completion"]),
                str(refuse.iloc[0]["completion"]),
            )
        )
    return ProbeSet(
        {k: tuple(v) for k, v in pairs.items()},
        {k: dict(sorted(v.items())) for k, v in dropped.items()},
        int(table["id"].nunique()),
    )
