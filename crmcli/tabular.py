"""Tables in files: CSV (in whatever encoding Chinese Excel wrote it), XLSX, JSON, JSONL and
vCards.

The one home of file formats: encodings, header matching, formula neutralising,
calamine (reading spreadsheets) and xlsxwriter (writing them). Every cell is read as
text, exactly as the file holds it (``013800138000``, ``NA`` and ``null`` stay what
they are); turning text into values is the importer's job. Files are written to a
temporary name beside the target and renamed, so a reader never sees half a file; a pipe or
a device is written through once the file is whole (see :func:`atomic`).

calamine, xlsxwriter and charset-normalizer are imported inside the functions that use
them. A vCard (``.vcf``) is read and written by :mod:`crmcli.vcard`: its cards become rows
whose headers are the importer's own targets.
"""

from __future__ import annotations

import codecs
import csv
import errno
import io
import json
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from crmcli.cells import DEFUSED_START, neutralise, text_value
from crmcli.cells import unneutralise as unneutralise  # the one pair, shared with render
from crmcli.errors import FileError, Invalid
from crmcli.i18n import t

#: file extension -> format
EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xlsx",
    ".xlsb": "xlsx",
    ".ods": "xlsx",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".vcf": "vcf",
    ".vcard": "vcf",
}
FORMATS = ("csv", "xlsx", "json", "jsonl", "vcf")
#: the formats of tables (rows of fields): what ``crm customer export`` writes
TABLE_FORMATS = ("csv", "xlsx", "json", "jsonl")
XLSX_MAX_ROWS = 1_048_576

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


@dataclass
class Table:
    """What a file holds, as text.

    ``rows`` are ``(row number as the user sees it, cells)``, blank rows left out: the
    spreadsheet row or CSV line (header = 1), the JSONL line, the position in a JSON
    array, or the line a vCard's card begins on. For CSV and spreadsheets the header is one
    of ``rows`` (the importer picks it); for JSON ``headers`` holds the keys, for a vCard the
    importer's targets.
    """

    name: str
    format: str
    #: a list, or (from :func:`stream`) rows read as they are iterated
    rows: Iterable[tuple[int, list[str]]]
    headers: list[str] | None = None
    encoding: str | None = None
    delimiter: str = ","
    sheet: str | None = None
    #: (row number, column index) of number cells of 16 digits or more before the point:
    #: Excel keeps 15 significant digits, so theirs are already lost (SPEC §4); and of
    #: formula cells the file holds no value for. Filled as the rows are read.
    lost_digits: set[tuple[int, int]] = field(default_factory=set)
    unvalued: set[tuple[int, int]] = field(default_factory=set)
    #: how much there is to read (bytes, rows) and how much has been: for a progress bar
    size: int = 0
    position: Callable[[], int] | None = None


# -- formats and encodings -----------------------------------------------------------------


def format_of(name: str, given: str | None = None, formats: Sequence[str] = FORMATS) -> str | None:
    """The format named by ``given`` (one of ``formats``), else by the file's extension (None
    when unknown)."""
    if given:
        chosen = given.strip().lower()
        if chosen not in formats:
            raise Invalid(
                t(
                    "unknown {what} '{value}' ({accepted})",
                    what=t("file format"),
                    value=given,
                    accepted=", ".join(formats),
                )
            )
        return chosen
    return EXTENSIONS.get(Path(name).suffix.lower())


def codec(name: str) -> str:
    """The canonical name of an encoding (``GBK`` -> ``gbk``), or :class:`Invalid`."""
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        raise Invalid(
            t("unknown encoding '{value}'", value=name),
            hint=t("for example utf-8, utf-8-sig, gb18030, gbk, utf-16"),
        ) from None


#: how much of a file is read at a time (checking its encoding, sniffing its format)
BLOCK = 1 << 20


def _undecodable(f: BinaryIO, chosen: str) -> tuple[int, bytes] | None:
    """None when every byte of ``f`` decodes as ``chosen``; else the line and the bytes of
    the first that does not. Reads a block at a time: memory stays flat on any size."""
    f.seek(0)
    decoder = codecs.getincrementaldecoder(chosen)("strict")
    lines = 0  # newlines in the blocks before this one
    while True:
        block = f.read(BLOCK)
        pending = decoder.getstate()[0]  # a character's first bytes, from the block before
        try:
            decoder.decode(block, final=not block)
        except UnicodeDecodeError as e:
            data = pending + block
            line = lines - pending.count(b"\n") + data.count(b"\n", 0, e.start) + 1
            return line, data[e.start : e.end]
        if not block:
            return None
        lines += block.count(b"\n")


def _not_encoded(name: str, chosen: str, bad: tuple[int, bytes]) -> Invalid:
    return Invalid(
        t(
            "{file} is not {encoding}: line {line} holds bytes that do not decode ({bytes})",
            file=name,
            encoding=chosen,
            line=bad[0],
            bytes=bad[1].hex(" "),
        )
    )


def encoding_of(f: BinaryIO, encoding: str | None = None, *, name: str = "") -> str:
    """The encoding ``f`` is in: the one given, else a byte-order mark, else strict UTF-8,
    else strict GB18030 (what Chinese Excel writes), else charset-normalizer's best guess.
    Bytes that do not decode are an error, never a silent U+FFFD."""
    if encoding:
        chosen = codec(encoding)
        bad = _undecodable(f, chosen)
        if bad is not None:
            raise _not_encoded(name, chosen, bad)
        return chosen
    f.seek(0)
    head = f.read(4)
    for bom, chosen in _BOMS:
        if head.startswith(bom):
            return encoding_of(f, chosen, name=name)
    not_utf8 = _undecodable(f, "utf-8")
    if not_utf8 is None:
        return "utf-8"
    chinese = _undecodable(f, "gb18030") is None
    f.seek(0)
    if chinese and not _unlike_chinese(f.read(65536).decode("gb18030", "ignore")):
        return "gb18030"
    guess = _guess(f)
    if guess is not None:
        return guess
    if chinese:
        return "gb18030"
    raise Invalid(
        t(
            "cannot tell the encoding of {file}: it is neither UTF-8 (line {line}: bytes {bytes}) "
            "nor GB18030",
            file=name,
            line=not_utf8[0],
            bytes=not_utf8[1].hex(" "),
        ),
        hint=t("give the encoding with --encoding, e.g. --encoding big5"),
    )


def decode(data: bytes, encoding: str | None = None, *, name: str = "") -> tuple[str, str]:
    """Text and the encoding it was in (see :func:`encoding_of`)."""
    chosen = encoding_of(io.BytesIO(data), encoding, name=name)
    return data.decode(chosen), chosen


def _unlike_chinese(text: str) -> bool:
    """Does text decoded as GB18030 look like another encoding's bytes (Big5, Shift-JIS)?
    Chinese files use few characters outside GB2312 and none of the private use area."""
    sample = text[:20000]
    han = [c for c in sample if c >= "\u3400"]
    if not han:
        return False
    if any("\ue000" <= c <= "\uf8ff" for c in han):
        return True
    rare = 0
    for c in han:
        try:
            c.encode("gb2312")
        except UnicodeEncodeError:
            rare += 1
    return rare > 0.3 * len(han)


def _guess(f: BinaryIO) -> str | None:
    """charset-normalizer's best guess from the first blocks, if it decodes every byte."""
    from charset_normalizer import from_bytes

    f.seek(0)
    best = from_bytes(f.read(4 * BLOCK)).best()
    if best is None or not best.encoding:
        return None
    chosen = codec(best.encoding)
    return None if _undecodable(f, chosen) else chosen


# -- headers ---------------------------------------------------------------------------------

_HEADER_NOISE = re.compile(r"[\s_\-*:：.·/()（）\[\]【】]+")


def header_key(text: str) -> str:
    """The form headers are compared in: full-width folded, case folded, and spaces,
    underscores, dashes, brackets and marks such as ``*`` or ``:`` left out."""
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: a spreadsheet column's name."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# -- reading ---------------------------------------------------------------------------------


def read(
    source: str,
    *,
    format: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
) -> Table:
    """The whole of a table file (see :func:`stream`), its rows in a list."""
    with stream(source, format=format, encoding=encoding, sheet=sheet) as table:
        table.rows = list(table.rows)
    return table


@contextmanager
def stream(
    source: str,
    *,
    format: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
) -> Iterator[Table]:
    """Open a CSV, spreadsheet, JSON, JSONL or vCard file (``-``: standard input) as text.

    A CSV's and a spreadsheet's rows are read as they are iterated, so memory stays flat
    on a file of any size; the file is open until the ``with`` block ends. A vCard's rows
    are its cards, numbered by each card's first line (``BEGIN:VCARD``), under the
    importer's targets as headers (see :func:`crmcli.vcard.read`).
    """
    with _opened(source) as (f, name):
        head = f.read(4096)
        fmt = format_of(name, format) or _sniff(head)
        if not _holds_anything(f, head):
            raise Invalid(t("{file} is empty", file=name))
        if sheet is not None and fmt != "xlsx":
            raise Invalid(
                t("--sheet is for spreadsheets; {file} is {format}", file=name, format=fmt)
            )
        if encoding is not None and fmt == "xlsx":
            raise Invalid(
                t("--encoding is for CSV files; {file} is {format}", file=name, format=fmt)
            )
        if fmt == "xlsx":
            yield _read_spreadsheet(f, name, sheet)
            return
        used = encoding_of(f, encoding, name=name)
        f.seek(0)
        if fmt == "csv":
            yield _read_csv(f, name, used, tab=Path(name).suffix.lower() == ".tsv")
            return
        text = f.read().decode(used)
        if fmt == "vcf":
            from crmcli import vcard

            headers, rows = vcard.read(text, name)
            yield Table(name, "vcf", rows, headers=headers, encoding=used)
            return
        try:
            yield _read_json(text, name, used) if fmt == "json" else _read_jsonl(text, name, used)
        except RecursionError:  # [[[[…]]]] a hundred thousand deep
            raise Invalid(_too_deep(name)) from None


@contextmanager
def _opened(source: str) -> Iterator[tuple[BinaryIO, str]]:
    """The file (standard input copied to a temporary file first: it is read twice) and its
    name, open for reading bytes."""
    if source == "-":
        import shutil
        import tempfile

        with tempfile.TemporaryFile() as f:
            shutil.copyfileobj(sys.stdin.buffer, f)
            f.seek(0)
            yield f, "-"
        return
    try:
        f = open(Path(source).expanduser(), "rb")  # noqa: SIM115 (closed below)
    except FileNotFoundError:
        raise Invalid(t("no file '{file}'", file=source)) from None
    except IsADirectoryError:
        raise Invalid(t("'{file}' is a folder, not a file", file=source)) from None
    except OSError as e:
        raise FileError.reading(e, source) from None
    with f:
        yield f, source


def _holds_anything(f: BinaryIO, head: bytes) -> bool:
    """Does the file hold more than white space?"""
    block = head
    while block:
        if block.strip():
            return True
        block = f.read(BLOCK)
    return False


def _too_deep(name: str) -> str:
    return t("{file}: arrays and objects are nested too deeply to read", file=name)


def _sniff(data: bytes) -> str:
    """The format of a file with no telling extension, from its first bytes."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        return "xlsx"
    head = data[:4096].lstrip(codecs.BOM_UTF8 + b" \t\r\n")
    if head[:11].upper() == b"BEGIN:VCARD":
        return "vcf"
    if head.startswith(b"["):
        return "json"
    if head.startswith(b"{"):
        return "jsonl"
    return "csv"


def _delimiter(text: str) -> str:
    """Comma, tab (Excel's "Unicode text") or semicolon: whichever the first line uses most."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _read_csv(f: BinaryIO, name: str, encoding: str, *, tab: bool = False) -> Table:
    """A CSV's rows, read as they are iterated (``f`` at its start)."""
    size = f.seek(0, io.SEEK_END)
    f.seek(0)
    delimiter = "\t" if tab else _delimiter(f.read(65536).decode(encoding, "ignore"))
    f.seek(0)
    text = io.TextIOWrapper(f, encoding=encoding, newline="")
    return Table(
        name,
        "csv",
        _csv_rows(text, name, delimiter),
        encoding=encoding,
        delimiter=delimiter,
        size=size,
        position=f.tell,
    )


def _csv_rows(text: Any, name: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(text, delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            if "".join(cells).strip():
                yield line, cells
            line = reader.line_num + 1
    except csv.Error as e:
        raise Invalid(
            t(
                "{file}, line {line}: not a readable CSV row ({error})",
                file=name,
                line=line,
                error=e,
            )
        ) from None
    finally:
        with suppress(ValueError):
            text.detach()  # the file stays open (its position tells the progress) till closed


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as text: numbers without a spurious ``.0``, dates in ISO form."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e17:
            return str(int(value))
        # 15 significant digits, as Excel shows a number: =0.3+0.6 stores
        # 0.8999999999999999 and means 0.9
        text = f"{value:.15g}"
        return format(Decimal(text), "f") if "e" in text else text
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _read_spreadsheet(f: BinaryIO, name: str, sheet: str | None) -> Table:
    """A spreadsheet's first visible sheet (or ``sheet``), its rows made text as they are
    iterated."""
    from python_calamine import CalamineWorkbook

    try:
        f.seek(0)
        book = CalamineWorkbook.from_filelike(f)
        names = list(book.sheet_names)
        if sheet is None:
            visible = [
                m.name
                for m in book.sheets_metadata
                if "Visible" in str(m.visible) and "Hidden" not in str(m.visible)
            ]
            chosen = (visible or names or [None])[0]
        else:
            chosen = next((n for n in names if n == sheet), None) or next(
                (n for n in names if header_key(n) == header_key(sheet)), None
            )
            if chosen is None:
                raise Invalid(
                    t(
                        "{file} has no sheet '{sheet}' (sheets: {sheets})",
                        file=name,
                        sheet=sheet,
                        sheets=", ".join(names),
                    )
                )
        if chosen is None:
            raise Invalid(t("{file} has no sheets", file=name))
        found = book.get_sheet_by_name(chosen)
        start = found.start or (0, 0)
        cells = iter(found.iter_rows())
    except Invalid:
        raise
    except Exception as e:  # calamine: not a spreadsheet, damaged, password-protected
        raise Invalid(
            t(
                "cannot read {file} as a spreadsheet: {error}",
                file=name,
                error=str(e) or type(e).__name__,
            )
        ) from None
    from crmcli.formula_cells import unvalued

    table = Table(name, "xlsx", [], sheet=chosen, size=(found.end or (0, 0))[0] + 1)
    table.unvalued = unvalued(f, names.index(chosen))
    done = [0]
    table.position = lambda: done[0]
    table.rows = _spreadsheet_rows(cells, start[1], table.lost_digits, done)
    return table


def _spreadsheet_rows(
    cells: Iterator[list[Any]], left: int, lost: set[tuple[int, int]], done: list[int]
) -> Iterator[tuple[int, list[str]]]:
    """Rows from the sheet's first (calamine's rows begin at row 1, its cells at the first
    column used: ``left`` empty cells go before them)."""
    pad = [""] * left
    for number, raw in enumerate(cells, 1):
        done[0] = number
        texts = [v if type(v) is str else _cell_text(v) for v in raw]
        if "".join(texts).strip():
            for j, v in enumerate(raw):
                if type(v) is float and (v >= 1e15 or v <= -1e15):
                    lost.add((number, left + j))
            yield number, pad + texts if left else texts


def _json_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list):
        return ",".join(_json_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _keyed(objects: list[tuple[int, Any]], name: str, fmt: str, encoding: str) -> Table:
    headers: dict[str, None] = {}
    for number, obj in objects:
        if not isinstance(obj, dict):
            raise Invalid(
                t("{file}, row {row}: expected an object with field names", file=name, row=number)
            )
        headers.update(dict.fromkeys(obj))
    keys = list(headers)
    rows = [(n, [_json_text(obj.get(k)) for k in keys]) for n, obj in objects if obj]
    return Table(name, fmt, rows, headers=keys, encoding=encoding)


def _read_json(text: str, name: str, encoding: str) -> Table:
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as e:
        raise Invalid(
            t(
                "{file}, line {line}: not valid JSON ({error})",
                file=name,
                line=e.lineno,
                error=e.msg,
            )
        ) from None
    if not isinstance(data, list):
        raise Invalid(t("{file} should hold a JSON array of objects", file=name))
    return _keyed(list(enumerate(data, 1)), name, "json", encoding)


def _read_jsonl(text: str, name: str, encoding: str) -> Table:
    objects = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            objects.append((number, json.loads(line, parse_float=Decimal)))
        except json.JSONDecodeError as e:
            raise Invalid(
                t(
                    "{file}, line {line}: not valid JSON ({error})",
                    file=name,
                    line=number,
                    error=e.msg,
                )
            ) from None
    return _keyed(objects, name, "jsonl", encoding)


def read_mapping(path: str) -> dict[str, Any]:
    """A ``--mapping`` file (YAML, JSON or TOML by its extension): ``column: field`` lines, or
    the sections ``columns:`` (column -> field) and ``values:`` (field -> {value in the file
    -> ours}, e.g. ``level: {A: gold}``), returned as ``{"columns": ..., "values": ...}``."""
    source = Path(path).expanduser()
    try:
        text = source.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise Invalid(t("no file '{file}'", file=path)) from None
    except IsADirectoryError:
        raise Invalid(t("'{file}' is a folder, not a file", file=path)) from None
    except OSError as e:
        raise FileError.reading(e, path) from None
    except UnicodeDecodeError as e:
        raise Invalid(t("cannot read {file}: {error}", file=path, error=e)) from None
    suffix = source.suffix.lower()
    try:
        if suffix == ".json":
            data = json.loads(text)
        elif suffix == ".toml":
            try:
                import tomllib
            except ModuleNotFoundError:  # Python 3.10
                import tomli as tomllib  # type: ignore[no-redef]
            data = tomllib.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except RecursionError:
        raise Invalid(_too_deep(path)) from None
    except Exception as e:  # each parser has its own error class
        raise Invalid(
            t("cannot read the mapping {file}: {error}", file=path, error=str(e).splitlines()[0])
        ) from None
    sectioned = isinstance(data, dict) and isinstance(data.get("columns", data.get("values")), dict)
    columns = (data.get("columns") or {}) if sectioned else data
    values = (data.get("values") or {}) if sectioned else {}
    if (
        not isinstance(columns, dict)
        or not all(isinstance(v, (str, type(None))) for v in columns.values())
        or (sectioned and set(data) - {"columns", "values"})
    ):
        raise Invalid(
            t("the mapping {file} should map column names to field names", file=path),
            hint=t("for example  客户全称: name"),
        )
    if not isinstance(values, dict) or not all(
        isinstance(table, dict) and all(isinstance(v, (str, int, float)) for v in table.values())
        for table in values.values()
    ):
        raise Invalid(
            t("the values of the mapping {file} should map, per field, a value to ours", file=path),
            hint=t("for example  values: {level: {A: gold, B: silver, C: regular}}"),
        )
    return {
        "columns": {str(k): v for k, v in columns.items()},
        "values": {
            str(f): {str(k): str(v) for k, v in table.items()} for f, table in values.items()
        },
    }


# -- writing ---------------------------------------------------------------------------------


#: the folders of open files' links, /proc/<pid>/fd and /proc/<pid>/task/<tid>/fd (where
#: /dev/stdout, /dev/fd/N and /proc/self/fd/N lead)
_FD_FOLDER = re.compile(r"/proc/(\d+)(?:/task/\d+)?/fd")


@dataclass
class _Target:
    """What a path to write names, its symbolic links followed."""

    path: str  # the file a link names, else the path itself
    kind: str  # new | regular | through (a pipe, device or socket) | fd (our own open file)
    shown: str  # the path the user gave, for messages
    st: os.stat_result | None = None
    fd: int | None = None


def _resolve(target: Path) -> _Target:
    """Follow ``target``'s symbolic links, one by one, to what they name. An open file's
    link (``/dev/stdout`` -> ``/proc/self/fd/1`` -> ``pipe:[…]``) is not a path to follow:
    one of our own open files is written to as it is (as ``-`` writes stdout), another
    process's is opened through its link."""
    shown = str(target)
    try:
        path = os.path.join(os.getcwd(), target)  # not normalised: a/../b is the kernel's
        for _ in range(40):
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                return _Target(path, "new", shown)
            if not stat.S_ISLNK(st.st_mode):
                break
            folder = os.path.realpath(os.path.dirname(path))
            opened = _FD_FOLDER.fullmatch(folder)
            if opened:
                number = os.path.basename(path)
                if int(opened[1]) == os.getpid() and number.isdigit():
                    return _Target(path, "fd", shown, os.stat(path), int(number))
                return _Target(path, "through", shown, os.stat(path))
            path = os.path.join(folder, os.readlink(path))
        else:
            raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), shown)
    except OSError as e:
        raise FileError.writing(e, shown) from None
    if stat.S_ISDIR(st.st_mode):
        raise FileError.writing(IsADirectoryError(errno.EISDIR, "", shown), shown)
    return _Target(path, "regular" if stat.S_ISREG(st.st_mode) else "through", shown, st)


def _may_write(where: _Target) -> None:
    """Refuse a file marked read-only (no write bit for anyone: refused to root too, who
    may ``chmod u+w`` it first) or one the user may not write."""
    if where.st is None or where.kind == "fd":
        return
    if not where.st.st_mode & 0o222:
        raise FileError(
            t("cannot write {file}: it is read-only", file=where.shown),
            hint=t("make it writable first (chmod u+w), or write to another file"),
        )
    effective = os.access in os.supports_effective_ids
    if not os.access(where.path, os.W_OK, effective_ids=effective):
        raise FileError.writing(PermissionError(errno.EACCES, ""), where.shown)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic(target: Path) -> Iterator[Path]:
    """A temporary file to write, which becomes ``target`` only once it is complete.

    What ``target`` names decides how:

    - nothing yet: the file is created beside it and renamed to it (mode 0666 less the
      umask, as the shell's ``>`` makes it);
    - a regular file, or a symbolic link to one: the file the link names is replaced by
      rename (the link stays a link), keeping its permission bits (and owner, for root);
      a file that is read-only or the user may not write is refused;
    - a pipe, a device, a socket (``/dev/full``, a FIFO, ``/dev/stdout``): never replaced
      but written through, as ``> FILE`` in a shell would, once the temporary file (in the
      temporary folder) is complete: every writer, xlsxwriter too, writes a regular file
      it may seek in, and a reader gets the whole file or nothing of a failed export;
    - a folder: refused.

    Errors of the operating system become a :class:`~crmcli.errors.FileError` naming
    ``target``; a broken pipe stays a :class:`BrokenPipeError` (the reader went away, as
    with ``-``).
    """
    import tempfile

    target = target.expanduser()
    where = _resolve(target)
    if where.kind == "new":
        folder = os.path.dirname(where.path)
        if not os.path.isdir(folder):
            shown = folder if os.path.islink(target) else target.parent  # a dangling link
            raise Invalid(
                t("no folder '{folder}' to write {file} in", folder=shown, file=target.name)
            )
    _may_write(where)
    beside = where.kind in ("new", "regular")  # else in the temporary folder
    home = os.path.dirname(where.path) if beside else None
    try:
        handle, part = tempfile.mkstemp(
            prefix=f".{os.path.basename(where.path)[:200]}.", suffix=".part", dir=home
        )
        os.close(handle)
    except OSError as e:
        if beside and isinstance(e, PermissionError):
            raise FileError(
                t(
                    "cannot write {file}: no permission to create a file in its folder {folder}",
                    file=where.shown,
                    folder=home,
                )
            ) from None
        raise FileError.writing(e, where.shown) from None
    try:
        try:
            yield Path(part)
        except BrokenPipeError:
            raise
        except OSError as e:
            raise FileError.writing(e, where.shown) from None
        except Exception as e:  # a writer's error holding the OSError (xlsxwriter's)
            if not (e.args and isinstance(e.args[0], OSError)):
                raise
            raise FileError.writing(e.args[0], where.shown) from None
        try:
            if beside:
                _put(part, where)
            else:
                _write_through(part, where)
        except BrokenPipeError:
            raise
        except OSError as e:
            raise FileError.writing(e, where.shown) from None
    finally:
        with suppress(FileNotFoundError):
            os.unlink(part)


def _put(part: str, where: _Target) -> None:
    """Rename the complete file over the target, with the target's permission bits (and
    owner and group where allowed: root's export keeps the owner's file the owner's)."""
    if where.st is None:
        os.chmod(part, 0o666 & ~_umask())
    else:
        mine = os.stat(part)
        if hasattr(os, "chown") and (mine.st_uid, mine.st_gid) != (
            where.st.st_uid,
            where.st.st_gid,
        ):
            try:
                os.chown(part, where.st.st_uid, where.st.st_gid)
            except OSError:
                with suppress(OSError):
                    os.chown(part, -1, where.st.st_gid)
        os.chmod(part, stat.S_IMODE(where.st.st_mode))
    os.replace(part, where.path)


def _write_through(part: str, where: _Target) -> None:
    """Copy the complete file into a pipe, device, socket or open file, never replacing it."""
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    if where.fd is not None:
        for stream in (sys.stdout, sys.stderr):  # what Python holds for it goes first
            try:
                if stream.fileno() == where.fd:
                    stream.flush()
            except (OSError, ValueError, AttributeError):  # not a real file (tests)
                pass
        out = where.fd
    else:
        if where.st is not None and stat.S_ISREG(where.st.st_mode):
            flags |= os.O_TRUNC  # another process's open file, as the shell's > opens it
        out = os.open(where.path, flags)
    try:
        with open(part, "rb") as source:
            while chunk := source.read(1 << 20):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(out, view) :]
    finally:
        if out != where.fd:
            os.close(out)


def is_stdout(target: str | Path) -> bool:
    """Does writing ``target`` write standard output (``-``, ``/dev/stdout``, or the very
    pipe or file stdout is)? Then what a command says of it belongs on stderr."""
    if str(target) == "-":
        return True
    try:
        mine = os.fstat(sys.stdout.fileno())
        theirs = os.stat(Path(target).expanduser())
    except (OSError, ValueError, AttributeError):  # no stdout, not a real file (tests)
        return False
    return (mine.st_dev, mine.st_ino) == (theirs.st_dev, theirs.st_ino)


def _encode_error(e: UnicodeEncodeError, encoding: str, row: int) -> Invalid:
    return Invalid(
        t(
            "'{char}' (row {row}) cannot be written in {encoding}",
            char=e.object[e.start : e.end],
            row=row,
            encoding=encoding,
        ),
        hint=t("use --encoding gb18030 or utf-8"),
    )


def write_csv(
    out: Any,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    encoding: str = "utf-8",
    bom: bool = False,
    delimiter: str = ",",
    ready: bool = False,
) -> int:
    """CSV to a binary stream: text neutralised against formulas (import undoes it).

    Values are written as :func:`crmcli.cells.text_value` shows them; ``ready`` rows are
    that text already (None for an empty cell) and go out as they are. Returns the
    number of rows written.
    """
    if bom:
        out.write(codecs.BOM_UTF8)
    stream = io.TextIOWrapper(out, encoding=encoding, newline="", write_through=False)
    writer = csv.writer(stream, delimiter=delimiter, lineterminator="\r\n")
    count = 0
    try:
        try:
            writer.writerow([neutralise(h) for h in header])
        except UnicodeEncodeError as e:
            raise _encode_error(e, encoding, 1) from None
        for count, row in enumerate(rows, 1):
            try:
                if ready:
                    writer.writerow(row)
                    continue
                writer.writerow(
                    [
                        ""
                        if v is None
                        else (v if not v.startswith(DEFUSED_START) else neutralise(v))
                        if type(v) is str
                        else _CSV_TEXT.get(type(v), _csv_text)(v)
                        for v in row
                    ]
                )
            except UnicodeEncodeError as e:
                raise _encode_error(e, encoding, count + 1) from None
        stream.flush()
    finally:
        stream.detach()
    return count


def _csv_text(value: Any) -> str:
    return neutralise(text_value(value))


def _number(value: Any) -> str:
    text = str(value)
    return "'" + text if text[0] == "-" else text  # (a minus starts a formula: neutralised)


#: the common types' CSV text, as :func:`_csv_text` gives it, without its round of checks
_CSV_TEXT: dict[type, Callable[[Any], str]] = {
    int: _number,
    float: _number,
    Decimal: _number,
    date: date.isoformat,
    datetime: lambda v: v.isoformat(timespec="seconds"),
}


#: column kind -> xlsxwriter number format (others are written as text)
_XLSX_FORMATS = {
    "money": "#,##0.00",
    "int": "0",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm:ss",
}


def write_xlsx(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    kinds: Sequence[str] | None = None,
    widths: Sequence[int] | None = None,
    sheet: str = "Sheet1",
) -> int:
    """An XLSX file in xlsxwriter's constant-memory mode: every text cell a string (never a
    formula, number or link), numbers and dates as typed cells, a bold frozen header.

    ``kinds`` per column: text (``str`` values), money, int, date, datetime. Each column carries its number
    format, which xlsxwriter gives every cell written without one, so whole rows go in
    with ``write_row``. Returns the rows written.
    """
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    try:
        ws = book.add_worksheet(sheet[:31])
        kinds = list(kinds or ["text"] * len(header))
        formats = {k: book.add_format({"num_format": f}) for k, f in _XLSX_FORMATS.items()}
        for i, kind in enumerate(kinds):
            width = widths[i] if widths and i < len(widths) else None
            if width is not None or kind in formats:
                ws.set_column(i, i, width or 12, formats.get(kind))
        ws.freeze_panes(1, 0)
        bold = book.add_format({"bold": True})
        for i, h in enumerate(header):
            ws.write_string(0, i, h, bold)
        # text columns hold strings already (the caller's promise); the others are converted
        cells = [(i, _xlsx_cell(k)) for i, k in enumerate(kinds) if k != "text"]
        write_row = ws.write_row
        count = 0
        for count, row in enumerate(rows, 1):
            if count >= XLSX_MAX_ROWS:
                raise Invalid(
                    t(
                        "a spreadsheet holds at most {limit} rows; export to CSV instead",
                        limit=XLSX_MAX_ROWS - 1,
                    )
                )
            values = list(row)
            for i, cell in cells:
                value = values[i]
                if value is not None:
                    values[i] = cell(value)
            write_row(count, 0, values)
    finally:
        book.close()
    return count


def _xlsx_cell(kind: str) -> Callable[[Any], Any]:
    """What a column's values become for ``write_row``: text always a ``str`` (written as a
    string cell: the workbook never turns strings into formulas, numbers or links), numbers
    as numbers, dates as serial numbers (the column's date format shows them as dates)."""

    def text(v: Any) -> Any:
        return v if type(v) is str else text_value(v)

    if kind in ("money", "int"):

        def number(v: Any) -> Any:
            # a float keeps 15 digits: larger amounts go in as text, exactly
            if isinstance(v, (int, Decimal)) and not isinstance(v, bool) and abs(v) < 10**13:
                return v
            return text(v)

        return number
    if kind in ("date", "datetime"):
        serials: dict[Any, Any] = {}

        def moment(v: Any) -> Any:
            serial = serials.get(v)
            if serial is None:
                if isinstance(v, date) and (v.year, v.month) >= (1900, 3):
                    serial = _excel_serial(v)
                else:  # before Excel's calendar is plain, or not a date at all
                    serial = text(v.isoformat() if isinstance(v, date) else v)
                serials[v] = serial
            return serial

        return moment
    return text


#: Excel's day 0 (the 1900 date system; serials are plain day counts from 1900-03-01 on)
_EXCEL_EPOCH = datetime(1899, 12, 30)


def _excel_serial(value: date) -> float:
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    delta = moment.replace(tzinfo=None) - _EXCEL_EPOCH
    return delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000


def write_json(out: Any, records: Iterable[dict[str, Any]], *, lines: bool = False) -> int:
    """A JSON array (one record a line) or JSON lines, UTF-8, to a binary stream."""
    from crmcli.cells import to_json

    count = 0
    if not lines:
        out.write(b"[")
    for count, record in enumerate(records, 1):
        text = to_json(record, indent=None)
        if lines:
            out.write(text.encode("utf-8") + b"\n")
        else:
            out.write((",\n" if count > 1 else "\n").encode() + text.encode("utf-8"))
    if not lines:
        out.write(b"\n]\n" if count else b"]\n")
    return count


@contextmanager
def _stdout() -> Iterator[None]:
    """Writing to standard output: a failure (``> /dev/full``) is a clear error; a reader
    that went away stays a :class:`BrokenPipeError`."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as e:
        raise FileError.writing(e, t("standard output")) from None


@contextmanager
def _binary(target: str) -> Iterator[Any]:
    """A binary stream to ``target`` (written whole, or not at all), or stdout for ``-``."""
    if target == "-":
        with _stdout():
            yield sys.stdout.buffer
            sys.stdout.buffer.flush()
        return
    with atomic(Path(target)) as part, open(part, "wb") as out:
        yield out


def write_table(
    target: str,
    fmt: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    encoding: str = "utf-8",
    bom: bool = False,
    delimiter: str = ",",
    kinds: Sequence[str] | None = None,
    widths: Sequence[int] | None = None,
    sheet: str = "Sheet1",
    ready: bool = False,
) -> int:
    """CSV or XLSX to ``target`` (``-``: stdout); returns the number of rows written.
    ``ready``: the rows are CSV text already (see :func:`write_csv`)."""
    if fmt == "csv":
        with _binary(target) as out:
            return write_csv(
                out, header, rows, encoding=encoding, bom=bom, delimiter=delimiter, ready=ready
            )
    if target != "-":
        with atomic(Path(target)) as part:
            return write_xlsx(part, header, rows, kinds=kinds, widths=widths, sheet=sheet)
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        part = Path(folder) / "out.xlsx"
        count = write_xlsx(part, header, rows, kinds=kinds, widths=widths, sheet=sheet)
        with _stdout():
            sys.stdout.buffer.write(part.read_bytes())
            sys.stdout.buffer.flush()
        return count


def write_records(target: str, records: Iterable[dict[str, Any]], *, lines: bool = False) -> int:
    """A JSON array or JSON lines to ``target`` (``-``: stdout)."""
    with _binary(target) as out:
        return write_json(out, records, lines=lines)


def write_cards(target: str, cards: Iterable[Any]) -> int:
    """vCards (:class:`crmcli.vcard.Card`) to ``target`` (``-``: stdout), UTF-8, written whole
    or not at all; returns how many."""
    from crmcli import vcard

    with _binary(target) as out:
        return vcard.write(out, cards)
