"""The budget chart: server-rendered SVG (no script, no CDN), one bar per month of what was
paid and committed by its end, against a line at the allocated budget. Accessible: a title
and a description, and the same figures are in the table beside it."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from . import money

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 240, 70, 30, 16


def budget_svg(*, title: str, allocated: Decimal, months: list[dict], chart_id: str) -> SafeString:
    top = max([allocated, *[(m["committed"] or 0) + (m["paid"] or 0) for m in months]]) or Decimal(1)
    scale = (HEIGHT - BOTTOM - TOP) / float(top)
    slot = (WIDTH - LEFT - 10) / 12
    bars = []
    for index, month in enumerate(months):
        x = LEFT + index * slot + slot * 0.15
        base = HEIGHT - BOTTOM
        if month["paid"] is not None:
            paid_h = float(month["paid"]) * scale
            committed_h = float(month["committed"]) * scale
            bars.append((x, base - paid_h, slot * 0.7, paid_h, "shell-chart__paid"))
            bars.append((x, base - paid_h - committed_h, slot * 0.7, committed_h, "shell-chart__committed"))
        bars.append((x + slot * 0.35, HEIGHT - 10, month["first"].strftime("%m"), None, "label"))
    rects = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" class="{}"></rect>',
        ((f"{x:.1f}", f"{y:.1f}", f"{w:.1f}", f"{h:.1f}", css) for x, y, w, h, css in bars if css != "label"),
    )
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" class="shell-chart__axis">{}</text>',
        ((f"{x:.1f}", f"{y:.1f}", text) for x, y, text, _h, css in bars if css == "label"),
    )
    line_y = HEIGHT - BOTTOM - float(allocated) * scale
    description = _(
        "Budget %(allocated)s. Bars per month: paid (dark) and committed (light) by the end of the month; "
        "the line marks the allocated budget. The table below lists the same figures."
    ) % {"allocated": money.euros(allocated)}
    return format_html(
        '<svg class="shell-chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-t {id}-d">'
        '<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>{rects}'
        '<line x1="{left}" x2="{w}" y1="{ly}" y2="{ly}" class="shell-chart__limit"></line>'
        '<text x="4" y="{lty}" class="shell-chart__axis">{limit}</text>{labels}</svg>',
        w=WIDTH,
        h=HEIGHT,
        id=chart_id,
        title=title,
        desc=description,
        rects=rects,
        left=LEFT,
        ly=f"{line_y:.1f}",
        lty=f"{line_y + 4:.1f}",
        limit=money.euros(allocated),
        labels=labels,
    )
