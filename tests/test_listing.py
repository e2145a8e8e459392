"""Lists count on the search's sets and read their rows lean: the answers the database gives."""

import itertools
import random
from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import QueryDict
from django.utils import timezone

from catalog import listing
from catalog.cards import cards_with_models, live_publication_cards
from catalog.filters import NewsFilter, PublicationFilter
from catalog.listing import CardPaginator
from catalog.models import Committee, Kind, Label, Practice, Publication, Stage, Status
from catalog.search import facet_sets
from tests.factories import make_model, make_publication, make_topic

pytestmark = pytest.mark.django_db

STATES = [
    {"status": Status.PUBLISHED, "days_ago": 1},
    {"status": Status.PUBLISHED, "days_ago": 400},
    {"status": Status.PUBLISHED, "days_ago": 800},
    {"status": Status.DRAFT, "days_ago": 3},
    {"status": Status.REVIEW, "days_ago": 3},
    {"status": Status.PUBLISHED, "days_ago": -5},  # scheduled
]


@pytest.fixture
def mixed():
    """Publications of every kind, label, state and age, linked at random to models, topics,
    practices and committees, some of which are not live themselves."""
    rng = random.Random(7)
    now = timezone.now()
    ai_models = [make_model() for _ in range(3)] + [make_model(status=Status.DRAFT)]
    topics = [make_topic() for _ in range(2)] + [make_topic(published_at=now + timedelta(1))]
    stage = Stage.objects.create(name="Test", slug="test", summary="We test.", position=1)
    practice = Practice.objects.create(stage=stage, name="Red teaming", slug="red-teaming")
    committee = Committee.objects.create(
        name="Board", slug="board", status=Status.PUBLISHED, published_at=now - timedelta(1)
    )
    publications = []
    for n in range(60):
        state = rng.choice(STATES)
        publication = make_publication(
            kind=rng.choice([Kind.SYSTEM_CARD, Kind.NEWS, Kind.RESEARCH]),
            label=rng.choice(["", *Label.values]),
            status=state["status"],
            published_at=now - timedelta(days=state["days_ago"], minutes=n),
        )
        publication.ai_models.set(rng.sample(ai_models, rng.randint(0, 2)))
        publication.topics.set(rng.sample(topics, rng.randint(0, 2)))
        if rng.random() < 0.5:
            publication.practices.add(practice)
        if rng.random() < 0.5:
            committee.publications.add(publication)
        publications.append(publication)
    return {
        "ai_models": ai_models,
        "topics": topics,
        "practice": practice,
        "committee": committee,
        "publications": publications,
    }


def filter_choices(mixed):
    years = sorted({p.published_at.year for p in mixed["publications"]})
    return {
        "kind": ["", *Kind.values],
        "label": ["", *Label.values],
        "year": ["", *map(str, years)],
        "model": ["", *(m.slug for m in mixed["ai_models"][:3])],
        "topic": ["", *(t.slug for t in mixed["topics"][:2])],
    }


def test_every_filter_combination_counts_what_the_database_lists(mixed):
    choices = filter_choices(mixed)
    combinations = list(itertools.product(*choices.values()))
    for values in random.Random(3).sample(combinations, 200):
        data = QueryDict(mutable=True)
        for name, value in zip(choices, values, strict=True):
            if value:
                data[name] = value
        found = PublicationFilter(data, queryset=live_publication_cards())
        assert found.is_valid(), found.form.errors
        assert found.live_count() == found.qs.count(), data.urlencode()


def test_the_news_list_counts_news_only(mixed):
    found = NewsFilter(QueryDict("label=safety"), queryset=live_publication_cards())
    assert found.is_valid()

    expected = Publication.objects.live().filter(kind=Kind.NEWS, label=Label.SAFETY).count()
    assert found.live_count() == found.qs.count() == expected


def test_only_live_ai_models_and_topics_can_be_chosen(mixed):
    draft_model, future_topic = mixed["ai_models"][3], mixed["topics"][2]

    for name, slug in [("model", draft_model.slug), ("topic", future_topic.slug)]:
        found = PublicationFilter(QueryDict(f"{name}={slug}"), queryset=live_publication_cards())
        assert not found.is_valid()


def test_detail_pages_list_their_live_publications_newest_first(mixed):
    sets = facet_sets()
    live = Publication.objects.live()
    practice, committee = mixed["practice"], mixed["committee"]
    cases = [
        (
            listing.link_sets(sets).practices[practice.pk] & sets.live,
            {"practices": practice},
        ),
        (
            listing.link_sets(sets).committees[committee.pk] & sets.live,
            {"committees": committee},
        ),
        *((listing.live_with(sets, model=m.pk), {"ai_models": m}) for m in mixed["ai_models"]),
        *((listing.live_with(sets, topic=t.pk), {"topics": t}) for t in mixed["topics"]),
    ]
    for bits, linked in cases:
        ours = CardPaginator(bits, 3, sets=sets)
        plain = Paginator(live.filter(**linked).values_list("pk", flat=True), 3)

        assert ours.count == plain.count
        for number in plain.page_range:
            assert [card.pk for card in ours.page(number)] == list(plain.page(number))


@pytest.mark.parametrize("order", ["newest", "oldest", "title"])
def test_the_generation_keeps_the_live_publications_in_each_order_a_list_offers(mixed, order):
    sets = facet_sets()
    ours = CardPaginator(sets.live, 4, sets=sets, order=order)
    plain = Paginator(Publication.objects.live().order_by(*listing.ORDERINGS[order]), 4)

    for number in plain.page_range:
        expected = [publication.pk for publication in plain.page(number)]
        assert [card.pk for card in ours.page(number)] == expected, number


def test_cards_show_only_live_ai_models_by_name(mixed):
    cards = cards_with_models(live_publication_cards(), facet_sets())

    for card in cards:
        expected = Publication.objects.get(pk=card.pk).ai_models.live().order_by("name")
        assert [model.name for model in card.live_ai_models] == [m.name for m in expected]


def test_publications_not_live_have_no_models_in_the_sets(mixed):
    model = make_model()
    draft = make_publication(status=Status.DRAFT)  # the newest key, past every live one
    draft.ai_models.add(model)
    hidden = Publication.objects.exclude(pk__in=Publication.objects.live()).values_list("pk")
    sets = facet_sets()

    assert sets.models_of([pk for (pk,) in hidden]) == [[] for _ in hidden]
    assert sets.models_of([]) == []


def test_related_publications_are_the_newest_sharing_a_live_model_or_topic(mixed):
    sets = facet_sets()
    for publication in mixed["publications"][:20]:
        ai_models = list(publication.ai_models.live())
        topics = list(publication.topics.live())
        addenda = list(Publication.objects.live().filter(parent=publication))
        expected = (
            Publication.objects.live()
            .filter(
                Exists(
                    Publication.ai_models.through.objects.filter(
                        publication=OuterRef("pk"), aimodel__in=ai_models
                    )
                )
                | Exists(
                    Publication.topics.through.objects.filter(
                        publication=OuterRef("pk"), topic__in=topics
                    )
                )
            )
            .exclude(pk=publication.pk)[:4]
        )

        related = listing.related_keys(
            sets, publication, ai_models, topics, leave_out=[item.pk for item in addenda]
        )

        assert related == [item.pk for item in expected]


@pytest.mark.parametrize("order", ["newest", "oldest", "title"])
def test_every_ordering_pages_what_the_filters_select(mixed, order):
    model, topic = mixed["ai_models"][1], mixed["topics"][1]
    for query in ["", "kind=research", f"model={model.slug}", f"topic={topic.slug}&label=product"]:
        found = PublicationFilter(QueryDict(f"{query}&order={order}"), live_publication_cards())
        assert found.is_valid()
        ours = found.paginator(3)
        plain = Paginator(found.qs.values_list("pk", flat=True), 3)

        assert ours.count == plain.count, query
        for number in plain.page_range:
            assert [card.pk for card in ours.page(number)] == list(plain.page(number)), query
