"""What an import will write (the plan), and the context its checks share: the lookups read
once up front, what the file has named so far, and the errors."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from agencies.models import District

from ..models import OfferLocation, Provider
from . import values
from .assemble import ORIGIN
from .serialize import AREA_SEPARATOR


@dataclass
class ProviderPlan:
    uid: uuid.UUID
    fields: dict


@dataclass
class LocationPlan:
    uid: uuid.UUID
    fields: dict  # "district" only when the file says something about it
    schedules: list[tuple]


@dataclass
class OfferPlan:
    uid: uuid.UUID
    provider_uid: uuid.UUID
    fields: dict  # extension fields only when present in the file
    languages: list[str]
    target_groups: list[str]
    district_ids: list[int]
    locations: list[LocationPlan] = field(default_factory=list)


@dataclass
class Plan:
    providers: dict[uuid.UUID, ProviderPlan]
    offers: list[OfferPlan]


class Context:
    """The import's lookups, what it has seen so far, and its errors."""

    def __init__(self):
        self.errors: list[str] = []
        self.districts: dict[tuple[str, str], int] = {}
        self.district_names: dict[str, list[int]] = {}
        for pk, municipality, name in District.objects.values_list("pk", "municipality", "name"):
            self.districts[(municipality.casefold(), name.casefold())] = pk
            self.district_names.setdefault(name.casefold(), []).append(pk)
        self.location_owner = dict(OfferLocation.objects.values_list("uid", "offer__uid"))
        self.known_providers = set(Provider.objects.values_list("uid", flat=True))
        self.providers: dict[uuid.UUID, ProviderPlan] = {}
        self.offers: set[uuid.UUID] = set()
        self.locations: set[uuid.UUID] = set()

    def reporter(self, obj: dict, fallback: str = ""):
        where = obj.get(ORIGIN) or fallback

        def report(message: str) -> None:
            self.errors.append(_("%(where)s: %(message)s") % {"where": where, "message": message})

        return report

    def uid(self, obj: dict, report) -> uuid.UUID | None:
        raw = values.text(obj, "id")
        try:
            return uuid.UUID(raw)
        except ValueError:
            report(_("The id “%(value)s” is not a UUID.") % {"value": raw or "–"})
            return None

    def district(self, label: str, report) -> int | None:
        """A district named "<municipality> – <district>" (or by its name alone, if unique)."""
        municipality, _sep, name = label.replace(" - ", AREA_SEPARATOR).partition(AREA_SEPARATOR)
        if name:
            found = self.districts.get((municipality.strip().casefold(), name.strip().casefold()))
        else:
            candidates = self.district_names.get(label.strip().casefold(), [])
            found = candidates[0] if len(candidates) == 1 else None
        if found is None:
            report(_("Unknown district “%(name)s”.") % {"name": label or "–"})
        return found


def check_model(instance, exclude: list[str], report) -> None:
    """The model's own field checks (lengths, mail addresses, web addresses)."""
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            label = capfirst(instance._meta.get_field(name).verbose_name)
            for message in messages:
                report(_("%(field)s: %(message)s") % {"field": label, "message": message})
