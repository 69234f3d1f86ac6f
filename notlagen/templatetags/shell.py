"""Template helpers of the staff shell: form fields rendered with KERN UX classes."""

from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from cases.scopes import Scope
from notlagen.text import markdown_lite as render_markdown_lite

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


@register.simple_tag
def kern_option(option, field):
    """One checkbox or radio of a multiple-choice field, with the KERN class."""
    data = option.data
    kind = data["type"]
    css = "kern-form-check__radio" if kind == "radio" else "kern-form-check__checkbox"
    attrs = {"class": css, "type": kind, "name": data["name"], "value": data["value"], "id": data["attrs"]["id"]}
    if data["selected"]:
        attrs["checked"] = True
    if field.errors:
        attrs["aria-invalid"] = "true"
    return format_html("<input{}>", flatatt(attrs))


@register.filter
def markdown_lite(text):
    """A note's text as sanitized HTML (bold, italic, lists, links; nothing else survives)."""
    return mark_safe(render_markdown_lite(text))  # noqa: S308 (sanitized by nh3 with an allow-list)


@register.filter
def scope_label(code):
    return dict(Scope.choices).get(code, code)
