"""Bar charts of report tables: server-rendered SVG (no script, no CDN), one bar per row of a table
(the consultation hours' uptake per month, the committee reports' sections). A hidden count is
not drawn to its height: it is an outlined bar of a fixed low height carrying the same mark as
the table ("< 5" or "×"), so the picture reveals nothing the table does not. Accessible: a title
and a description; the table beside it lists the same figures."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .suppression import MINIMUM

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 260, 44, 34, 24
_PLACEHOLDER = 0.12  # height of a hidden bar, as a share of the drawing height
# Presentation attributes, not style attributes: the strict CSP allows them.
_SHOWN = ("#1f4e79", "none", "none")
_HIDDEN = ("#ffffff", "#1f4e79", "4 3")


def bars_svg(
    *,
    column: int,
    title: str,
    chart_id: str,
    table=None,
    rows=None,
    label=lambda row: row.label,
    description: str | None = None,
    minimum: int = MINIMUM,
) -> SafeString:
    """`rows` (or `table.rows`): objects with a `label` and `cells`, each cell with `value`,
    `shown` and `text` (consultations.uptake.Cell, reports.tables.Cell)."""
    rows = list(rows if rows is not None else table.rows)
    shown = [row.cells[column].value for row in rows if row.cells[column].shown]
    top = max([*shown, minimum * 2]) or 1
    plot = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT - 10) / max(len(rows), 1)
    bars, texts = [], []
    for index, row in enumerate(rows):
        cell = row.cells[column]
        x = LEFT + index * slot + slot * 0.15
        width = slot * 0.7
        height = plot * cell.value / top if cell.shown else plot * _PLACEHOLDER
        y = HEIGHT - BOTTOM - height
        paint = _SHOWN if cell.shown else _HIDDEN
        bars.append((f"{x:.1f}", f"{y:.1f}", f"{width:.1f}", f"{height:.1f}", *paint))
        texts.append((f"{x + width / 2:.1f}", f"{y - 6:.1f}", cell.text))
        texts.append((f"{x + width / 2:.1f}", f"{HEIGHT - 12:.1f}", label(row)))
    rects = format_html_join(
        "", '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" stroke-dasharray="{}"></rect>', bars
    )
    labels = format_html_join("", '<text x="{}" y="{}" text-anchor="middle" class="shell-chart__axis">{}</text>', texts)
    description = description or _(
        "One bar per row of the table below, labelled with its count. Counts below five and counts that "
        "would reveal them are not drawn to scale: their bars are outlined, low and carry the table's mark."
    )
    return format_html(
        '<svg class="shell-chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-t {id}-d">'
        '<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>'
        '<line x1="{left}" x2="{w}" y1="{base}" y2="{base}" stroke="#333333"></line>'
        "{rects}{labels}</svg>",
        w=WIDTH,
        h=HEIGHT,
        id=chart_id,
        title=title,
        desc=description,
        left=LEFT,
        base=HEIGHT - BOTTOM,
        rects=rects,
        labels=labels,
    )


ROW_HEIGHT, LABEL_WIDTH, VALUE_ROOM = 22, 190, 56
LABEL_CHARACTERS = 30  # what fits left of the bars; the table beside the chart has the whole label


def short_label(label: str) -> str:
    """The label, cut at a word with an ellipsis where it is longer than the room for it."""
    if len(label) <= LABEL_CHARACTERS:
        return label
    cut = label[: LABEL_CHARACTERS - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–")
    return f"{cut} …"


def hbars_svg(*, rows, column: int, title: str, chart_id: str, description: str, minimum: int = MINIMUM) -> SafeString:
    """Horizontal bars, one per row (labels on the left, so long names and many rows stay
    readable: districts, categories). A hidden figure is an outlined short bar with its mark."""
    rows = list(rows)
    shown = [row.cells[column].value for row in rows if row.cells[column].shown]
    top = max([*shown, minimum * 2]) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    height = TOP + ROW_HEIGHT * len(rows) + 8
    bars, texts = [], []
    for index, row in enumerate(rows):
        cell = row.cells[column]
        y = TOP + index * ROW_HEIGHT
        length = room * cell.value / top if cell.shown else room * 0.05
        paint = _SHOWN if cell.shown else _HIDDEN
        bars.append((LABEL_WIDTH, f"{y + 4:.1f}", f"{max(length, 1):.1f}", ROW_HEIGHT - 8, *paint))
        texts.append((LABEL_WIDTH - 6, f"{y + 15:.1f}", "end", short_label(str(row.label))))
        texts.append((f"{LABEL_WIDTH + length + 5:.1f}", f"{y + 15:.1f}", "start", cell.text))
    rects = format_html_join(
        "", '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" stroke-dasharray="{}"></rect>', bars
    )
    labels = format_html_join("", '<text x="{}" y="{}" text-anchor="{}" class="shell-chart__axis">{}</text>', texts)
    return format_html(
        '<svg class="shell-chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-t {id}-d">'
        '<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>'
        '<line x1="{left}" x2="{left}" y1="{top}" y2="{bottom}" stroke="#333333"></line>'
        "{rects}{labels}</svg>",
        w=WIDTH,
        h=height,
        id=chart_id,
        title=title,
        desc=description,
        left=LABEL_WIDTH,
        top=TOP - 4,
        bottom=height - 4,
        rects=rects,
        labels=labels,
    )
