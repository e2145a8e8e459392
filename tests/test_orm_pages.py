"""Pages read the database on every render: what they show is never older than its rows."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from catalog.models import Conversation, HubPage, Kind, Publication, Status
from tests.factories import make_hub_page, make_model, make_publication, make_topic

pytestmark = pytest.mark.django_db


def test_a_scheduled_conversation_is_listed_from_its_date(client):
    goes_live = timezone.now() + timedelta(hours=1)
    Conversation.objects.create(
        title="Scheduled talk",
        slug="scheduled-talk",
        status=Status.PUBLISHED,
        published_at=goes_live,
    )

    before = client.get("/conversations/").content.decode()
    with time_machine.travel(goes_live + timedelta(minutes=1)):
        after = client.get("/conversations/").content.decode()

    assert "Scheduled talk" not in before
    assert "Scheduled talk" in after


@pytest.mark.usefixtures("page_cache_off")
def test_a_publication_unpublished_without_signals_leaves_every_page_at_once(client):
    model, topic = make_model(), make_topic()
    card = make_publication(title="Withdrawn card")
    card.ai_models.add(model)
    card.topics.add(topic)
    news = make_publication(title="Withdrawn news", kind=Kind.NEWS)
    make_hub_page()
    pages = ["/", "/publications/", "/news/", model.get_absolute_url(), topic.get_absolute_url()]
    pages += ["/feeds/publications.rss", "/sitemap-publications.xml", "/topics/"]
    for url in pages:
        client.get(url)

    # update() sends no signal: nothing but the database knows of the change.
    Publication.objects.filter(pk__in=[card.pk, news.pk]).update(status=Status.DRAFT)

    for url in pages:
        body = client.get(url).content.decode()
        assert "Withdrawn" not in body, url
        assert "/publications/publication-" not in body, url
    assert "0 publications" in client.get("/topics/").content.decode()


@pytest.mark.usefixtures("page_cache_off")
def test_the_hub_shows_an_edit_made_without_signals_on_the_next_request(client):
    make_hub_page(title="Safety at every step")
    client.get("/")

    HubPage.objects.update(title="Safety, renamed")

    assert "Safety, renamed" in client.get("/").content.decode()
