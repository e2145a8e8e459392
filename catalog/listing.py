"""The public site's lists of publications: counted on the search's sets, read as lean cards.

Counting a list in SQL visits every live row it holds and looks each one up to check that it is
live: 0.7 ms for the 10,000 publications of a generated hub, tens of ms for a topic or a practice
with thousands. The search already keeps, for the content's current generation, the set of live
publications and of those with each kind, label, year, AI model and topic (`FacetSets`; a change
to the content or a scheduled item going live starts a new generation), so a list's count is an
AND and a bit count; a relation the sets do not hold (practices, committees) needs only its keys
from the link table's index.

A card shows a publication's title, kind, label, date, summary and live AI models: the page reads
those columns only, and the models' names in one query, not through Django's prefetch machinery.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass
from operator import itemgetter

import numpy as np
from django.core.paginator import Paginator
from django.db import connection
from django.utils import timezone

from catalog import search
from catalog.cards import Link, card_rows, cards_with_models, fetch, marks
from catalog.models import (
    Committee,
    Determination,
    Practice,
    Publication,
    Result,
    Stage,
    Status,
    slug_urls,
)

# The orders a list offers, as the database sorts.
ORDERINGS = {
    "newest": ("-published_at", "-pk"),
    "oldest": ("published_at", "pk"),
    "title": ("title", "pk"),
}
# Written out, as are the other small reads below: the ORM spent several times as long
# building these queries as the database spent answering them.
ADDENDA = (
    f"SELECT id, parent_id FROM {Publication._meta.db_table} WHERE parent_id IS NOT NULL "
    "ORDER BY published_at DESC, id DESC"
)
PRACTICES = (
    f"SELECT practice.id, stage.name, practice.name, practice.slug "
    f"FROM {Practice._meta.db_table} practice "
    f"JOIN {Stage._meta.db_table} stage ON stage.id = practice.stage_id "
    "ORDER BY stage.position, practice.position, practice.name"
)
LIVE_COMMITTEES = (
    f"SELECT id, name, slug, mandate FROM {Committee._meta.db_table} "
    "WHERE id IN ({}) AND status = %s AND published_at <= %s"
)
ALL_LIVE_COMMITTEES = (
    f"SELECT id, name, slug FROM {Committee._meta.db_table} "
    "WHERE status = %s AND published_at <= %s ORDER BY name"
)


def linked_in_sets(sets, facet, items, pk) -> list:
    """Those of the live AI models or topics (`sets.ai_models`, `sets.topics`) that the
    publication with key `pk` is about: a bit test each, where a query would take 0.4 ms."""
    return [item for item in items if sets.values[facet].get(item.pk, 0) >> pk & 1]


def related_keys(sets, publication, ai_models, topics, *, leave_out=(), count=4):
    """The keys of the newest live publications about one of the same AI models or topics."""
    related = sets.any_of("model", [model.pk for model in ai_models])
    related |= sets.any_of("topic", [topic.pk for topic in topics])
    related &= sets.live & ~search.bits_of([publication.pk, *leave_out])
    return sets.newest_first(related, 0, count)


def live_addenda_keys(sets, publication) -> list[int]:
    """The keys of a system card's live addenda, newest first."""
    return link_indexes(sets).addenda.get(publication.pk, [])


def practice_links(sets, publication) -> list[Link]:
    """The lifecycle practices a publication belongs to, named with their stage, in order."""
    return owners_linked(link_indexes(sets).practices, link_sets(sets).practices, publication)


def live_committee_links(sets, publication) -> list[Link]:
    """The live committees a publication is linked to, by name."""
    return owners_linked(link_indexes(sets).committees, link_sets(sets).committees, publication)


def owners_linked(owners, publication_sets, publication) -> list[Link]:
    """Of the (key, link) `owners`, those whose set of publications holds this one."""
    return [link for pk, link in owners if publication_sets.get(pk, 0) >> publication.pk & 1]


def live_publication_columns(sets, keys) -> dict:
    """{key: (title, slug, summary, parent key)} of those of these publications that are live,
    and of their live parents (whose cards name them)."""
    live = [pk for pk in keys if sets.live >> pk & 1]
    columns = ["pk", "title", "slug", "summary", "parent_id"]
    rows = Publication.objects.filter(pk__in=live).values_list(*columns)
    found = {pk: rest for pk, *rest in rows}
    parents = {parent for *_, parent in found.values() if parent and sets.live >> parent & 1}
    if parents - set(found):  # a parent that is not among the keys
        rows = Publication.objects.filter(pk__in=parents - set(found)).values_list(*columns)
        found |= {pk: rest for pk, *rest in rows}
    return found


def live_committee_columns(keys) -> dict:
    """{key: (name, slug, mandate)} of those of these committees that are live."""
    if not keys:
        return {}
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = fetch(LIVE_COMMITTEES.format(marks(keys)), [*keys, Status.PUBLISHED, now])
    return {pk: rest for pk, *rest in rows}


def live_with(sets, **chosen) -> int:
    """The live publications with every one of these facet values, e.g. kind="news",
    model=<AI model key>, year=2025 (facets as catalog.search names them), as a set."""
    found = sets.live
    for facet, value in chosen.items():
        found &= sets.values[facet].get(value, 0)
    return found


def live_count(sets, **chosen) -> int:
    return live_with(sets, **chosen).bit_count()


def per_generation(make):
    """`make(sets)` once per generation of the content (the search's `sets` carry its token):
    for the small indexes pages read alongside the search's sets, made on the first request
    that needs them after a change, like those sets."""
    made = {}

    @functools.wraps(make)
    def current(sets):
        if made.get("token") != sets.token:
            made.update(token=sets.token, value=make(sets))
        return made["value"]

    return current


@dataclass(frozen=True)
class Sourced:
    """Which AI models, publications and committees live evaluation results and Preparedness
    determinations name. Their tables join half a dozen others, which takes ~2 ms to build a
    query for; a page asks for them only where there are some, and most pages have none."""

    result_models: frozenset
    result_sources: frozenset
    determination_models: frozenset
    determination_sources: frozenset
    determination_committees: frozenset


@per_generation
def live_sourced(sets) -> Sourced:
    results = list(Result.objects.live().values_list("ai_model_id", "source_id"))
    determinations = list(
        Determination.objects.live().values_list("ai_model_id", "source_id", "committee_id")
    )
    return Sourced(
        result_models=frozenset(model for model, _ in results),
        result_sources=frozenset(source for _, source in results),
        determination_models=frozenset(row[0] for row in determinations),
        determination_sources=frozenset(row[1] for row in determinations),
        determination_committees=frozenset(row[2] for row in determinations),
    )


@dataclass(frozen=True)
class LinkSets:
    """The publications linked to each practice and to each committee, as sets: the facets the
    search's sets do not hold. A practice's page otherwise read thousands of link rows."""

    practices: dict
    committees: dict


@per_generation
def link_sets(sets) -> LinkSets:
    return LinkSets(
        practices=sets_by_owner(Publication.practices.through, "practice"),
        committees=sets_by_owner(Committee.publications.through, "committee"),
    )


@dataclass(frozen=True)
class LinkIndexes:
    """What a publication's page names besides its cards: the live addenda of each system card
    (newest first), every practice (with its stage) and every live committee, in the order the
    page lists them; which of them a publication has is a bit test of `link_sets`."""

    addenda: dict
    practices: list
    committees: list


@per_generation
def link_indexes(sets) -> LinkIndexes:
    rows = fetch(ADDENDA)
    live = set(search.bits_members(sets.live & search.bits_of([pk for pk, _ in rows])))
    addenda = defaultdict(list)
    for pk, parent in rows:
        if pk in live:
            addenda[parent].append(pk)
    practice_url = slug_urls("catalog:practice_detail")
    practices = [
        (pk, Link(f"{stage}: {name}", practice_url(slug)))
        for pk, stage, name, slug in fetch(PRACTICES)
    ]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    committee_url = slug_urls("catalog:committee_detail")
    committees = [
        (pk, Link(name, committee_url(slug)))
        for pk, name, slug in fetch(ALL_LIVE_COMMITTEES, [Status.PUBLISHED, now])
    ]
    return LinkIndexes(dict(addenda), practices, committees)


def sets_by_owner(links, owner) -> dict:
    """{owner's key: set of publications} from every row of a link table."""
    meta = links._meta
    rows = fetch(
        f"SELECT {meta.get_field(owner).column}, publication_id FROM {meta.db_table} ORDER BY 1"
    )
    found = defaultdict(list)
    for owner_pk, publication_pk in rows:
        found[owner_pk].append(publication_pk)
    return {owner_pk: search.bits_of(keys) for owner_pk, keys in found.items()}


@per_generation
def live_orders(sets) -> dict:
    """The live publications in each order a list offers, as arrays of keys: newest first (the
    search's own), oldest first (its reverse) and by title, which the database sorts, once a
    generation, so that titles sort as its collation says."""
    by_title = Publication.objects.live().order_by(*ORDERINGS["title"]).values_list("pk")
    rows = fetch(*by_title.query.sql_with_params())
    return {
        "newest": sets.newest,
        "oldest": sets.newest[::-1],
        "title": np.fromiter(map(itemgetter(0), rows), dtype=np.int64, count=len(rows)),
    }


class CardPaginator(Paginator):
    """Pages of the cards of a set of live publications, in one of the orders the generation
    keeps (`live_orders`): a page's keys take no query, and its count is the set's (a query
    joining a link table sorted all of an AI model's or a practice's publications for every
    page, and counted them too)."""

    def __init__(self, bits, per_page, *, sets, order="newest", **kwargs):
        super().__init__((), per_page, **kwargs)
        self.bits, self.sets, self.order = bits, sets, order
        self.count = bits.bit_count()  # Paginator.count is a cached property: this is its value

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(cards_with_models(self.rows(bottom, top), self.sets), number, self)

    def rows(self, bottom, top):
        keys = search.in_order(live_orders(self.sets)[self.order], self.bits, bottom, top)
        return card_rows(keys)
