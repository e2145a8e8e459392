from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import AIModel, Committee, Conversation, Publication, Status, Topic
from tests.factories import make_model, make_publication, make_topic

pytestmark = pytest.mark.django_db


def test_past_dated_published_publication_is_live():
    publication = make_publication(published_at=timezone.now() - timedelta(minutes=1))

    assert list(Publication.objects.live()) == [publication]


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW, Status.ARCHIVED])
def test_unpublished_publication_is_not_live(status):
    make_publication(status=status)

    assert not Publication.objects.live().exists()


def test_future_dated_publication_is_not_live_until_its_date():
    make_publication(published_at=timezone.now() + timedelta(minutes=5))

    assert not Publication.objects.live().exists()


REQUIRED_FIELDS = {
    AIModel: lambda n: {"name": f"model-{n}", "slug": f"model-{n}"},
    Topic: lambda n: {"name": f"Topic {n}", "slug": f"topic-{n}"},
    Committee: lambda n: {"name": f"Committee {n}", "slug": f"committee-{n}", "mandate": "."},
    Conversation: lambda n: {"title": f"Talk {n}", "slug": f"talk-{n}"},
}


@pytest.mark.parametrize("model", REQUIRED_FIELDS)
def test_every_content_type_shows_only_published_past_items(model):
    now = timezone.now()
    live = model.objects.create(
        **REQUIRED_FIELDS[model](1), status=Status.PUBLISHED, published_at=now
    )
    model.objects.create(**REQUIRED_FIELDS[model](2), status=Status.DRAFT, published_at=now)
    model.objects.create(
        **REQUIRED_FIELDS[model](3),
        status=Status.PUBLISHED,
        published_at=now + timedelta(hours=1),
    )

    assert list(model.objects.live()) == [live]


def test_draft_publication_page_is_not_found(client):
    draft = make_publication(status=Status.DRAFT)

    assert client.get(draft.get_absolute_url()).status_code == 404


def test_future_publication_page_is_not_found(client):
    scheduled = make_publication(published_at=timezone.now() + timedelta(days=1))

    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_draft_model_page_is_not_found(client):
    draft = make_model(status=Status.DRAFT)

    assert client.get(draft.get_absolute_url()).status_code == 404


def test_model_page_lists_only_live_publications(client):
    model = make_model()
    make_publication(title="Visible card").ai_models.add(model)
    make_publication(title="Secret draft", status=Status.DRAFT).ai_models.add(model)
    make_publication(
        title="Scheduled card", published_at=timezone.now() + timedelta(days=1)
    ).ai_models.add(model)

    html = client.get(model.get_absolute_url()).content.decode()

    assert "Visible card" in html
    assert "Secret draft" not in html
    assert "Scheduled card" not in html


def test_publication_page_hides_draft_topics_and_models(client):
    publication = make_publication()
    publication.topics.add(make_topic(name="Draft topic", status=Status.DRAFT))
    publication.ai_models.add(make_model(name="draft-model", status=Status.DRAFT))

    html = client.get(publication.get_absolute_url()).content.decode()

    assert "Draft topic" not in html
    assert "draft-model" not in html


def test_addendum_page_hides_a_draft_parent(client):
    parent = make_publication(title="Unreleased card", status=Status.DRAFT)
    addendum = make_publication(kind="addendum", parent=parent)

    html = client.get(addendum.get_absolute_url()).content.decode()

    assert "Unreleased card" not in html
