"""Search and filters of the help-offer directory (django-filter). They narrow the active
offers; every condition on a related row is an EXISTS, so an offer appears once however many
languages, districts or locations match. Plain icontains, so the demo on SQLite searches too."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from ..models import Offer, OfferLanguage, OfferLocation, OfferTargetGroup
from ..schedules import offers_open_at
from ..vocabulary import Category, Language, TargetGroup
from .selectors import district_groups

SEARCH_FIELDS = ("name", "description", "provider__name", "eligibility")
MAX_SEARCH_WORDS = 8


class OfferFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search term"), method="search", max_length=200)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices, empty_label=_("All"))
    district = django_filters.ChoiceFilter(label=_("District"), method="in_district", empty_label=_("All"))
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=Language.choices, method="in_language", empty_label=_("All")
    )
    target_group = django_filters.ChoiceFilter(
        label=_("Target group"), choices=TargetGroup.choices, method="for_group", empty_label=_("All")
    )
    open_now = django_filters.BooleanFilter(label=_("Open now"), method="only_open", widget=forms.CheckboxInput)
    free = django_filters.BooleanFilter(label=_("Free of charge"), method="only_free", widget=forms.CheckboxInput)
    anonymous = django_filters.BooleanFilter(
        label=_("Anonymous counselling possible"), method="only_anonymous", widget=forms.CheckboxInput
    )

    CHECKBOXES = ("open_now", "free", "anonymous")

    def __init__(self, *args, moment=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Grouped by municipality; ChoiceField validates a submitted value against the groups.
        self.filters["district"].extra["choices"] = [
            (municipality, [(str(pk), name) for pk, name in districts]) for municipality, districts in district_groups()
        ]
        self.moment = moment

    def search(self, queryset, name, value):
        for word in value.split()[:MAX_SEARCH_WORDS]:
            condition = Q()
            for field in SEARCH_FIELDS:
                condition |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(condition)
        return queryset

    def in_district(self, queryset, name, value):
        # Serves the district, or has a location in it.
        served = Offer.districts.through.objects.filter(offer=OuterRef("pk"), district=value)
        located = OfferLocation.objects.filter(offer=OuterRef("pk"), district=value)
        return queryset.filter(Exists(served) | Exists(located))

    def in_language(self, queryset, name, value):
        return queryset.filter(Exists(OfferLanguage.objects.filter(offer=OuterRef("pk"), code=value)))

    def for_group(self, queryset, name, value):
        return queryset.filter(Exists(OfferTargetGroup.objects.filter(offer=OuterRef("pk"), code=value)))

    def only_open(self, queryset, name, value):
        return offers_open_at(queryset, self.moment) if value else queryset

    def only_free(self, queryset, name, value):
        return queryset.filter(free_of_charge=True) if value else queryset

    def only_anonymous(self, queryset, name, value):
        return queryset.filter(anonymous_possible=True) if value else queryset

    def text_fields(self):
        """The form's fields shown as inputs and selects (the rest are checkboxes)."""
        return [field for field in self.form if field.name not in self.CHECKBOXES]

    def checkbox_fields(self):
        return [self.form[name] for name in self.CHECKBOXES]
