"""Slugs: made from the title, stable once published; a live page's old address answers 301 to
its new one, and a deleted page's answers 410 Gone."""

import pytest
from django.urls import reverse

from catalog.models import (
    AIModel,
    Committee,
    Conversation,
    Person,
    Practice,
    Publication,
    Stage,
    Status,
    Topic,
)
from editorial.models import Redirect
from evaluations.models import Evaluation, EvaluationCategory
from tests.admin_forms import form_data
from tests.factories import make_model, make_publication, make_topic

pytestmark = pytest.mark.django_db


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def rename(item, slug):
    item.slug = slug
    item.save()
    return item


# Slugs from titles.


def test_a_blank_slug_is_made_from_the_title(admin_client):
    page = admin_client.get(admin_url(Publication, "add"))
    data = form_data(
        page, "publication_form", title="GPT-5 System Card: Addendum?", slug="", summary="S."
    )

    response = admin_client.post(admin_url(Publication, "add"), data)

    assert response.status_code == 302
    assert Publication.objects.get().slug == "gpt-5-system-card-addendum"


def test_a_slug_made_from_the_title_does_not_take_another_items(admin_client):
    make_publication(title="Parental controls", slug="parental-controls")
    page = admin_client.get(admin_url(Publication, "add"))
    data = form_data(page, "publication_form", title="Parental controls", slug="", summary="S.")

    admin_client.post(admin_url(Publication, "add"), data)

    assert Publication.objects.filter(slug="parental-controls-2").exists()


def test_the_admin_fills_the_slug_from_the_title_while_typing(admin_client):
    page = admin_client.get(admin_url(Publication, "add"))

    assert page.context["adminform"].prepopulated_fields[0]["field"].name == "slug"


def test_a_live_items_form_warns_that_its_old_address_will_redirect(admin_client):
    card = make_publication()

    page = admin_client.get(admin_url(Publication, "change", card.pk))

    assert "keeps the old address working" in page.content.decode()


# Moved pages.


def test_a_renamed_live_page_answers_301_at_its_old_address(client):
    card = make_publication(slug="gpt-5-card")
    rename(card, "gpt-5-system-card")

    response = client.get("/publications/gpt-5-card/")

    assert response.status_code == 301
    assert response["Location"] == "/publications/gpt-5-system-card/"
    assert client.get(response["Location"]).status_code == 200


def test_the_redirect_keeps_the_query_string_and_the_rest_of_the_address(client):
    model = make_model(name="o3", slug="o3")
    rename(model, "openai-o3")

    assert client.get("/models/o3/?page=2")["Location"] == "/models/openai-o3/?page=2"
    assert client.get("/models/o3/feed.rss")["Location"] == "/models/openai-o3/feed.rss"


def test_renaming_through_the_admin_redirects_the_old_address(admin_client, client):
    card = make_publication(slug="old-card")
    page = admin_client.get(admin_url(Publication, "change", card.pk))
    admin_client.post(
        admin_url(Publication, "change", card.pk),
        form_data(page, "publication_form", slug="new-card"),
    )

    response = client.get("/publications/old-card/")

    assert response.status_code == 301
    assert response["Location"] == "/publications/new-card/"


def test_renaming_twice_sends_both_old_addresses_to_the_newest_in_one_hop(client):
    card = make_publication(slug="a")
    rename(card, "b")
    rename(card, "c")

    assert client.get("/publications/a/")["Location"] == "/publications/c/"
    assert client.get("/publications/b/")["Location"] == "/publications/c/"


def test_renaming_back_leaves_no_loop(client):
    card = make_publication(slug="a")
    rename(card, "b")
    rename(card, "a")

    assert client.get("/publications/a/").status_code == 200
    assert client.get("/publications/b/")["Location"] == "/publications/a/"
    assert not Redirect.objects.filter(old_path="/publications/a/").exists()


def test_a_new_page_at_an_old_address_wins_over_the_redirect(client):
    old = make_publication(slug="safety-card", title="Old card")
    rename(old, "safety-card-2024")
    new = make_publication(slug="safety-card", title="New card")

    response = client.get("/publications/safety-card/")

    assert response.status_code == 200
    assert f"<h1>{new.title}</h1>" in response.content.decode()


def test_a_draft_at_an_old_address_does_not_hide_the_redirect(client):
    old = make_publication(slug="safety-card")
    rename(old, "safety-card-2024")
    make_publication(slug="safety-card", status=Status.DRAFT)

    assert client.get("/publications/safety-card/").status_code == 301


def test_renaming_an_item_never_published_makes_no_redirect(client):
    draft = make_publication(slug="draft-a", status=Status.DRAFT)
    rename(draft, "draft-b")

    assert not Redirect.objects.exists()
    assert client.get("/publications/draft-a/").status_code == 404


# Deleted pages.


def test_a_deleted_live_page_answers_410_gone_with_a_friendly_page(client):
    card = make_publication(slug="retired-card")
    card.delete()

    response = client.get("/publications/retired-card/")

    assert response.status_code == 410
    assert "This page has been removed" in response.content.decode()


def test_deleting_in_the_admin_leaves_410_at_the_address(admin_client, client):
    card = make_publication(slug="retired-card")
    admin_client.post(admin_url(Publication, "delete", card.pk), {"post": "yes"})

    assert client.get("/publications/retired-card/").status_code == 410


def test_deleting_a_renamed_page_makes_its_old_addresses_gone_too(client):
    card = make_publication(slug="a")
    rename(card, "b")
    card.delete()

    assert client.get("/publications/a/").status_code == 410
    assert client.get("/publications/b/").status_code == 410


def test_deleting_a_draft_leaves_a_plain_404(client):
    draft = make_publication(slug="draft", status=Status.DRAFT)
    draft.delete()

    assert client.get("/publications/draft/").status_code == 404


def test_a_recovered_page_answers_again_at_its_address(client):
    card = make_publication(slug="back-again")
    card.delete()
    make_publication(slug="back-again")

    assert client.get("/publications/back-again/").status_code == 200
    assert not Redirect.objects.filter(old_path="/publications/back-again/").exists()


# Every content type with a page.


def make_each():
    stage = Stage.objects.create(name="Test", slug="test", summary="We test.")
    category = EvaluationCategory.objects.create(name="Jailbreaks", slug="jailbreaks")
    return [
        make_publication(slug="card"),
        make_model(name="o3", slug="o3"),
        make_topic(name="Bias", slug="bias"),
        Committee.objects.create(name="SSC", slug="ssc", mandate="M.", status=Status.PUBLISHED),
        Conversation.objects.create(title="Talk", slug="talk", status=Status.PUBLISHED),
        Person.objects.create(name="Zico Kolter", slug="zico"),
        stage,
        Practice.objects.create(stage=stage, name="Red teaming", slug="red-teaming"),
        Evaluation.objects.create(category=category, name="StrongReject", slug="strongreject"),
    ]


def test_every_kind_of_page_redirects_when_renamed(client):
    for item in make_each():
        old_url = item.get_absolute_url()
        rename(item, f"{item.slug}-renamed")

        response = client.get(old_url)

        assert response.status_code == 301, type(item).__name__
        assert response["Location"] == item.get_absolute_url()


def test_the_redirects_are_listed_in_the_admin(admin_client):
    rename(make_publication(slug="a"), "b")

    html = admin_client.get(admin_url(Redirect, "changelist")).content.decode()

    assert "/publications/a/" in html and "/publications/b/" in html


@pytest.mark.parametrize("model", [AIModel, Topic], ids=lambda model: model.__name__)
def test_other_types_fill_their_slug_from_the_name(admin_client, model):
    page = admin_client.get(admin_url(model, "add"))
    form_id = f"{model._meta.model_name}_form"
    data = form_data(page, form_id, name="Deep fakes", slug="")

    response = admin_client.post(admin_url(model, "add"), data)

    assert response.status_code == 302
    assert model.objects.get().slug == "deep-fakes"
