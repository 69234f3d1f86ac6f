"""Template helpers of the staff shell: form fields rendered with KERN UX classes."""

from django import forms, template

register = template.Library()

_INPUT_CLASS = {
    forms.Select: "kern-form-input__select",
    forms.CheckboxInput: "kern-form-check__checkbox",
    forms.RadioSelect: "kern-form-check__radio",
}


@register.simple_tag
def kern_widget(field):
    """Render a bound field's widget with KERN classes, and aria attributes that tie it to its
    hint and error so screen readers announce both."""
    widget = field.field.widget
    css = next((c for cls, c in _INPUT_CLASS.items() if isinstance(widget, cls)), "kern-form-input__input")
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
        css += f" {css}--error"
    attrs = {"class": css}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if field.field.required:
        attrs["required"] = True
    return field.as_widget(attrs=attrs)
