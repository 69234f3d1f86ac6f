"""The team lead's four eyes on sharing without consent: grants on a statute basis wait here."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.rules import Action
from access.web import requires

from .. import grants, selectors
from ..forms import RevokeForm


@requires(Action.GRANTS_APPROVE_QUEUE)
def grants_to_approve(request):
    pending = list(selectors.grants_awaiting_approval(user=request.user))
    return render(request, "cases/grants_to_approve.html", {"grants": pending, "refuse_form": RevokeForm()})


@requires(Action.GRANTS_APPROVE_QUEUE)
@require_POST
def grant_decide(request, grant_id: int):
    grant = selectors.grant_awaiting_approval(user=request.user, grant_id=grant_id)
    try:
        if request.POST.get("decision") == "approve":
            grants.grant_approve(actor=request.user, grant=grant)
            messages.success(request, _("The sharing has been approved; it is in force now."))
        else:
            form = RevokeForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            grants.grant_refuse(actor=request.user, grant=grant, reason=reason)
            messages.success(request, _("The sharing has been refused."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("cases:grants_to_approve")
