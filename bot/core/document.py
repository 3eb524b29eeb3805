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
    from docx.shared import Length

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


# The template's styles a report uses.
_STYLES = ("Title", "Heading 1", "List Bullet", "Table Grid")


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
    # python-docx looks a style up among all of the template's by name on every use (a third
    # of a report's time): each is looked up once, and set by its id.
    styles = {name: document.styles[name].style_id for name in _STYLES}
    document.core_properties.title = clean(report.title)
    _styled(document.add_paragraph(clean(report.title)), styles["Title"])
    for line in report.subtitle:
        document.add_paragraph(clean(line)).paragraph_format.space_after = Pt(0)
    for part in report.sections:
        _styled(document.add_paragraph(clean(part.heading)), styles["Heading 1"])
        for item in part.parts:
            if isinstance(item, Table):
                _add_table(document, item, styles["Table Grid"])
            else:
                document.add_paragraph(clean(item))
        for bullet in part.bullets:
            _styled(document.add_paragraph(clean(bullet)), styles["List Bullet"])
    if report.footer:
        footer = section.footer.paragraphs[0]
        footer.text = clean(report.footer)
        for run in footer.runs:
            run.font.size = Pt(8)
            run.font.color.rgb = RGBColor(*_GREY)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _styled(paragraph: object, style_id: str) -> None:
    paragraph._p.style = style_id  # type: ignore[attr-defined]


def _add_table(document: Document, table: Table, style_id: str) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Pt

    if table.caption:
        caption = document.add_paragraph()
        caption.add_run(clean(table.caption)).bold = True
        caption.paragraph_format.keep_with_next = True
        caption.paragraph_format.space_after = Pt(2)
    rows = [*table.rows, *([table.total] if table.total else [])]
    grid = document.add_table(rows=1 + len(rows), cols=len(table.columns))
    grid._tbl.tblPr.style = style_id
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    sizes = _widths(table.widths)
    for column, size in zip(grid.columns, sizes, strict=True):
        column.width = size
    # Each row's cells are looked up once: python-docx works out a row's cells anew each time.
    grid_rows = [row.cells for row in grid.rows]
    for cell in grid_rows[0]:
        _shade(cell)
    for number, (cells, row) in enumerate(zip(grid_rows, [table.columns, *rows], strict=True)):
        bold = number == 0 or (table.total is not None and number == len(rows))
        for index, (cell, value, size) in enumerate(zip(cells, row, sizes, strict=True)):
            cell.width = size
            text = Cell(value) if number == 0 else value
            _fill(cell, text, right=index >= table.labels, bold=bold)
            if len(rows) <= _KEPT_TOGETHER and number < len(rows):
                # A short table is not split over two pages: each row keeps with the next.
                cell.paragraphs[0].paragraph_format.keep_with_next = True
    _repeat_as_header(grid.rows[0])
    for row in grid.rows:
        _keep_on_one_page(row)
    document.add_paragraph().paragraph_format.space_after = Pt(0)


def _widths(widths: tuple[int, ...]) -> list[Length]:
    """Column widths in proportion to `widths`, filling the text width; Word reads the
    cells' widths, LibreOffice the grid's (so both are set)."""
    from docx.shared import Cm

    units = sum(widths)
    return [Cm(_TEXT_WIDTH_CM * width / units) for width in widths]


def _fill(cell: object, value: Cell, right: bool, bold: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    # Left-aligned and not bold are the defaults: only the others are written.
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(clean(value.text))
    if bold:
        run.bold = True
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
