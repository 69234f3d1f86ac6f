"""The data-protection officer's requests under Art. 15-18 GDPR: list, open, steps, decisions,
and the Art. 15 report (page, PDF, JSON, document copies). Every page asks the access layer
(Action.SUBJECT_REQUESTS: the auditor role with the second factor); reads and writes are
logged by the selectors and services they call."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from access import events
from access.errors import NotFound
from access.rules import Action
from access.web import requires
from casework.views.documents import document_response

from . import outcome, report_json, report_pdf, selectors, services
from .assembly import assemble
from .forms import AnswerForm, DecideForm, ExtendForm, OpenForm, PersonSearchForm, ReleaseForm, WithholdForm
from .models import Kind, Status

officer_view = requires(Action.SUBJECT_REQUESTS)

# Three forms on one page: each its own element ids (the field names stay plain).
DECIDE_IDS, EXTEND_IDS, ANSWER_IDS, WITHHOLD_IDS = "decide_%s", "extend_%s", "answer_%s", "withhold_%s"

SHOW_LABELS = {
    "open": gettext_lazy("Open"),
    "due": gettext_lazy("Due within a week"),
    "done": gettext_lazy("Done"),
    "all": gettext_lazy("All"),
}


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@officer_view
def request_list(request):
    show = request.GET.get("zeige", "open")
    show = show if show in selectors.FILTERS else "open"
    rows = selectors.requests_list(actor=request.user, show=show)
    filters = list(SHOW_LABELS.items())
    return render(request, "privacy/list.html", {"rows": rows, "show": show, "filters": filters})


@officer_view
def request_new(request):
    search = PersonSearchForm(request.GET if "q" in request.GET else None)
    persons = None
    if search.is_bound and search.is_valid():
        persons = selectors.persons_for_request(actor=request.user, text=search.cleaned_data["q"])
    person_id = request.POST.get("person_id") or request.GET.get("person")
    person = None
    if person_id and str(person_id).isascii() and str(person_id).isdigit():  # "²": a digit, no number
        person = selectors.person_for_request(actor=request.user, person_id=int(person_id))
    form = OpenForm(request.POST or None, initial={"person_id": person.pk if person else None})
    if request.method == "POST" and person is not None and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.request_open(
                actor=request.user,
                person=person,
                kind=data["kind"],
                identity_document=data["identity_document"],
                identity_note=data["identity_note"],
                received_on=data["received_on"],
                details=data["details"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Request %(number)s has been opened.") % {"number": created.number})
            return redirect("privacy:detail", created.pk)
    elif request.method == "POST" and person is None:
        raise NotFound("person", None, "create")
    context = {"search": search, "persons": persons, "person": person, "form": form}
    return render(request, "privacy/new.html", context)


def _detail_context(subject, **forms) -> dict:
    version = {"version": subject.version}
    context = {
        "subject": subject,
        "decide_form": DecideForm(initial=version, kind=subject.kind, auto_id=DECIDE_IDS),
        "extend_form": ExtendForm(initial=version, auto_id=EXTEND_IDS),
        "answer_form": AnswerForm(initial=version, auto_id=ANSWER_IDS),
        "can_report": subject.kind == Kind.ACCESS and subject.is_open and subject.person_id is not None,
        "erased": outcome.counts(subject.outcome),
        "kept": outcome.kept(subject.outcome),
        "outcome_other": outcome.other(subject.outcome),
    }
    context.update(forms)
    return context


@officer_view
def request_detail(request, request_id: int):
    subject = selectors.request_get(actor=request.user, request_id=request_id)
    return render(request, "privacy/detail.html", _detail_context(subject))


def _post_step(request, request_id: int, form_class, name: str, service, success: str, auto_id: str, **form_kwargs):
    subject = selectors.request_get(actor=request.user, request_id=request_id, log=False)
    form = form_class(request.POST, auto_id=auto_id, **form_kwargs)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            service(actor=request.user, request=subject, **data)
        except ValidationError as error:
            subject = selectors.request_get(actor=request.user, request_id=request_id)
            if not subject.is_open:  # closed meanwhile: its forms are gone, say so at the top
                messages.error(request, " ".join(error.messages))
                return redirect("privacy:detail", subject.pk)
            _apply_errors(form, error)
            form.data = form.data.copy()
            form.data["version"] = str(subject.version)
        else:
            messages.success(request, success)
            return redirect("privacy:detail", subject.pk)
    else:
        subject = selectors.request_get(actor=request.user, request_id=request_id)
    return render(request, "privacy/detail.html", _detail_context(subject, **{name: form}))


@officer_view
@require_POST
def request_decide(request, request_id: int):
    subject = selectors.request_get(actor=request.user, request_id=request_id, log=False)
    return _post_step(
        request,
        request_id,
        DecideForm,
        "decide_form",
        services.request_decide,
        _("The decision has been saved."),
        DECIDE_IDS,
        kind=subject.kind,
    )


@officer_view
@require_POST
def request_extend(request, request_id: int):
    return _post_step(
        request,
        request_id,
        ExtendForm,
        "extend_form",
        services.request_extend,
        _("The deadline has been extended."),
        EXTEND_IDS,
    )


@officer_view
@require_POST
def request_answer(request, request_id: int):
    return _post_step(
        request,
        request_id,
        AnswerForm,
        "answer_form",
        services.request_answer,
        _("The request has been answered."),
        ANSWER_IDS,
    )


def _reportable(request, request_id: int):
    subject = selectors.request_get(actor=request.user, request_id=request_id, log=False)
    if subject.kind != Kind.ACCESS or subject.status != Status.OPEN or subject.person_id is None:
        events.denied(actor=request.user, object_type="subject_request", object_id=subject.pk, action="print")
        raise NotFound("subject_request", subject.pk, "print")
    return subject


def _preview(request, subject, withhold_form=None):
    content = assemble(actor=request.user, request=subject, for_person=False)
    form = withhold_form or WithholdForm(initial={"version": subject.version}, report=content, auto_id=WITHHOLD_IDS)
    form.fields["record"].choices = WithholdForm(report=content).fields["record"].choices
    context = {"subject": subject, "report": content, "withhold_form": form}
    return render(request, "privacy/report.html", context)


@officer_view
def report(request, request_id: int):
    return _preview(request, _reportable(request, request_id))


@officer_view
@require_POST
def report_withhold(request, request_id: int):
    """Withhold a record from the person's copy (Art. 15(4)), or put it back ("release")."""
    subject = _reportable(request, request_id)
    releasing = "release" in request.POST
    form = (ReleaseForm if releasing else WithholdForm)(request.POST, auto_id=WITHHOLD_IDS)
    if not releasing:
        form.fields["record"].choices = [(request.POST.get("record", ""), "")]
    if form.is_valid():
        try:
            if releasing:
                services.request_release(actor=request.user, request=subject, **form.cleaned_data)
            else:
                services.request_withhold(actor=request.user, request=subject, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return redirect("privacy:report", subject.pk)
    if releasing:  # only a tampered or stale button gets here
        messages.error(request, " ".join(str(e) for e in form.errors.values()) or _("Please try again."))
        return redirect("privacy:report", subject.pk)
    subject = selectors.request_get(actor=request.user, request_id=request_id, log=False)
    form.data = form.data.copy()
    form.data["version"] = str(subject.version)
    return _preview(request, subject, form)


def _download(request, request_id: int, render_report, content_type: str, extension: str):
    subject = _reportable(request, request_id)
    content = render_report(assemble(actor=request.user, request=subject))
    services.report_produced(request=subject)
    events.report(
        actor=request.user,
        action="export",
        object_type="subject_request",
        object_ids=[subject.pk],
        person_ids=[subject.person_number],
        purpose=f"{subject.purpose} ({extension.upper()})",
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="auskunft-{subject.number}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response


@officer_view
def report_pdf_download(request, request_id: int):
    return _download(request, request_id, report_pdf.render, "application/pdf", "pdf")


@officer_view
def report_json_download(request, request_id: int):
    return _download(request, request_id, report_json.render, "application/json; charset=utf-8", "json")


@officer_view
def document_download(request, request_id: int, document_id: int):
    subject = _reportable(request, request_id)
    document = selectors.document_for_request(actor=request.user, request=subject, document_id=document_id)
    return document_response(document)
