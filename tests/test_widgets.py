"""notlagen.widgets.Select renders exactly what Django's select template renders, faster."""

from html.parser import HTMLParser

import pytest
from django import forms

from notlagen import widgets

CHOICES = [("", "Alle"), ("a", "Ämter & <Büros>"), ("b", 'Bezirk "B"'), ("Gruppe", [("c", "C"), ("d", "D")])]


class _Parsed(HTMLParser):
    """Tags with their attributes in any order, and the text: what a browser would see."""

    def __init__(self, html: str):
        super().__init__()
        self.items: list = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.items.append((tag, sorted(attrs)))

    def handle_endtag(self, tag):
        self.items.append(("/" + tag,))

    def handle_data(self, data):
        if data.strip():
            self.items.append(data)


def _same(html: str) -> list:
    return _Parsed(html).items


@pytest.mark.parametrize("value", [None, "", "a", "d", "x"])
@pytest.mark.parametrize("attrs", [None, {"id": "id_f", "class": "kern-form-input__select", "required": True}])
def test_the_markup_is_django_s(value, attrs):
    ours = widgets.Select(choices=CHOICES).render("f", value, attrs)
    django = forms.Select(choices=CHOICES).render("f", value, attrs)
    assert _same(ours) == _same(django)
    assert "&lt;Büros&gt;" in ours and "&amp;" in ours


def test_templates_see_a_select():
    class Form(forms.Form):
        choice = forms.ChoiceField(choices=CHOICES, widget=widgets.Select)

    assert Form()["choice"].widget_type == "select"
