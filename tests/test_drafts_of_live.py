"""Drafts of published items (editorial/drafts.py): changes to a live item are kept beside it,
and a visitor sees the live version, everywhere, until a publisher publishes the draft.

Forms are posted as the admin renders them (tests/admin_forms.py), so a test that changes one
field sends everything else a browser would.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from catalog.models import (
    AIModel,
    AIModelAlias,
    Committee,
    Conversation,
    Publication,
    Status,
    Topic,
)
from editorial.markup import MARKDOWN_MAX_LENGTH
from editorial.models import Draft, DraftState, PreviewLink
from tests.admin_forms import form_data
from tests.factories import make_model, make_publication, make_topic

pytestmark = pytest.mark.django_db

PUBLISHABLE = [Publication, AIModel, Topic, Committee, Conversation]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def errors(response):
    form = response.context["adminform"].form
    return form.errors.as_json(), [
        (inline.formset.errors, inline.formset.non_form_errors())
        for inline in response.context["inline_admin_formsets"]
    ]


def change_page(client, item):
    page = client.get(admin_url(type(item), "change", item.pk))
    assert page.status_code == 200
    return page


def change_form(client, item, **changes):
    return form_data(change_page(client, item), f"{type(item)._meta.model_name}_form", **changes)


def save(client, item, data, **buttons):
    return client.post(admin_url(type(item), "change", item.pk), {**data, **buttons})


def save_draft(client, item, buttons=None, **changes):
    response = save(client, item, change_form(client, item, **changes), **(buttons or {}))
    assert response.status_code == 302, errors(response)
    return response


def make_item(model, **fields):
    """A live item of each content type with a status."""
    fields.setdefault("status", Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timedelta(days=1))
    if model is Publication:
        return make_publication(title="Live card", summary="The live summary.", **fields)
    if model is AIModel:
        return make_model(name="Live model", summary="The live summary.", **fields)
    if model is Topic:
        return make_topic(name="Live topic", description="The live summary.", **fields)
    if model is Committee:
        return Committee.objects.create(
            name="Live committee", slug="live", mandate="The live summary.", **fields
        )
    return Conversation.objects.create(
        title="Live talk", slug="live-talk", summary="The live summary.", **fields
    )


TEXT_FIELD = {
    Publication: "summary",
    AIModel: "summary",
    Topic: "description",
    Committee: "mandate",
    Conversation: "summary",
}


def draft_url(item, view="draft"):
    return admin_url(type(item), view, item.pk)


# Saving a draft: the live item, and every page showing it, stay as they were.


@pytest.mark.parametrize("model", PUBLISHABLE, ids=lambda model: model.__name__)
def test_an_editors_change_to_a_live_item_is_kept_as_a_draft(model, editor_client, client):
    item = make_item(model)
    field = TEXT_FIELD[model]

    save_draft(editor_client, item, **{field: "The draft summary."})

    item.refresh_from_db()
    assert getattr(item, field) == "The live summary."
    assert item.status == Status.PUBLISHED
    assert Draft.objects.get().state == DraftState.PENDING
    page = client.get(item.get_absolute_url()).content.decode()
    assert "The live summary." in page and "The draft summary." not in page
    form = change_page(editor_client, item).content.decode()
    assert "Draft changes pending — the live version is unchanged" in form
    assert "The draft summary." in form
    preview = editor_client.get(draft_url(item, "draft_preview"))
    assert preview.status_code == 200
    assert "The draft summary." in preview.content.decode()
    assert "not visible to visitors (draft changes" in preview.content.decode()
    assert "no-store" in preview["Cache-Control"]
    item.refresh_from_db()
    assert getattr(item, field) == "The live summary."


def test_visitors_see_the_live_version_on_every_page_until_the_draft_is_published(
    editor_client, publisher_client, client
):
    topic = make_topic(name="Safety", slug="safety")
    publication = make_publication(title="Live card", slug="live-card", summary="Live words.")
    publication.topics.add(topic)
    save_draft(
        editor_client,
        publication,
        title="Zanzibar card",
        slug="zanzibar-card",
        summary="Zanzibar words.",
    )
    pages = [
        publication.get_absolute_url(),
        reverse("catalog:publication_list"),
        topic.get_absolute_url(),
        reverse("search:search") + "?q=card",
        reverse("catalog:feed_rss"),
        reverse("catalog:topic_feed_rss", args=["safety"]),
        "/sitemap-publications.xml",
    ]

    for url in pages:
        html = client.get(url).content.decode()
        assert "Live card" in html or "live-card" in html, url
        assert "Zanzibar" not in html and "zanzibar" not in html, url
    assert "Live card" not in client.get(reverse("search:search") + "?q=zanzibar").content.decode()

    response = publisher_client.post(draft_url(publication, "draft_publish"))

    assert response.status_code == 302
    for url in pages[1:]:
        html = client.get(url.replace("q=card", "q=zanzibar")).content.decode()
        assert "Zanzibar" in html or "zanzibar" in html, url
    publication.refresh_from_db()
    assert publication.title == "Zanzibar card" and publication.status == Status.PUBLISHED
    assert client.get("/publications/live-card/").status_code == 301  # the old address moved
    assert Draft.objects.get().state == DraftState.PUBLISHED


def test_a_draft_keeps_links_and_the_rows_edited_on_the_page(editor_client, publisher_client):
    model = make_item(AIModel)
    AIModelAlias.objects.create(model=model, name="old-alias")
    topic, other = make_topic(name="Kept"), make_topic(name="Added")
    publication = make_publication(title="Card")
    publication.topics.add(topic)
    publication.ai_models.add(model)

    save_draft(editor_client, publication, topics=[str(topic.pk), str(other.pk)], ai_models=[])
    data = change_form(editor_client, model)
    data["aliases-0-name"] = ["new-alias"]
    response = save(editor_client, model, data)
    assert response.status_code == 302, errors(response)

    assert list(publication.topics.all()) == [topic]
    assert list(publication.ai_models.all()) == [model]
    assert list(model.aliases.values_list("name", flat=True)) == ["old-alias"]
    form = change_page(editor_client, model).content.decode()
    assert 'value="new-alias"' in form
    diff = publisher_client.get(draft_url(publication)).content.decode()
    assert "<ins>Added</ins>" in diff and "<del>Live model</del>" in diff

    publisher_client.post(draft_url(publication, "draft_publish"))
    publisher_client.post(draft_url(model, "draft_publish"))

    assert set(publication.topics.all()) == {topic, other}
    assert not publication.ai_models.exists()
    assert list(model.aliases.values_list("name", flat=True)) == ["new-alias"]


def test_the_draft_keeps_the_live_status_and_date(editor_client):
    publication = make_publication()
    page = change_page(editor_client, publication)
    data = form_data(page, "publication_form", status=Status.DRAFT)

    response = save(editor_client, publication, data)

    assert response.status_code == 302, errors(response)
    publication.refresh_from_db()
    assert publication.status == Status.PUBLISHED
    assert Version.objects.get_for_object(publication).count() == 2  # baseline and the draft
    assert "status" not in publication.__dict__.get("_changed", "")


# Review, publishing, rejecting.


def test_the_journey_send_for_review_then_publish(editor_client, publisher_client, client):
    publication = make_publication(title="Card", summary="Live words.")

    save_draft(editor_client, publication, {"_send_draft": "1"}, summary="Reviewed words.")

    draft = Draft.objects.get()
    assert draft.state == DraftState.REVIEW
    review = publisher_client.get(draft_url(publication))
    html = review.content.decode()
    assert review.status_code == 200
    assert "<del>Live </del>" in html and "<ins>Reviewed </ins>" in html
    assert "Publish the draft" in html
    assert "Live words." in client.get(publication.get_absolute_url()).content.decode()

    publisher_client.post(draft_url(publication, "draft_publish"))

    publication.refresh_from_db()
    assert publication.summary == "Reviewed words."
    assert "Reviewed words." in client.get(publication.get_absolute_url()).content.decode()
    history = publisher_client.get(admin_url(Publication, "history", publication.pk))
    html = history.content.decode()
    assert "(draft: published)" in html
    assert "Published the draft saved by editor" in html
    assert "(current)" in html
    assert publisher_client.get(draft_url(publication)).status_code == 404  # none open now


def test_the_history_shows_a_pending_draft_beside_the_live_versions(editor_client):
    publication = make_publication()
    save_draft(editor_client, publication, summary="Pending words.")

    html = editor_client.get(admin_url(Publication, "history", publication.pk)).content.decode()

    assert "(draft, pending: not live)" in html
    assert html.index("(draft, pending") < html.index("(current)")


def test_a_publisher_rejects_a_draft_and_the_live_version_stays(editor_client, publisher_client):
    publication = make_publication(summary="Live words.")
    save_draft(editor_client, publication, summary="Rejected words.")

    response = publisher_client.post(draft_url(publication, "draft_discard"))

    assert response.status_code == 302
    assert Draft.objects.get().state == DraftState.DISCARDED
    publication.refresh_from_db()
    assert publication.summary == "Live words."
    form = change_page(editor_client, publication).content.decode()
    assert "Rejected words." not in form and "Draft changes pending" not in form


def test_a_publisher_saves_as_a_draft_or_publishes_the_draft_with_the_form(publisher_client):
    publication = make_publication(summary="Live words.")

    save_draft(publisher_client, publication, {"_save_draft": "1"}, summary="Draft words.")

    publication.refresh_from_db()
    assert publication.summary == "Live words."
    form = change_form(publisher_client, publication)
    assert form["summary"] == ["Draft words."]

    response = save(publisher_client, publication, {**form, "title": ["Retitled"]})

    assert response.status_code == 302, errors(response)
    publication.refresh_from_db()
    assert (publication.title, publication.summary) == ("Retitled", "Draft words.")
    assert Draft.objects.get().state == DraftState.PUBLISHED


def test_an_invalid_publish_from_the_form_changes_nothing(editor_client, publisher_client):
    publication = make_publication(title="Card", summary="Live words.")
    save_draft(editor_client, publication, summary="Draft words.")

    response = save(
        publisher_client, publication, change_form(publisher_client, publication, title="")
    )

    assert response.status_code == 200
    publication.refresh_from_db()
    assert (publication.title, publication.summary) == ("Card", "Live words.")
    assert Draft.objects.get().is_open


def test_a_second_editors_conflicting_draft_is_refused(editor_client, publisher_client):
    publication = make_publication(summary="Live words.")
    first = change_form(editor_client, publication, summary="First editor's words.")
    second = change_form(publisher_client, publication, summary="Second's words.")

    assert save(editor_client, publication, first).status_code == 302
    response = save(publisher_client, publication, second, _save_draft="1")

    assert response.status_code == 200
    assert "after you opened it" in response.content.decode()
    assert Draft.objects.open().get().created_by.username == "editor"
    form = change_form(editor_client, publication)
    assert form["summary"] == ["First editor's words."]
    # Saved again, knowingly: the second draft replaces the first, which stays in the history.
    retry = form_data(response, "publication_form")
    assert save(publisher_client, publication, retry, _save_draft="1").status_code == 302
    assert Draft.objects.open().get().created_by.username == "publisher"
    assert Draft.objects.filter(state=DraftState.REPLACED).count() == 1


def test_deleting_an_item_discards_its_draft(editor_client, publisher_client, client):
    publication = make_publication()
    save_draft(editor_client, publication, summary="Draft words.")

    response = publisher_client.post(
        admin_url(Publication, "delete", publication.pk), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Publication.objects.exists()
    assert Draft.objects.get().state == DraftState.DISCARDED
    assert client.get(publication.get_absolute_url()).status_code in (404, 410)
    assert publisher_client.get(reverse("admin:index")).status_code == 200


def test_unpublishing_keeps_the_draft_and_shows_visitors_nothing(
    editor_client, publisher_client, client
):
    publication = make_publication(summary="Live words.")
    save_draft(editor_client, publication, summary="Draft words.")

    response = publisher_client.post(
        admin_url(Publication, "changelist"),
        {"action": "unpublish_selected", "_selected_action": [publication.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert client.get(publication.get_absolute_url()).status_code == 404
    assert Draft.objects.open().exists()
    # Not live any more: the next save is an ordinary one, the draft's words with it.
    form = change_form(editor_client, publication)
    assert form["summary"] == ["Draft words."] and form["status"] == [Status.DRAFT]
    assert save(editor_client, publication, form).status_code == 302
    publication.refresh_from_db()
    assert (publication.status, publication.summary) == (Status.DRAFT, "Draft words.")
    assert not Draft.objects.open().exists()


def test_a_preview_link_shows_the_draft_and_the_live_page_stays(editor_client, client):
    publication = make_publication(summary="Live words.")

    save_draft(editor_client, publication, {"_preview_link": "1"}, summary="Linked words.")

    link = PreviewLink.objects.get()
    page = client.get(link.get_absolute_url())
    assert page.status_code == 200
    assert "Linked words." in page.content.decode()
    assert "private" in page["Cache-Control"]
    assert "Live words." in client.get(publication.get_absolute_url()).content.decode()
    publication.refresh_from_db()
    assert publication.summary == "Live words."


# Permissions.


def test_an_editor_cannot_publish_or_discard_someone_elses_draft(
    editor_client, publisher_client, django_user_model
):
    publication = make_publication(summary="Live words.")
    save_draft(publisher_client, publication, {"_save_draft": "1"}, summary="Draft words.")

    assert editor_client.post(draft_url(publication, "draft_publish")).status_code == 403
    assert editor_client.post(draft_url(publication, "draft_discard")).status_code == 403
    assert "Publish the draft" not in editor_client.get(draft_url(publication)).content.decode()
    publication.refresh_from_db()
    assert publication.summary == "Live words."
    assert Draft.objects.get().is_open


def test_an_editor_discards_their_own_draft(editor_client):
    publication = make_publication()
    save_draft(editor_client, publication, summary="Draft words.")

    assert editor_client.post(draft_url(publication, "draft_review")).status_code == 302
    assert Draft.objects.get().state == DraftState.REVIEW
    assert editor_client.post(draft_url(publication, "draft_discard")).status_code == 302
    assert Draft.objects.get().state == DraftState.DISCARDED


@pytest.mark.parametrize(
    "view", ["draft", "draft_preview", "draft_publish", "draft_discard", "draft_review"]
)
def test_every_draft_view_needs_change_permission_on_the_item(
    view, editor_client, django_user_model
):
    publication = make_publication()
    save_draft(editor_client, publication, summary="Draft words.")
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_publication"))
    client = Client()
    client.force_login(viewer)

    assert client.post(draft_url(publication, view)).status_code in (302, 403)
    assert client.get(draft_url(publication, view)).status_code in (302, 403)
    if view not in ("draft", "draft_preview"):
        assert client.post(draft_url(publication, view)).status_code == 403
    else:
        assert client.get(draft_url(publication, view)).status_code == 403
    assert Client().get(draft_url(publication, view)).status_code == 302  # to sign in
    missing = admin_url(Publication, view, 999999)
    assert editor_client.get(missing).status_code in (302, 404)
    assert editor_client.post(missing).status_code == 404
    assert Draft.objects.get().is_open


def test_an_editor_still_cannot_delete_or_unpublish_a_live_item(editor_client):
    publication = make_publication()

    assert (
        editor_client.post(
            admin_url(Publication, "delete", publication.pk), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Publication.objects.filter(pk=publication.pk).exists()


# What the form refuses in a draft, it refuses as it does on the live item.


def test_a_huge_draft_body_is_refused_like_the_live_form(editor_client):
    publication = make_publication(body="Live body.")

    response = save(
        editor_client,
        publication,
        change_form(editor_client, publication, body="x" * (MARKDOWN_MAX_LENGTH + 1)),
    )

    assert response.status_code == 200
    assert "body" in response.context["adminform"].form.errors
    assert not Draft.objects.exists()
    publication.refresh_from_db()
    assert publication.body == "Live body."


def test_the_diff_escapes_hostile_text(editor_client, publisher_client):
    publication = make_publication(title="Card", summary="Live words.")
    save_draft(
        editor_client,
        publication,
        title='<script>alert("t")</script>',
        summary='Words <img src=x onerror="alert(1)">',
    )

    html = publisher_client.get(draft_url(publication)).content.decode()

    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


# The dashboard on the admin's index.


def dashboard(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return {section.key: section for section in response.context["sections"]}


def labels(section):
    return [row.label for row in section.rows]


def test_the_dashboard_shows_a_publisher_what_is_in_review(editor_client, publisher_client):
    now = timezone.now()
    make_publication(title="Waiting card", status=Status.REVIEW)
    make_topic(name="Waiting topic", status=Status.REVIEW)
    live = make_publication(title="Live card", published_at=now - timedelta(hours=1))
    make_publication(title="Later card", published_at=now + timedelta(days=2))
    make_publication(title="Draft card", status=Status.DRAFT)
    save_draft(editor_client, live, {"_send_draft": "1"}, summary="Draft words.")

    sections = dashboard(publisher_client)

    assert sections["review"].count == 3
    assert set(labels(sections["review"])) == {"Waiting card", "Waiting topic", "Live card"}
    assert sections["scheduled"].count == 1
    assert labels(sections["scheduled"]) == ["Later card"]
    assert sections["scheduled"].rows[0].when > now
    assert labels(sections["recent"])[0] == "Live card"
    html = publisher_client.get(reverse("admin:index")).content.decode()
    assert 'In review <span class="count">(3)</span>' in html
    assert f'href="{admin_url(Publication, "change", live.pk)}"' in html


def test_the_dashboard_shows_an_editor_their_drafts_and_no_review_queue(
    editor_client, publisher_client, editor
):
    live = make_publication(title="Live card")
    save_draft(editor_client, live, summary="My draft words.")
    others = make_publication(title="Someone else's card")
    save_draft(publisher_client, others, {"_save_draft": "1"}, summary="Not mine.")
    response = editor_client.post(
        admin_url(Publication, "add"),
        form_data(
            editor_client.get(admin_url(Publication, "add")),
            "publication_form",
            title="New card",
            slug="new-card",
            summary="S.",
        ),
    )
    assert response.status_code == 302, errors(response)
    make_publication(title="Nobody's draft", status=Status.DRAFT)

    sections = dashboard(editor_client)

    assert "review" not in sections
    assert set(labels(sections["mine"])) == {"Live card", "New card"}
    assert sections["mine"].count == 2


def test_the_dashboard_counts_only_the_types_a_user_may_see(django_user_model):
    make_topic(name="Seen topic")
    make_publication(title="Unseen card")
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_topic"))
    client = Client()
    client.force_login(viewer)

    sections = dashboard(client)

    assert labels(sections["recent"]) == ["Seen topic"]
    assert sections["recent"].count == 1
    assert "review" not in sections


def test_the_dashboards_queries_do_not_grow_with_the_content(
    editor_client, publisher_client, django_assert_max_num_queries
):
    def fill(number):
        for index in range(number):
            for status in (Status.REVIEW, Status.DRAFT, Status.PUBLISHED):
                make_publication(title=f"Card {status} {number} {index}", status=status)
            make_model(name=f"m{number}-{index}", status=Status.REVIEW)
            make_topic(name=f"t{number}-{index}", published_at=timezone.now() + timedelta(days=1))
            live = make_publication(title=f"Drafted {number} {index}")
            save_draft(editor_client, live, {"_send_draft": "1"}, summary="Words.")

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        publisher_client.get(reverse("admin:index"))
        with CaptureQueriesContext(connection) as queries:
            dashboard(publisher_client)
        return len(queries)

    fill(1)
    few = count()
    fill(12)

    assert count() == few
    assert few <= 40, few
