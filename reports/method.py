"""The notes on method that every form of the report carries (page, PDF, spreadsheet, CSV):
what is counted, from which date, and how small numbers are protected."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def _small_numbers(minimum: int) -> tuple[str, str]:
    return (
        _("Small numbers"),
        _(
            "Every count below %(minimum)s is shown as “< %(minimum)s” (zero as well), so that nobody can be "
            "recognised. Where a hidden count could be worked out from a row or column total, further "
            "figures are hidden and shown as “×” (secondary suppression); an automatic check solves every "
            "published table as an attacker would and hides more until no small count can be determined. "
            "A sum, a median or a quartile computed from a hidden count is hidden with it."
        )
        % {"minimum": minimum},
    )


_FIXED = [
    (
        gettext_lazy("Cases"),
        gettext_lazy(
            "A case counts as opened on the day it was created and as closed on the day it was closed, "
            "each within the period. Breakdowns by district, age band, gender and life area count the "
            "cases opened in the period. The age band is the person's age when the case was opened; "
            "gender is what the person stated, “not recorded” where nothing was recorded."
        ),
    ),
    (
        gettext_lazy("Time from first contact to first conversation"),
        gettext_lazy(
            "From the day and time the case was opened (first contact) to the completion of the first "
            "conversation, in days, for the cases opened in the period whose first conversation is "
            "completed. Shown as the median and the quartiles: a quarter of the cases waited less than "
            "the first quartile, half less than the median, three quarters less than the third quartile."
        ),
    ),
    (
        gettext_lazy("Life areas"),
        gettext_lazy(
            "The need recorded per life area, “support needed” or “urgent”, for the cases opened in the "
            "period: first recorded in the first conversation and kept up to date in the case, so the "
            "figures are those of the day the report was computed."
        ),
    ),
    (
        gettext_lazy("Referrals"),
        gettext_lazy(
            "Referrals sent in the period by the agency (or all agencies), by the category of the help "
            "offer and the outcome recorded; “withdrawn or expired” for referrals that ended without an "
            "outcome, “no outcome yet” for referrals still open."
        ),
    ),
    (
        gettext_lazy("Financial help"),
        gettext_lazy(
            "Payments paid out in the period (day of payment), from the agency's funds: requested, "
            "approved, not yet booked and reversed payments are not counted. Sums in euros to the cent; "
            "the median is the middle amount (for an even number, the mean of the two middle amounts)."
        ),
    ),
    (
        gettext_lazy("Conferences and consultation hours"),
        gettext_lazy(
            "Case conferences held that began in the period, convened by the agency; contacts in the "
            "agency's consultation hours in the period, by topic, first contacts and repeats."
        ),
    ),
    (
        gettext_lazy("What a report never contains"),
        gettext_lazy(
            "No name, no date of birth, no case number and no other detail of a person or a case: only "
            "counts, sums, medians and quartiles of groups."
        ),
    ),
]

_CITY = (
    gettext_lazy("The whole city"),
    gettext_lazy(
        "The figures of all agencies together. Anyone who produces reports may produce it. Each report "
        "is protected on its own: someone who knows their own agency's figures can subtract them from a "
        "city figure and learn the figure of all other agencies together, and where only one other "
        "agency has cases in a cell, that can be a small count of that agency. Reports of overlapping "
        "periods can be subtracted in the same way (free periods are whole months, so no finer than a "
        "month). Publish the city's figures for fixed quarters or years, not several overlapping ones."
    ),
)


def notes(*, minimum: int, city: bool) -> list[tuple[str, str]]:
    items = [_small_numbers(minimum), *((str(title), str(text)) for title, text in _FIXED)]
    if city:
        items.append((str(_CITY[0]), str(_CITY[1])))
    return items
