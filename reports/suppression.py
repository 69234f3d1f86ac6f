"""Small counts in a published table are not shown, and cannot be worked out from what is.
One implementation for every report: the consultation hours' uptake (consultations.uptake) and
the committee reports (reports/), which pass their configured threshold as `minimum`.

Primary suppression: every count below the minimum (default MINIMUM, 5) is shown as "< 5" —
zero too, because a shown zero beside a hidden cell would narrow the hidden one down.

Secondary suppression: the report's figures are tied by sums (per row: contacts = first
contacts + repeat contacts; per column: the rows add up to the total row, and the total row is
the same in every table). A hidden count could be worked out from such a sum, so more figures
are hidden ("×"), always the smallest shown part of a sum (a total only when no part is left):
1. a sum with exactly one hidden figure hides another;
2. a sum whose hidden figures are all small counts, while its total is shown, hides another;
3. then an audit solves the published sums the way an attacker would — every shown figure
   exact, a "< 5" between 0 and 4, a "×" at least 5, narrowed through every sum until nothing
   changes — and while it pins a small count (1 to 4) to one value, a figure of a sum with a
   pinned hidden figure is hidden too, and the rules run again.
So no small count can be determined exactly from the published table; at most one
can be narrowed to a few values, or shown to be 0 (which describes nobody).

We chose this over rounding the totals: rounded totals still narrow a hidden cell, and with
suppression every figure that is shown stays exact."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

MINIMUM = 5
SHOWN, SMALL, PROTECTED = "shown", "small", "protected"
_MAX_ROUNDS = 10_000


@dataclass(frozen=True)
class Relation:
    total: Hashable
    parts: tuple[Hashable, ...]


def suppress(
    values: Mapping[Hashable, int], relations: Iterable[Relation], *, minimum: int = MINIMUM
) -> dict[Hashable, str]:
    """Per cell: SHOWN, SMALL (below `minimum`) or PROTECTED (hidden so that no small count
    can be worked out). Cells in no relation are only checked against `minimum`."""
    state = {key: (SMALL if value < minimum else SHOWN) for key, value in values.items()}
    relations = list(relations)
    for _round in range(_MAX_ROUNDS):
        _apply_rules(values, state, relations)
        low, high = bounds(values, state, relations, minimum=minimum)
        victim = _audit_victim(values, state, relations, low, high)
        if victim is None:
            break
        state[victim] = PROTECTED
    return state


def _apply_rules(values, state, relations: list[Relation]) -> None:
    changed = True
    while changed:
        changed = False
        for relation in relations:
            hidden = [key for key in (relation.total, *relation.parts) if state[key] != SHOWN]
            if not hidden:
                continue
            only_small = all(state[key] == SMALL for key in hidden) and state[relation.total] == SHOWN
            if len(hidden) == 1 or only_small:
                victim = _next_to_hide(values, state, relation)
                if victim is not None:
                    state[victim] = PROTECTED
                    changed = True


def _next_to_hide(values, state, relation: Relation):
    shown_parts = [key for key in relation.parts if state[key] == SHOWN]
    if shown_parts:
        # The smallest shown part loses least; ties by position, so the result is stable.
        return min(shown_parts, key=lambda key: (values[key], relation.parts.index(key)))
    return relation.total if state[relation.total] == SHOWN else None


def bounds(values, state, relations: list[Relation], *, minimum: int = MINIMUM) -> tuple[dict, dict]:
    """What a reader can work out: the lowest and highest value each cell can have (a shown
    figure exactly, a small one 0 to minimum - 1, a protected one at least minimum)."""
    ceiling = sum(values.values()) + 1
    low = {k: values[k] if s == SHOWN else (minimum if s == PROTECTED else 0) for k, s in state.items()}
    high = {k: values[k] if s == SHOWN else (minimum - 1 if s == SMALL else ceiling) for k, s in state.items()}
    changed, passes = True, 0
    while changed and passes < _MAX_ROUNDS:
        changed, passes = False, passes + 1
        for relation in relations:
            parts_low = sum(low[part] for part in relation.parts)
            parts_high = sum(high[part] for part in relation.parts)
            narrowed = {relation.total: (max(low[relation.total], parts_low), min(high[relation.total], parts_high))}
            for part in relation.parts:
                others_low, others_high = parts_low - low[part], parts_high - high[part]
                narrowed[part] = (
                    max(low[part], low[relation.total] - others_high),
                    min(high[part], high[relation.total] - others_low),
                )
            for key, (lo, hi) in narrowed.items():
                if (lo, hi) != (low[key], high[key]):
                    low[key], high[key], changed = lo, hi, True
    return low, high


def _audit_victim(values, state, relations: list[Relation], low, high):
    """A figure to hide next, while some small count 1–4 can be pinned; else None."""
    exposed = {key for key, s in state.items() if s == SMALL and values[key] > 0 and low[key] == high[key]}
    if not exposed:
        return None
    pinned = {key for key, s in state.items() if s != SHOWN and low[key] == high[key]}
    # Sums with an exposed small count first, then sums with another pinned hidden figure.
    for wanted in (exposed, pinned):
        for relation in relations:
            if wanted & {relation.total, *relation.parts}:
                victim = _next_to_hide(values, state, relation)
                if victim is not None:
                    return victim
    return None
