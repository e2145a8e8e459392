"""Markdown renders headings with anchors, lists, tables, links, images and code; nothing an
editor types, in Markdown or in a plain text field, can run script or restyle a visitor's page."""

import json
from datetime import date, timedelta
from html.parser import HTMLParser
from io import BytesIO
from itertools import count

import pytest
from django.core.files.base import ContentFile
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from catalog.models import (
    AIModelAlias,
    Committee,
    Conversation,
    HubPage,
    Membership,
    ModelLineage,
    Person,
    Practice,
    Stage,
    Status,
)
from editorial.markup import render_markdown
from evaluations.models import Determination, FrameworkVersion, RiskCategory, ThresholdLevel
from tests.factories import (
    make_evaluation,
    make_hub_page,
    make_model,
    make_publication,
    make_result,
    make_topic,
)

pytestmark = pytest.mark.django_db

DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "style", "base", "meta-refresh"}


def payload(marker, max_length):
    """Text with a marker (to find where it shows) and every trick we know, as fits the field."""
    full = (
        f"{marker} <script>alert(1)</script><img src=x onerror=alert(2)>"
        f'<a href="javascript:alert(3)" style="color:red" onclick="alert(4)">x</a>'
        f"[link](javascript:alert(5)) <svg onload=alert(6)></svg>"
        f'<iframe src="javascript:alert(7)"></iframe>'
    )
    if len(full) <= max_length:
        return full
    return f"{marker}<img src=x onerror=alert(1)>"[:max_length]


def text_fields(model):
    """The fields an editor types free text into."""
    for field in model._meta.get_fields():
        if (
            isinstance(field, models.CharField | models.TextField)
            and not isinstance(field, models.SlugField | models.URLField)
            and not field.choices
            and field.editable
            and field.name != "evaluations_link_url"  # an address, checked on its own below
        ):
            yield field


_markers = count(100)


def poison(obj, markers):
    """Fill every free-text field of `obj` with a payload; note each field's marker."""
    for field in text_fields(type(obj)):
        marker = f"XSS{next(_markers)}Q"
        markers[f"{type(obj).__name__}.{field.name}"] = marker
        setattr(obj, field.name, payload(marker, field.max_length or 10_000))
    obj.save()
    return obj


def png():
    buffer = BytesIO()
    Image.new("RGB", (64, 48), "teal").save(buffer, "PNG")
    return ContentFile(buffer.getvalue())


@pytest.fixture
def poisoned_site():
    """One live object of every kind, linked as the real content is, every text field a payload."""
    markers = {}
    past = {"status": Status.PUBLISHED, "published_at": timezone.now() - timedelta(days=1)}
    hub = make_hub_page(
        approach_link_url="https://example.org/approach", evaluations_link_url="/evaluations/"
    )
    poison(hub, markers)
    stage = poison(Stage(name="s", slug="stage", summary="s"), markers)
    practice = poison(Practice(stage=stage, name="p", slug="practice"), markers)
    family = poison(make_model(slug="family"), markers)
    model = poison(make_model(slug="model", family=family), markers)
    poison(AIModelAlias(model=model, name="a"), markers)
    poison(ModelLineage(model=model, source=family), markers)
    topic = poison(make_topic(slug="topic", featured=True), markers)
    person = poison(Person(name="p", slug="person"), markers)
    person.portrait.save("portrait.png", png())
    committee = poison(Committee(slug="committee", **past), markers)
    poison(Membership(committee=committee, person=person), markers)
    conversation = poison(Conversation(slug="talk", **past), markers)
    conversation.image.save("talk.png", png())
    conversation.speakers.add(person)
    card = poison(make_publication(slug="card"), markers)
    card.cover_image.save("cover.png", png())
    card.ai_models.add(model, family)
    card.topics.add(topic)
    card.practices.add(practice)
    committee.publications.add(card)
    news = make_publication(slug="news", kind="news", label="safety")
    news.topics.add(topic)
    hub.features.create(publication=card, position=1)
    hub.features.create(committee=committee, position=2)
    evaluation = make_evaluation(slug="evaluation")
    poison(evaluation.category, markers)
    poison(evaluation, markers)
    metric = poison(evaluation.metrics.get(), markers)
    poison(make_result(metric=metric, ai_model=model, source=card, value=0.5), markers)
    version = poison(
        FrameworkVersion(slug="v2", released_on=date(2025, 4, 15), publication=card), markers
    )
    risk = poison(RiskCategory(version=version, slug="cyber"), markers)
    level = poison(ThresholdLevel(version=version, slug="high", rank=1), markers)
    poison(
        Determination(ai_model=model, category=risk, level=level, source=card, committee=committee),
        markers,
    )
    pages = [
        "/",
        "/publications/",
        card.get_absolute_url(),
        "/news/",
        "/models/",
        "/models/?view=timeline",
        model.get_absolute_url(),
        family.get_absolute_url(),
        "/topics/",
        topic.get_absolute_url(),
        "/committees/",
        committee.get_absolute_url(),
        "/people/",
        person.get_absolute_url(),
        "/conversations/",
        conversation.get_absolute_url(),
        "/lifecycle/",
        stage.get_absolute_url(),
        practice.get_absolute_url(),
        "/evaluations/",
        evaluation.get_absolute_url(),
        f"/evaluations/compare/?models={model.slug}&models={family.slug}",
        f"/search/?q={markers['Publication.title']}",
    ]
    return pages, markers


class SafetyChecker(HTMLParser):
    """Everything on a page that could run script or restyle it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.json = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and (attrs.get("src") or "").startswith("/static/js/"):
            return  # this site's own script file, the only script its policy allows
        if tag == "script":
            if attrs.get("type") != "application/ld+json" or "src" in attrs:
                self.problems.append(f"<script {attrs}>")
            self.json = ""
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name == "style":
                self.problems.append(f"<{tag} style=...>")
            cleaned = "".join((value or "").split()).lower()
            if name in URL_ATTRIBUTES and cleaned.startswith(DANGEROUS_SCHEMES):
                self.problems.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script" and self.json is not None:
            try:
                json.loads(self.json)
            except ValueError:
                self.problems.append(f"JSON-LD cut short: {self.json[:80]!r}")
            self.json = None

    def handle_data(self, data):
        if self.json is not None:
            self.json += data


def page_problems(html):
    checker = SafetyChecker()
    checker.feed(html)
    return checker.problems


def test_payloads_in_every_text_field_render_inert_on_every_page(poisoned_site):
    pages, markers = poisoned_site
    client = Client()
    shown = ""
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert page_problems(html) == [], url
        shown += html

    # The payloads did reach the pages: each field's marker is on at least one of them.
    never_shown = {name for name, marker in markers.items() if marker not in shown}
    assert never_shown <= NOT_ON_ANY_PAGE, never_shown - NOT_ON_ANY_PAGE


# Fields kept for editors or for downloads, which no page shows.
NOT_ON_ANY_PAGE = {"RiskCategory.description"}


def test_payloads_render_inert_in_a_staff_preview(poisoned_site, editor_client):
    card = make_publication(slug="draft-card", status=Status.DRAFT, body="x <script>1</script>")

    html = editor_client.get(card.get_absolute_url()).content.decode()

    assert page_problems(html) == []


def test_the_checker_finds_what_it_looks_for():
    """A check that cannot fail proves nothing: each of these must be reported."""
    assert page_problems("<script>alert(1)</script>")
    assert page_problems('<img src="x" onerror="alert(1)">')
    assert page_problems('<a href=" JavaScript:alert(1)">x</a>')
    assert page_problems('<p style="color:red">x</p>')
    assert page_problems('<script type="application/ld+json">{"a": "</script>"}</script>')


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "//evil.example/x", "data:text/html,<b>x</b>", " java"]
)
def test_the_hub_refuses_a_script_address_for_its_evaluations_link(admin_client, link):
    from tests.admin_forms import form_data

    hub = make_hub_page()
    url = reverse("admin:catalog_hubpage_change", args=[hub.pk])
    data = form_data(admin_client.get(url), "hubpage_form", evaluations_link_url=link)

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "evaluations_link_url" in response.context["adminform"].form.errors
    hub.refresh_from_db()
    assert hub.evaluations_link_url == ""


def test_the_hub_accepts_a_path_or_a_web_address_for_its_evaluations_link(admin_client):
    from tests.admin_forms import form_data

    hub = make_hub_page()
    url = reverse("admin:catalog_hubpage_change", args=[hub.pk])
    data = form_data(admin_client.get(url), "hubpage_form", evaluations_link_url="/evaluations/")

    assert admin_client.post(url, data).status_code == 302
    hub.refresh_from_db()
    assert hub.evaluations_link_url == "/evaluations/"


# Markdown.


def test_headings_get_ids_and_a_link_to_themselves():
    html = render_markdown("## Risks & mitigations\n\n## Risks & mitigations")

    assert '<h2 id="section-risks-mitigations">Risks &amp; mitigations<a class="headerlink"' in html
    assert 'href="#section-risks-mitigations"' in html
    assert 'id="section-risks-mitigations_1"' in html  # a repeated heading gets its own id
    assert (
        '<span class="visually-hidden">Link to the section “Risks &amp; mitigations”</span>' in html
    )


def test_markdown_keeps_lists_tables_links_images_and_code():
    html = render_markdown(
        "- one\n- two\n\n1. first\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "[a link](https://example.org/) ![a chart](/media/c.png)\n\n"
        "```\nprint('hi')\n```\n\nInline `code`."
    )

    for expected in [
        "<ul>\n<li>one</li>",
        "<ol>\n<li>first</li>",
        "<table>",
        "<td>1</td>",
        '<a href="https://example.org/" rel="noopener noreferrer">a link</a>',
        '<img src="/media/c.png" alt="a chart">',
        "<pre><code>print('hi')\n</code></pre>",
        "<code>code</code>",
    ]:
        assert expected in html


class Elements(HTMLParser):
    """The elements of some HTML, as (tag, attributes)."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def element_problems(html):
    """Elements or attributes in rendered Markdown that could run script, restyle the page or
    take one of its ids; raw HTML shown as text is no problem."""
    problems = page_problems(html)
    for tag, attrs in Elements(html).found:
        if tag in {"script", "style", "iframe", "form", "input", "div", "svg"}:
            problems.append(f"<{tag}>")
        if not attrs.get("id", "section-").startswith("section-"):
            problems.append(f"<{tag} id={attrs['id']!r}>")
        if attrs.get("class") not in {None, "headerlink", "visually-hidden"}:
            problems.append(f"<{tag} class={attrs['class']!r}>")
    return problems


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](<javascript:alert(1)>)",
        '<a href="https://e.org" style="position:fixed">x</a>',
        '<div onmouseover="alert(1)">x</div>',
        '<iframe src="https://evil.example"></iframe>',
        "<style>body{display:none}</style>",
        '<h2 id="main">Clash</h2>',
        '<a class="headerlink evil" href="#x">x</a>',
        "![x](javascript:alert(1))",
        "![x](data:text/html,<script>alert(1)</script>)",
        '<form action="https://evil.example"><input></form>',
        "## <script>alert(1)</script>",
    ],
)
def test_markdown_strips_what_could_run_or_restyle(text):
    html = render_markdown(text)

    assert element_problems(html) == []


def test_the_check_of_rendered_markdown_finds_what_it_looks_for():
    assert element_problems('<h2 id="main">x</h2>')
    assert element_problems('<a class="evil" href="#x">x</a>')
    assert element_problems("<form></form>")
    assert element_problems('<a href="javascript:alert(1)">x</a>')


# The admin's Markdown preview.


def test_the_admin_previews_markdown_as_the_site_renders_it(admin_client):
    response = admin_client.post(
        reverse("editorial:markdown_preview"), {"text": "## Hi\n\n<script>x</script>*there*"}
    )

    assert response.status_code == 200
    assert response.content.decode() == str(render_markdown("## Hi\n\n<script>x</script>*there*"))
    assert "no-store" in response["Cache-Control"]


def test_the_markdown_preview_is_for_staff_only(client):
    response = client.post(reverse("editorial:markdown_preview"), {"text": "x"})

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_markdown_preview_needs_the_csrf_token(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)

    response = client.post(reverse("editorial:markdown_preview"), {"text": "x"})

    assert response.status_code == 403


def test_markdown_fields_in_the_admin_have_the_preview(admin_client):
    html = admin_client.get(reverse("admin:catalog_publication_add")).content.decode()

    assert 'data-markdown-preview="/admin/markdown-preview/"' in html
    assert "editorial/markdown-preview.js" in html


def test_a_hub_page_without_content_is_still_safe():
    assert HubPage.objects.count() == 0
    assert page_problems(Client().get("/").content.decode()) == []
