"""Markdown cannot stall the site or load what it should not: pathological text renders, once,
when saved, or is refused with a clear message; pages show the HTML kept from that save; the
preview refuses what a field would; images come only from this site or the allowed hosts; a
person's biography, live as soon as it is saved, is plain text."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from catalog.models import Committee, Person, Publication, Status
from editorial.markup import MARKDOWN_MAX_LENGTH
from tests.admin_forms import form_data
from tests.factories import make_publication, make_topic

pytestmark = pytest.mark.django_db


class Images(HTMLParser):
    """The addresses of the images in a page's main content (not the header's logo)."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.sources = []
        main = html[html.index("<main") : html.index("</main>")] if "<main" in html else html
        self.feed(main)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.sources.append(dict(attrs).get("src"))

    handle_startendtag = handle_starttag


def publication_saved(body):
    """A live publication with `body`, validated and saved as the admin does."""
    publication = Publication(
        title="Card", slug="card", summary="S.", body=body, status=Status.PUBLISHED
    )
    publication.full_clean()
    publication.save()
    return publication


def page(publication):
    response = Client().get(publication.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# Text that took Python-Markdown minutes to hours to render (it was quadratic on runs of "["),
# or that stresses a parser's nesting and its searches for closing marks. Each renders, with
# what is expected of it on the page.
PATHOLOGICAL = {
    "brackets": ("[" * 15_000, "[" * 15_000),
    "image openers": ("![" * 20_000, "![" * 100),
    "links never closed": ("[a](b" * 15_000, "[a](b[a](b"),
    "stars": ("*" * 50_000, "<hr>"),
    "nested emphasis": ("*a **a " * 6_000 + "b" + " a** a*" * 6_000, "<em>a <strong>a"),
    "backticks": ("`" * 50_000, "<pre><code></code></pre>"),
    "backtick runs of every length": ("".join("e" + "`" * n for n in range(1, 440)), "e`"),
    "less-than signs": ("<" * 50_000, "&lt;" * 1000),
    "unclosed comments": ("</" + "<!--" * 20_000, "&lt;!--"),
    "quotes eight deep": ("> " * 8 + "deep", "deep</p>"),
    "lists four deep": ("".join("  " * n + "- level\n" for n in range(4)), "<li>level"),
    "a table of many columns": ("|" + "a|" * 5_000 + "\n|" + "-|" * 5_000 + "\n", "<th>a</th>"),
}


@pytest.mark.parametrize("text, shown", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_markdown_renders_once_and_its_page_shows_it(text, shown):
    publication = publication_saved(text)

    html = page(publication)

    assert shown in html
    assert '<div class="prose">' in html


@pytest.mark.parametrize(
    "text",
    [
        "> " * 10_000 + "deep",
        "".join("  " * n + "- level\n" for n in range(300)),
        "".join("   " * n + "1. level\n" for n in range(200)),
        "- " * 40_000 + "deep",
    ],
    ids=["quotes", "bullet lists", "numbered lists", "list markers on one line"],
)
def test_markdown_nested_deeper_than_pages_show_is_refused_with_a_clear_message(text):
    with pytest.raises(ValidationError) as refused:
        publication_saved(text)

    assert refused.value.message_dict["body"] == [
        "Lists or quotes are nested too deeply here: the deepest levels would not be shown. "
        "Nest them less."
    ]


def test_markdown_longer_than_the_limit_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as refused:
        publication_saved("[" * (MARKDOWN_MAX_LENGTH + 1))

    assert refused.value.message_dict["body"] == [
        "This text is 100,001 characters long, over the limit of 100,000: shorten it."
    ]


def test_the_admin_refuses_an_over_long_body_and_says_why(admin_client):
    card = make_publication(body="Short.")
    url = reverse("admin:catalog_publication_change", args=[card.pk])
    data = form_data(admin_client.get(url), "publication_form", body="[" * 150_000)

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "over the limit of 100,000" in response.content.decode()
    card.refresh_from_db()
    assert card.body == "Short."


def test_every_markdown_field_has_the_limit():
    for model, field in [(Publication, "body"), (Committee, "charter")]:
        item = model(**{field: "x" * (MARKDOWN_MAX_LENGTH + 1)})
        with pytest.raises(ValidationError) as refused:
            item.full_clean()
        assert "over the limit of 100,000" in refused.value.message_dict[field][0]
    topic = make_topic()
    topic.body = "x" * (MARKDOWN_MAX_LENGTH + 1)
    with pytest.raises(ValidationError):
        topic.full_clean()


# The admin's preview.


def test_the_preview_refuses_text_longer_than_a_field_takes(admin_client):
    response = admin_client.post(reverse("editorial:markdown_preview"), {"text": "word " * 100_000})

    assert response.status_code == 413
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "No preview: the text is 500,000 characters long, over the limit of 100,000. Shorten it."
    )
    assert "no-store" in response["Cache-Control"]


def test_the_preview_renders_text_at_the_limit(admin_client):
    response = admin_client.post(
        reverse("editorial:markdown_preview"), {"text": "[" * MARKDOWN_MAX_LENGTH}
    )

    assert response.status_code == 200
    assert response.content.decode() == f"<p>{'[' * MARKDOWN_MAX_LENGTH}</p>\n"


def test_the_preview_is_not_for_signed_in_visitors_who_are_not_staff():
    visitor = get_user_model().objects.create_user("visitor", password="x")
    client = Client()
    client.force_login(visitor)

    response = client.post(reverse("editorial:markdown_preview"), {"text": "# Hi"})

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# Pages show the HTML kept from the save.


def test_the_page_shows_the_html_made_when_the_publication_was_saved():
    publication = publication_saved(
        "## Risks & mitigations\n\n| Evaluation | Score |\n|---|---:|\n| StrongReject | 0.99 |\n"
    )
    Publication.objects.filter(pk=publication.pk).update(
        body_html=publication.body_html + "<p>Kept since the save.</p>"
    )

    html = page(publication)

    assert '<h2 id="section-risks-mitigations">Risks &amp; mitigations<a class="headerlink"' in html
    assert '<span class="visually-hidden">Link to the section “Risks &amp; mitigations”' in html
    assert "<td>StrongReject</td>" in html
    assert "<p>Kept since the save.</p>" in html


def test_topic_and_committee_pages_show_their_kept_html():
    topic = make_topic(body="## Why it matters\n\n- one\n- two")
    committee = Committee.objects.create(
        name="Board",
        slug="board",
        mandate="Oversight.",
        charter="## Charter\n\nThe [board](https://example.org/) meets.",
        status=Status.PUBLISHED,
    )

    topic_html = Client().get(topic.get_absolute_url()).content.decode()
    committee_html = Client().get(committee.get_absolute_url()).content.decode()

    assert '<h2 id="section-why-it-matters">' in topic_html
    assert "<li>one</li>" in topic_html
    assert '<h2 id="section-charter">' in committee_html
    assert '<a href="https://example.org/" rel="noopener noreferrer">board</a>' in committee_html


# Images.


@pytest.mark.parametrize(
    "address",
    [
        "//evil.example/t.gif",
        "https://evil.example/t.gif",
        "http://evil.example/t.gif",
        "HTTPS://EVIL.EXAMPLE/t.gif",
        "///evil.example/t.gif",
        "https://images.example.org.evil.example/t.gif",
    ],
)
def test_an_image_from_another_site_is_not_on_the_page_but_linked(settings, address):
    settings.MARKDOWN_IMAGE_HOSTS = ["images.example.org"]
    publication = publication_saved(f"See ![the chart]({address}).")

    html = page(publication)

    assert Images(html).sources == []
    assert "the chart</a>" in html


def test_an_off_site_image_within_a_link_leaves_its_description():
    publication = publication_saved("[![the chart](//evil.example/t.gif)](https://example.org/)")

    html = page(publication)

    assert Images(html).sources == []
    assert '<a href="https://example.org/" rel="noopener noreferrer">the chart</a>' in html


def test_images_from_this_site_and_the_allowed_hosts_are_shown(settings):
    settings.MARKDOWN_IMAGE_HOSTS = ["images.example.org"]
    publication = publication_saved(
        "![a](/media/covers/a.png) ![b](/static/img/b.svg) ![c](c.png) "
        "![d](https://images.example.org/d.png) ![e](//IMAGES.example.org/e.png)"
    )

    html = page(publication)

    assert Images(html).sources == [
        "/media/covers/a.png",
        "/static/img/b.svg",
        "c.png",
        "https://images.example.org/d.png",
        "//IMAGES.example.org/e.png",
    ]


def test_no_image_host_is_allowed_unless_listed():
    publication = publication_saved("![d](https://images.example.org/d.png)")

    assert Images(page(publication)).sources == []


def test_uploads_served_from_another_host_are_this_sites_images(settings):
    settings.MEDIA_URL = "https://cdn.example.net/media/"
    publication = publication_saved("![a](https://cdn.example.net/media/a.png)")

    assert Images(page(publication)).sources == ["https://cdn.example.net/media/a.png"]


def test_links_may_go_elsewhere_but_never_run_script():
    publication = publication_saved(
        "[out](https://example.org/) [mail](mailto:team@example.org) "
        "[bad](javascript:alert(1)) [worse](<java\tscript:alert(1)>)"
    )

    html = page(publication)

    assert '<a href="https://example.org/" rel="noopener noreferrer">out</a>' in html
    assert '<a href="mailto:team@example.org" rel="noopener noreferrer">mail</a>' in html
    assert 'href="javascript' not in html.lower()
    assert 'href="java\tscript' not in html.lower()


# Biographies.


def test_a_biography_is_shown_as_typed_not_as_markdown_or_html():
    person = Person.objects.create(
        name="Ada",
        slug="ada",
        bio="**Bold** claims, [a link](https://evil.example/)\nand ![x](//evil.example/t.gif)"
        '\n\n<img src="x" onerror="alert(1)"> and ' + "[" * 15_000,
    )

    html = Client().get(person.get_absolute_url()).content.decode()

    assert (
        "<p>**Bold** claims, [a link](https://evil.example/)<br>and ![x](//evil.example/t.gif)</p>"
        in html
    )
    assert "<p>&lt;img src=&quot;x&quot; onerror=&quot;alert(1)&quot;&gt; and [[[" in html
    assert "<strong>" not in html
    assert Images(html).sources == []


def test_a_biography_is_edited_in_a_plain_textarea_with_a_limit(admin_client):
    html = admin_client.get(reverse("admin:catalog_person_add")).content.decode()

    assert 'name="bio"' in html
    assert "data-markdown-preview" not in html
    with pytest.raises(ValidationError) as refused:
        Person(name="Ada", slug="ada", bio="x" * 5_001).full_clean()
    assert "bio" in refused.value.message_dict
