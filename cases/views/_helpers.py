"""Small helpers shared by the case views."""

from django.core.exceptions import ValidationError
from django.db import transaction

from ..duplicates import find_duplicates


def apply_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError at the fields of the form (the rest at the top)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def create_after_duplicate_check(request, form, create):
    """The duplicate step of every form that registers a person ("open a case", "first
    conversation"): the first submit of a named person runs the check and shows the matches;
    submitting again (or no match) calls `create(cleaned_data)` in one transaction.
    Returns (created object or None, duplicates or None); errors are put on the form."""
    if request.method != "POST" or not form.is_valid():
        return None, None
    data = form.cleaned_data
    duplicates = None
    if (data["family_name"] or data["alias"]) and not data["duplicates_checked"]:
        try:
            duplicates = find_duplicates(
                user=request.user,
                given_name=data["given_name"],
                family_name=data["family_name"],
                alias=data["alias"],
                birth_date=data["birth_date"],
            )
        except ValidationError as error:
            apply_errors(form, error)
            return None, None
    if duplicates is not None and duplicates.any:
        # The person saw the matches; submitting again creates a new record.
        form.data = form.data.copy()
        form.data["duplicates_checked"] = "True"
        return None, duplicates
    try:
        with transaction.atomic():
            return create(data), None
    except ValidationError as error:
        apply_errors(form, error)
        return None, None


def person_fields(data) -> dict:
    """The person's identity from a registering form's cleaned data (for services.person_register)."""
    return {name: data[name] for name in ("given_name", "family_name", "alias", "birth_date", "gender")}
