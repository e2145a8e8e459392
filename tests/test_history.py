"""History: every save in the admin is a revision; the admin shows who changed what and when,
what changed between two revisions, reverts in one click (itself recorded), and recovers
deleted items."""

from datetime import UTC, datetime

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from reversion.models import Version

from catalog.models import AIModel, Committee, Kind, Label, Practice, Publication, Stage, Status
from editorial.models import Redirect
from tests.admin_forms import form_data
from tests.factories import make_model, make_publication, make_topic

pytestmark = pytest.mark.django_db


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def save_in_admin(client, item, **changes):
    """Post the item's change form as the admin renders it, with `changes`."""
    url = admin_url(type(item), "change", item.pk)
    page = client.get(url)
    data = form_data(page, f"{type(item)._meta.model_name}_form", **changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    item.refresh_from_db()
    return item


def snapshot(item):
    """Every field's value, the many-to-many links as sets."""
    values = model_to_dict(item)
    for field in item._meta.many_to_many:
        values[field.name] = set(getattr(item, field.name).values_list("pk", flat=True))
    values["slug"] = item.slug
    return values


def revert(client, item, version):
    return client.post(admin_url(type(item), "revert", item.pk, version.pk))


@pytest.fixture
def card():
    """A live card with every field filled in and links of every kind."""
    stage = Stage.objects.create(name="Test", slug="test", summary="We test.")
    red_teaming = Practice.objects.create(stage=stage, name="Red teaming", slug="red-teaming")
    Practice.objects.create(stage=stage, name="Preparedness evals", slug="preparedness-evals")
    card = make_publication(
        title="o3 System Card",
        slug="o3-system-card",
        kind=Kind.SYSTEM_CARD,
        label=Label.SAFETY,
        summary="How we tested o3.",
        body="## Findings\n\nThe model refuses.",
        external_url="https://example.org/o3.pdf",
        published_at=datetime(2025, 4, 16, 10, tzinfo=UTC),
    )
    card.ai_models.set([make_model(name="o3", slug="o3"), make_model(name="o4-mini")])
    card.topics.set([make_topic(name="Bias", slug="bias")])
    card.practices.set([red_teaming])
    return card


def test_every_save_in_the_admin_is_a_revision_with_its_author(admin_client, admin_user, card):
    save_in_admin(admin_client, card, title="o3 and o4-mini System Card")

    versions = Version.objects.get_for_object(card)
    assert versions.count() == 2  # the state before the first change, and the change
    latest = versions.first()
    assert latest.revision.user == admin_user
    assert "Title" in latest.revision.get_comment()
    assert versions.last().field_dict["title"] == "o3 System Card"


def test_the_history_page_lists_who_changed_what_and_when(admin_client, card):
    save_in_admin(admin_client, card, summary="A new summary.")

    html = admin_client.get(admin_url(Publication, "history", card.pk)).content.decode()

    assert "admin" in html
    assert "Changed Summary." in html
    assert "Revert to this" in html
    assert "Changes</a>" in html


def test_the_diff_shows_changed_words_and_links(admin_client, card):
    codex = make_model(name="codex-1", slug="codex-1")
    save_in_admin(
        admin_client,
        card,
        body="## Findings\n\nThe model mostly refuses.",
        ai_models=[str(pk) for pk in card.ai_models.values_list("pk", flat=True)] + [codex.pk],
        label="",
    )
    older, newer = Version.objects.get_for_object(card)[1], Version.objects.get_for_object(card)[0]

    response = admin_client.get(
        admin_url(Publication, "compare", card.pk), {"from": older.pk, "to": newer.pk}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "The model <ins>mostly </ins>refuses." in html
    assert "<ins>codex-1</ins>" in html
    assert "<del>Safety</del> → <ins>—</ins>" in html
    assert "Title" not in [change.label for change in response.context["changes"]]


def test_revert_restores_every_field_and_every_link(admin_client, card):
    original = snapshot(card)
    new_model = make_model(name="GPT-5", slug="gpt-5")
    new_topic = make_topic(name="Elections", slug="elections")
    save_in_admin(
        admin_client,
        card,
        title="Renamed card",
        slug="renamed-card",
        kind=Kind.RESEARCH,
        label=Label.PRODUCT,
        summary="Other summary.",
        body="Other body.",
        external_url="https://example.org/other",
        cover_alt="",
        published_at_0="2025-05-01",
        published_at_1="08:00:00",
        ai_models=[new_model.pk],
        topics=[new_topic.pk],
        practices=[Practice.objects.get(slug="preparedness-evals").pk],
    )
    assert snapshot(card) != original
    first = Version.objects.get_for_object(card).last()

    response = revert(admin_client, card, first)

    assert response.status_code == 302
    card.refresh_from_db()
    assert snapshot(card) == original


def test_a_revert_is_itself_a_revision_and_can_be_undone(admin_client, admin_user, card):
    save_in_admin(admin_client, card, title="Renamed card")
    first, changed = (
        Version.objects.get_for_object(card).last(),
        Version.objects.get_for_object(card).first(),
    )

    revert(admin_client, card, first)
    reverted = Version.objects.get_for_object(card).first()
    revert(admin_client, card, changed)

    assert reverted.revision.user == admin_user
    assert reverted.revision.get_comment().startswith("Reverted to the version of")
    card.refresh_from_db()
    assert card.title == "Renamed card"
    assert Version.objects.get_for_object(card).count() == 4


def test_a_revert_updates_search_and_keeps_the_old_address_working(admin_client, client, card):
    save_in_admin(admin_client, card, title="Renamed card", slug="renamed-card")

    revert(admin_client, card, Version.objects.get_for_object(card).last())

    renamed = client.get("/search/", {"q": "renamed"})
    original = client.get("/search/", {"q": "o3 system card"})
    assert "0 publications for" in renamed.content.decode()
    assert "1 publication for" in original.content.decode()
    assert client.get("/publications/renamed-card/")["Location"] == "/publications/o3-system-card/"
    assert not Redirect.objects.filter(old_path="/publications/o3-system-card/").exists()


def test_revert_restores_the_rows_edited_on_the_items_page(admin_client):
    model = make_model(name="o3", slug="o3")
    model.aliases.create(name="o3-2025-04-16")
    data_page = admin_client.get(admin_url(AIModel, "change", model.pk))
    data = form_data(data_page, "aimodel_form", **{"aliases-0-name": "o3-renamed"})
    admin_client.post(admin_url(AIModel, "change", model.pk), data)
    assert list(model.aliases.values_list("name", flat=True)) == ["o3-renamed"]

    revert(admin_client, model, Version.objects.get_for_object(model).last())

    assert list(model.aliases.values_list("name", flat=True)) == ["o3-2025-04-16"]


def test_reverting_a_card_leaves_its_addenda_alone(admin_client, card):
    addendum = make_publication(
        title="Addendum", slug="addendum", kind=Kind.ADDENDUM, parent=card, summary="S."
    )
    save_in_admin(admin_client, card, title="Renamed card")
    save_in_admin(admin_client, addendum, title="Addendum, revised")

    revert(admin_client, card, Version.objects.get_for_object(card).last())

    addendum.refresh_from_db()
    assert addendum.title == "Addendum, revised"


def test_an_editor_cannot_revert_a_draft_to_a_published_version(editor_client, admin_client, card):
    save_in_admin(admin_client, card, status=Status.DRAFT, title="Pulled back")
    published_version = Version.objects.get_for_object(card).last()

    response = revert(editor_client, card, published_version)

    assert response.status_code == 403
    card.refresh_from_db()
    assert (card.title, card.status) == ("Pulled back", Status.DRAFT)


def test_an_editor_cannot_revert_a_published_item(editor_client, admin_client, card):
    save_in_admin(admin_client, card, title="Renamed card")

    response = revert(editor_client, card, Version.objects.get_for_object(card).last())

    assert response.status_code == 403
    card.refresh_from_db()
    assert card.title == "Renamed card"


def test_an_editor_reverts_their_own_draft(editor_client):
    draft = make_publication(status=Status.DRAFT, title="First words")
    save_in_admin(editor_client, draft, title="Second words")

    response = revert(editor_client, draft, Version.objects.get_for_object(draft).last())

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "First words"


def test_a_deleted_item_can_be_recovered_with_its_links(admin_client, card):
    original = snapshot(card)
    admin_client.post(admin_url(Publication, "delete", card.pk), {"post": "yes"})
    assert not Publication.objects.exists()
    listing = admin_client.get(admin_url(Publication, "recoverlist"))
    [deleted] = Version.objects.get_deleted(Publication)

    page = admin_client.get(admin_url(Publication, "recover", deleted.pk))
    response = admin_client.post(
        admin_url(Publication, "recover", deleted.pk), form_data(page, "publication_form")
    )

    assert "o3 System Card" in listing.content.decode()
    assert response.status_code == 302
    assert snapshot(Publication.objects.get()) == original


def test_items_deleted_together_are_recovered_one_by_one(admin_client):
    first, second = make_publication(title="First"), make_publication(title="Second")

    admin_client.post(
        admin_url(Publication, "changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )

    deleted = Version.objects.get_deleted(Publication)
    assert {version.object_repr for version in deleted} == {"First", "Second"}
    assert all(version.revision.version_set.count() == 1 for version in deleted)


def test_a_committee_keeps_its_members_in_its_history(admin_client):
    from catalog.models import Person

    committee = Committee.objects.create(name="SSC", slug="ssc", mandate="Oversight.")
    person = Person.objects.create(name="Zico Kolter", slug="zico-kolter")
    committee.memberships.create(person=person, role="Chair")
    page = admin_client.get(admin_url(Committee, "change", committee.pk))
    data = form_data(page, "committee_form", **{"memberships-0-role": "Member"})
    admin_client.post(admin_url(Committee, "change", committee.pk), data)

    newer, older = Version.objects.get_for_object(committee)[:2]
    response = admin_client.get(
        admin_url(Committee, "compare", committee.pk), {"from": older.pk, "to": newer.pk}
    )

    assert "Memberships" in response.content.decode()
    revert(admin_client, committee, older)
    assert committee.memberships.get().role == "Chair"
