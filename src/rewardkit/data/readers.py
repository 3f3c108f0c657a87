"""Read raw rows from JSONL (plain or gzipped), JSON, CSV, Parquet and local HF dataset folders.

Readers only parse; they return a list of dicts (one per row) and never validate content. Every
parse failure names the file and the row (line for JSONL). What every reader refuses or repairs,
whatever the command:

- a path that is not a regular file or a folder (a FIFO, ``/dev/zero``): refused before any
  byte is read, so nothing hangs;
- JSON nested deeper than :data:`~rewardkit.data.safe_json.MAX_DEPTH` levels: refused;
- lone surrogates (``"\\ud800"`` in JSON text): replaced by U+FFFD and counted, one
  :class:`LoneSurrogateWarning` per file naming the first row and field;
- a CSV row with more fields than the header, or a header naming a column twice: refused.
"""

from __future__ import annotations

import csv
import gzip
import re
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from rewardkit.data.safe_json import Parsed, parse_json
from rewardkit.errors import DataError

Row = dict[str, Any]

SUPPORTED = (
    ".jsonl, .jsonl.gz, .json, .json.gz, .csv, .csv.gz, .parquet, or a Hugging Face dataset folder"
)


def detect_file_format(path: Path) -> str:
    """Return one of ``jsonl``, ``json``, ``csv``, ``parquet``, ``hf`` for a path.

    Example:
        >>> detect_file_format(Path("pairs.jsonl.gz"))
        'jsonl'
    """
    if path.is_dir():
        return "hf"
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    ext = suffixes[-1] if suffixes else ""
    mapping = {
        ".jsonl": "jsonl",
        ".ndjson": "jsonl",
        ".json": "json",
        ".csv": "csv",
        ".parquet": "parquet",
        ".pq": "parquet",
    }
    if ext not in mapping:
        raise DataError(
            f"unknown format {ext or '(no extension)'!r}; supported: {SUPPORTED}", path=path
        )
    return mapping[ext]


def _open_text(path: Path) -> Any:
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open("r", encoding="utf-8")


_ELEMENT = re.compile(r"\[(\d+)\]\.?")


class LoneSurrogateWarning(UserWarning):
    """Lone surrogates in a data file were replaced by U+FFFD (see :mod:`.safe_json`)."""


class _Surrogates:
    """Counts the lone surrogates replaced while reading one file; warns once at the end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.n = 0
        self.rows = 0
        self.first: tuple[int | None, str | None] | None = None

    def add(self, parsed: Parsed, row: int | None) -> Any:
        if parsed.n_surrogates:
            self.n += parsed.n_surrogates
            where = parsed.first_field
            if row is None and where is not None:  # a JSON array: "[i].field" is row i + 1
                match = _ELEMENT.match(where)
                if match:
                    row, where = int(match.group(1)) + 1, where[match.end() :] or None
                self.rows += parsed.n_parts
            else:
                self.rows += 1
            if self.first is None:
                self.first = (row, where)
        return parsed.value

    def warn(self) -> None:
        if not self.n or self.first is None:
            return
        row, where = self.first
        at = (f"row {row}, " if row is not None else "") + f"field {where!r}"
        warnings.warn(
            f"{self.path}: {self.n} lone surrogate(s) (half of a UTF-16 pair, invalid Unicode) "
            f"replaced by U+FFFD in {self.rows} row(s); first: {at}",
            LoneSurrogateWarning,
            stacklevel=3,
        )


def read_jsonl(path: Path) -> list[Row]:
    rows: list[Row] = []
    surrogates = _Surrogates(path)
    try:
        with _open_text(path) as fh:
            for lineno, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    obj = surrogates.add(parse_json(line, path=path, row=lineno), lineno)
                except DataError as exc:
                    if exc.message.startswith("invalid JSON"):
                        raise DataError(
                            exc.message.replace("is it truncated?", "is the line truncated?"),
                            path=path,
                            row=lineno,
                        ) from None
                    raise
                if not isinstance(obj, dict):
                    raise DataError(
                        f"expected a JSON object, got {type(obj).__name__}", path=path, row=lineno
                    )
                obj["__row__"] = lineno
                rows.append(obj)
    except (EOFError, gzip.BadGzipFile, UnicodeDecodeError) as exc:
        raise DataError(
            f"cannot read file ({exc}); is it truncated or not text?", path=path, row=len(rows) + 1
        ) from exc
    surrogates.warn()
    return rows


def read_json(path: Path) -> list[Row]:
    """Rows of a JSON array of objects, an object holding one such array, or a column-oriented
    object (equal-length lists, e.g. RewardBench's per-item score files)."""
    surrogates = _Surrogates(path)
    try:
        with _open_text(path) as fh:
            text = fh.read()
    except (EOFError, gzip.BadGzipFile, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read file ({exc})", path=path) from exc
    data = surrogates.add(parse_json(text, path=path), None)
    surrogates.warn()
    if isinstance(data, dict):
        lists = [k for k, v in data.items() if isinstance(v, list)]
        columns = _columns(data, lists)
        if columns is not None:
            return columns
        if len(lists) == 1:
            data = data[lists[0]]
        elif all(isinstance(v, list) for v in data.values()) and data:
            raise DataError(
                "JSON object holds several lists "
                f"({', '.join(sorted(data))}); pass one of them as its own file",
                path=path,
            )
    if not isinstance(data, list):
        raise DataError("expected a JSON array of objects (or an object holding one)", path=path)
    rows: list[Row] = []
    for i, obj in enumerate(data, start=1):
        if not isinstance(obj, dict):
            raise DataError(f"expected a JSON object, got {type(obj).__name__}", path=path, row=i)
        rows.append({**obj, "__row__": i})
    return rows


def _columns(data: dict[str, Any], lists: list[str]) -> list[Row] | None:
    """Rows of a column-oriented object (``Dataset.to_dict()``), or None if it is not one.

    Column-oriented means at least two lists of one length whose entries are not objects (a
    list of objects is a table of its own). Entries that are not lists (e.g. a ``model`` name
    beside the columns) describe the whole file and are not columns.
    """
    if len(lists) < 2 or len({len(data[k]) for k in lists}) != 1:
        return None
    if any(isinstance(v, dict) for k in lists for v in data[k]):
        return None
    return [
        {**{k: data[k][i] for k in lists}, "__row__": i + 1} for i in range(len(data[lists[0]]))
    ]


def _frame_rows(frame: pd.DataFrame, *, first_row: int = 1) -> list[Row]:
    records: list[Row] = []
    for i, rec in enumerate(frame.to_dict(orient="records"), start=first_row):
        clean = {str(k): _unwrap(v) for k, v in rec.items()}
        clean["__row__"] = i
        records.append(clean)
    return records


def _unwrap(value: Any) -> Any:
    """Turn numpy/pyarrow containers into plain Python and NaN into None."""
    if hasattr(value, "tolist") and not isinstance(value, str):
        return _unwrap(value.tolist())
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, float) and value != value:
        return None
    return value


_CSV_FIELD_LIMIT = 2**31 - 1  # the csv module's default (128 KiB) is shorter than a long answer


def read_csv(path: Path) -> list[Row]:
    """Rows of a CSV file with a header line; every cell is text (an empty cell is None).

    A row with more fields than the header and a header naming a column twice are errors (a
    wider row would otherwise shift its values into the wrong columns). Rows are numbered
    from the first data row (the header is not a row); blank lines are skipped.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "t.csv"
        >>> _ = p.write_text("a,b\\n1,\\n")
        >>> read_csv(p)
        [{'a': '1', 'b': None, '__row__': 1}]
    """
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    rows: list[Row] = []
    try:
        with _open_csv(path) as fh:
            reader = csv.reader(fh)
            header = next((r for r in reader if r), None)
            if header is None:
                return []
            names = _header(header, path)
            for record in reader:
                if not record:
                    continue
                number = len(rows) + 1
                if len(record) > len(names):
                    raise DataError(
                        f"{len(record)} fields but the header names {len(names)} columns "
                        "(an unquoted comma in a value?)",
                        path=path,
                        row=number,
                    )
                cells = zip(names, record, strict=False)
                row: Row = {n: (v if v != "" else None) for n, v in cells}
                row.update({n: None for n in names[len(record) :]})
                row["__row__"] = number
                rows.append(row)
    except csv.Error as exc:
        raise DataError(f"cannot parse CSV ({exc})", path=path, row=len(rows) + 1) from exc
    except (EOFError, gzip.BadGzipFile, UnicodeDecodeError) as exc:
        raise DataError(
            f"cannot read file ({exc}); is it truncated or not text?", path=path, row=len(rows) + 1
        ) from exc
    return rows


def _open_csv(path: Path) -> Any:
    # utf-8-sig drops a byte-order mark in front of the header.
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return path.open("r", encoding="utf-8-sig", newline="")


def _header(header: list[str], path: Path) -> list[str]:
    """Column names of a CSV header (``Unnamed: i`` for an empty one); a repeated name fails."""
    names = [name if name != "" else f"Unnamed: {i}" for i, name in enumerate(header)]
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        if name in seen:
            raise DataError(
                f"the header names column {name!r} twice (columns {seen[name]} and {i}); "
                "rename one",
                path=path,
                field=name,
            )
        seen[name] = i
    return names


def read_parquet(path: Path) -> list[Row]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(f"cannot read Parquet ({exc})", path=path) from exc
    return _frame_rows(table.to_pandas())


def _json_field(path: Path, key: str) -> Any:
    """One key of a small JSON metadata file, or a DataError naming the file."""
    from rewardkit.data.safe_json import load_json_file

    doc = load_json_file(path, surrogates="replace", what="dataset metadata file")
    if not isinstance(doc, dict) or key not in doc:
        raise DataError(
            f"not a valid Hugging Face dataset metadata file (needs {key!r})", path=path
        )
    return doc[key]


def read_hf_folder(path: Path, split: str | None = None) -> list[Row]:
    """Read a folder written by ``datasets.Dataset.save_to_disk`` (or a ``DatasetDict``).

    The Arrow files are read with pyarrow directly, so the ``datasets`` package is not needed.
    A folder of plain data files (``*.parquet``, ``*.jsonl``, ...) is read file by file.
    """
    import pyarrow as pa

    dict_file = path / "dataset_dict.json"
    if dict_file.exists():
        splits = _json_field(dict_file, "splits")
        chosen = split or ("test" if "test" in splits else splits[0] if len(splits) == 1 else None)
        if chosen is None or chosen not in splits:
            raise DataError(f"dataset has splits {splits}; choose one with --split", path=path)
        return read_hf_folder(path / chosen)
    state_file = path / "state.json"
    if state_file.exists():
        tables = []
        for entry in _json_field(state_file, "_data_files"):
            arrow_path = path / entry["filename"]
            try:
                with pa.memory_map(str(arrow_path)) as source:
                    tables.append(pa.ipc.open_stream(source).read_all())
            except (pa.ArrowInvalid, OSError) as exc:
                raise DataError(f"cannot read Arrow file ({exc})", path=arrow_path) from exc
        if not tables:
            return []
        return _frame_rows(pa.concat_tables(tables).to_pandas())
    files = sorted(
        p
        for p in path.rglob("*")
        if p.is_file() and not p.name.startswith(".") and not p.name.lower().startswith("readme")
    )
    data_files = []
    for p in files:
        try:
            detect_file_format(p)
        except DataError:
            continue
        if split is None or split in p.name:
            data_files.append(p)
    if not data_files:
        raise DataError(
            f"folder holds no dataset (no state.json, dataset_dict.json or data "
            f"files); supported: {SUPPORTED}",
            path=path,
        )
    rows: list[Row] = []
    for p in data_files:
        for row in read_rows(p):
            row["__file__"] = p.relative_to(path).as_posix()
            rows.append(row)
    return rows


def check_regular(path: Path) -> None:
    """Refuse a path that is neither a regular file nor a folder (a FIFO, a device such as
    ``/dev/zero``, a socket), before reading or hashing a byte of it.

    Example:
        >>> check_regular(Path("/dev/null"))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        rewardkit.errors.DataError: /dev/null: not a regular file (a FIFO, device or socket); ...
    """
    if not (path.is_file() or path.is_dir()):
        raise DataError(
            "not a regular file (a FIFO, device or socket); give a data file or folder", path=path
        )


def read_rows(path: str | Path, split: str | None = None) -> list[Row]:
    """Read every row of a file or HF dataset folder; each row gets ``__row__`` (1-based).

    Example:
        >>> import tempfile, json
        >>> p = Path(tempfile.mkdtemp()) / "x.jsonl"
        >>> _ = p.write_text(json.dumps({"a": 1}) + "\\n")
        >>> read_rows(p)
        [{'a': 1, '__row__': 1}]
    """
    p = Path(path)
    if not p.exists():
        raise DataError("no such file or folder", path=p)
    check_regular(p)
    fmt = detect_file_format(p)
    if fmt == "hf":
        return read_hf_folder(p, split)
    reader = {"jsonl": read_jsonl, "json": read_json, "csv": read_csv, "parquet": read_parquet}[fmt]
    return reader(p)
