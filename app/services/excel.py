"""Streaming Excel export; text that looks like a formula stays text.

A cell written as a string never runs in Excel, LibreOffice or WPS, so values are written exactly
as typed with write_string; those a spreadsheet would take for a formula once the user edits the
cell (starting with = + - @, a tab or a line break) also get the quote-prefix style, which keeps
them text on editing without showing an apostrophe.
"""

import os
import tempfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter

from app.timeutil import to_local

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return float(value)  # xlsx stores IEEE doubles; cents are exact at these magnitudes
    if isinstance(value, datetime):
        return to_local(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, int | float):
        return value
    return str(value)


def write_workbook(
    sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]],
    path: str | None = None,
    progress=None,
) -> str:
    """Write sheets of (title, headers, rows) to an xlsx file in constant memory; return its path.

    Every string is written as a string cell (never a formula); formula-like text carries the
    quote-prefix style as well.
    """
    if path is None:
        fd, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                          "strings_to_numbers": False, "strings_to_urls": False})
    bold = workbook.add_format({"bold": True})
    as_text = workbook.add_format({"quote_prefix": True})
    written = 0
    for title, headers, rows in sheets:
        sheet = workbook.add_worksheet(title)
        for col, header in enumerate(headers):
            sheet.write_string(0, col, str(header), bold)
        row_index = 0
        for row_index, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                cell = _cell(value)
                if cell == "":
                    continue  # most optional columns are empty; skipping them keeps big exports fast
                if isinstance(cell, str):
                    sheet.write_string(row_index, col, cell, as_text if looks_like_formula(cell) else None)
                else:
                    sheet.write_number(row_index, col, cell)
            written += 1
            if progress and written % 1000 == 0:
                progress(written)
        sheet.set_column(0, max(len(headers) - 1, 0), 16)
    workbook.close()
    return path
