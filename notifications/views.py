"""The in-app inbox and, for administrators, the dead letters of the outbox."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from access.rules import Action
from access.web import requires

from . import selectors, services
from .models import Notification

PAGE_SIZE = 25


@login_required
def inbox(request):
    page = Paginator(selectors.inbox_for(user=request.user), PAGE_SIZE).get_page(request.GET.get("seite"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def mark_read(request, notification_id: int):
    if not services.notification_mark_read(user=request.user, notification_id=notification_id):
        raise Http404
    if request.htmx:
        notification = selectors.inbox_for(user=request.user).get(pk=notification_id)
        return render(request, "notifications/_row.html", {"notification": notification})
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("%(count)d notification(s) marked as read.") % {"count": count})
    return redirect("notifications:inbox")


@login_required
@require_POST
def send_test(request):
    """Send the person a test notification on every channel they have, to check delivery."""
    channels = [Notification.Channel.IN_APP] + ([Notification.Channel.EMAIL] if request.user.email else [])
    services.notify(
        recipients=[request.user],
        kind="platform.test",
        subject=gettext_lazy("Test notification"),
        body=gettext_lazy("This is a test of your notification channels. No action is needed."),
        link=reverse("notifications:inbox"),
        channels=channels,
    )
    messages.success(request, _("A test notification is on its way. It appears in your inbox within moments."))
    return redirect("notifications:inbox")


@requires(Action.OUTBOX_ADMINISTER)
def dead_letters(request):
    page = Paginator(selectors.dead_letters(), PAGE_SIZE).get_page(request.GET.get("seite"))
    return render(request, "notifications/dead_letters.html", {"page": page})


@requires(Action.OUTBOX_ADMINISTER)
@require_POST
def retry(request, notification_id: int):
    if not services.notification_retry(notification_id=notification_id):
        raise Http404
    messages.success(request, _("The notification is queued for delivery again."))
    return redirect("notifications:dead_letters")
