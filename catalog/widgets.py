"""Form widgets for the public filter forms, rendered in Python.

Django renders a <select> through one template per option, and builds a dict of a dozen keys
for each option first: with a few dozen AI models that was most of a list page's filter form.
This gives the same markup (tested against Django's own) straight from the choices.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString
from markupsafe import escape


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        value = self.format_value(value)
        has_selected = False

        def option_html(option_value, label):
            nonlocal has_selected
            option_value = "" if option_value is None else str(option_value)
            selected = not has_selected and option_value in value
            has_selected |= selected
            chosen = " selected" if selected else ""
            return f'<option value="{escape(option_value)}"{chosen}>{escape(label)}</option>'

        groups = []
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                html = SafeString("".join(option_html(*choice) for choice in label))
                groups.append(format_html('<optgroup label="{}">{}</optgroup>', option_value, html))
            else:
                groups.append(option_html(option_value, label))
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            SafeString("".join(groups)),
        )
