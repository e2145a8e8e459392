"""The design system as HTML: a picture on every card, generated covers that are deterministic
and carry nothing of the item's text, the current section marked, and a print stylesheet."""

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from catalog.covers import PALETTES, cover_svg, initials
from catalog.models import Committee, Conversation, Kind, Person, Publication, Topic
from editorial.models import Status
from tests.factories import attach_demo_media, make_publication, make_topic

SVG = "{http://www.w3.org/2000/svg}"

# Every list of cards in the demo: the hub, the indexes, and the detail pages that list.
CARD_PAGES = [
    "/",
    "/publications/",
    "/publications/?page=2",
    "/publications/?kind=addendum",
    "/news/",
    "/models/",
    "/topics/",
    "/committees/",
    "/people/",
    "/conversations/",
    "/publications/gpt-5-system-card/",
    "/models/o3/",
    "/topics/child-safety/",
    "/committees/safety-and-security-committee/",
    "/lifecycle/practices/red-teaming/",
]


class Cards(HTMLParser):
    """Each card (<li class="card ...">) on a page: its title and whether it holds a picture."""

    def __init__(self):
        super().__init__()
        self.cards = []  # [title, has_picture]
        self.stack = []  # open elements; True where a card starts
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        starts_card = tag == "li" and "card" in (attrs.get("class") or "").split()
        if starts_card:
            self.cards.append(["", False])
        if tag not in {"img", "source", "br", "input", "meta", "link", "path", "circle", "rect"}:
            self.stack.append(starts_card)
        inside = any(self.stack)
        if inside and tag in {"img", "svg"}:
            self.cards[-1][1] = True
        if inside and tag == "a" and "card-link" in (attrs.get("class") or ""):
            self.in_title = True

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "a":
            self.in_title = False
        if tag in {"img", "source", "br", "input", "meta", "link", "path", "circle", "rect"}:
            return
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.in_title and self.cards:
            self.cards[-1][0] += data


def cards_on(html):
    parser = Cards()
    parser.feed(html)
    return parser.cards


def cover_svgs(html):
    return re.findall(r'<svg class="cover-art".*?</svg>', html, flags=re.S)


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_hub", stdout=StringIO())


@pytest.mark.parametrize("path", CARD_PAGES)
def test_every_card_on_every_demo_list_page_has_a_picture(client, demo, path):
    response = client.get(path)
    assert response.status_code == 200
    cards = cards_on(response.content.decode())

    assert cards, f"no cards on {path}"
    assert [title for title, has_picture in cards if not has_picture] == []


def test_the_demo_has_no_picture_uploaded_so_all_its_cards_have_generated_art(client, demo):
    html = client.get("/publications/").content.decode()

    assert len(cover_svgs(html)) == len(cards_on(html)) == 20


def test_uploaded_pictures_win_over_generated_art(client, demo):
    attach_demo_media()  # a cover on the GPT-5 card, a portrait, a still for each conversation

    publications = client.get("/publications/?model=gpt-5").content.decode()
    card = publications[publications.index("GPT-5 System Card</a>") - 2000 :]
    card = card[: card.index("</li>")]
    conversations = client.get("/conversations/").content.decode()

    assert "<picture>" in card and 'alt="The words GPT-5 System Card on a gradient"' in card
    assert 'class="cover-art"' not in card
    assert conversations.count("<picture>") == Conversation.objects.count()
    assert cover_svgs(conversations) == []
    assert "Zico Kolter, smiling" in client.get("/people/").content.decode()


def test_generated_cover_is_the_same_for_the_same_item_and_differs_between_items():
    first = cover_svg("system_card", "gpt-5-system-card", models=["gpt-5", "o3"])

    assert cover_svg("system_card", "gpt-5-system-card", models=["o3", "gpt-5"]) == first
    assert cover_svg("system_card", "gpt-4o-system-card", models=["gpt-5", "o3"]) != first
    assert cover_svg("system_card", "gpt-5-system-card") != first  # the models show
    assert cover_svg("framework", "gpt-5-system-card", models=["gpt-5", "o3"]) != first


def test_a_card_shows_the_same_cover_on_every_page(client, demo):
    card = Publication.objects.get(slug="gpt-5-system-card")
    models = sorted(model.slug for model in card.ai_models.live())
    art = str(cover_svg(card.kind, card.slug, models=models))

    assert art in client.get("/publications/").content.decode()
    assert art in client.get(card.get_absolute_url()).content.decode()
    assert art in client.get("/publications/").content.decode()  # and again, unchanged


@pytest.mark.parametrize("kind", sorted(PALETTES))
def test_generated_cover_is_well_formed_decorative_svg_without_style(kind):
    art = str(cover_svg(kind, "some-slug", models=["a", "b"], monogram="Ada Lovelace"))
    root = ET.fromstring(art)

    assert root.tag == f"{SVG}svg"
    assert root.get("aria-hidden") == "true"
    # A strict Content-Security-Policy refuses style attributes and elements, not these.
    assert "style" not in art
    assert all(
        element.tag in {f"{SVG}svg", f"{SVG}rect", f"{SVG}circle", f"{SVG}path"}
        or element.tag in {f"{SVG}polygon", f"{SVG}text"}
        for element in root.iter()
    )


HOSTILE = '"><script>alert(1)</script><svg onload=alert(2)>&amp;'


def test_hostile_names_cannot_put_markup_into_cover_art(client, demo):
    make_topic(name=HOSTILE, slug="hostile", description=HOSTILE, status=Status.PUBLISHED)
    make_publication(title=HOSTILE, summary=HOSTILE, slug="hostile-card", kind=Kind.RESEARCH)
    Person.objects.create(name=f"{HOSTILE} Évariste <b>Galois</b>", slug="hostile-person")

    for path in ["/topics/", "/publications/", "/people/"]:
        html = client.get(path).content.decode()
        for art in cover_svgs(html):
            root = ET.fromstring(art)  # well formed: nothing closed or opened it
            assert "script" not in art and "onload" not in art and "alert" not in art
            assert [e.tag for e in root.iter() if e.get("onload")] == []
        assert "<script>alert(1)" not in html


def test_a_monogram_holds_only_escaped_initials():
    art = str(cover_svg("person", "p", monogram="<i>Ada & Lovelace"))
    text = ET.fromstring(art).find(f"{SVG}text")

    assert initials("Ada Lovelace") == "AL"
    assert initials("Ada & Lovelace") == "AL"  # only words that start with a letter
    assert initials("Zoë") == "Z"
    assert initials("") == "?"
    assert text.text == "L"
    assert "<i" not in art.replace("<svg", "")
    assert str(cover_svg("person", "p", monogram="Ünal ‹x›")).count("<text") == 1


# The current section's navigation link, and where it lives: the main navigation or the footer.
SECTIONS = {
    "/publications/": ("Main", "Publications"),
    "/publications/gpt-5-system-card/": ("Main", "Publications"),
    "/publications/introducing-parental-controls/": ("Main", "News"),
    "/news/": ("Main", "News"),
    "/models/": ("Main", "AI models"),
    "/models/o3/": ("Main", "AI models"),
    "/evaluations/": ("Main", "Evaluations"),
    "/evaluations/simpleqa/": ("Main", "Evaluations"),
    "/topics/child-safety/": ("Main", "Topics"),
    "/lifecycle/": ("Main", "Lifecycle"),
    "/lifecycle/practices/red-teaming/": ("Main", "Lifecycle"),
    "/committees/": ("More", "Committees"),
    "/people/zico-kolter/": ("More", "People"),
    "/conversations/where-is-ai-going/": ("More", "Conversations"),
}


def navigation(html, label):
    return re.search(rf'<nav[^>]*aria-label="{label}">(.*?)</nav>', html, flags=re.S).group(1)


@pytest.mark.parametrize(("path", "expected"), SECTIONS.items())
def test_the_current_section_is_marked_in_the_navigation(client, demo, path, expected):
    html = client.get(path).content.decode()
    label, text = expected

    current = re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]*)</a>', navigation(html, label))
    other = "More" if label == "Main" else "Main"
    assert current == [text]
    assert 'aria-current="page"' not in navigation(html, other)


def test_the_hub_marks_the_home_link_and_no_section(client, demo):
    html = client.get("/").content.decode()

    assert re.search(r'<a class="site-name" href="/" aria-current="page">', html)
    assert 'aria-current="page"' not in navigation(html, "Main")


def test_the_phone_menu_is_a_disclosure_that_needs_no_script(client, demo):
    html = client.get("/topics/").content.decode()

    assert re.search(r'<details class="menu-toggle">\s*<summary>Menu</summary>\s*</details>', html)
    assert "<script" not in html
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    assert ".menu-toggle:not([open]) ~ .site-menu { display: none; }" in css


def test_print_stylesheet_hides_navigation_and_pictures():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    print_rules = css[css.index("@media print") :]

    for hidden in [".site-menu", ".menu-toggle", ".card-media", ".page-cover", ".filters"]:
        assert hidden in print_rules.split("display: none")[0]


def test_card_summaries_are_whole_on_the_card_and_clamped_by_the_stylesheet(client, demo):
    topic = Topic.objects.get(slug="child-safety")
    committee = Committee.objects.first()

    assert f'<p class="summary">{topic.description}</p>' in client.get("/topics/").content.decode()
    assert committee.mandate.replace("’", "’")[:40] in client.get("/committees/").content.decode()
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    assert "-webkit-line-clamp: 3; line-clamp: 3;" in css
