"""The small things of issue #17: labels, the delete confirmation's names, one date format, a
preview link without a history entry, a preview's relations, 410 for archived items, and the
autocomplete's order."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from reversion.models import Version

from catalog.models import AIModel, Committee, Conversation, HubPage, Publication, Topic
from editorial.models import PreviewLink, Status
from editorial.previews import preview_link_create
from editorial.workflow import moment
from tests.admin_forms import form_data
from tests.factories import make_hub_page, make_model, make_publication, make_topic

pytestmark = pytest.mark.django_db


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_the_hub_page_form_labels_read_as_sentences(admin_client):
    make_hub_page()

    html = admin_client.get(admin_url(HubPage, "change", 1)).content.decode()

    assert "Heading of Go deeper:" in html
    assert "Evaluations link address:" in html
    assert "“go deeper” heading" not in html
    assert "Evaluations link url" not in html


def test_the_delete_confirmation_names_each_link(admin_client):
    model = make_model(name="GPT-5")
    card = make_publication(title="GPT-5 System Card")
    card.ai_models.add(model)

    html = admin_client.get(admin_url(Publication, "delete", card.pk)).content.decode()

    assert "“GPT-5 System Card” – GPT-5" in html
    assert "object (" not in html


def test_dates_read_the_same_in_the_list_the_form_and_the_workflow(admin_client):
    when = datetime.datetime(2025, 9, 30, 14, 5, tzinfo=datetime.UTC)
    card = make_publication(title="Dated", published_at=when)

    listed = admin_client.get(admin_url(Publication, "changelist")).content.decode()
    history = admin_client.get(admin_url(Publication, "history", card.pk)).content.decode()

    assert moment(when) == "30 Sep 2025, 14:05 UTC"
    assert "30 Sep 2025" in listed
    assert "Sept." not in listed + history


def test_a_preview_link_on_an_unchanged_form_adds_no_history_entry(editor_client):
    draft = make_publication(status=Status.DRAFT, title="Draft card")
    page = editor_client.get(admin_url(Publication, "change", draft.pk))
    versions_before = Version.objects.get_for_object(draft).count()
    data = form_data(page, "publication_form", _preview_link="Save and create a preview link")

    response = editor_client.post(admin_url(Publication, "change", draft.pk), data, follow=True)

    assert response.status_code == 200
    assert PreviewLink.objects.get().target == draft
    assert not LogEntry.objects.filter(change_message__contains="No fields changed").exists()
    assert not LogEntry.objects.filter(change_message="[]").exists()
    history = editor_client.get(admin_url(Publication, "history", draft.pk)).content.decode()
    assert "No fields changed" not in history
    assert Version.objects.get_for_object(draft).count() <= max(versions_before, 1)


def test_a_preview_link_on_a_changed_form_saves_the_change(editor_client):
    draft = make_publication(status=Status.DRAFT, title="Draft card")
    page = editor_client.get(admin_url(Publication, "change", draft.pk))
    data = form_data(
        page, "publication_form", title="Draft card, v2", _preview_link="Save and create a link"
    )

    editor_client.post(admin_url(Publication, "change", draft.pk), data)

    draft.refresh_from_db()
    assert draft.title == "Draft card, v2"
    assert PreviewLink.objects.filter(object_id=draft.pk).exists()
    assert LogEntry.objects.filter(object_id=str(draft.pk)).exists()


def test_a_preview_shows_the_ai_models_still_in_review_and_visitors_never_do(client, editor):
    reviewed = make_model(name="Model in review", status=Status.REVIEW)
    live_model = make_model(name="Live model")
    archived = make_model(name="Archived model", status=Status.ARCHIVED)
    topic = make_topic(name="Topic in draft", status=Status.DRAFT)
    draft = make_publication(title="Draft card", status=Status.DRAFT)
    live = make_publication(title="Live card")
    for card in (draft, live):
        card.ai_models.add(reviewed, live_model, archived)
        card.topics.add(topic)
    link = preview_link_create(target=draft, user=editor)

    preview = client.get(link.get_absolute_url()).content.decode()
    visitor = client.get(live.get_absolute_url()).content.decode()

    assert "Model in review" in preview and "Live model" in preview
    assert "Topic in draft" in preview
    assert "Archived model" not in preview
    assert "Live model" in visitor
    assert "Model in review" not in visitor and "Topic in draft" not in visitor


def archived_item(model):
    fields = {"status": Status.ARCHIVED}
    if model is Publication:
        return make_publication(**fields)
    if model is AIModel:
        return make_model(name="Old model", **fields)
    if model is Topic:
        return make_topic(**fields)
    if model is Committee:
        return Committee.objects.create(name="Old committee", slug="oc", mandate="M.", **fields)
    return Conversation.objects.create(title="Old talk", slug="old-talk", **fields)


@pytest.mark.parametrize(
    "model", [Publication, AIModel, Topic, Committee, Conversation], ids=lambda m: m.__name__
)
def test_an_archived_item_is_gone_not_missing(client, model):
    item = archived_item(model)

    response = client.get(item.get_absolute_url())

    assert response.status_code == 410
    assert "This page has been removed" in response.content.decode()


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW])
def test_an_unpublished_item_is_still_not_found(client, status):
    assert client.get(make_publication(status=status).get_absolute_url()).status_code == 404
    assert client.get("/publications/no-such-thing/").status_code == 404


def test_the_autocomplete_puts_names_that_start_with_the_text_first(admin_client):
    from catalog.models import Practice, Stage

    stage = Stage.objects.create(name="Build", slug="build", position=0)
    Practice.objects.create(
        stage=stage, name="Filter data", slug="filter-data", position=0,
        description="Training data is filtered to reduce harmful content.",
    )  # fmt: skip
    Practice.objects.create(stage=stage, name="Preparedness evals", slug="prep", position=1)
    Practice.objects.create(stage=stage, name="Red teaming", slug="red-teaming", position=2)

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "red",
            "app_label": "catalog",
            "model_name": "publication",
            "field_name": "practices",
        },
    )

    names = [result["text"] for result in response.json()["results"]]
    assert names == ["Red teaming", "Preparedness evals", "Filter data"]
