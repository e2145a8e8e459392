"""The feeds are the XML Django's own feed view makes of live publications, item for item."""

from datetime import timedelta

import pytest
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from catalog import feeds
from catalog.models import AIModel, Kind, Label, Publication, Status, Topic
from tests.factories import make_model, make_publication, make_topic

pytestmark = pytest.mark.django_db


class DjangoMadeFeed(Feed):
    """The publication feed as Django's stock get_feed makes it with our generators: the oracle."""

    feed_type = feeds.RssFeed
    title = "Safety Hub: publications"
    description = "System cards, addenda, frameworks and news from the Safety Hub."

    def link(self):
        return reverse("catalog:publication_list")

    def items(self):
        return Publication.objects.live()[: feeds.FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_categories(self, item):
        return [item.get_kind_display()] + ([item.get_label_display()] if item.label else [])


class DjangoMadeAtomFeed(DjangoMadeFeed):
    feed_type = feeds.AtomFeed
    subtitle = DjangoMadeFeed.description


class DjangoMadeModelFeed(DjangoMadeFeed):
    def get_object(self, request, slug):
        return get_object_or_404(AIModel.objects.live(), slug=slug)

    def title(self, obj):
        return f"Safety Hub: publications about {obj.name}"

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return Publication.objects.live().filter(ai_models=obj)[: feeds.FEED_SIZE]


class DjangoMadeTopicAtomFeed(DjangoMadeAtomFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Topic.objects.live(), slug=slug)

    def title(self, obj):
        return f"Safety Hub: {obj.name}"

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return Publication.objects.live().filter(topics=obj)[: feeds.FEED_SIZE]


@pytest.fixture
def content():
    model, topic = make_model(slug="o3"), make_topic(slug="bias")
    now = timezone.now()
    for n in range(40):
        publication = make_publication(
            title=f"Card <{n}> & “more”",
            summary=f"Summary {n} with <b>markup</b> & an ampersand.",
            kind=[Kind.SYSTEM_CARD, Kind.NEWS, Kind.RESEARCH][n % 3],
            label=[Label.SAFETY, ""][n % 2],
            status=Status.PUBLISHED if n % 5 else Status.DRAFT,
            published_at=now - timedelta(hours=n) if n % 7 else now + timedelta(days=1),
        )
        if n % 2:
            publication.ai_models.add(model)
        if n % 3:
            publication.topics.add(topic)
    return {"model": model, "topic": topic}


@pytest.mark.parametrize(
    "ours, oracle, path, kwargs",
    [
        (feeds.PublicationFeed, DjangoMadeFeed, "/feeds/publications.rss", {}),
        (feeds.AtomPublicationFeed, DjangoMadeAtomFeed, "/feeds/publications.atom", {}),
        (feeds.AIModelPublicationFeed, DjangoMadeModelFeed, "/models/o3/feed.rss", {"slug": "o3"}),
        (
            feeds.AtomTopicPublicationFeed,
            DjangoMadeTopicAtomFeed,
            "/topics/bias/feed.atom",
            {"slug": "bias"},
        ),
    ],
)
def test_a_feed_is_what_djangos_feed_view_makes(content, ours, oracle, path, kwargs):
    request = RequestFactory().get(path)

    made, expected = ours()(request, **kwargs), oracle()(request, **kwargs)

    assert made.content == expected.content
    assert made["Content-Type"] == expected["Content-Type"]
    assert made["Last-Modified"] == expected["Last-Modified"]
    assert made.content.count(b"<item>") + made.content.count(b"<entry>") > 5


def test_the_feed_of_an_unpublished_model_is_not_found(client):
    make_model(slug="secret", status=Status.DRAFT)

    assert client.get("/models/secret/feed.rss").status_code == 404
    assert client.get("/models/no-such-model/feed.atom").status_code == 404
