"""A report as plain data (sections of paragraphs and tables) and the Word file it becomes.

Domains build a `Report` from their figures, so tests check the numbers without Word; the
writer here lays it out as a DOCX (python-docx): headings, tables with right-aligned
figures, and a figure's change since the last report in small grey type under it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table as DocxTable

# What a Word file's XML cannot hold (tab and newline it can).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_GREY = (0x59, 0x59, 0x59)
_HEADER_SHADE = "D9E2F3"
_TEXT_WIDTH_CM = 16.0
# Tables of up to this many rows stay on one page.
_KEPT_TOGETHER = 10


@dataclass(frozen=True)
class Cell:
    """A table cell: its text and, under it in small type, a note (the change since the
    last report)."""

    text: str
    note: str = ""


@dataclass(frozen=True)
class Table:
    """Columns, rows of cells and the relative width of each column; the first `labels`
    columns are text (left-aligned), the others figures (right-aligned). A total row is
    set in bold."""

    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    widths: tuple[int, ...]
    labels: int = 1
    total: tuple[Cell, ...] | None = None
    caption: str = ""


@dataclass(frozen=True)
class Section:
    heading: str
    # In order: a str is a paragraph, a Table a table.
    parts: list[str | Table] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    title: str
    subtitle: list[str]
    sections: list[Section]
    footer: str = ""

    def texts(self) -> list[str]:
        """Every text of the report, in order: what a check for codes must search."""
        found = [self.title, *self.subtitle, self.footer]
        for section in self.sections:
            found.append(section.heading)
            for part in section.parts:
                if isinstance(part, Table):
                    found += [*part.columns, part.caption]
                    for row in [*part.rows, *([part.total] if part.total else [])]:
                        found += [text for cell in row for text in (cell.text, cell.note)]
                else:
                    found.append(part)
            found += section.bullets
        return found


def clean(text: str) -> str:
    return _CONTROL_CHARACTERS.sub(" ", text)


def docx_bytes(report: Report) -> bytes:
    """The report as a Word document (A4, Calibri 10.5 pt)."""
    # python-docx (with lxml) is imported when a report is written, not at the bot's start.
    import docx
    from docx.shared import Cm, Pt, RGBColor

    document = docx.Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.0)
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    document.styles["Title"].font.size = Pt(20)
    document.core_properties.title = clean(report.title)
    document.add_heading(clean(report.title), level=0)
    for line in report.subtitle:
        document.add_paragraph(clean(line)).paragraph_format.space_after = Pt(0)
    for part in report.sections:
        document.add_heading(clean(part.heading), level=1)
        for item in part.parts:
            if isinstance(item, Table):
                _add_table(document, item)
            else:
                document.add_paragraph(clean(item))
        for bullet in part.bullets:
            document.add_paragraph(clean(bullet), style="List Bullet")
    if report.footer:
        footer = section.footer.paragraphs[0]
        footer.text = clean(report.footer)
        for run in footer.runs:
            run.font.size = Pt(8)
            run.font.color.rgb = RGBColor(*_GREY)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _add_table(document: Document, table: Table) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Pt

    if table.caption:
        caption = document.add_paragraph()
        caption.add_run(clean(table.caption)).bold = True
        caption.paragraph_format.keep_with_next = True
        caption.paragraph_format.space_after = Pt(2)
    rows = [*table.rows, *([table.total] if table.total else [])]
    grid = document.add_table(rows=1 + len(rows), cols=len(table.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    _set_widths(grid, table.widths)
    for index, title in enumerate(table.columns):
        cell = grid.rows[0].cells[index]
        _shade(cell)
        _fill(cell, Cell(title), right=index >= table.labels, bold=True)
    _repeat_as_header(grid.rows[0])
    for number, row in enumerate(rows, start=1):
        bold = table.total is not None and number == len(rows)
        for index, value in enumerate(row):
            _fill(grid.rows[number].cells[index], value, right=index >= table.labels, bold=bold)
    for row in grid.rows:
        _keep_on_one_page(row)
    if len(rows) <= _KEPT_TOGETHER:
        # A short table is not split over two pages: each row keeps with the next.
        for row in grid.rows[:-1]:
            for cell in row.cells:
                cell.paragraphs[0].paragraph_format.keep_with_next = True
    document.add_paragraph().paragraph_format.space_after = Pt(0)


def _set_widths(grid: DocxTable, widths: tuple[int, ...]) -> None:
    """Column widths in proportion to `widths`, filling the text width; Word reads the
    cells' widths, LibreOffice the grid's."""
    from docx.shared import Cm

    units = sum(widths)
    for column, width in zip(grid.columns, widths, strict=True):
        size = Cm(_TEXT_WIDTH_CM * width / units)
        column.width = size
        for cell in column.cells:
            cell.width = size


def _fill(cell: object, value: Cell, right: bool, bold: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if right else WD_ALIGN_PARAGRAPH.LEFT
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(clean(value.text))
    run.bold = bold
    if value.note:
        run.add_break()
        note = paragraph.add_run(clean(value.note))
        note.font.size = Pt(8)
        note.font.color.rgb = RGBColor(*_GREY)


def _shade(cell: object) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), _HEADER_SHADE)
    properties.append(shading)


def _keep_on_one_page(row: object) -> None:
    """A row (a figure and its change) is never split over two pages."""
    from docx.oxml import OxmlElement

    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    properties.append(OxmlElement("w:cantSplit"))


def _repeat_as_header(row: object) -> None:
    """The column titles repeat on every page a table runs over."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
