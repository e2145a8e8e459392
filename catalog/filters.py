"""The filters of the public lists; every value a visitor can put in a query string."""

import copy
from operator import itemgetter

import django_filters
from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.choices import BaseChoiceIterator

from catalog import listing, search
from catalog.models import Kind, Label, Publication
from catalog.widgets import QuickSelect


def uncopied(choices):
    """Choices as a function returning them: a filter set copies its filters deeply on every
    request, and a function is copied as itself."""
    return lambda: choices


class ReadyChoices(BaseChoiceIterator):
    """A choice field's options, blank first, as one list of (value, label) pairs: what
    django-filter's iterator gives, without normalising the choices again on every pass (each
    render and each check of a value) or copying them with every copy of the field."""

    def __init__(self, field, choices):
        blank = [] if field.empty_label is None else [("", field.empty_label)]
        self.choices = [*blank, *(choices() if callable(choices) else choices)]

    def __iter__(self):
        return iter(self.choices)

    def __len__(self):
        return len(self.choices)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class QuickChoiceField(django_filters.fields.ChoiceField):
    iterator = ReadyChoices


class NameChoiceField(QuickChoiceField):
    """A choice by address name, which says so when the value holds a NUL character (as
    Django's model choice field does) rather than that it is not among the choices."""

    def to_python(self, value):
        value = super().to_python(value)
        ProhibitNullCharactersValidator()(value)
        return value


class ChoiceFilter(django_filters.ChoiceFilter):
    field_class = QuickChoiceField

    def __deepcopy__(self, memo):
        """A filter set copies each of its filters deeply on every request. These are never
        changed but for the choices a set gives them, so a shallow copy with its own extras
        does; a method filter is bound to the copy."""
        clone = copy.copy(self)
        clone.extra = dict(self.extra)
        clone.method = self.method
        return clone


class NameChoiceFilter(ChoiceFilter):
    field_class = NameChoiceField


class PublicationFilter(django_filters.FilterSet):
    """The filters of the publication lists. The AI models, topics and years to choose from, and
    how many publications a choice leaves, come from the search's sets of this generation of the
    content (catalog.search.FacetSets), so neither costs a query."""

    kind = ChoiceFilter(choices=uncopied(Kind.choices), empty_label="Any kind", widget=QuickSelect)
    model = NameChoiceFilter(
        label="AI model", empty_label="Any AI model", method="filter_model", widget=QuickSelect
    )
    topic = NameChoiceFilter(
        label="Topic", empty_label="Any topic", method="filter_topic", widget=QuickSelect
    )
    label = ChoiceFilter(
        choices=uncopied(Label.choices), empty_label="Any label", widget=QuickSelect
    )
    year = ChoiceFilter(
        label="Year",
        field_name="published_at",
        lookup_expr="year",
        empty_label="Any year",
        widget=QuickSelect,
    )
    order = ChoiceFilter(
        label="Sort by",
        choices=uncopied(
            [("newest", "Newest first"), ("oldest", "Oldest first"), ("title", "Title A–Z")]
        ),
        empty_label=None,
        method="order_publications",
        widget=QuickSelect,
    )
    # Facet values every publication of the list has, e.g. the news list's kind.
    fixed = {}

    class Meta:
        model = Publication
        fields = []

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.sets = search.facet_sets()
        self.ai_models = {model.slug: model for model in self.sets.ai_models}
        self.topics = {topic.slug: topic for topic in self.sets.topics}
        choices = {
            "model": sorted(((m.slug, m.name) for m in self.sets.ai_models), key=itemgetter(1)),
            "topic": [(topic.slug, topic.name) for topic in self.sets.topics],
            "year": self.live_years(),
        }
        for name, values in choices.items():
            if name in self.filters:
                self.filters[name].extra["choices"] = uncopied(values)

    def live_years(self):
        """From the newest live publication's year back to the oldest's."""
        years = [year for year, bits in self.sets.values["year"].items() if bits & self.sets.live]
        if not years:
            return []
        return [(str(year), str(year)) for year in range(max(years), min(years) - 1, -1)]

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset.filter(**self.fixed))

    def filter_model(self, queryset, name, value):
        return queryset.filter(ai_models=self.ai_models[value].pk)

    def filter_topic(self, queryset, name, value):
        return queryset.filter(topics=self.topics[value].pk)

    def order_publications(self, queryset, name, value):
        return queryset.order_by(*listing.ORDERINGS[value])

    def live_set(self) -> int:
        """The live publications the valid filters leave, as a set."""
        chosen = dict(self.fixed)
        for name, value in self.form.cleaned_data.items():
            if not value or name == "order":
                continue
            if name == "model":
                value = self.ai_models[value].pk
            elif name == "topic":
                value = self.topics[value].pk
            elif name == "year":
                value = int(value)
            chosen[name] = value
        return listing.live_with(self.sets, **chosen)

    def live_count(self) -> int:
        return self.live_set().bit_count()

    def paginator(self, per_page, **kwargs):
        """Pages of the list in the chosen order, which the generation keeps."""
        order = self.form.cleaned_data.get("order") or "newest"
        return listing.CardPaginator(
            self.live_set(), per_page, sets=self.sets, order=order, **kwargs
        )


class NewsFilter(PublicationFilter):
    kind = model = topic = None
    fixed = {"kind": Kind.NEWS}


def query_problems(query, allowed, repeatable=()):
    """Plain-language reasons a query string cannot be answered, or an empty list."""
    problems = []
    for name in query:
        if name not in allowed and not allowed:
            problems.append(f"“{name}” is not a filter here: this page takes no parameters.")
        elif name not in allowed:
            problems.append(f"“{name}” is not a filter here. Use: {', '.join(sorted(allowed))}.")
        elif len(query.getlist(name)) > 1 and name not in repeatable:
            problems.append(f"Give “{name}” once.")
    return problems


def form_problems(form: forms.Form):
    return [
        f"{form.fields[name].label or name}: {' '.join(errors)}"
        for name, errors in form.errors.items()
    ]
