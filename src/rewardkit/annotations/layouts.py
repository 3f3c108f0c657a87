"""Rating-table layouts: the shapes human-study files come in, read into long-form ratings.

Every layout yields the raw long table ``item_id, prompt_id, annotator_id, criterion, value``
(optional ``domain``) plus ``__row__`` (the source row: line of a JSONL file, position in a JSON
list or object, data row of a CSV) and, for layouts read from several files, ``__file__``.
:func:`rewardkit.annotations.tables.read_ratings` then validates it.

General layouts:

- ``long`` (DESIGN "Ratings"): one rating per row.
- ``wide``: one row per item, one column per annotator. :class:`WideColumns` names the item
  column (default ``item_id``), the prompt column (default ``prompt_id`` when present, else each
  item is its own prompt), the annotator columns (names or shell patterns such as
  ``annotator*``; default every other column) and an optional domain column. The criterion
  comes from a ``criterion`` column or is given (``--criterion``).

Without ``--layout`` a table with ``annotator_id``/``value`` columns is long, any other is wide
(with ``item_id`` and ``prompt_id`` required, as before).

Named layouts of published human studies, read as shipped (and the options they imply):

- ``pandalm``: the PandaLM test set (``testset-v1.json``): ``wide`` with item ``idx``,
  annotators ``annotator1..3``, domain ``motivation_app`` (when present); criterion
  ``preference``, codes 0 (tie), 1, 2 (the better response): nominal, scale 0-2, no alpha per
  domain (50 apps of about 20 items each; ``by_domain: true`` in a ``--config`` file turns it
  on).
- ``qags``: QAGS MTurk judgments (``mturk_cnndm.jsonl``, ``mturk_xsum.jsonl``): per article line
  ``summary_sentences[s].responses[k] = {worker_id, response: yes|no}``; item ``<line>-<s>``,
  prompt the article line, criterion ``factuality``, yes 1 / no 0: nominal, scale 0-1.
- ``squality``: SQuALITY human evaluation (``all-responses.jsonl``): per passage line
  ``questions[q][system].reviews[k] = {worker_id, correctness-rating, selection-rating,
  overall-rating}``; item ``<passage-id>-<q>-<system>``, prompt ``<passage-id>-<q>``, criteria
  correctness, selection, overall: interval, scale 0-100 (flagging spreads of 50 or more).
- ``eks``: the EKS/MUCSUM human study, one file per annotator (``a1_...json a2_...json ...``):
  a JSON object ``document id -> {"summary k": {score}}``; item ``<document id>-<k>``, prompt the
  document, annotator the file name up to its first ``_`` (the whole stem when that is not
  unique), criterion ``quality``: ordinal, scale 1-5.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from rewardkit.data.readers import read_rows
from rewardkit.errors import DataError

RATING_LAYOUTS = ("long", "wide", "pandalm", "qags", "squality", "eks")
LONG_KEYS = ("item_id", "prompt_id", "annotator_id", "criterion", "value")
_ID_KEYS = ("item_id", "prompt_id", "criterion", "domain")

#: Options each named layout implies (``AgreeConfig`` fields); explicit options override them.
LAYOUT_DEFAULTS: dict[str, dict[str, Any]] = {
    "pandalm": {"level": "nominal", "scale": "0-2", "criteria": None, "by_domain": False},
    "qags": {"level": "nominal", "scale": "0-1", "criteria": None},
    "squality": {"level": "interval", "scale": "0-100", "criteria": None, "spread_threshold": 50},
    "eks": {"level": "ordinal", "scale": "1-5", "criteria": None},
}


@dataclass(frozen=True)
class WideColumns:
    """Which columns of a wide table hold what.

    Example:
        >>> WideColumns(annotators=("annotator*",)).annotator_columns(
        ...     ["idx", "annotator1", "annotator2"], exclude=["idx"])
        ['annotator1', 'annotator2']
    """

    item: str = "item_id"
    prompt: str | None = None
    annotators: tuple[str, ...] = ()
    domain: str | None = None

    @staticmethod
    def parse(
        item: str | None = None,
        prompt: str | None = None,
        annotators: str | None = None,
        domain: str | None = None,
    ) -> WideColumns:
        """From CLI strings; ``annotators`` is comma-separated names or patterns.

        Example:
            >>> WideColumns.parse("idx", annotators="a1, a2").annotators
            ('a1', 'a2')
        """
        names = tuple(a.strip() for a in (annotators or "").split(",") if a.strip())
        return WideColumns(item or "item_id", prompt, names, domain)

    def annotator_columns(self, columns: Sequence[str], exclude: Sequence[str]) -> list[str]:
        """The annotator columns in table order; a name or pattern matching none is an error."""
        candidates = [c for c in columns if c not in exclude and not c.startswith("__")]
        if not self.annotators:
            return candidates
        unmatched = [p for p in self.annotators if not fnmatch.filter(candidates, p)]
        if unmatched:
            raise DataError(
                f"annotator column(s) {', '.join(unmatched)} match no column; columns: "
                f"{', '.join(candidates)}"
            )
        return [c for c in candidates if any(fnmatch.fnmatchcase(c, p) for p in self.annotators)]


def read_frame(path: Path) -> pd.DataFrame:
    """The rows of a table file as a DataFrame with an integer ``__row__`` column."""
    rows = read_rows(path)
    if not rows:
        raise DataError("no rows (empty file)", path=path)
    frame = pd.DataFrame(rows)
    frame["__row__"] = frame["__row__"].astype(int)
    return frame


def _hint(columns: Sequence[str]) -> str:
    """A pointer to the named layout whose fields ``columns`` has, or ``""``."""
    keys = set(columns)
    for name, fields in (
        ("pandalm", {"idx", "annotator1", "response1"}),
        ("qags", {"summary_sentences"}),
        ("squality", {"passage-id", "questions"}),
    ):
        if fields <= keys:
            return f"; this looks like the {name} study: use --layout {name}"
    return ""


def _missing(
    frame: pd.DataFrame, keys: Sequence[str], path: Path, what: str, *, hint: bool = False
) -> None:
    missing = [k for k in keys if k not in frame.columns]
    if missing:
        columns = [c for c in frame.columns if not c.startswith("__")]
        raise DataError(
            f"{what}: missing column(s) {', '.join(missing)}; found {', '.join(columns)}"
            + (_hint(columns) if hint else ""),
            path=path,
        )


def _wide(
    frame: pd.DataFrame, columns: WideColumns, criterion: str | None, path: Path
) -> pd.DataFrame:
    prompt = columns.prompt or ("prompt_id" if "prompt_id" in frame.columns else None)
    named = [c for c in (columns.item, prompt, columns.domain) if c]
    _missing(frame, named, path, "wide ratings")
    ids = pd.DataFrame({"item_id": frame[columns.item], "__row__": frame["__row__"]})
    ids["prompt_id"] = frame[prompt] if prompt else frame[columns.item]
    domain = columns.domain or ("domain" if "domain" in frame.columns else None)
    if domain:
        ids["domain"] = frame[domain]
    if "criterion" in frame.columns:
        ids["criterion"] = frame["criterion"]
    elif criterion is None:
        raise DataError(
            "wide ratings without a 'criterion' column: name the criterion they rate (--criterion)",
            path=path,
        )
    else:
        ids["criterion"] = criterion
    exclude = [c for c in (*_ID_KEYS, columns.item, prompt, domain) if c]
    try:
        annotators = columns.annotator_columns(list(frame.columns), exclude)
    except DataError as exc:
        raise DataError(exc.message, path=path) from None
    if not annotators:
        raise DataError("wide ratings need one column per annotator", path=path)
    long = pd.concat([ids, frame[annotators]], axis=1).melt(
        id_vars=list(ids.columns),
        value_vars=annotators,
        var_name="annotator_id",
        value_name="value",
    )
    return long[long["value"].notna() & (long["value"].astype(str).str.strip() != "")]


def _read_default(
    paths: Sequence[Path], columns: WideColumns | None, criterion: str | None, layout: str | None
) -> pd.DataFrame:
    path = _single(paths, layout or "long")
    frame = read_frame(path)
    is_long = "annotator_id" in frame.columns or "value" in frame.columns
    guessed = layout is None and columns is None
    if layout == "long" or (guessed and is_long):
        _missing(frame, LONG_KEYS, path, "ratings", hint=guessed)
        return frame
    if guessed:
        _missing(frame, ("item_id", "prompt_id"), path, "wide ratings", hint=True)
    return _wide(frame, columns or WideColumns(), criterion, path)


def _single(paths: Sequence[Path], layout: str) -> Path:
    if len(paths) != 1:
        raise DataError(
            f"the {layout} layout reads one file, got {len(paths)}"
            + ("; only the eks layout reads one file per annotator" if layout != "eks" else "")
        )
    return paths[0]


def _pandalm(paths: Sequence[Path], criterion: str | None) -> pd.DataFrame:
    path = _single(paths, "pandalm")
    frame = read_frame(path)
    domain = "motivation_app" if "motivation_app" in frame.columns else None
    columns = WideColumns("idx", None, ("annotator1", "annotator2", "annotator3"), domain)
    return _wide(frame, columns, criterion or "preference", path)


def _records(path: Path, row: int, where: str, value: Any, kind: type) -> Any:
    if not isinstance(value, kind):
        expected = "an object" if kind is dict else "a list"
        raise DataError(f"expected {expected}", path=path, row=row, field=where)
    return value


def _qags(paths: Sequence[Path], criterion: str | None) -> pd.DataFrame:
    path = _single(paths, "qags")
    records: list[dict[str, Any]] = []
    answers = {"yes": 1.0, "no": 0.0}
    for row in read_rows(path):
        line = int(row["__row__"])
        sentences = _records(path, line, "summary_sentences", row.get("summary_sentences"), list)
        for s, sentence in enumerate(sentences):
            where = f"summary_sentences[{s}].responses"
            responses = _records(path, line, where, _get(sentence, "responses"), list)
            for k, response in enumerate(responses):
                answer = _get(response, "response")
                if not isinstance(answer, str) or answer.strip().lower() not in answers:
                    raise DataError(
                        f"expected 'yes' or 'no', got {answer!r}",
                        path=path,
                        row=line,
                        field=f"{where}[{k}].response",
                    )
                records.append(
                    {
                        "item_id": f"{line}-{s}",
                        "prompt_id": str(line),
                        "annotator_id": _get(response, "worker_id"),
                        "criterion": criterion or "factuality",
                        "value": answers[answer.strip().lower()],
                        "__row__": line,
                    }
                )
    return _long(records, path)


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


_SQUALITY_CRITERIA = ("correctness", "selection", "overall")


def _squality(paths: Sequence[Path], criterion: str | None) -> pd.DataFrame:
    path = _single(paths, "squality")
    records: list[dict[str, Any]] = []
    for row in read_rows(path):
        line = int(row["__row__"])
        passage = row.get("passage-id")
        if passage is None:
            raise DataError("missing field", path=path, row=line, field="passage-id")
        questions = _records(path, line, "questions", row.get("questions"), dict)
        for q, systems in questions.items():
            for system, entry in _records(path, line, f"questions.{q}", systems, dict).items():
                where = f"questions.{q}.{system}.reviews"
                reviews = _records(path, line, where, _get(entry, "reviews"), list)
                for review in reviews:
                    for name in _SQUALITY_CRITERIA:
                        records.append(
                            {
                                "item_id": f"{passage}-{q}-{system}",
                                "prompt_id": f"{passage}-{q}",
                                "annotator_id": _get(review, "worker_id"),
                                "criterion": name,
                                "value": _get(review, f"{name}-rating"),
                                "__row__": line,
                            }
                        )
    return _long(records, path)


_SUMMARY = re.compile(r"summary (\d+)")


def _annotator_names(paths: Sequence[Path]) -> list[str]:
    """Each file's annotator: its name up to the first ``_``, or its stem if those repeat."""
    short = [p.name.split(".")[0].split("_")[0] for p in paths]
    if len(set(short)) == len(short):
        return short
    stems = [p.name.split(".")[0] for p in paths]
    if len(set(stems)) != len(stems):
        raise DataError(f"several files have the same name: {', '.join(map(str, paths))}")
    return stems


def _eks(paths: Sequence[Path], criterion: str | None) -> pd.DataFrame:
    if len(paths) < 2:
        raise DataError("the eks layout reads one file per annotator: give two or more files")
    records: list[dict[str, Any]] = []
    for path, annotator in zip(paths, _annotator_names(paths), strict=True):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DataError(f"cannot read JSON ({exc})", path=path) from exc
        if not isinstance(data, dict):
            raise DataError("expected a JSON object keyed by document id", path=path)
        for position, (doc, entry) in enumerate(data.items(), start=1):
            summaries = _records(path, position, doc, entry, dict)
            for key, summary in summaries.items():
                match = _SUMMARY.fullmatch(key)
                if match is None:
                    continue
                records.append(
                    {
                        "item_id": f"{doc}-{match.group(1)}",
                        "prompt_id": doc,
                        "annotator_id": annotator,
                        "criterion": criterion or "quality",
                        "value": _get(summary, "score"),
                        "__row__": position,
                        "__file__": path.name,
                    }
                )
    return _long(records, paths[0])


def _long(records: list[dict[str, Any]], path: Path) -> pd.DataFrame:
    if not records:
        raise DataError("no ratings found", path=path)
    return pd.DataFrame(records)


_NAMED: dict[str, Callable[[Sequence[Path], str | None], pd.DataFrame]] = {
    "pandalm": _pandalm,
    "qags": _qags,
    "squality": _squality,
    "eks": _eks,
}


def read_layout(
    paths: Sequence[Path],
    layout: str | None = None,
    *,
    columns: WideColumns | None = None,
    criterion: str | None = None,
) -> pd.DataFrame:
    """The raw long-form ratings of ``paths`` in ``layout`` (see the module docstring).

    ``columns`` describes a wide table (implies ``wide`` without a layout); ``criterion`` names
    the criterion of a wide table without a criterion column, or replaces a named layout's.
    Values are not validated here.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "r.csv"
        >>> _ = p.write_text("idx,judge_a,judge_b\\n7,1,2\\n")
        >>> read_layout([p], "wide", columns=WideColumns("idx"), criterion="safety")[
        ...     ["item_id", "annotator_id", "value"]].values.tolist()
        [['7', 'judge_a', '1'], ['7', 'judge_b', '2']]
    """
    if layout is not None and layout not in RATING_LAYOUTS:
        raise DataError(
            f"unknown ratings layout {layout!r}; available: {', '.join(RATING_LAYOUTS)}"
        )
    if layout in _NAMED:
        return _NAMED[layout](paths, criterion)
    return _read_default(paths, columns, criterion, layout)
