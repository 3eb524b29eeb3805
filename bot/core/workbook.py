"""Cells and sheet names as Excel wants them, for every workbook the bot writes.

Dates are real date cells in the reader's format (Excel shows them with the reader's
separators), and no text is ever taken for a formula.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

# Excel number formats are written in its neutral notation; Excel shows them with the
# reader's separators ("1.234,50 €" in a German Excel).
DATE_FORMATS = {"de": "DD.MM.YYYY", "en": "DD/MM/YYYY", "uk": "DD.MM.YYYY"}
MONEY_FORMATS = {"de": '#,##0.00 "€"', "en": '"€"#,##0.00', "uk": '#,##0.00 "€"'}
# What Excel does not allow in a sheet name, and its length limit.
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_LENGTH = 31
# Excel cannot show more characters in a cell.
CELL_LIMIT = 32_767
# Control characters a workbook's XML cannot hold (tab, newline and carriage return it can).
# They become spaces, as Telegram shows them.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Money:
    """An amount for a cell: a real number of euros, shown with the currency format."""

    cents: int

    @property
    def euros(self) -> Decimal:
        return Decimal(self.cents).scaleb(-2)


def sheet_name(title: str) -> str:
    return _SHEET_NAME_FORBIDDEN.sub("-", title)[:_SHEET_NAME_LENGTH] or "-"


def write_cell(cell: Any, value: Any, locale: str) -> None:
    """Put a plain value (text, number, Money, date, local datetime, None) into a cell."""
    if isinstance(value, Money):
        cell.value = value.euros
        cell.number_format = MONEY_FORMATS[locale]
    elif isinstance(value, datetime):
        cell.value = value
        cell.number_format = f"{DATE_FORMATS[locale]} HH:MM"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMATS[locale]
    elif isinstance(value, str):
        cell.value = _CONTROL_CHARACTERS.sub(" ", value[:CELL_LIMIT])
        # openpyxl takes a text starting with "=" for a formula: keep it text.
        cell.data_type = "s"
    else:
        cell.value = value
