"""The structured risk assessment where a case concerns violence: a short checklist, declared
once. Its items follow the questions common to the established checklists for domestic violence
(e.g. the DASH checklist and the Danger Assessment): recent escalation, strangulation, threats to
kill, weapons, separation, children, pregnancy, stalking, broken protection orders, and the
person's own fear. The checklist suggests a level; the professional's judgement may raise it
(never lower it), with a reason. The record belongs to the case, so a later referral or conference
shows the current assessment instead of asking again."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Not known")


class RiskLevel(models.TextChoices):
    # Ordered from low to high: the order is used to compare levels.
    STANDARD = "standard", _("Standard")
    ELEVATED = "elevated", _("Elevated")
    HIGH = "high", _("High")


LEVEL_ORDER = {level: index for index, level in enumerate(RiskLevel.values)}


@dataclass(frozen=True)
class Item:
    code: str
    question: object
    critical: bool = False  # on its own a sign of danger to life: "yes" suggests at least "elevated"


ITEMS: tuple[Item, ...] = (
    Item("injury", _("Has the person been injured by the violence recently?")),
    Item("strangulation", _("Has the person ever been strangled, choked or suffocated?"), critical=True),
    Item("threat_to_kill", _("Has the person been threatened with death?"), critical=True),
    Item("weapon", _("Has a weapon been used, or does the other person have access to one?"), critical=True),
    Item("escalation", _("Has the violence become more frequent or more severe?")),
    Item("separation", _("Has the person separated recently, or does she or he plan to?")),
    Item("children", _("Have children been threatened, hurt or present during violence?")),
    Item("pregnancy", _("Is the person pregnant or has she had a baby in the last 18 months?")),
    Item("stalking", _("Is the person being followed, watched or harassed?")),
    Item("order_breached", _("Has the other person broken a protection order or contact ban?")),
    Item("substances", _("Does the other person have problems with alcohol or drugs?")),
    Item("fear", _("Is the person very afraid of what the other person will do next?")),
)
ITEM_CODES = tuple(item.code for item in ITEMS)

# How many "yes" answers suggest which level (a short list: thresholds scaled from DASH's 14 of 24).
HIGH_FROM = 7
ELEVATED_FROM = 4


def suggested_level(answers: dict[str, str]) -> str:
    """The level the checklist suggests for `answers` (item code -> Answer)."""
    yes = [item for item in ITEMS if answers.get(item.code) == Answer.YES]
    critical = sum(1 for item in yes if item.critical)
    if len(yes) >= HIGH_FROM or critical >= 2:
        return RiskLevel.HIGH
    if len(yes) >= ELEVATED_FROM or critical:
        return RiskLevel.ELEVATED
    return RiskLevel.STANDARD


def answered_items(answers: dict[str, str]) -> list[tuple[Item, str]]:
    """The items with their answer labels, in checklist order (for pages and the PDF)."""
    labels = dict(Answer.choices)
    return [(item, labels.get(answers.get(item.code, ""), "–")) for item in ITEMS]
