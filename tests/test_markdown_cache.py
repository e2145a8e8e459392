"""Markdown is rendered once, when an item is saved, and its HTML kept beside the text: however
an item is saved, changed, reverted or generated, its HTML is that of its text as it is now."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Version

from bench.synthetic import synthetic_content_generate
from catalog.models import Committee, Publication, Status
from editorial.markup import render_markdown
from tests.admin_forms import form_data
from tests.factories import make_publication, make_topic

pytestmark = pytest.mark.django_db

LONG = "# Heading\n\n" + "A paragraph with *emphasis*. " * 100 + "\n\n<script>alert(1)</script>\n"


def test_saving_keeps_the_html_of_each_markdown_field_beside_it():
    card = make_publication(body=LONG)
    topic = make_topic(body="## Why\n\nBecause.")
    committee = Committee.objects.create(name="Board", slug="board", mandate="M", charter="*C*")

    card.refresh_from_db()
    topic.refresh_from_db()
    committee.refresh_from_db()
    assert card.body_html == render_markdown(LONG)
    assert "<script>" not in card.body_html
    assert topic.body_html == render_markdown("## Why\n\nBecause.")
    assert committee.charter_html == "<p><em>C</em></p>\n"


def test_a_changed_body_is_rendered_anew_when_saved():
    card = make_publication(body=LONG)

    card.body = LONG + "\nChanged ending\n"
    card.save()

    card.refresh_from_db()
    assert "Changed ending" in card.body_html


def test_saving_the_body_alone_saves_its_html_with_it():
    card = make_publication(body="Old words.")

    card.body = "New words."
    card.save(update_fields=["body"])

    card.refresh_from_db()
    assert "New words." in card.body_html


def test_saving_other_fields_alone_leaves_the_text_and_its_html_as_they_were():
    card = make_publication(body="Old words.", status=Status.DRAFT)

    card.body = "Unsaved words."
    card.status = Status.REVIEW
    card.save(update_fields=["status"])

    card.refresh_from_db()
    assert card.status == Status.REVIEW
    assert (card.body, card.body_html) == ("Old words.", "<p>Old words.</p>\n")


def test_a_reverted_body_gets_its_html_back(admin_client):
    card = make_publication(body="## Findings\n\nThe model refuses.")
    url = reverse("admin:catalog_publication_change", args=[card.pk])
    data = form_data(admin_client.get(url), "publication_form", body="Other body.")
    assert admin_client.post(url, data).status_code == 302
    first = Version.objects.get_for_object(card).last()

    admin_client.post(reverse("admin:catalog_publication_revert", args=[card.pk, first.pk]))

    card.refresh_from_db()
    assert card.body == "## Findings\n\nThe model refuses."
    assert 'id="section-findings"' in card.body_html


def test_generated_publications_have_the_html_of_their_bodies():
    synthetic_content_generate(publications=3)

    for body, body_html in Publication.objects.values_list("body", "body_html"):
        assert body_html == render_markdown(body)
        assert "<h2 id=" in body_html


def test_the_rerender_command_renders_every_item_again():
    card = make_publication(body="## Findings")
    Publication.objects.filter(pk=card.pk).update(body_html="<p>Made by an older renderer</p>")

    call_command("rerender_markdown", stdout=StringIO())

    assert Publication.objects.get(pk=card.pk).body_html == render_markdown("## Findings")


def test_the_rerender_command_applies_a_new_list_of_image_hosts(settings):
    card = make_publication(body="![A chart](https://images.example.org/chart.png)")
    assert "<img" not in Publication.objects.get(pk=card.pk).body_html
    settings.MARKDOWN_IMAGE_HOSTS = ["images.example.org"]

    call_command("rerender_markdown", stdout=StringIO())

    assert '<img src="https://images.example.org/chart.png"' in (
        Publication.objects.get(pk=card.pk).body_html
    )
