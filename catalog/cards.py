"""Publications as lists show them: cards of a few columns, read by key.

A card shows a publication's title, kind, label, date, summary (or a search's snippet) and
live AI models: a page reads those columns only, and the models' keys in one written-out query,
not model instances through Django's prefetch machinery. The site's lists (catalog/listing.py)
and the search's results (catalog/search.py) both show them.
"""

from datetime import UTC
from typing import NamedTuple

from django.db import connection

from catalog.models import KIND_LABELS, LABEL_LABELS, Publication, slug_urls

CARD_COLUMNS = ["pk", "title", "slug", "kind", "label", "summary", "published_at"]


def fetch(sql, params=()) -> list[tuple]:
    """The rows of a written-out query."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def marks(values) -> str:
    """Placeholders for a list of values in SQL."""
    return ", ".join(["%s"] * len(values))


class Link(NamedTuple):
    """An item as lists of names link it: its name and address, read as two columns."""

    name: str
    url: str

    def get_absolute_url(self):
        return self.url


def links(rows, viewname) -> list[Link]:
    """Links from (name, slug) rows to the items' pages."""
    url = slug_urls(viewname)
    return [Link(name, url(slug)) for name, slug in rows]


class PublicationCard:
    """A publication as lists show it, read as columns: the model instances the ORM builds for
    twenty rows took as long as the query. The address and labels are worked out as it is
    made, so a template reads attributes rather than calling methods."""

    __slots__ = [*CARD_COLUMNS, "url", "kind_display", "label_display", "live_ai_models", "snippet"]

    def __init__(self, pk, title, slug, kind, label, summary, published_at, *, url):
        self.pk, self.title, self.slug, self.kind, self.label = pk, title, slug, kind, label
        self.summary, self.published_at, self.url = summary, published_at, url
        self.kind_display = KIND_LABELS.get(kind, kind)
        self.label_display = LABEL_LABELS.get(label, label)
        self.live_ai_models = []
        self.snippet = ""  # a search result's highlighted match

    def get_absolute_url(self):
        return self.url


def live_publication_cards():
    """Live publications, newest first, as rows of the columns their cards show."""
    return Publication.objects.live().values_list(*CARD_COLUMNS)


def publication_cards(rows) -> list[PublicationCard]:
    url = slug_urls("catalog:publication_detail")
    return [PublicationCard(*row, url=url(row[2])) for row in rows]


def cards_with_models(rows, sets) -> list[PublicationCard]:
    """Cards of the rows, each with `live_ai_models`: links to its live AI models, by name, as
    the search's sets of the generation hold them (`FacetSets.models_of`), with no query."""
    cards = publication_cards(rows)
    url = slug_urls("catalog:model_detail")
    model_links = {}
    for card, models in zip(cards, sets.models_of([card.pk for card in cards]), strict=True):
        for model in models:
            if model.pk not in model_links:
                model_links[model.pk] = Link(model.name, url(model.slug))
            card.live_ai_models.append(model_links[model.pk])
    return cards


def by_name(item):
    return item.name


CARD_ROWS = (
    f"SELECT id, {', '.join(CARD_COLUMNS[1:])} FROM {Publication._meta.db_table} WHERE id IN ({{}})"
)


def card_rows(keys):
    """The card rows of these keys of live publications, in the keys' order. The keys were
    found live (in a set of this generation, or by a live list's query), so the query need not
    ask again; written out, it takes a tenth of the time the ORM took to build it."""
    if not keys:
        return []
    found = {row[0]: row for row in fetch(CARD_ROWS.format(marks(keys)), keys)}
    return [aware_date(found[pk]) for pk in keys if pk in found]


def aware_date(row):
    """A card row with its date in UTC, as Django gives it: SQLite's driver gives it without
    a time zone (Django stores UTC there); PostgreSQL's with."""
    if row[6].tzinfo is None:
        return (*row[:6], row[6].replace(tzinfo=UTC))
    return row
