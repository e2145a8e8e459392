from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import (
    Committee,
    Conversation,
    HubFeature,
    Kind,
    Label,
    Membership,
    ModelLineage,
    Person,
    Practice,
    Relation,
    Stage,
    Status,
)
from tests.factories import make_hub_page, make_model, make_publication, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub():
    hub = make_hub_page()
    teach = Stage.objects.create(name="Teach", slug="teach", summary="We start.", position=1)
    Practice.objects.create(stage=teach, name="Filter data", slug="filter-data", position=1)
    return hub


def add_content(hub, count):
    """Cards on the hub, news, topics: `count` of each kind of item; the first card and its
    addendum pinned, the others in the "Go deeper" list by date."""
    for number in range(count):
        card = make_publication(title=f"Card {number}")
        card.ai_models.add(make_model())
        addendum = make_publication(kind=Kind.ADDENDUM, parent=card, title=f"Addendum {number}")
        if number == 0:
            HubFeature.objects.create(hub=hub, publication=card, position=1)
            HubFeature.objects.create(hub=hub, publication=addendum, position=2)
        make_publication(kind=Kind.NEWS, label=Label.SAFETY, title=f"News {number}")
        make_topic(featured=True)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_hub_shows_its_editable_text(client, hub):
    html = client.get("/").content.decode()

    assert "<title>Safety &amp; responsibility · Safety Hub</title>" in html
    assert "Safety at every step" in html
    assert "Safety doesn’t stop" in html
    assert "Filter data" in html


def test_hub_explains_how_to_load_content_when_empty(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "manage.py load_hub" in response.content.decode()


def test_hub_news_is_newest_first_and_limited(client, hub):
    now = timezone.now()
    for days in range(6):
        make_publication(
            kind=Kind.NEWS, title=f"News {days} days old", published_at=now - timedelta(days=days)
        )

    html = client.get("/").content.decode()

    positions = [html.index(f"News {days} days old") for days in range(4)]
    assert positions == sorted(positions)
    assert "News 4 days old" not in html


def test_hub_hides_draft_and_future_items_everywhere(client, hub):
    draft = make_publication(title="Draft card", status=Status.DRAFT)
    future = make_publication(title="Future card", published_at=timezone.now() + timedelta(1))
    HubFeature.objects.create(hub=hub, publication=draft, position=1)
    HubFeature.objects.create(hub=hub, publication=future, position=2)
    make_publication(kind=Kind.NEWS, title="Draft news", status=Status.REVIEW)
    make_topic(name="Draft topic", featured=True, status=Status.DRAFT)
    HubFeature.objects.create(
        hub=hub,
        position=3,
        committee=Committee.objects.create(
            name="Draft committee", slug="draft-committee", mandate=".", status=Status.DRAFT
        ),
    )

    html = client.get("/").content.decode()

    for title in ["Draft card", "Future card", "Draft news", "Draft topic", "Draft committee"]:
        assert title not in html


def test_hub_shows_an_addendum_with_its_parent(client, hub):
    parent = make_publication(title="GPT-5 System Card")
    addendum = make_publication(kind=Kind.ADDENDUM, parent=parent, title="GPT-5-Codex addendum")
    HubFeature.objects.create(hub=hub, publication=addendum, position=1)

    html = client.get("/").content.decode()

    assert f'Addendum to <a href="{parent.get_absolute_url()}">GPT-5 System Card</a>' in html


@pytest.mark.usefixtures("page_cache_off")
def test_hub_query_count_does_not_grow_with_content(client, hub):
    add_content(hub, 5)
    small = count_queries(client, "/")
    add_content(hub, 100)

    assert count_queries(client, "/") == small


@pytest.mark.usefixtures("page_cache_off")
def test_publication_page_query_count_does_not_grow_with_relations(client):
    card = make_publication()
    make_publication(kind=Kind.ADDENDUM, parent=card)
    card.ai_models.add(make_model())
    small = count_queries(client, card.get_absolute_url())
    for _ in range(30):
        make_publication(kind=Kind.ADDENDUM, parent=card)
        card.ai_models.add(make_model())
        card.topics.add(make_topic())

    assert count_queries(client, card.get_absolute_url()) == small


def related_titles(client, publication):
    html = client.get(publication.get_absolute_url()).content.decode()
    box = html.split('id="related-title"', 1)[1] if 'id="related-title"' in html else ""
    return [title for title in TITLES if f">{title}</a>" in box]


TITLES = ["Same model", "Same topic", "Older same model", "Unrelated", "Draft same model"]
TITLES += ["Scheduled same topic", "Its addendum", "Newest same model", "Oldest same topic"]


def test_related_publications_share_a_model_or_topic_newest_first_four_at_most(client):
    model, topic = make_model(), make_topic()
    card = make_publication(title="The card")
    card.ai_models.add(model)
    card.topics.add(topic)
    now = timezone.now()
    for title, days, link in [
        ("Same model", 2, model),
        ("Same topic", 3, topic),
        ("Older same model", 5, model),
        ("Oldest same topic", 9, topic),
        ("Newest same model", 1, model),
        ("Unrelated", 1, None),
    ]:
        other = make_publication(title=title, published_at=now - timedelta(days=days))
        if link is not None:
            (other.ai_models if link is model else other.topics).add(link)
    draft = make_publication(title="Draft same model", status=Status.DRAFT)
    draft.ai_models.add(model)
    scheduled = make_publication(title="Scheduled same topic", published_at=now + timedelta(days=1))
    scheduled.topics.add(topic)
    addendum = make_publication(title="Its addendum", kind=Kind.ADDENDUM, parent=card)
    addendum.ai_models.add(model)

    assert related_titles(client, card) == [
        "Same model",
        "Same topic",
        "Older same model",
        "Newest same model",
    ]
    html = client.get(card.get_absolute_url()).content.decode()
    box = html.split('id="related-title"', 1)[1]
    order = [box.index(f">{title}</a>") for title in ["Newest same model", "Same model"]]
    assert order == sorted(order)


def test_a_model_page_lists_the_live_topics_of_its_live_publications(client):
    model = make_model(slug="the-model")
    shown, draft_topic, unlinked = (
        make_topic(name="Shown topic"),
        make_topic(name="Draft topic", status=Status.DRAFT),
        make_topic(name="Unlinked topic"),
    )
    live = make_publication()
    live.ai_models.add(model)
    live.topics.add(shown, draft_topic)
    hidden = make_publication(status=Status.DRAFT)
    hidden.ai_models.add(model)
    hidden.topics.add(unlinked)

    html = client.get("/models/the-model/").content.decode()

    assert "Shown topic" in html
    assert "Draft topic" not in html and "Unlinked topic" not in html


def test_a_model_page_lists_a_topic_once_however_many_of_its_publications_carry_it(client):
    model, other_model = make_model(slug="the-model"), make_model(slug="other-model")
    shared, elsewhere = make_topic(name="Shared topic"), make_topic(name="Elsewhere topic")
    for _ in range(3):
        publication = make_publication()
        publication.ai_models.add(model)
        publication.topics.add(shared)
    other = make_publication()
    other.ai_models.add(other_model)
    other.topics.add(elsewhere)

    html = client.get("/models/the-model/").content.decode()

    assert html.count(">Shared topic</a>") == 1
    assert "Elsewhere topic" not in html


def test_the_model_index_lists_live_families_with_their_live_members_in_release_order(client):
    now = timezone.now()
    gpt5 = make_model(name="GPT-5", slug="gpt-5", release_date=now.date() - timedelta(days=90))
    make_model(name="gpt-5-mini", family=gpt5, release_date=now.date() - timedelta(days=30))
    make_model(name="gpt-5-thinking", family=gpt5, release_date=now.date() - timedelta(days=60))
    make_model(name="gpt-5-secret", family=gpt5, status=Status.DRAFT)
    hidden = make_model(name="Hidden family", status=Status.DRAFT)
    make_model(name="orphan-of-a-draft", family=hidden)
    make_model(name="o3", release_date=now.date() - timedelta(days=200))

    families = client.get("/models/").content.decode()
    timeline = client.get("/models/?view=timeline").content.decode()

    assert families.index(">GPT-5<") < families.index(">o3<")
    assert families.index("gpt-5-thinking") < families.index("gpt-5-mini")
    assert 'href="/models/gpt-5/"' in families
    for unseen in ["gpt-5-secret", "Hidden family", "orphan-of-a-draft"]:
        assert unseen not in families
    order = ["gpt-5-mini", "gpt-5-thinking", ">GPT-5<", ">o3<"]
    assert [timeline.index(name) for name in order] == sorted(timeline.index(n) for n in order)
    assert "orphan-of-a-draft" in timeline  # live itself; only its family is not
    assert "gpt-5-secret" not in timeline


def test_a_publication_page_links_its_relations_both_ways(client):
    now = timezone.now()
    stage = Stage.objects.create(name="Test", slug="test", summary=".", position=2)
    practice = Practice.objects.create(stage=stage, name="Red teaming", slug="red-teaming")
    committee = Committee.objects.create(
        name="Safety Board", slug="board", status=Status.PUBLISHED, published_at=now
    )
    card = make_publication(title="GPT-9 System Card", slug="gpt-9")
    card.practices.add(practice)
    committee.publications.add(card)
    older = make_publication(
        title="Older addendum", kind=Kind.ADDENDUM, parent=card, published_at=now - timedelta(9)
    )
    make_publication(
        title="Newer addendum", kind=Kind.ADDENDUM, parent=card, published_at=now - timedelta(2)
    )
    make_publication(title="Draft addendum", kind=Kind.ADDENDUM, parent=card, status=Status.DRAFT)

    card_page = client.get(card.get_absolute_url()).content.decode()
    addendum_page = client.get(older.get_absolute_url()).content.decode()

    assert card_page.index("Newer addendum") < card_page.index("Older addendum")
    assert "Draft addendum" not in card_page
    assert '<a href="/lifecycle/practices/red-teaming/">Test: Red teaming</a>' in card_page
    assert '<a href="/committees/board/">Safety Board</a>' in card_page
    assert 'Addendum to <a href="/publications/gpt-9/">GPT-9 System Card</a>' in addendum_page


def test_a_model_page_shows_its_family_and_lineage_both_ways(client):
    gpt5 = make_model(name="GPT-5", slug="gpt-5")
    thinking = make_model(name="gpt-5-thinking", slug="gpt-5-thinking", family=gpt5)
    make_model(name="gpt-5-draft", family=gpt5, status=Status.DRAFT)
    o3 = make_model(name="o3", slug="o3")
    codex = make_model(name="codex-1", slug="codex-1")
    secret = make_model(name="secret-model", status=Status.DRAFT)
    ModelLineage.objects.create(model=thinking, source=o3, relation=Relation.SUCCESSOR_OF)
    ModelLineage.objects.create(model=codex, source=o3, relation=Relation.BASED_ON, note="2025")
    ModelLineage.objects.create(model=secret, source=o3, relation=Relation.BASED_ON)

    family = client.get("/models/gpt-5/").content.decode()
    member = client.get("/models/gpt-5-thinking/").content.decode()
    source = client.get("/models/o3/").content.decode()

    assert '<a href="/models/gpt-5-thinking/">gpt-5-thinking</a>' in family
    assert "gpt-5-draft" not in family
    assert 'Part of the <a href="/models/gpt-5/">GPT-5</a> family' in member
    assert 'is the successor of <a href="/models/o3/">o3</a>' in member
    assert '<a href="/models/codex-1/">codex-1</a> is based on o3 (2025)' in source
    assert '<a href="/models/gpt-5-thinking/">gpt-5-thinking</a> is the successor of o3' in source
    assert "secret-model" not in source


def test_a_committee_page_lists_its_members_with_role_and_term(client):
    committee = Committee.objects.create(
        name="Safety Board", slug="board", status=Status.PUBLISHED, published_at=timezone.now()
    )
    chair = Person.objects.create(name="Zico Kolter", slug="zico-kolter")
    member = Person.objects.create(name="Ada Member", slug="ada")
    Membership.objects.create(
        committee=committee, person=chair, role="Chair", term_start=date(2024, 9, 16), position=1
    )
    Membership.objects.create(
        committee=committee,
        person=member,
        role="Member",
        term_start=date(2023, 1, 1),
        term_end=date(2024, 6, 30),
        position=2,
    )

    html = client.get("/committees/board/").content.decode()

    assert (
        '<a href="/people/zico-kolter/">Zico Kolter</a>, Chair (since '
        '<time datetime="2024-09-16">September 2024</time>)'
    ) in html
    assert (
        '<a href="/people/ada/">Ada Member</a>, Member (since <time datetime="2023-01-01">'
        'January 2023</time>, until <time datetime="2024-06-30">June 2024</time>)'
    ) in html
    assert html.index("Zico Kolter") < html.index("Ada Member")


def test_a_person_page_lists_live_committees_and_conversations_only(client):
    now = timezone.now()
    person = Person.objects.create(name="Zico Kolter", slug="zico-kolter")
    for name, fields in [
        ("Safety Board", {}),
        ("Draft Board", {"status": Status.DRAFT}),
        ("Future Board", {"published_at": now + timedelta(days=1)}),
    ]:
        committee = Committee.objects.create(
            name=name,
            slug=name.lower().replace(" ", "-"),
            **{"status": Status.PUBLISHED, "published_at": now - timedelta(days=1), **fields},
        )
        Membership.objects.create(committee=committee, person=person, role=f"Chair of {name}")
        conversation = Conversation.objects.create(
            title=f"Talk on {name}",
            slug=f"talk-{committee.slug}",
            **{"status": Status.PUBLISHED, "published_at": now - timedelta(days=1), **fields},
        )
        conversation.speakers.add(person)

    html = client.get("/people/zico-kolter/").content.decode()

    assert '<a href="/committees/safety-board/">Safety Board</a>, Chair of Safety Board' in html
    assert '<a href="/conversations/talk-safety-board/">Talk on Safety Board</a>' in html
    assert "Draft Board" not in html
    assert "Future Board" not in html

    draft = Committee.objects.get(slug="draft-board")
    draft.status = Status.PUBLISHED
    draft.save()

    assert "Chair of Draft Board" in client.get("/people/zico-kolter/").content.decode()
