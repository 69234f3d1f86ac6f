"""The networks a person takes part in, a network's page, setting one up and changing it, and
planning a meeting (the access layer decides; these views only ask)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from access.decide import may
from access.networks import require_manage
from access.rules import Action
from access.web import requires
from cases.views._helpers import apply_errors

from .. import selectors, services
from ..forms import MeetingForm, NetworkForm


@requires(Action.NETWORK_VIEW)
def network_list(request):
    return render(
        request,
        "networks/list.html",
        {
            "networks": selectors.networks_of(request.user),
            "can_create": may(request.user, Action.NETWORK_MANAGE) is not None,
        },
    )


@requires(Action.NETWORK_MANAGE)
def network_new(request):
    data = request.POST if request.method == "POST" else None
    form = NetworkForm(data, agencies=selectors.selectable_agencies())
    if data is not None and form.is_valid():
        try:
            network = services.network_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                agencies=form.cleaned_data["agencies"],
                rhythm=form.cleaned_data["rhythm"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The network has been set up."))
            return redirect("networks:detail", network.pk)
    status = 400 if form.errors else 200
    return render(request, "networks/form.html", {"form": form, "network": None}, status=status)


@login_required
def detail(request, network_id: int):
    side = selectors.network_get(user=request.user, network_id=network_id)
    network = side.network
    return render(
        request,
        "networks/detail.html",
        {
            "network": network,
            "side": side,
            "agencies": list(network.agencies.all()),
            "meetings": selectors.meetings_of(network),
        },
    )


@login_required
def edit(request, network_id: int):
    side = selectors.network_get(user=request.user, network_id=network_id)
    require_manage(side, request.user)
    network = side.network
    data = request.POST if request.method == "POST" else None
    initial = {
        "name": network.name,
        "rhythm": network.rhythm,
        "agencies": list(network.agencies.all()),
        "is_active": network.is_active,
        "version": network.version,
    }
    form = NetworkForm(data, initial=initial, agencies=selectors.selectable_agencies(), with_active=True)
    if data is not None and form.is_valid():
        try:
            services.network_change(actor=request.user, side=side, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The network has been changed."))
            return redirect("networks:detail", network.pk)
    status = 400 if form.errors else 200
    return render(request, "networks/form.html", {"form": form, "network": network}, status=status)


@login_required
def plan(request, network_id: int):
    side = selectors.network_get(user=request.user, network_id=network_id)
    require_manage(side, request.user)
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data)
    if data is not None and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in ("starts_at", "ends_at", "place", "video_link")}
        try:
            meeting = services.meeting_plan(actor=request.user, side=side, agenda=form.agenda_lines(), **fields)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The meeting has been planned and the agencies invited."))
            return redirect("networks:meeting", meeting.pk)
    status = 400 if form.errors else 200
    return render(request, "networks/plan.html", {"form": form, "network": side.network}, status=status)
