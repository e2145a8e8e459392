"""History cannot be used to get round the workflow, concurrent edits are not lost, and a
recovered item comes back with what its deletion took along.

Every revision view takes only versions of its own model and item, and reverting or recovering
needs the permissions its result needs; saving a form opened before someone else's save is
refused; deleting records the links and rows that go with the item, or is refused when it would
take published evaluation data along.
"""

from datetime import date, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision, Version

from catalog.models import (
    AIModel,
    Committee,
    HubFeature,
    HubPage,
    ModelLineage,
    Publication,
    Relation,
    Status,
    Topic,
)
from evaluations.models import Determination, FrameworkVersion, RiskCategory, ThresholdLevel
from pagecache.models import Generation
from tests.admin_forms import form_data
from tests.factories import (
    make_evaluation,
    make_hub_page,
    make_model,
    make_publication,
    make_result,
    make_topic,
)

pytestmark = pytest.mark.django_db

# To the second, as the admin's form posts it back.
YESTERDAY = timezone.now().replace(microsecond=0) - timedelta(days=1)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def form_id(model):
    return f"{model._meta.model_name}_form"


def save_in_admin(client, item, **changes):
    url = admin_url(type(item), "change", item.pk)
    response = client.post(url, form_data(client.get(url), form_id(type(item)), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    item.refresh_from_db()
    return item


def delete_in_admin(client, item):
    response = client.post(admin_url(type(item), "delete", item.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not type(item).objects.filter(pk=item.pk).exists()


def deleted_version(model, pk):
    return Version.objects.get_deleted(model).get(object_id=str(pk))


def recover(client, model, version):
    """Open the recovery form and save it as it is, as a person recovering the item would."""
    url = admin_url(model, "recover", version.pk)
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, form_data(page, form_id(model)))


def database_state():
    """What a request that must change nothing could change."""
    return {
        "publications": sorted(Publication.objects.values_list("pk", "title", "status")),
        "topics": sorted(Topic.objects.values_list("pk", "name", "status")),
        "links": sorted(Publication.topics.through.objects.values_list("publication", "topic")),
        "hub": list(HubPage.objects.values_list("title", flat=True)),
        "revisions": Revision.objects.count(),
        "log": LogEntry.objects.count(),
        "generation": list(Generation.objects.values_list("token", flat=True)),
    }


@pytest.fixture
def pulled_card(admin_client):
    """A card that was live, then taken back to draft with a new title by an administrator."""
    card = make_publication(title="Live words", slug="card", status=Status.PUBLISHED)
    save_in_admin(admin_client, card, status=Status.DRAFT, title="Pulled back")
    return card


@pytest.fixture
def hub(admin_client):
    hub = make_hub_page(title="Safety at every step")
    save_in_admin(admin_client, hub, title="A newer hub title")
    return hub


# 1. The escalation: a revision view of one model putting back another model's version.


@pytest.mark.parametrize("admin_of", ["person", "topic", "publication", "aimodel"])
def test_an_editor_cannot_put_a_publication_live_through_any_recover_address(
    editor_client, pulled_card, admin_of
):
    published = Version.objects.get_for_object(pulled_card).last()
    assert published.field_dict["status"] == Status.PUBLISHED
    before = database_state()

    url = reverse(f"admin:catalog_{admin_of}_recover", args=[published.pk])
    opened = editor_client.get(url)
    posted = editor_client.post(url, {"name": "x", "slug": "x", "title": "x"})

    assert (opened.status_code, posted.status_code) == (404, 404)
    pulled_card.refresh_from_db()
    assert (pulled_card.title, pulled_card.status) == ("Pulled back", Status.DRAFT)
    assert database_state() == before


def test_an_editor_cannot_change_the_hub_page_through_any_revision_view(editor_client, hub):
    first = Version.objects.get_for_object(hub).last()
    before = database_state()

    responses = [
        editor_client.post(admin_url(HubPage, "revert", hub.pk, first.pk)),
        editor_client.post(admin_url(HubPage, "revision", hub.pk, first.pk), {"title": "x"}),
        editor_client.post(reverse("admin:catalog_person_recover", args=[first.pk])),
        editor_client.post(reverse("admin:catalog_hubpage_recover", args=[first.pk])),
    ]

    assert [response.status_code for response in responses] == [403, 403, 404, 404]
    assert HubPage.objects.get().title == "A newer hub title"
    assert database_state() == before


def test_a_revision_address_takes_only_versions_of_its_own_item(editor_client, admin_client):
    mine = make_publication(title="My draft", status=Status.DRAFT)
    other = make_publication(title="Their draft", status=Status.DRAFT)
    save_in_admin(admin_client, other, title="Their draft, revised")
    topic = make_topic(status=Status.DRAFT)
    save_in_admin(admin_client, topic, description="Changed.")
    before = database_state()

    for version in [
        Version.objects.get_for_object(other).last(),
        Version.objects.get_for_object(topic).last(),
    ]:
        revision = admin_url(Publication, "revision", mine.pk, version.pk)
        assert editor_client.get(revision).status_code == 404
        assert editor_client.post(revision, {"title": "x"}).status_code == 404
        revert = admin_url(Publication, "revert", mine.pk, version.pk)
        assert editor_client.post(revert).status_code == 404
        compare = admin_url(Publication, "compare", mine.pk)
        assert editor_client.get(compare, {"from": version.pk}).status_code == 404

    assert database_state() == before


def test_an_editor_cannot_revert_through_the_form_to_a_published_version(
    editor_client, pulled_card
):
    published = Version.objects.get_for_object(pulled_card).last()
    url = admin_url(Publication, "revision", pulled_card.pk, published.pk)

    page = editor_client.get(url)
    response = editor_client.post(url, form_data(page, "publication_form", status=Status.DRAFT))

    assert page.status_code == 200
    assert response.status_code == 403
    pulled_card.refresh_from_db()
    assert (pulled_card.title, pulled_card.status) == ("Pulled back", Status.DRAFT)


def test_an_editor_cannot_recover_a_deleted_published_item(editor_client, publisher_client, editor):
    card = make_publication(title="Live card", status=Status.PUBLISHED)
    delete_in_admin(publisher_client, card)
    version = deleted_version(Publication, card.pk)
    url = admin_url(Publication, "recover", version.pk)

    opened = editor_client.get(url)
    posted = editor_client.post(url, {"title": "Live card", "status": Status.DRAFT})

    # Refused outright, not recovered as a draft: an editor never decides on published content.
    assert (opened.status_code, posted.status_code) == (403, 403)
    assert not Publication.objects.exists()
    assert not LogEntry.objects.filter(user=editor).exists()


def test_a_publisher_recovers_a_deleted_published_item_and_the_log_names_them(
    publisher_client, publisher, client
):
    card = make_publication(title="Live card", slug="live-card", status=Status.PUBLISHED)
    delete_in_admin(publisher_client, card)
    assert client.get("/publications/live-card/").status_code == 410

    response = recover(publisher_client, Publication, deleted_version(Publication, card.pk))

    assert response.status_code == 302
    assert Publication.objects.get().status == Status.PUBLISHED
    assert client.get("/publications/live-card/").status_code == 200
    entry = LogEntry.objects.filter(object_id=str(card.pk)).latest("pk")
    assert entry.user == publisher
    assert entry.get_change_message().startswith("Recovered (deleted ")
    latest = Version.objects.get_for_object(Publication.objects.get()).first()
    assert latest.revision.user == publisher


def test_an_editor_recovers_their_own_deleted_draft(editor_client, editor):
    draft = make_publication(title="My draft", status=Status.DRAFT)
    delete_in_admin(editor_client, draft)

    response = recover(editor_client, Publication, deleted_version(Publication, draft.pk))

    assert response.status_code == 302
    assert Publication.objects.get().title == "My draft"
    assert LogEntry.objects.filter(user=editor, change_message__startswith="Recovered").exists()


def test_a_publisher_reverts_through_the_form_and_the_log_names_them(
    publisher_client, publisher, pulled_card
):
    published = Version.objects.get_for_object(pulled_card).last()
    url = admin_url(Publication, "revision", pulled_card.pk, published.pk)

    response = publisher_client.post(url, form_data(publisher_client.get(url), "publication_form"))

    assert response.status_code == 302
    pulled_card.refresh_from_db()
    assert (pulled_card.title, pulled_card.status) == ("Live words", Status.PUBLISHED)
    entry = LogEntry.objects.filter(object_id=str(pulled_card.pk)).latest("pk")
    assert entry.user == publisher
    assert entry.get_change_message().startswith("Reverted to the version of")
    revision = Version.objects.get_for_object(pulled_card).first().revision
    assert revision.user == publisher
    assert revision.get_comment().startswith("Reverted to the version of")


def test_one_click_revert_is_logged_with_its_user(publisher_client, publisher, pulled_card):
    published = Version.objects.get_for_object(pulled_card).last()

    publisher_client.post(admin_url(Publication, "revert", pulled_card.pk, published.pk))

    entry = LogEntry.objects.filter(object_id=str(pulled_card.pk)).latest("pk")
    assert entry.user == publisher
    assert entry.get_change_message().startswith("Reverted to the version of")


def test_opening_an_old_version_or_a_deleted_item_changes_nothing(admin_client, pulled_card):
    topic = make_topic(name="Bias", slug="bias", status=Status.DRAFT)
    topic.publications.add(make_publication(title="Linked"))
    delete_in_admin(admin_client, topic)
    before = database_state()

    published = Version.objects.get_for_object(pulled_card).last()
    pages = [
        admin_client.get(admin_url(Publication, "revision", pulled_card.pk, published.pk)),
        admin_client.get(admin_url(Topic, "recover", deleted_version(Topic, topic.pk).pk)),
        admin_client.get(admin_url(Publication, "revert", pulled_card.pk, published.pk)),
        admin_client.get(admin_url(Publication, "history", pulled_card.pk)),
        admin_client.get(admin_url(Topic, "recoverlist")),
    ]

    assert [page.status_code for page in pages] == [200, 200, 302, 200, 200]
    assert "Live words" in pages[0].content.decode()
    assert database_state() == before


def test_reverting_an_item_leaves_the_rest_of_its_revision_alone(admin_client):
    evaluation = make_evaluation(name="StrongReject", description="First words.")
    card = make_publication(title="o3 System Card")
    result = make_result(
        metric=evaluation.metrics.get(), ai_model=make_model(), source=card, value=0.5
    )
    # One revision holds the evaluation and its results, as its page saves them together.
    save_in_admin(admin_client, evaluation, **{"results-0-value": "0.6"})
    save_in_admin(admin_client, evaluation, description="Later words.")
    result.refresh_from_db()
    assert str(result.value) == "0.6000"
    first = Version.objects.get_for_object(result).last()

    response = admin_client.post(admin_url(type(result), "revert", result.pk, first.pk))

    assert response.status_code == 302
    result.refresh_from_db()
    evaluation.refresh_from_db()
    assert str(result.value) == "0.5000"
    assert evaluation.description == "Later words."


# 3. Two people editing the same item.


@pytest.fixture
def other_admin_client(db):
    user = get_user_model().objects.create_superuser("other", "other@example.org", "x")
    client = Client()
    client.force_login(user)
    return client


def test_a_save_based_on_an_older_state_is_refused_and_keeps_the_input(
    admin_client, other_admin_client
):
    card = make_publication(title="First title", summary="First summary.", published_at=YESTERDAY)
    url = admin_url(Publication, "change", card.pk)
    first_form = form_data(admin_client.get(url), "publication_form", title="Their title")
    second_form = form_data(other_admin_client.get(url), "publication_form", summary="My summary.")

    assert admin_client.post(url, first_form).status_code == 302
    refused = other_admin_client.post(url, second_form)

    assert refused.status_code == 200
    [error] = refused.context["adminform"].form.non_field_errors()
    assert "admin saved this publication" in error
    assert "(changed: Title)" in error
    assert f"/admin/catalog/publication/{card.pk}/history/compare/?from=" in error
    card.refresh_from_db()
    assert (card.title, card.summary) == ("Their title", "First summary.")
    kept = form_data(refused, "publication_form")
    assert kept["summary"] == ["My summary."]

    # Saving again, having seen the message, keeps this version on purpose.
    assert other_admin_client.post(url, kept).status_code == 302
    card.refresh_from_db()
    assert (card.title, card.summary) == ("First title", "My summary.")


@pytest.mark.parametrize(
    ("make", "field", "value"),
    [
        (lambda: make_topic(name="Bias"), "description", "Theirs."),
        (lambda: make_model(name="o3"), "aliases-0-name", "o3-2025"),
        (lambda: make_hub_page(), "intro", "Theirs."),
        (lambda: Committee.objects.create(name="SSC", slug="ssc", mandate="M."), "mandate", "X"),
    ],
)
def test_every_content_type_refuses_a_save_based_on_an_older_state(
    admin_client, other_admin_client, make, field, value
):
    item = make()
    url = admin_url(type(item), "change", item.pk)
    stale = form_data(other_admin_client.get(url), form_id(type(item)))

    save_in_admin(admin_client, item, **{field: value})
    refused = other_admin_client.post(url, stale)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.non_field_errors()


def test_a_change_made_outside_the_admin_is_detected_too(admin_client):
    card = make_publication(title="First title")
    url = admin_url(Publication, "change", card.pk)
    stale = form_data(admin_client.get(url), "publication_form", summary="Mine.")
    Publication.objects.filter(pk=card.pk).update(title="Imported title")

    refused = admin_client.post(url, stale)

    assert refused.status_code == 200
    [error] = refused.context["adminform"].form.non_field_errors()
    assert "changed elsewhere" in error
    assert Publication.objects.get().title == "Imported title"


def test_list_edits_and_bulk_moves_are_not_stopped_by_the_check(publisher_client):
    topic = make_topic(position=1)
    card = make_publication(status=Status.DRAFT)

    listed = publisher_client.post(
        admin_url(Topic, "changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": topic.pk,
            "form-0-position": "7",
            "_save": "Save",
        },
    )
    published = publisher_client.post(
        admin_url(Publication, "changelist"),
        {"action": "publish_selected", "_selected_action": [card.pk], "post": "yes"},
    )

    assert (listed.status_code, published.status_code) == (302, 302)
    topic.refresh_from_db()
    card.refresh_from_db()
    assert (topic.position, card.status) == (7, Status.PUBLISHED)


# 4. Recovering a deleted item brings back what its deletion removed.


def test_recovering_a_deleted_topic_brings_back_its_publication_links(publisher_client, client):
    bias = make_topic(name="Bias", slug="bias")
    cards = [make_publication(title=f"Card about bias {n}") for n in range(5)]
    bias.publications.set(cards)
    delete_in_admin(publisher_client, bias)
    assert not Publication.topics.through.objects.exists()

    response = recover(publisher_client, Topic, deleted_version(Topic, bias.pk))

    assert response.status_code == 302
    assert set(Topic.objects.get(slug="bias").publications.all()) == set(cards)
    page = client.get("/topics/bias/").content.decode()
    assert all(card.title in page for card in cards)


def test_recovery_says_what_could_not_come_back(publisher_client):
    bias = make_topic(name="Bias", slug="bias")
    kept, gone = make_publication(title="Kept"), make_publication(title="Gone")
    bias.publications.set([kept, gone])
    delete_in_admin(publisher_client, bias)
    delete_in_admin(publisher_client, gone)
    url = admin_url(Topic, "recover", deleted_version(Topic, bias.pk).pk)

    page = publisher_client.get(url)
    response = publisher_client.post(url, form_data(page, "topic_form"), follow=True)

    assert "Cannot be put back: A link to publication" in page.content.decode()
    assert "Not put back: A link to publication" in response.content.decode()
    assert list(Topic.objects.get().publications.all()) == [kept]


@pytest.fixture
def gpt_4o():
    """GPT-4o with an alias, a family member, lineage both ways and three publications."""
    gpt_4o = make_model(name="GPT-4o", slug="gpt-4o")
    gpt_4o.aliases.create(name="gpt-4o-2024-05-13")
    mini = make_model(name="GPT-4o mini", slug="gpt-4o-mini", family=gpt_4o)
    gpt_4 = make_model(name="GPT-4", slug="gpt-4")
    ModelLineage.objects.create(model=gpt_4o, source=gpt_4, relation=Relation.SUCCESSOR_OF)
    operator = make_model(name="Operator", slug="operator")
    ModelLineage.objects.create(model=operator, source=gpt_4o)
    gpt_4o.publications.set([make_publication(title=f"Card {n}") for n in range(3)])
    return gpt_4o, mini, operator


def test_recovering_a_deleted_model_brings_back_its_links_lineage_and_family(
    publisher_client, gpt_4o
):
    gpt_4o, mini, operator = gpt_4o
    cards = set(gpt_4o.publications.all())
    delete_in_admin(publisher_client, gpt_4o)
    mini.refresh_from_db()
    assert mini.family is None
    assert not operator.lineage.exists()

    response = recover(publisher_client, AIModel, deleted_version(AIModel, gpt_4o.pk))

    assert response.status_code == 302
    recovered = AIModel.objects.get(slug="gpt-4o")
    assert set(recovered.publications.all()) == cards
    assert list(recovered.aliases.values_list("name", flat=True)) == ["gpt-4o-2024-05-13"]
    assert list(recovered.lineage.values_list("source__slug", flat=True)) == ["gpt-4"]
    assert list(operator.lineage.values_list("source__slug", flat=True)) == ["gpt-4o"]
    mini.refresh_from_db()
    assert mini.family == recovered


def test_the_delete_confirmation_says_what_is_unlinked_and_how_to_recover(admin_client, gpt_4o):
    gpt_4o, mini, operator = gpt_4o

    page = admin_client.get(admin_url(AIModel, "delete", gpt_4o.pk)).content.decode()

    assert "GPT-4o mini (kept, its family is left empty)" in page
    assert "Operator is based on GPT-4o" in page
    assert "Recover deleted AI models</a> brings it back" in page


@pytest.fixture
def determination():
    gpt_4o = make_model(name="GPT-4o", slug="gpt-4o")
    version = FrameworkVersion.objects.create(name="Version 2", slug="v2", released_on=date.today())
    return Determination.objects.create(
        ai_model=gpt_4o,
        category=RiskCategory.objects.create(version=version, name="Biological", slug="bio"),
        level=ThresholdLevel.objects.create(version=version, name="High", slug="high", rank=1),
        source=make_publication(title="GPT-4o System Card"),
    )


def test_a_model_with_determinations_or_results_cannot_be_deleted(admin_client, determination):
    gpt_4o = determination.ai_model
    evaluation = make_evaluation()
    make_result(
        metric=evaluation.metrics.get(), ai_model=gpt_4o, source=determination.source, value=0.9
    )
    url = admin_url(AIModel, "delete", gpt_4o.pk)

    page = admin_client.get(url).content.decode()
    admin_client.post(url, {"post": "yes"})

    assert "would require deleting the following protected related objects" in page
    assert "GPT-4o, Biological (Version 2): High" in page
    assert "GPT-4o on " in page
    assert AIModel.objects.filter(pk=gpt_4o.pk).exists()
    assert Determination.objects.exists()


def test_recovering_a_publication_brings_back_its_hub_card_and_committee_link(publisher_client):
    hub = make_hub_page()
    card = make_publication(title="GPT-5 System Card", published_at=timezone.now() - timedelta(1))
    HubFeature.objects.create(hub=hub, publication=card, position=3)
    committee = Committee.objects.create(name="SSC", slug="ssc", mandate="M.")
    committee.publications.add(card)
    delete_in_admin(publisher_client, card)
    assert not HubFeature.objects.exists()

    response = recover(publisher_client, Publication, deleted_version(Publication, card.pk))

    assert response.status_code == 302
    assert list(HubFeature.objects.values_list("publication__title", "position")) == [
        ("GPT-5 System Card", 3)
    ]
    assert list(committee.publications.all()) == [Publication.objects.get()]


def test_an_editor_cannot_recover_what_would_change_the_hub_page(editor_client, publisher_client):
    hub = make_hub_page()
    draft = make_publication(title="Draft card", status=Status.DRAFT)
    HubFeature.objects.create(hub=hub, publication=draft)
    delete_in_admin(publisher_client, draft)
    url = admin_url(Publication, "recover", deleted_version(Publication, draft.pk).pk)

    assert editor_client.post(url, {"title": "Draft card"}).status_code == 403
    assert not Publication.objects.exists()
    assert recover(publisher_client, Publication, deleted_version(Publication, draft.pk))
    assert HubFeature.objects.get().publication.title == "Draft card"
