"""Widgets of our own."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class Select(forms.Select):
    """A single-choice select rendered in Python. Django renders one template per option; for a
    filter listing an office's fifty colleagues that costs more than all the page's queries
    (the case list, bench.case_list). The markup is the same as Django's select template, and
    the class keeps Django's name, so templates asking `field.widget_type == "select"` (the KERN
    select wrapper) treat it as one."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(format_html('<optgroup label="{}">', group))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>', option["value"], flatatt(option["attrs"]), option["label"]
                )
                for option in options
            )
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped by format_html
