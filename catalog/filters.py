"""The filters of the public lists; every value a visitor can put in a query string."""

import django_filters
from django import forms
from django.utils import timezone

from catalog.models import AIModel, Kind, Label, Publication, Topic
from catalog.widgets import QuickSelect

# The orders a list offers, as the database sorts.
ORDERINGS = {
    "newest": ("-published_at", "-pk"),
    "oldest": ("published_at", "pk"),
    "title": ("title", "pk"),
}


def live_ai_models(request):
    return AIModel.objects.live().only("name", "slug")


def live_topics(request):
    return Topic.objects.live().only("name", "slug")


def live_years():
    """From the newest live publication's year back to the oldest's, in the site's time zone."""
    dates = Publication.objects.live().values_list("published_at", flat=True)
    newest, oldest = dates.first(), dates.last()
    if newest is None:
        return []
    first, last = timezone.localtime(oldest).year, timezone.localtime(newest).year
    return [(str(year), str(year)) for year in range(last, first - 1, -1)]


class PublicationFilter(django_filters.FilterSet):
    """The filters of the publication lists, applied to the live publications the view gives.
    Only live AI models and topics can be chosen, by their address name."""

    kind = django_filters.ChoiceFilter(
        choices=Kind.choices, empty_label="Any kind", widget=QuickSelect
    )
    model = django_filters.ModelChoiceFilter(
        label="AI model",
        field_name="ai_models",
        to_field_name="slug",
        queryset=live_ai_models,
        empty_label="Any AI model",
        widget=QuickSelect,
    )
    topic = django_filters.ModelChoiceFilter(
        label="Topic",
        field_name="topics",
        to_field_name="slug",
        queryset=live_topics,
        empty_label="Any topic",
        widget=QuickSelect,
    )
    label = django_filters.ChoiceFilter(
        choices=Label.choices, empty_label="Any label", widget=QuickSelect
    )
    year = django_filters.ChoiceFilter(
        label="Year",
        field_name="published_at",
        lookup_expr="year",
        empty_label="Any year",
        widget=QuickSelect,
    )
    order = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[("newest", "Newest first"), ("oldest", "Oldest first"), ("title", "Title A–Z")],
        empty_label=None,
        method="order_publications",
        widget=QuickSelect,
    )

    class Meta:
        model = Publication
        fields = []

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        if "year" in self.filters:
            self.filters["year"].extra["choices"] = live_years()

    def order_publications(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS[value])


class NewsFilter(PublicationFilter):
    kind = model = topic = None


def query_problems(query, allowed, repeatable=()):
    """Plain-language reasons the query string's known parameters cannot be answered, or an
    empty list. Other parameters are no problem: pages ignore them (pagecache's
    KnownParametersMiddleware drops them)."""
    return [
        f"Give “{name}” once."
        for name in query
        if name in allowed and name not in repeatable and len(query.getlist(name)) > 1
    ]


def form_problems(form: forms.Form):
    return [
        f"{form.fields[name].label or name}: {' '.join(errors)}"
        for name, errors in form.errors.items()
    ]
