"""Lists show what the filters select, live publications only, in the order asked for."""

import itertools
import random
from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from catalog.filters import PublicationFilter
from catalog.models import Committee, Kind, Label, Practice, Publication, Stage, Status
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
    years = sorted({timezone.localtime(p.published_at).year for p in mixed["publications"]})
    return {
        "kind": ["", *Kind.values],
        "label": ["", *Label.values],
        "year": ["", *map(str, years)],
        "model": ["", *(m.slug for m in mixed["ai_models"][:3])],
        "topic": ["", *(t.slug for t in mixed["topics"][:2])],
    }


def is_visible(publication, now):
    return publication.status == Status.PUBLISHED and publication.published_at <= now


def matches(publication, chosen):
    """Whether a publication has every chosen filter value, said without the ORM."""
    checks = {
        "kind": lambda value: publication.kind == value,
        "label": lambda value: publication.label == value,
        "year": lambda value: timezone.localtime(publication.published_at).year == int(value),
        "model": lambda value: value in {m.slug for m in publication.ai_models.all()},
        "topic": lambda value: value in {t.slug for t in publication.topics.all()},
    }
    return all(checks[name](value) for name, value in chosen.items())


def listed(client, url):
    """The keys of every publication a list shows, page after page, and its count."""
    keys, page, count = [], 1, None
    while True:
        response = client.get(f"{url}{'&' if '?' in url else '?'}page={page}")
        assert response.status_code == 200, url
        page_obj = response.context_data["page_obj"]
        count = page_obj.paginator.count
        keys += [publication.pk for publication in page_obj.object_list]
        if not page_obj.has_next():
            return keys, count
        page += 1


def test_every_filter_combination_lists_the_live_publications_that_match(client, mixed):
    now = timezone.now()
    choices = filter_choices(mixed)
    combinations = list(itertools.product(*choices.values()))
    for values in random.Random(3).sample(combinations, 40):
        chosen = {name: value for name, value in zip(choices, values, strict=True) if value}
        query = "&".join(f"{name}={value}" for name, value in chosen.items())

        keys, count = listed(client, f"/publications/?{query}")

        expected = [
            p.pk for p in mixed["publications"] if is_visible(p, now) and matches(p, chosen)
        ]
        assert sorted(keys) == sorted(expected), query
        assert count == len(expected), query


def test_the_news_list_counts_news_only(client, mixed):
    now = timezone.now()

    keys, count = listed(client, "/news/?label=safety")

    expected = [
        p.pk
        for p in mixed["publications"]
        if is_visible(p, now) and p.kind == Kind.NEWS and p.label == Label.SAFETY
    ]
    assert sorted(keys) == sorted(expected)
    assert count == len(expected)


def test_only_live_ai_models_and_topics_can_be_chosen(mixed):
    draft_model, future_topic = mixed["ai_models"][3], mixed["topics"][2]

    for name, slug in [("model", draft_model.slug), ("topic", future_topic.slug)]:
        found = PublicationFilter(QueryDict(f"{name}={slug}"), Publication.objects.live())
        assert not found.is_valid()


def newest_first(publications, now):
    visible = [p for p in publications if is_visible(p, now)]
    return [p.pk for p in sorted(visible, key=lambda p: (p.published_at, p.pk), reverse=True)]


def test_detail_pages_list_their_live_publications_newest_first(client, mixed):
    now = timezone.now()
    practice, committee = mixed["practice"], mixed["committee"]
    pages = [
        (practice.get_absolute_url(), practice.publications.all()),
        (committee.get_absolute_url(), committee.publications.all()),
        *((m.get_absolute_url(), m.publications.all()) for m in mixed["ai_models"][:3]),
        *((t.get_absolute_url(), t.publications.all()) for t in mixed["topics"][:2]),
    ]
    for url, linked in pages:
        keys, count = listed(client, url)

        assert keys == newest_first(linked, now), url
        assert count == len(keys)


ORDER_KEYS = {
    "newest": lambda p: (-p.published_at.timestamp(), -p.pk),
    "oldest": lambda p: (p.published_at, p.pk),
    "title": lambda p: (p.title, p.pk),
}


@pytest.mark.parametrize("order", ["newest", "oldest", "title"])
def test_every_ordering_pages_what_the_filters_select(client, mixed, order):
    now = timezone.now()
    model, topic = mixed["ai_models"][1], mixed["topics"][1]
    for query in ["", "kind=research", f"model={model.slug}", f"topic={topic.slug}&label=product"]:
        chosen = dict(pair.split("=") for pair in query.split("&") if pair)

        keys, _ = listed(client, f"/publications/?{query}&order={order}")

        expected = [p for p in mixed["publications"] if is_visible(p, now) and matches(p, chosen)]
        assert keys == [p.pk for p in sorted(expected, key=ORDER_KEYS[order])], query


def test_cards_show_only_live_ai_models_by_name(client, mixed):
    now = timezone.now()
    for page in (1, 2):
        response = client.get(f"/publications/?page={page}")

        for card in response.context_data["page_obj"].object_list:
            models = Publication.objects.get(pk=card.pk).ai_models.all()
            expected = sorted(m.name for m in models if is_visible(m, now))
            assert [model.name for model in card.live_ai_models] == expected


def test_related_publications_are_the_newest_sharing_a_live_model_or_topic(client, mixed):
    now = timezone.now()
    for publication in mixed["publications"][:20]:
        if not is_visible(publication, now):
            continue
        models = {m.pk for m in publication.ai_models.all() if is_visible(m, now)}
        topics = {t.pk for t in publication.topics.all() if is_visible(t, now)}
        sharing = [
            p
            for p in mixed["publications"]
            if p.pk != publication.pk
            and (
                models & {m.pk for m in p.ai_models.all()}
                or topics & {t.pk for t in p.topics.all()}
            )
        ]

        response = client.get(publication.get_absolute_url())

        related = [p.pk for p in response.context_data["related"]]
        assert related == newest_first(sharing, now)[:4]
