"""Workbooks of the privacy tools (audit review, data export), in the house style of
bot/reporting/exports.py: real date cells in the reader's format, bold frozen headers, sheet
names Excel accepts, and no text that Excel would run as a formula.

Synchronous and CPU-bound: handlers run `workbook_bytes` with `asyncio.to_thread`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.i18n import current_locale
from bot.core.workbook import sheet_name, write_cell


@dataclass(frozen=True)
class Sheet:
    """One sheet: its title, column headers and widths, and rows of plain values (text,
    numbers, dates, local datetimes without time zone, None)."""

    title: str
    headers: Sequence[str]
    widths: Sequence[int]
    rows: Sequence[Sequence[Any]]


def workbook_bytes(title: str, sheets: Sequence[Sheet]) -> bytes:
    # Imported here, as for the export: the bot's start need not wait for openpyxl.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = "KIM-Bot"
    workbook.properties.title = title
    locale = current_locale()
    bold = Font(bold=True)
    used: set[str] = set()
    for sheet_data in sheets:
        sheet = workbook.create_sheet(_sheet_name(sheet_data.title, used))
        for number, (header, width) in enumerate(
            zip(sheet_data.headers, sheet_data.widths, strict=True), start=1
        ):
            cell = sheet.cell(row=1, column=number, value=header)
            cell.font = bold
            sheet.column_dimensions[get_column_letter(number)].width = width
        for row_number, row in enumerate(sheet_data.rows, start=2):
            for number, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_number, column=number)
                write_cell(cell, value, locale)
                if isinstance(value, str) and "\n" in value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
        if sheet_data.rows:
            sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    name = sheet_name(title)
    used.add(name)
    return name
