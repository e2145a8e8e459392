"""Previews: staff see an unpublished item at its real address; a reviewer without an account
sees it through a preview link until the link expires or is revoked."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from catalog.models import AIModel, Committee, Conversation, Publication, Status, Topic
from editorial.models import PreviewLink
from editorial.previews import preview_link_create
from tests.admin_forms import form_data
from tests.factories import make_model, make_publication, make_topic

pytestmark = pytest.mark.django_db


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def make_item(model, **fields):
    """One item of a content type with a status, as a draft unless told otherwise."""
    fields.setdefault("status", Status.DRAFT)
    if model is Publication:
        return make_publication(title="Draft card", **fields)
    if model is AIModel:
        return make_model(name="Draft model", **fields)
    if model is Topic:
        return make_topic(name="Draft topic", **fields)
    if model is Committee:
        return Committee.objects.create(name="Draft committee", slug="dc", mandate="M.", **fields)
    return Conversation.objects.create(title="Draft talk", slug="draft-talk", **fields)


PREVIEWABLE = [Publication, AIModel, Topic, Committee, Conversation]


# An archived item answers 410 Gone: tests/test_admin_small_things.py.
@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW])
def test_visitors_get_404_for_an_unpublished_item(client, status):
    item = make_publication(status=status)

    assert client.get(item.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("model", PREVIEWABLE, ids=lambda model: model.__name__)
def test_staff_see_a_draft_at_its_real_address_marked_as_a_preview(editor_client, client, model):
    item = make_item(model)

    response = editor_client.get(item.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview</strong> — not visible to visitors (draft)" in html
    assert '<meta name="robots" content="noindex">' in html
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert client.get(item.get_absolute_url()).status_code == 404


def test_a_scheduled_items_preview_says_when_it_goes_live(editor_client):
    moment = timezone.now() + timedelta(days=2)
    item = make_publication(published_at=moment)

    html = editor_client.get(item.get_absolute_url()).content.decode()

    assert f"(scheduled for {timezone.localtime(moment):%-d %b %Y, %H:%M}" in html


def test_staff_see_a_live_item_without_the_banner(editor_client):
    item = make_publication()

    response = editor_client.get(item.get_absolute_url())

    assert "not visible to visitors" not in response.content.decode()
    assert "noindex" not in response.content.decode()


def test_the_preview_looks_like_the_page_will(editor_client, publisher_client, client):
    """The same template and context: publishing changes only the banner."""
    item = make_publication(status=Status.REVIEW, body="## Findings\n\nAll good.")
    preview = editor_client.get(item.get_absolute_url()).content.decode()
    item.status = Status.PUBLISHED
    item.save()

    live = client.get(item.get_absolute_url()).content.decode()

    banner_start = preview.index('<p class="preview-banner"')
    banner_end = preview.index("</p>", banner_start) + len("</p>")
    without_banner = preview[:banner_start] + preview[banner_end:]
    without_banner = without_banner.replace('    <meta name="robots" content="noindex">\n', "")
    assert without_banner.split() == live.split()


def test_staff_without_permission_on_the_type_get_404(client, django_user_model):
    user = django_user_model.objects.create_user("guest", password="x", is_staff=True)
    client.force_login(user)
    item = make_publication(status=Status.DRAFT)

    assert client.get(item.get_absolute_url()).status_code == 404


# Preview links.


def test_an_editor_makes_a_preview_link_from_the_change_form(editor_client):
    draft = make_publication(status=Status.DRAFT, title="Draft card")
    page = editor_client.get(admin_url(Publication, "change", draft.pk))
    data = form_data(page, "publication_form", _preview_link="Save and create a preview link")

    response = editor_client.post(admin_url(Publication, "change", draft.pk), data, follow=True)

    link = PreviewLink.objects.get()
    assert link.target == draft
    assert link.token in response.content.decode()  # in the message, to copy
    assert len(link.token) >= 43  # secrets.token_urlsafe(32)
    assert "Save and create a preview link" in page.content.decode()


def test_the_change_form_of_a_live_item_offers_no_preview_link(publisher_client):
    live = make_publication()

    page = publisher_client.get(admin_url(Publication, "change", live.pk))

    assert "Save and create a preview link" not in page.content.decode()


@pytest.mark.parametrize("model", PREVIEWABLE, ids=lambda model: model.__name__)
def test_a_preview_link_shows_the_draft_to_anyone(client, editor, model):
    item = make_item(model)
    link = preview_link_create(target=item, user=editor)

    response = client.get(link.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "not visible to visitors (draft)" in html
    assert "This link works until" in html
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in html


def test_a_preview_link_works_then_expires(client, editor, settings):
    settings.PREVIEW_LINK_DAYS = 7
    draft = make_publication(status=Status.DRAFT, title="Draft card")
    link = preview_link_create(target=draft, user=editor)
    url = link.get_absolute_url()

    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        still = client.get(url)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        expired = client.get(url)

    assert still.status_code == 200 and "Draft card" in still.content.decode()
    assert expired.status_code == 410
    assert "It expired on" in expired.content.decode()
    assert "Draft card" not in expired.content.decode()


def test_a_revoked_preview_link_stops_working(client, editor, publisher_client):
    draft = make_publication(status=Status.DRAFT, title="Draft card")
    link = preview_link_create(target=draft, user=editor)
    assert client.get(link.get_absolute_url()).status_code == 200

    publisher_client.post(
        admin_url(PreviewLink, "changelist"),
        {"action": "revoke_selected", "_selected_action": [link.pk]},
    )

    response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    assert "It was revoked on" in response.content.decode()
    assert "Draft card" not in response.content.decode()


def test_an_unknown_preview_token_is_not_found(client):
    assert client.get("/preview/not-a-real-token/").status_code == 404


def test_a_preview_link_is_read_only(client, editor):
    draft = make_publication(status=Status.DRAFT)
    link = preview_link_create(target=draft, user=editor)

    assert client.post(link.get_absolute_url(), {"title": "x"}).status_code == 405


def test_a_preview_link_to_an_item_since_published_leads_to_its_page(client, editor):
    draft = make_publication(status=Status.DRAFT)
    link = preview_link_create(target=draft, user=editor)
    draft.status = Status.PUBLISHED
    draft.save()

    response = client.get(link.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()


def test_a_preview_link_shows_only_its_own_item(client, editor):
    draft = make_publication(status=Status.DRAFT, title="Shared draft")
    other = make_publication(status=Status.DRAFT, title="Secret draft")
    link = preview_link_create(target=draft, user=editor)

    html = client.get(link.get_absolute_url()).content.decode()

    assert "Shared draft" in html
    assert "Secret draft" not in html
    assert client.get(other.get_absolute_url()).status_code == 404


def test_the_change_form_lists_the_items_active_links(editor_client, editor):
    draft = make_publication(status=Status.DRAFT)
    link = preview_link_create(target=draft, user=editor)

    html = editor_client.get(admin_url(Publication, "change", draft.pk)).content.decode()

    assert link.get_absolute_url() in html
