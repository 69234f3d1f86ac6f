"""A committee report as a PDF for the committee paper (fpdf2, core fonts): a title page with
the agency (or the city) and the period, a table of contents, one section per table with a
simple bar chart drawn to the same rules as the page's (a hidden figure is an outlined low bar
carrying its mark), and the notes on method."""

from __future__ import annotations

from django.utils.translation import gettext as _

from notlagen.pdf import Document, plain

from .presenting import Section

_BLUE = (31, 78, 121)
_LABEL_WIDTH = 62.0


def _contents(pdf: Document, outline) -> None:
    pdf.heading(_("Contents"))
    pdf.set_font("helvetica", "", 10.5)
    for entry in outline:
        pdf.cell(150, 7, plain(entry.name))
        pdf.cell(0, 7, str(entry.page_number), align="R", new_x="LMARGIN", new_y="NEXT")


def _title_page(pdf: Document, *, title: str, heading: list[tuple[str, str]]) -> None:
    pdf.add_page()
    pdf.ln(50)
    pdf.set_font("helvetica", "B", 22)
    pdf.multi_cell(0, 11, plain(title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    for label, value in heading:
        pdf.field(label, value)


def _table(pdf: Document, item: Section) -> None:
    columns = len(item.columns)
    label_width = _LABEL_WIDTH if columns <= 5 else 42.0
    width = (pdf.epw - label_width) / max(columns, 1)
    pdf.set_font("helvetica", "B", 7.5 if columns > 5 else 8.5)
    with pdf.table(
        col_widths=(label_width, *([width] * columns)),
        text_align=("LEFT", *(["RIGHT"] * columns)),
        line_height=4.6,
        first_row_as_headings=True,
    ) as table:
        head = table.row()
        head.cell("")
        for column in item.columns:
            head.cell(plain(column))
        pdf.set_font("helvetica", "", 8.5)
        for row in [*item.rows, *([item.total] if item.total else [])]:
            line = table.row()
            line.cell(plain(row.label))
            for cell in row.cells:
                line.cell(plain(cell.text))


def _bars(pdf: Document, item: Section, minimum: int) -> None:
    """Horizontal bars of the first column; hidden figures outlined and short."""
    shown = [row.cells[0].value for row in item.rows if row.cells[0].shown]
    top = max([*shown, minimum * 2]) or 1
    room = pdf.epw - _LABEL_WIDTH - 20
    pdf.set_font("helvetica", "", 7.5)
    pdf.set_draw_color(*_BLUE)
    for row in item.rows:
        if pdf.will_page_break(5):
            pdf.add_page()
        y = pdf.get_y()
        pdf.cell(_LABEL_WIDTH, 4.5, plain(row.label[:40]))
        cell = row.cells[0]
        length = room * cell.value / top if cell.shown else room * 0.06
        x = pdf.l_margin + _LABEL_WIDTH
        if cell.shown:
            pdf.set_fill_color(*_BLUE)
            pdf.rect(x, y + 0.8, max(length, 0.3), 3, style="F")
        else:
            pdf.set_dash_pattern(dash=1, gap=0.8)
            pdf.rect(x, y + 0.8, length, 3, style="D")
            pdf.set_dash_pattern()
        pdf.set_xy(x + length + 1.5, y)
        pdf.cell(20, 4.5, plain(cell.text), new_x="LMARGIN", new_y="NEXT")
    # Back to the defaults, or the next table's cells would be filled and framed in blue.
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(0, 0, 0)
    pdf.ln(2)


def report_pdf(
    *, title: str, heading: list[tuple[str, str]], sections: list[Section], notes: list[tuple[str, str]], minimum: int
) -> bytes:
    pdf = Document(title)
    _title_page(pdf, title=title, heading=heading)
    pdf.add_page()
    pdf.insert_toc_placeholder(_contents, pages=1)  # the contents page; a fresh page follows
    for number, item in enumerate(sections):
        if number and pdf.will_page_break(70):
            pdf.add_page()
        elif number:
            pdf.ln(8)
        pdf.start_section(plain(item.title))
        pdf.heading(item.title)
        _table(pdf, item)
        pdf.ln(3)
        if item.note:
            pdf.paragraph(item.note, size=8.5)
        if item.chart and item.rows:
            pdf.paragraph(_("Chart: %(column)s") % {"column": item.columns[0]}, bold=True, size=9)
            _bars(pdf, item, minimum)
    pdf.add_page()
    pdf.start_section(plain(_("Notes on method")))
    pdf.heading(_("Notes on method"))
    for note_title, text in notes:
        pdf.paragraph(note_title, bold=True, size=10)
        pdf.paragraph(text, size=9.5)
    return pdf.render()
