"""The editorial workflow in the admin: states, the Editors and Publishers roles, and bulk moves.

Forms are posted as the admin renders them (tests/admin_forms.py), so a test that changes one
field sends everything else a browser would.
"""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from catalog.models import AIModel, Committee, Conversation, Publication, Status, Topic
from editorial.roles import EDITORS, PUBLISHERS
from tests.admin_forms import form_data
from tests.factories import make_model, make_publication

pytestmark = pytest.mark.django_db

PUBLISHABLE = [Publication, AIModel, Topic, Committee, Conversation]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def add_form(client, **changes):
    """A new publication's add form, filled in, as the browser would post it."""
    page = client.get(admin_url(Publication, "add"))
    assert page.status_code == 200
    fields = {"title": "GPT-6 System Card", "slug": "gpt-6-system-card", "summary": "What."}
    return form_data(page, "publication_form", **{**fields, **changes})


def change_form(client, item, **changes):
    page = client.get(admin_url(type(item), "change", item.pk))
    assert page.status_code == 200
    return form_data(page, f"{type(item)._meta.model_name}_form", **changes)


# Roles.


def test_the_migration_makes_the_editors_and_publishers_groups():
    editors = Group.objects.get(name=EDITORS)
    publishers = Group.objects.get(name=PUBLISHERS)

    editor_codenames = set(editors.permissions.values_list("codename", flat=True))
    publisher_codenames = set(publishers.permissions.values_list("codename", flat=True))
    assert {"add_publication", "change_publication", "view_hubpage"} <= editor_codenames
    assert not {c for c in editor_codenames if c.startswith("publish_")}
    assert "change_hubpage" not in editor_codenames
    assert {f"publish_{model._meta.model_name}" for model in PUBLISHABLE} <= publisher_codenames


def test_an_editor_saves_a_draft_and_sends_it_for_review(editor_client):
    response = editor_client.post(admin_url(Publication, "add"), add_form(editor_client))

    assert response.status_code == 302
    publication = Publication.objects.get(slug="gpt-6-system-card")
    assert publication.status == Status.DRAFT

    response = editor_client.post(
        admin_url(Publication, "change", publication.pk),
        change_form(editor_client, publication, status=Status.REVIEW),
    )

    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.status == Status.REVIEW


def test_an_editor_is_offered_only_draft_and_review(editor_client):
    page = editor_client.get(admin_url(Publication, "add"))

    choices = dict(page.context["adminform"].form.fields["status"].choices)
    assert set(choices) == {Status.DRAFT, Status.REVIEW}


@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.ARCHIVED])
def test_an_editors_crafted_post_cannot_publish_a_new_item(editor_client, status):
    data = add_form(editor_client, status=status)

    response = editor_client.post(admin_url(Publication, "add"), data)

    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert not Publication.objects.exists()


def test_an_editors_crafted_post_cannot_publish_a_draft(editor_client):
    draft = make_publication(status=Status.DRAFT)
    data = change_form(editor_client, draft, status=Status.PUBLISHED)

    response = editor_client.post(admin_url(Publication, "change", draft.pk), data)

    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_the_form_itself_refuses_publishing_without_the_permission(editor):
    """Whatever the choices offered, the form's own validation holds the rule."""
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = editor
    form_class = admin.site._registry[Publication].get_form(request)
    form = form_class(
        data={
            "title": "A",
            "slug": "a",
            "kind": "system_card",
            "summary": "S",
            "status": Status.REVIEW,
            "published_at_0": "2025-01-01",
            "published_at_1": "00:00",
        }
    )
    form.fields["status"].choices = Status.choices  # as if the choices were not narrowed
    form.data = {**form.data, "status": Status.PUBLISHED}

    assert not form.is_valid()
    assert "Only a publisher can publish" in str(form.errors["status"])


def test_a_publisher_publishes_from_the_form(publisher_client):
    data = add_form(publisher_client, status=Status.PUBLISHED)

    response = publisher_client.post(admin_url(Publication, "add"), data)

    assert response.status_code == 302
    assert Publication.objects.get().status == Status.PUBLISHED


# A published item's changes by an editor are kept as a draft: tests/test_drafts_of_live.py.
@pytest.mark.parametrize("status", [Status.ARCHIVED])
def test_an_editor_sees_an_archived_item_read_only_and_cannot_post_to_it(editor_client, status):
    item = make_publication(status=status, title="Live card")
    url = admin_url(Publication, "change", item.pk)

    page = editor_client.get(url)
    response = editor_client.post(url, {"title": "Changed", "status": Status.DRAFT})

    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert response.status_code == 403
    item.refresh_from_db()
    assert (item.title, item.status) == ("Live card", status)


def test_an_editor_cannot_delete_a_published_item_but_can_delete_a_draft(editor_client):
    live = make_publication(title="Live")
    draft = make_publication(title="Draft", status=Status.DRAFT)

    refused = editor_client.post(admin_url(Publication, "delete", live.pk), {"post": "yes"})
    allowed = editor_client.post(admin_url(Publication, "delete", draft.pk), {"post": "yes"})

    assert refused.status_code == 403
    assert allowed.status_code == 302
    assert list(Publication.objects.all()) == [live]


def test_an_editor_cannot_bulk_delete_a_published_item(editor_client):
    live = make_publication(title="Live")
    draft = make_publication(title="Draft", status=Status.DRAFT)

    editor_client.post(
        admin_url(Publication, "changelist"),
        {"action": "delete_selected", "_selected_action": [live.pk, draft.pk], "post": "yes"},
    )

    assert Publication.objects.filter(pk=live.pk).exists()


def test_an_editor_cannot_change_an_archived_models_aliases_inline(editor_client):
    # A published model's aliases are changed in a draft: tests/test_drafts_of_live.py.
    model = make_model(name="o3", slug="o3", status=Status.ARCHIVED)

    page = editor_client.get(admin_url(AIModel, "change", model.pk))

    [aliases, lineage] = page.context["inline_admin_formsets"]
    assert not aliases.has_add_permission and not aliases.has_change_permission


def test_an_editor_gets_no_editable_columns_in_the_list(editor_client):
    Topic.objects.create(name="Bias", slug="bias", status=Status.PUBLISHED)

    page = editor_client.get(admin_url(Topic, "changelist"))

    assert page.context["cl"].list_editable == ()


# States in the lists and on the form.


def test_the_publication_list_shows_state_badges(admin_client):
    now = timezone.now()
    make_publication(title="Later one", published_at=now + timedelta(days=3))
    make_publication(title="Draft one", status=Status.DRAFT)
    make_publication(title="Live one")

    html = admin_client.get(admin_url(Publication, "changelist")).content.decode()

    assert '<span class="status-badge status-scheduled">Scheduled for ' in html
    assert '<span class="status-badge status-draft">Draft</span>' in html
    assert '<span class="status-badge status-live">Live</span>' in html


@pytest.mark.parametrize(
    "state, expected",
    [
        ("scheduled", {"Later one"}),
        ("live", {"Live one"}),
        ("draft", {"Draft one"}),
        ("review", {"Review one"}),
        ("archived", {"Old one"}),
    ],
)
def test_the_status_filter_tells_scheduled_from_live(admin_client, state, expected):
    now = timezone.now()
    make_publication(title="Live one", published_at=now - timedelta(days=1))
    make_publication(title="Later one", published_at=now + timedelta(days=3))
    make_publication(title="Draft one", status=Status.DRAFT)
    make_publication(title="Review one", status=Status.REVIEW)
    make_publication(title="Old one", status=Status.ARCHIVED)

    response = admin_client.get(admin_url(Publication, "changelist"), {"state": state})

    assert {str(row) for row in response.context["cl"].result_list} == expected


@pytest.mark.parametrize("model", PUBLISHABLE, ids=lambda model: model.__name__)
def test_every_content_type_with_a_status_has_the_badge_and_filter(admin_client, model):
    response = admin_client.get(admin_url(model, "changelist"), {"state": "scheduled"})

    assert response.status_code == 200
    assert "status_badge" in response.context["cl"].list_display
    assert "Scheduled" in response.content.decode()  # the filter's choice


def test_the_change_form_says_when_a_scheduled_item_goes_live(admin_client):
    moment = timezone.now() + timedelta(days=3)
    item = make_publication(published_at=moment)

    html = admin_client.get(admin_url(Publication, "change", item.pk)).content.decode()

    assert f"Scheduled for {moment:%-d %b %Y}" in html
    assert "it goes live then by itself" in html


def test_a_scheduled_item_goes_live_at_its_time_and_not_before(client):
    moment = timezone.now() + timedelta(hours=2)
    item = make_publication(title="Scheduled card", published_at=moment)
    url = item.get_absolute_url()

    with time_machine.travel(moment - timedelta(minutes=1), tick=False):
        before = client.get(url)
        listed_before = "Scheduled card" in client.get("/publications/").content.decode()
    with time_machine.travel(moment + timedelta(minutes=1), tick=False):
        after = client.get(url)
        listed_after = "Scheduled card" in client.get("/publications/").content.decode()

    assert before.status_code == 404 and not listed_before
    assert after.status_code == 200 and listed_after


# Bulk moves.


def test_bulk_actions_are_offered_to_publishers_only(editor_client, publisher_client):
    make_publication()
    url = admin_url(Publication, "changelist")

    editor_actions = dict(editor_client.get(url).context["action_form"].fields["action"].choices)
    publisher_actions = dict(
        publisher_client.get(url).context["action_form"].fields["action"].choices
    )

    bulk = {"publish_selected", "unpublish_selected", "archive_selected"}
    assert not bulk & set(editor_actions)
    assert bulk <= set(publisher_actions)


def test_an_editors_crafted_bulk_publish_does_nothing(editor_client):
    draft = make_publication(status=Status.DRAFT)

    editor_client.post(
        admin_url(Publication, "changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk], "post": "yes"},
    )

    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_bulk_publish_asks_for_confirmation_first(publisher_client):
    now = timezone.now()
    draft = make_publication(title="Ready", status=Status.REVIEW, published_at=now)
    later = make_publication(
        title="Embargoed", status=Status.DRAFT, published_at=now + timedelta(days=2)
    )
    url = admin_url(Publication, "changelist")

    confirmation = publisher_client.post(
        url, {"action": "publish_selected", "_selected_action": [draft.pk, later.pk]}
    )

    html = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert "goes live now" in html and "scheduled: goes live on" in html
    assert set(Publication.objects.values_list("status", flat=True)) == {"review", "draft"}

    done = publisher_client.post(url, form_data(confirmation, "status-change-form"))

    assert done.status_code == 302
    assert set(Publication.objects.values_list("status", flat=True)) == {"published"}
    assert list(Publication.objects.live()) == [draft]


@pytest.mark.parametrize(
    "action, status", [("unpublish_selected", Status.DRAFT), ("archive_selected", Status.ARCHIVED)]
)
def test_bulk_unpublish_and_archive_take_items_off_the_site(
    publisher_client, client, action, status
):
    live = make_publication(title="Live card")
    url = admin_url(Publication, "changelist")

    confirmation = publisher_client.post(url, {"action": action, "_selected_action": [live.pk]})
    publisher_client.post(url, {"action": action, "_selected_action": [live.pk], "post": "yes"})

    assert "off the site" in confirmation.content.decode()
    live.refresh_from_db()
    assert live.status == status
    # Off the site: not found once a draft, gone (410) once archived.
    expected = 410 if status == Status.ARCHIVED else 404
    assert client.get(live.get_absolute_url()).status_code == expected


def test_each_bulk_change_is_its_own_revision(publisher_client, publisher):
    from reversion.models import Version

    first, second = make_publication(status=Status.DRAFT), make_publication(status=Status.DRAFT)

    publisher_client.post(
        admin_url(Publication, "changelist"),
        {"action": "publish_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )

    for item in (first, second):
        latest = Version.objects.get_for_object(item).first()
        assert latest.revision.user == publisher
        assert latest.revision.get_comment() == "Published"
        assert latest.revision.version_set.count() == 1


# Demo users.


def test_the_demo_command_makes_an_editor_and_a_publisher_and_prints_their_passwords():
    out = StringIO()

    call_command("ensure_admin", stdout=out)

    printed = out.getvalue()
    users = get_user_model().objects
    editor, publisher = users.get(username="editor"), users.get(username="publisher")
    assert editor.is_staff and not editor.is_superuser
    assert list(editor.groups.values_list("name", flat=True)) == [EDITORS]
    assert list(publisher.groups.values_list("name", flat=True)) == [PUBLISHERS]
    for user in (editor, publisher):
        password = printed.split(f"username '{user.username}', password '")[1].split("'")[0]
        assert user.check_password(password)


def test_the_demo_command_prints_the_same_passwords_the_second_time():
    first, second = StringIO(), StringIO()

    call_command("ensure_admin", stdout=first)
    call_command("ensure_admin", stdout=second)

    password = first.getvalue().split("username 'editor', password '")[1].split("'")[0]
    assert f"username 'editor', password '{password}'" in second.getvalue()
