"""Adding, changing and deactivating offers: for a provider's own directory editors and the
city's directory administrators. The services ask the access layer; the views ask it first
only to answer a refusal (404) before showing a form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.decide import refuse
from access.directory import editable_providers, require_offer_edit
from access.rules import Action

from ..models import Offer, Provider
from . import services
from .forms import OfferForm, location_formset
from .selectors import district_groups


def _offer(offer_id: int) -> Offer:
    return get_object_or_404(
        Offer.objects.select_related("provider").prefetch_related(
            "language_rows", "target_group_rows", "districts", "locations__schedules"
        ),
        pk=offer_id,
    )


@login_required
def offer_create(request):
    providers = editable_providers(request.user)
    if not providers.exists():
        refuse(request.user, Action.OFFER_EDIT)
    initial = {"free_of_charge": True, "languages": ["de"], "capacity": "available"}
    if providers.count() == 1:
        initial["provider"] = providers.first().pk
    return _edit(request, offer=None, providers=providers, initial=initial)


@login_required
def offer_edit(request, offer_id: int):
    offer = _offer(offer_id)
    require_offer_edit(request.user, offer.provider)
    # Its current provider stays choosable even when that provider was deactivated meanwhile.
    providers = editable_providers(request.user) | Provider.objects.filter(pk=offer.provider_id)
    return _edit(request, offer=offer, providers=providers.distinct(), initial=OfferForm.initial_for(offer))


def _edit(request, *, offer, providers, initial):
    districts = district_groups()
    data = request.POST if request.method == "POST" else None
    form = OfferForm(data, initial=initial, providers=providers, districts=districts)
    locations = location_formset(data, offer=offer, districts=districts)
    # `&`, not `and`: both are validated, so every error shows at once.
    if data is not None and form.is_valid() & locations.is_valid():
        try:
            saved = services.offer_save(
                actor=request.user,
                offer=offer,
                version=form.cleaned_data["version"],
                data=form.offer_data(),
                locations=locations.locations(),
            )
        except services.OfferChangedError as error:
            form.add_error(
                None,
                _(
                    "Someone else has changed the offer in the meantime. Your input is kept below; "
                    "please compare it with the offer's current page and save again."
                ),
            )
            form.data = form.data.copy()
            form.data["version"] = str(error.current.version)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The offer has been saved."))
            return redirect("referrals:offer", saved.pk)
    context = {"form": form, "locations": locations, "offer": offer}
    return render(request, "referrals/directory/edit.html", context)


def _apply(form, error: ValidationError) -> None:
    """A service's errors at the form's fields; the rest (locations among them) at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


def _plain_number(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) < 10


@require_POST
@login_required
def offer_deactivate(request, offer_id: int):
    offer = get_object_or_404(Offer.objects.select_related("provider"), pk=offer_id)
    version = request.POST.get("version", "")
    try:
        services.offer_deactivate(
            actor=request.user, offer=offer, version=int(version) if _plain_number(version) else None
        )
    except services.OfferChangedError:
        messages.error(request, _("Someone else has changed the offer in the meantime; please check it and try again."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The offer is no longer listed in the directory."))
    return redirect("referrals:offer", offer.pk)
