"""A committee report as downloads: CSV (one file, all sections, for spreadsheets) and Excel
(openpyxl: one sheet per section and one with the notes on method). The same published cells
as the page: a hidden figure is "< 5" or "×", never its value."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .presenting import Section

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(text) -> str:
    """A label never starts a spreadsheet formula (CSV injection)."""
    text = str(text)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def report_csv(*, heading: list[tuple[str, str]], sections: list[Section], notes: list[tuple[str, str]]) -> bytes:
    """Semicolons, UTF-8 with a byte-order mark (Excel then reads the umlauts), German headers."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for label, value in heading:
        writer.writerow([_safe(label), _safe(value)])
    for item in sections:
        writer.writerow([])
        writer.writerow([_safe(item.title)])
        writer.writerow(["", *(_safe(column) for column in item.columns)])
        for row in [*item.rows, *([item.total] if item.total else [])]:
            writer.writerow([_safe(row.label), *(cell.text for cell in row.cells)])
    writer.writerow([])
    for title, text in notes:
        writer.writerow([_("Note on method"), _safe(title), _safe(text)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_title(text: str, used: set[str]) -> str:
    base = "".join(ch for ch in text if ch not in "[]:*?/\\")[:28].strip() or "Tabelle"
    title, number = base, 2
    while title.lower() in used:
        title, number = f"{base[:25]} {number}", number + 1
    used.add(title.lower())
    return title


def report_xlsx(*, heading: list[tuple[str, str]], sections: list[Section], notes: list[tuple[str, str]]) -> bytes:
    book = Workbook()
    bold = Font(bold=True)
    cover = book.active
    cover.title = _("Report")[:31]
    for label, value in heading:
        cover.append([_safe(label), _safe(value)])
    cover.column_dimensions["A"].width, cover.column_dimensions["B"].width = 28, 70
    used = {cover.title.lower()}
    for item in sections:
        sheet = book.create_sheet(_sheet_title(item.title, used))
        sheet.append([_safe(item.title)])
        sheet["A1"].font = bold
        sheet.append(["", *(_safe(column) for column in item.columns)])
        for cell in sheet[2]:
            cell.font = bold
        for row in [*item.rows, *([item.total] if item.total else [])]:
            sheet.append([_safe(row.label), *(cell.number for cell in row.cells)])
            for cell, published in zip(sheet[sheet.max_row][1:], row.cells, strict=True):
                if published.shown and published.kind == "money":
                    cell.number_format = '#,##0.00 "€"'
        if item.note:
            sheet.append([])
            sheet.append([_safe(item.note)])
        sheet.column_dimensions["A"].width = 40
    method = book.create_sheet(_sheet_title(_("Notes on method"), used))
    for title, text in notes:
        method.append([_safe(title), _safe(text)])
    method.column_dimensions["A"].width, method.column_dimensions["B"].width = 36, 120
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
