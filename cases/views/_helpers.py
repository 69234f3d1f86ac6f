"""Small helpers shared by the case views."""

from django.core.exceptions import ValidationError


def apply_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError at the fields of the form (the rest at the top)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
