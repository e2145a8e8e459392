"""Read a form out of a rendered page the way a browser would, to post it back changed."""

from html.parser import HTMLParser

SKIPPED_INPUTS = {"submit", "button", "file", "image", "reset"}


class FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = {}
        self.select = None
        self.select_options = []
        self.option = None
        self.textarea = None

    def add(self, name, value):
        self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type", "text") not in SKIPPED_INPUTS:
            if attrs.get("type") in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.add(name, attrs.get("value", "on"))
            else:
                self.add(name, attrs.get("value", ""))
        elif tag == "select" and name:
            self.select = {"name": name, "multiple": "multiple" in attrs, "chosen": False}
            self.select_options = []
        elif tag == "option" and self.select is not None:
            self.option = {"value": attrs.get("value"), "selected": "selected" in attrs, "text": ""}
        elif tag == "textarea" and name:
            self.textarea = {"name": name, "text": ""}

    def handle_data(self, data):
        if self.option is not None:
            self.option["text"] += data
        if self.textarea is not None:
            self.textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "option" and self.option is not None:
            option = self.option
            value = option["value"] if option["value"] is not None else option["text"]
            self.select_options.append(value)
            if option["selected"]:
                self.add(self.select["name"], value)
                self.select["chosen"] = True
            self.option = None
        elif tag == "select" and self.select is not None:
            select = self.select
            if not select["chosen"] and not select["multiple"] and self.select_options:
                self.add(select["name"], self.select_options[0])
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # Browsers drop the newline that follows <textarea>.
            self.add(self.textarea["name"], self.textarea["text"].removeprefix("\n"))
            self.textarea = None


def form_data(response, form_id, **changes):
    """The fields of the form `form_id` in `response`, as a browser would send them, changed."""
    reader = FormReader(form_id)
    reader.feed(response.content.decode())
    assert reader.fields, f"no form #{form_id} on the page"
    data = dict(reader.fields)
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    return data


def management_form_data(response) -> dict:
    """The inline formsets' management fields as the change form renders them, to post back."""
    data = {}
    for inline_formset in response.context["inline_admin_formsets"]:
        management_form = inline_formset.formset.management_form
        for name, field in management_form.fields.items():
            value = management_form.initial.get(name, field.initial)
            data[management_form.add_prefix(name)] = "" if value is None else value
    return data
