"""The Python-rendered select gives the markup Django's template-rendered one gives."""

import pytest
from django import forms
from django.test.html import parse_html

from catalog.widgets import QuickSelect

CHOICES = [
    ("", "Any <kind>"),
    ("a", "A & B"),
    ("b", '“Quoted” "b"'),
    ("Group", [("c", "C"), ("d", "D")]),
]


@pytest.mark.parametrize("value", [None, "", "a", "d", "missing", '"><script>'])
@pytest.mark.parametrize("attrs", [None, {"id": "id_kind", "class": "x", "required": True}])
def test_it_renders_what_djangos_select_renders(value, attrs):
    ours = QuickSelect(choices=CHOICES).render("kind", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("kind", value, attrs=attrs)

    assert parse_html(ours) == parse_html(django)
    assert "<script>" not in ours


def test_a_bound_form_field_renders_through_it():
    class Form(forms.Form):
        kind = forms.ChoiceField(choices=CHOICES[:3], widget=QuickSelect)

    html = str(Form({"kind": "a"})["kind"])

    assert parse_html(html) == parse_html(
        '<select name="kind" id="id_kind" required><option value="">Any &lt;kind&gt;</option>'
        '<option value="a" selected>A &amp; B</option>'
        '<option value="b">“Quoted” &quot;b&quot;</option></select>'
    )
