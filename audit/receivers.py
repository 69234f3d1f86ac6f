"""One mechanism: the access_events hook, logins and admin actions all end in audit.writer."""

from celery.signals import task_postrun, task_prerun
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from access.events import access_event

from . import context, writer

_ADMIN_ACTIONS = {ADDITION: "create", CHANGE: "change", DELETION: "delete"}


@receiver(access_event, dispatch_uid="audit.access_event")
def record_access(
    sender, *, actor, action, object_type, object_ids, case_ids, person_ids, basis, purpose, outcome, agency_id, **_
):
    entry = writer.write(
        actor=actor,
        action=action,
        object_type=object_type,
        object_ids=object_ids,
        case_ids=case_ids,
        person_ids=person_ids,
        basis=basis,
        purpose=purpose,
        outcome=outcome,
        agency_id=agency_id,
    )
    _alerts_for(entry, rows=len(object_ids))


def _alerts_for(entry, *, rows: int) -> None:
    from django.conf import settings
    from django.utils.translation import gettext_lazy as _

    from . import alerts

    # Reads of a request are saved when it ends, so the entry may have no id yet: name the request.
    reference = f"L-{entry.pk}" if entry.pk else entry.request_id
    if entry.action == "break_glass":
        alerts.alert("audit.break_glass", _("Break-glass access to a case"), reference)
    elif entry.action == "export" and rows >= settings.AUDIT_BULK_EXPORT_ROWS:
        alerts.alert("audit.bulk_export", _("Large export of access-log or case data"), reference)
    elif (
        entry.actor_id
        and entry.outcome == "allowed"
        and entry.object_type in ("case", "person", "note")
        and alerts.outside_office_hours(entry.time)
    ):
        alerts.alert_once_today("audit.outside_hours", _("Access to case data outside office hours"), entry.actor_name)


@receiver(user_logged_in, dispatch_uid="audit.login")
def record_login(sender, request, user, **kwargs):
    writer.write(actor=user, action="login", object_type="session")


@receiver(user_logged_out, dispatch_uid="audit.logout")
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        writer.write(actor=user, action="logout", object_type="session")


@receiver(user_login_failed, dispatch_uid="audit.login_failed")
def record_login_failed(sender, credentials, request=None, **kwargs):
    # The typed user name is kept (auditors look for guessing); the password never is.
    writer.write(
        actor=None,
        actor_name=str(credentials.get("username", ""))[:150],
        action="login_failed",
        object_type="session",
        outcome="denied",
    )


@receiver(post_save, sender=LogEntry, dispatch_uid="audit.admin_action")
def record_admin_action(sender, instance, created, **kwargs):
    if created:
        writer.write(
            actor=instance.user,
            action=_ADMIN_ACTIONS.get(instance.action_flag, "change"),
            object_type=f"admin:{instance.content_type.model}" if instance.content_type_id else "admin",
            object_ids=[int(instance.object_id)] if str(instance.object_id or "").isdigit() else [],
            purpose=instance.get_change_message()[:300],
        )


_task_tokens = {}


@task_prerun.connect(dispatch_uid="audit.task_prerun")
def _job_context(task_id=None, **kwargs):
    # A job collects its reads and refusals like a request and writes them when it ends.
    collector = context.collected(context.AccessContext(channel="job", request_id=task_id or ""))
    collector.__enter__()
    _task_tokens[task_id] = collector


@task_postrun.connect(dispatch_uid="audit.task_postrun")
def _job_context_end(task_id=None, **kwargs):
    collector = _task_tokens.pop(task_id, None)
    if collector is not None:
        collector.__exit__(None, None, None)
