"""Every public page: it answers, its query count is bounded, and nothing unpublished shows."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from catalog.models import (
    Committee,
    Conversation,
    HubFeature,
    HubPage,
    Kind,
    Label,
    Membership,
    ModelLineage,
    Person,
    Practice,
    Publication,
    Relation,
    Stage,
    Status,
)
from tests.factories import (
    make_hub_page,
    make_many_publications,
    make_model,
    make_publication,
    make_topic,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    """One live object of every kind, linked the way the real content is."""
    hub = make_hub_page()
    stage = Stage.objects.create(name="Test", slug="test", summary="We test.", position=1)
    practice = Practice.objects.create(stage=stage, name="System cards", slug="system-cards")
    family = make_model(name="GPT-5", slug="gpt-5")
    model = make_model(name="gpt-5-thinking", slug="gpt-5-thinking", family=family)
    model.aliases.create(name="gpt-5")
    o3 = make_model(name="o3", slug="o3")
    ModelLineage.objects.create(model=model, source=o3, relation=Relation.SUCCESSOR_OF)
    topic = make_topic(name="Child safety", slug="child-safety", featured=True)
    person = Person.objects.create(name="Zico Kolter", slug="zico-kolter")
    committee = Committee.objects.create(
        name="Safety and Security Committee",
        slug="ssc",
        mandate="Oversight.",
        status=Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=1),
    )
    Membership.objects.create(committee=committee, person=person, role="Chair")
    conversation = Conversation.objects.create(
        title="Where is AI going?",
        slug="where-is-ai-going",
        status=Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=1),
    )
    conversation.speakers.add(person)
    card = make_publication(title="GPT-5 System Card", slug="gpt-5-system-card")
    card.ai_models.add(family, model)
    card.topics.add(topic)
    card.practices.add(practice)
    committee.publications.add(card)
    addendum = make_publication(
        title="GPT-5-Codex addendum", slug="gpt-5-codex", kind=Kind.ADDENDUM, parent=card
    )
    addendum.ai_models.add(model)
    news = make_publication(title="Parental controls", kind=Kind.NEWS, label=Label.PRODUCT)
    news.topics.add(topic)
    HubFeature.objects.create(hub=hub, publication=card, position=1)
    HubFeature.objects.create(hub=hub, publication=addendum, position=2)
    HubFeature.objects.create(hub=hub, committee=committee, position=3)
    return {
        "card": card,
        "model": model,
        "family": family,
        "topic": topic,
        "practice": practice,
        "stage": stage,
        "committee": committee,
        "person": person,
        "conversation": conversation,
    }


def page_urls(site):
    return {
        "hub": "/",
        "publication list": "/publications/",
        "publication list, filtered": f"/publications/?kind=system_card&model={site['model'].slug}"
        f"&topic={site['topic'].slug}&order=title",
        "publication list, page 2": "/publications/?page=2",
        "news list": "/news/?label=safety",
        "publication": site["card"].get_absolute_url(),
        "model families": "/models/",
        "model timeline": "/models/?view=timeline",
        "model": site["model"].get_absolute_url(),
        "model family": site["family"].get_absolute_url(),
        "topic list": "/topics/",
        "topic": site["topic"].get_absolute_url(),
        "committee list": "/committees/",
        "committee": site["committee"].get_absolute_url(),
        "person list": "/people/",
        "person": site["person"].get_absolute_url(),
        "conversation list": "/conversations/",
        "conversation": site["conversation"].get_absolute_url(),
        "lifecycle": "/lifecycle/",
        "stage": site["stage"].get_absolute_url(),
        "practice": site["practice"].get_absolute_url(),
        "feed rss": "/feeds/publications.rss",
        "feed atom": "/feeds/publications.atom",
        "model feed": f"{site['model'].get_absolute_url()}feed.rss",
        "topic feed": f"{site['topic'].get_absolute_url()}feed.atom",
        "sitemap": "/sitemap.xml",
        "sitemap of publications": "/sitemap-publications.xml",
        "robots": "/robots.txt",
    }


def grow(site, count):
    """Add `count` live publications tied to every object the pages list."""
    make_many_publications(
        count,
        ai_models=[site["model"], site["family"]],
        topics=[site["topic"]],
        practices=[site["practice"]],
        committees=[site["committee"]],
    )


def test_every_page_answers(client, site):
    for name, url in page_urls(site).items():
        if name.endswith("page 2"):
            continue
        assert client.get(url).status_code == 200, name


# Upper bounds per page type, so a new query shows up in review.
QUERY_BUDGETS = {
    "hub": 8,  # the hub, stages and practices, topics, conversations, news, cards and parents
    "publication list": 7,  # newest and oldest year, count, page, its AI models, the model and
    # topic choices
    "publication list, filtered": 9,  # 7, and the chosen model and topic
    "publication list, page 2": 7,
    "news list": 5,  # newest and oldest year, count, page, its AI models
    "publication": 11,  # it with its models, topics, practices and committees; its parent or
    # addenda, related publications (each with their AI models), evaluations, determinations
    "model families": 3,
    "model timeline": 2,
    "model": 11,  # it, aliases, family, members, lineage, topics, results, determinations, a page
    "model family": 10,
    "topic list": 2,
    "topic": 4,  # it, and a page of publications: count, page, their AI models
    "committee list": 2,
    "committee": 6,  # 4, members, determinations
    "person list": 3,
    "person": 3,
    "conversation list": 3,
    "conversation": 2,
    "lifecycle": 2,
    "stage": 2,
    "practice": 4,
    "feed rss": 1,
    "feed atom": 1,
    "model feed": 2,
    "topic feed": 2,
    "sitemap": 8,  # a count and newest date per section, the pages' slugs
    "sitemap of publications": 2,
    "robots": 0,
}


def test_page_query_counts_are_bounded_and_do_not_grow_with_content(page_query_count, site):
    assert_bounded_at_any_size(page_query_count, site, QUERY_BUDGETS)


def assert_bounded_at_any_size(query_count, site, budgets):
    """Each page's queries are the same with 30 and with 2,000 publications, and within budget."""
    grow(site, 30)  # enough for a second page
    urls = page_urls(site)
    small = {name: query_count(urls[name]) for name in budgets}
    grow(site, 1970)

    large = {name: query_count(urls[name]) for name in budgets}

    grew = {name: (small[name], large[name]) for name in small if large[name] != small[name]}
    over = {name: large[name] for name in large if large[name] > budgets[name]}
    assert not grew, f"queries with 30 publications and with 2,000: {grew}"
    assert not over, f"over budget: {over}"


def unpublished_twins(site):
    """A draft, an in-review and a future publication linked to everything a live one is."""
    now = timezone.now()
    variants = [
        {"title": "Leaked draft", "status": Status.DRAFT},
        {"title": "Leaked review", "status": Status.REVIEW},
        {"title": "Leaked future", "published_at": now + timedelta(days=1)},
    ]
    hub = HubPage.objects.get()
    for position, fields in enumerate(variants, start=10):
        for kind in [Kind.SYSTEM_CARD, Kind.NEWS]:
            twin = make_publication(**{**fields, "title": f"{fields['title']} {kind}"}, kind=kind)
            twin.ai_models.add(site["model"], site["family"])
            twin.topics.add(site["topic"])
            twin.practices.add(site["practice"])
            site["committee"].publications.add(twin)
            if kind == Kind.SYSTEM_CARD:
                HubFeature.objects.create(hub=hub, publication=twin, position=position)
                make_publication(
                    title=f"{fields['title']} addendum",
                    kind=Kind.ADDENDUM,
                    parent=site["card"],
                    **{k: v for k, v in fields.items() if k != "title"},
                )


def test_unpublished_publications_appear_on_no_page_feed_or_sitemap(client, site):
    unpublished_twins(site)

    for name, url in page_urls(site).items():
        if name.endswith("page 2"):
            continue
        body = client.get(url).content.decode()
        assert "Leaked" not in body, name


def test_counts_ignore_unpublished_publications(client, site):
    unpublished_twins(site)

    topics = client.get("/topics/").content.decode()
    publications = client.get("/publications/").content.decode()

    assert "2 publications" in topics  # the card and the news item
    assert "3 publications" in publications


def test_unpublished_models_topics_and_committees_are_hidden(client, site):
    draft = {"status": Status.DRAFT}
    make_model(name="Secret model", **draft).publications.add(site["card"])
    make_topic(name="Secret topic", featured=True, **draft).publications.add(site["card"])
    Committee.objects.create(
        name="Secret committee", slug="secret", mandate=".", **draft
    ).publications.add(site["card"])

    for name, url in page_urls(site).items():
        if name.endswith("page 2"):
            continue
        assert "Secret" not in client.get(url).content.decode(), name


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kind=poem", "Select a valid choice"),
        ("model=no-such-model", "Select a valid choice"),
        ("year=1999", "Select a valid choice"),
        ("order=random", "Select a valid choice"),
        ("kind=news&kind=system_card", "Give “kind” once"),
        ("model=%00", "Null characters are not allowed"),
        ("topic=o3%00", "Null characters are not allowed"),
        ("year=2025%00", "Select a valid choice"),
        (f"model={'x' * 10000}", "Select a valid choice"),
        ("model=%F0%9F%A4%96", "Select a valid choice"),
    ],
)
def test_bad_filters_get_a_clear_400(client, site, query, message):
    response = client.get(f"/publications/?{query}")

    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_draft_model_cannot_be_used_as_a_filter(client, site):
    draft = make_model(name="Draft model", slug="draft-model", status=Status.DRAFT)

    assert client.get(f"/publications/?model={draft.slug}").status_code == 400


@pytest.mark.parametrize("page", ["2", "0", "abc", "-1", "99999999999999999999", "%00", "1.5"])
def test_pages_past_the_end_or_not_numbers_are_not_found(client, site, page):
    response = client.get(f"/publications/?page={page}")

    assert response.status_code == 404
    assert "page" in response.content.decode().lower()


def test_pagination_keeps_the_filters(client, site):
    grow(site, 45)

    html = client.get(f"/publications/?model={site['model'].slug}&order=oldest").content.decode()

    assert f'href="?model={site["model"].slug}&amp;order=oldest&amp;page=2"' in html


def test_filters_narrow_the_list(client, site):
    html = client.get("/publications/?kind=news").content.decode()

    assert "Parental controls" in html
    assert "GPT-5 System Card" not in html
    assert "1 publication<" in html


def test_model_list_rejects_an_unknown_view(client, site):
    response = client.get("/models/?view=grid")

    assert response.status_code == 400
    assert "“view” is “families” or “timeline”" in response.content.decode()


def test_model_page_links_lineage_both_ways(client, site):
    model_html = client.get(site["model"].get_absolute_url()).content.decode()
    o3_html = client.get("/models/o3/").content.decode()

    assert 'href="/models/o3/"' in model_html
    assert 'href="/models/gpt-5-thinking/"' in o3_html
    assert 'href="/models/gpt-5/"' in model_html


def test_parent_card_lists_its_addenda_and_addendum_links_its_parent(client, site):
    card_html = client.get(site["card"].get_absolute_url()).content.decode()
    addendum_html = client.get("/publications/gpt-5-codex/").content.decode()

    assert "GPT-5-Codex addendum" in card_html
    assert 'href="/publications/gpt-5-system-card/"' in addendum_html


def test_unknown_address_gets_the_friendly_404(client, site):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_sitemap_index_dates_each_section_by_its_newest_live_item(client, site):
    unpublished_twins(site)  # drafts and scheduled items, newer than everything live
    newest = Publication.objects.live().order_by("-published_at").first()

    index = client.get("/sitemap.xml").content.decode()

    sections = ["pages", "publications", "models", "topics", "committees", "conversations"]
    for name in sections:
        assert f"http://testserver/sitemap-{name}.xml</loc>" in index
    publications = index.split("sitemap-publications.xml</loc>")[1].split("</sitemap>")[0]
    assert f"<lastmod>{newest.published_at.isoformat()}</lastmod>" in publications
    assert "?p=2" not in index
    assert client.get("/sitemap-publications.xml").content.count(b"<url>") == 3


def test_the_hub_shows_each_change_on_the_next_request(client, site, page_cache_off):
    client.get("/")
    hub = HubPage.objects.get()
    hub.title = "Safety, renamed"
    hub.save()
    site["conversation"].status = Status.DRAFT
    site["conversation"].save()
    make_publication(title="Fresh news", kind=Kind.NEWS, label=Label.SAFETY)
    soon = make_publication(
        title="Scheduled news", kind=Kind.NEWS, published_at=timezone.now() + timedelta(hours=1)
    )

    body = client.get("/").content.decode()

    assert "Safety, renamed" in body
    assert "Where is AI going?" not in body
    assert "Fresh news" in body
    assert "Scheduled news" not in body
    with time_machine.travel(soon.published_at + timedelta(minutes=1)):
        assert "Scheduled news" in client.get("/").content.decode()
