"""The help-offer inventory in a committee report: active offers per category in the scope's
municipality, and the gaps (district without an offer of a category). It counts offers, not
people, so nothing is suppressed. Read through the referrals' inventory selector, so it counts
exactly as the inventory page does; only for someone who may see that page (INVENTORY_VIEW)."""

from __future__ import annotations

from access.decide import may
from access.rules import Action
from referrals.exchange.inventory import default_municipality, inventory, municipalities

from ..suppression import SHOWN


def inventory_section(actor, scope) -> dict | None:
    if may(actor, Action.INVENTORY_VIEW) is None:
        return None
    choices = municipalities()
    municipality = scope.municipality if scope is not None else default_municipality(actor, choices)
    if municipality not in choices:
        return None
    report = inventory(user=actor, municipality=municipality)
    if report.total == 0:
        return None
    rows = [
        {"key": row.category, "name": "", "cells": [[row.total, SHOWN], [sum(1 for c in row.cells if c == 0), SHOWN]]}
        for row in report.rows
    ]
    return {
        "key": "inventory",
        "columns": [["offers", "count"], ["gaps", "count"]],
        "rows": rows,
        "total": {"key": "*", "name": "", "cells": [[report.total, SHOWN], [report.gap_count, SHOWN]]},
        "extra": {"municipality": municipality, "districts": len(report.districts), "unplaced": report.unplaced},
    }
