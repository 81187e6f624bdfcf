"""One import of a table, declared once and run by `run_import`.

A declaration (`TableImport`) says the columns (their header names, how a cell reads, which the
header must have), the checks of one row, the check of the whole table and what to write. The run
reads the table, checks every row in full before anything is written (each error names its row
and its column), then writes inside one transaction: on a dry run, or when the write itself finds
a problem, the transaction is rolled back, so the preview's counts are those of the real write
and a failure leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .spreadsheet import CellError, RowError, blank, key_of, read_table


@dataclass(frozen=True)
class Column:
    name: str  # the key of the template's header, and the column errors name
    aliases: tuple[str, ...] = ()  # other header names read as this column (as keys)
    parse: Callable | None = None  # parse(cell, context) -> value, raises CellError; a blank cell is not read
    required: bool = False  # the header must have it


class Row:
    """One line of the table: its number, each column's value read (blank cells left out), the
    columns whose cell could not be read, and `error()` to report a problem of the line."""

    def __init__(self, number: int, raw: dict, problem: Callable, errors: list):
        self.number, self.raw, self.values, self.failed = number, raw, {}, set()
        self._problem, self._errors = problem, errors
        self._before = len(errors)

    def error(self, column: str, message) -> None:
        self._errors.append(self._problem(self.number, column, str(message)))
        self.failed.add(column)

    @property
    def has_errors(self) -> bool:
        return len(self._errors) > self._before

    def cell(self, name: str):
        """The cell as written (None when blank or absent)."""
        return self.raw.get(name)


def _none(*args):
    return None


@dataclass(frozen=True)
class TableImport:
    """An import's declaration. Each callable takes the `context` (what the import is for and who
    runs it) and the `result` (the import's own `ImportResult`), and reports problems in
    `result.errors`."""

    columns: Sequence[Column] | Callable  # or columns(context)
    result: Callable  # result(context, dry_run) -> an ImportResult with `errors`
    read_row: Callable  # read_row(row, context, result) -> what to write for that line, or None
    write: Callable = _none  # write(items, context, result), inside the transaction
    # before(context, result): may it run at all (raises, or reports), and what the lines are
    # checked against (put in the context)
    before: Callable = _none
    check_header: Callable = _none  # check_header(header_row, keys, positions, context, result)
    check_table: Callable = _none  # check_table(items, context, result), once every line is read
    header_key: Callable = key_of
    missing_column: str = gettext_lazy("colonne absente de l'en-tête")
    duplicate_column: str | None = None  # the message of a column given twice (None: the first is read)
    empty: str = gettext_lazy("le fichier est vide")
    no_rows: str | None = None  # the message of a header without lines (None: nothing to write)
    file_row: int | None = 1  # the row named by the problems of the whole file
    problem: Callable = RowError  # problem(row, column, message)

    def columns_for(self, context) -> list[Column]:
        return list(self.columns(context) if callable(self.columns) else self.columns)


def run_import(declaration: TableImport, file_name: str, data, *, context, commit: bool):
    """Read `data` (xlsx or CSV bytes, or a list of dicts) as `declaration` says, check every
    line, then write it all (commit) or roll the write back (dry run). Returns the declaration's
    result, with every problem in `result.errors`; nothing is written when there is one."""
    result = declaration.result(context, not commit)
    result.file_name = file_name
    declaration.before(context, result)
    if result.errors:
        return result
    items = _read(declaration, data, context, result)
    if result.errors:
        return result
    declaration.check_table(items, context, result)
    if result.errors:
        return result
    try:
        with transaction.atomic():
            declaration.write(items, context, result)
            if not commit or result.errors:
                transaction.set_rollback(True)
    except IntegrityError as exc:
        # Someone wrote the same thing meanwhile: nothing was written, say so.
        result.errors.append(declaration.problem(declaration.file_row, "", _(
            "l'enregistrement a échoué (%(error)s) : rien n'a été écrit, vérifiez à nouveau le fichier")
            % {"error": exc}))
    return result


def _read(declaration: TableImport, data, context, result) -> list:
    def problem(row, column, message):
        result.errors.append(declaration.problem(row, column, str(message)))

    try:
        table = _dicts_as_table(data) if isinstance(data, (list, tuple)) else read_table(data)
    except ValueError as exc:
        problem(declaration.file_row, "", exc)
        return []
    table = [(n, values) for n, values in table if not all(blank(v) for v in values)]
    if not table:
        problem(1, "", declaration.empty)
        return []
    columns = declaration.columns_for(context)
    header_row, header = table[0]
    keys = [declaration.header_key(title) for title in header]
    position = _positions(declaration, columns, header_row, keys, problem)
    declaration.check_header(header_row, keys, position, context, result)
    if result.errors:
        return []
    if len(table) == 1 and declaration.no_rows:
        problem(header_row, "", declaration.no_rows)
        return []
    by_name = {c.name: c for c in columns}
    items = []
    for number, values in table[1:]:
        row = Row(number, {name: (values[i] if i < len(values) else None) for name, i in position.items()},
                  declaration.problem, result.errors)
        for name, value in row.raw.items():
            if blank(value):
                row.raw[name] = None
                continue
            parse = by_name[name].parse
            try:
                row.values[name] = parse(value, context) if parse else value
            except CellError as exc:
                row.error(name, str(exc))
        item = declaration.read_row(row, context, result)
        if item is not None:
            items.append(item)
    return items


def _dicts_as_table(rows) -> list[tuple[int, list]]:
    """Lines given as dicts (a command, the demo) as a table: their keys as the header, the lines
    numbered from 2 as under it."""
    header = list(dict.fromkeys(key for row in rows for key in row))
    return [(1, header)] + [(n, [row.get(key) for key in header]) for n, row in enumerate(rows, start=2)] \
        if rows else []


def _positions(declaration, columns, header_row, keys, problem) -> dict[str, int]:
    names = {alias: c.name for c in columns for alias in (c.name, *c.aliases)}
    position: dict[str, int] = {}
    for index, key in enumerate(keys):
        name = names.get(key)
        if name is None:
            continue  # other columns (a row number, remarks) are ignored
        if name in position:
            if declaration.duplicate_column:
                problem(header_row, name, declaration.duplicate_column)
            continue
        position[name] = index
    listed = ", ".join(c.name for c in columns)
    for column in columns:
        if column.required and column.name not in position:
            problem(header_row, column.name, str(declaration.missing_column) % {"columns": listed}
                    if "%(columns)s" in str(declaration.missing_column) else declaration.missing_column)
    return position
