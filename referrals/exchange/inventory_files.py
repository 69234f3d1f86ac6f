"""The inventory as files for the committee: a landscape PDF table and a CSV for spreadsheets
(semicolons, UTF-8 with a byte-order mark so Excel reads the umlauts, German headers)."""

from __future__ import annotations

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fpdf.fonts import FontFace

from notlagen.dates import format_when
from notlagen.pdf import Document, plain

from .inventory import Inventory, summary

GAP_MARK = "–"
# A gap is shaded and marked: the mark carries it on a black-and-white print.
_GAP_STYLE = FontFace(emphasis="BOLD", fill_color=(255, 236, 179))
_TOTAL_STYLE = FontFace(emphasis="BOLD")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def title(report: Inventory) -> str:
    if report.target_group:
        return _("Help offers in %(municipality)s for “%(group)s”") % {
            "municipality": report.municipality,
            "group": report.target_group_label,
        }
    return _("Help offers in %(municipality)s") % {"municipality": report.municipality}


def unplaced_note(count: int) -> str:
    return ngettext(
        "%(count)d active offer names no district and is not counted in the table.",
        "%(count)d active offers name no district and are not counted in the table.",
        count,
    ) % {"count": count}


def _safe(value) -> str:
    """A cell a spreadsheet never reads as a formula."""
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def inventory_csv(report: Inventory) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Category"), *(_safe(d.name) for d in report.districts), _("Offers in total")])
    for row in report.rows:
        writer.writerow([_safe(row.label), *row.cells, row.total])
    writer.writerow([_("All categories"), *report.district_totals, report.total])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _table(pdf: Document, report: Inventory) -> None:
    first = 62
    width = (pdf.epw - first) / (len(report.districts) + 1)
    pdf.set_font("helvetica", "", 8.5)
    widths = (first, *([width] * (len(report.districts) + 1)))
    aligns = ("LEFT", *(["CENTER"] * (len(report.districts) + 1)))
    with pdf.table(col_widths=widths, text_align=aligns, line_height=5, repeat_headings=1) as table:
        header = table.row()
        for text in [_("Category"), *(d.name for d in report.districts), _("Offers in total")]:
            header.cell(plain(text))
        for item in report.rows:
            line = table.row()
            line.cell(plain(item.label))
            for count in item.cells:
                if count:
                    line.cell(str(count))
                else:
                    line.cell(plain(GAP_MARK), style=_GAP_STYLE)
            line.cell(str(item.total))
        footer = table.row(style=_TOTAL_STYLE)
        footer.cell(plain(_("All categories")))
        for count in [*report.district_totals, report.total]:
            footer.cell(str(count))


def inventory_pdf(report: Inventory) -> bytes:
    pdf = Document(title(report))
    pdf.add_page(orientation="L")
    pdf.heading(title(report))
    pdf.paragraph(_("As of %(date)s") % {"date": format_when(timezone.localdate())}, size=9)
    pdf.paragraph(summary(report))
    pdf.paragraph(
        _("“%(mark)s” marks a gap: no active offer of the category in the district.") % {"mark": GAP_MARK}, size=9
    )
    _table(pdf, report)
    pdf.ln(4)
    if report.gaps:
        pdf.paragraph(_("Gaps by district"), bold=True)
        for district, labels in report.gaps:
            pdf.paragraph(f"{district}: {', '.join(labels)}", size=9)
    if report.unplaced:
        pdf.paragraph(unplaced_note(report.unplaced), size=9)
    return pdf.render()
