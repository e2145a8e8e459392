"""Substance on every page (issue 16, item 5): conversations with a description, date, link
and speakers; people with a role and a biography; system cards with a body of their own
words; topics with an introduction and their related evaluations; a "Go deeper" list that
is newest first by itself and puts the editors' pins first. Nothing unpublished shows
through any of these relations, and the pages' query counts stay flat."""

import re
from datetime import timedelta
from html import unescape

import pytest
import yaml
from django.utils import timezone
from django.utils.html import strip_tags

from catalog.demo_content import HUB_CONTENT_FILE, hub_content_load
from catalog.models import (
    Committee,
    Conversation,
    HubFeature,
    Kind,
    Membership,
    Person,
    Publication,
    Status,
    Topic,
)
from evaluations.models import Evaluation
from tests.factories import (
    make_evaluation,
    make_hub_page,
    make_model,
    make_publication,
    make_result,
    make_topic,
)

pytestmark = pytest.mark.django_db


def page_text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return unescape(re.sub(r"\s+", " ", strip_tags(response.content.decode())))


def section(html, heading_id):
    """The HTML of the section a heading with this id opens, up to the next section."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def deeper_titles(client):
    html = client.get("/").content.decode()
    deeper = html[html.index('id="deeper-title"') :]
    return [
        unescape(strip_tags(heading)).strip()
        for heading in re.findall(r"<h3[^>]*>(.*?)</h3>", deeper, flags=re.DOTALL)
    ]


# The demo content, as load_hub leaves it.


def test_every_conversation_has_a_description_date_and_link_shown_on_its_page(client):
    hub_content_load()

    conversations = Conversation.objects.live()
    assert conversations.count() == 2
    for conversation in conversations:
        assert len(conversation.summary) > 80
        assert conversation.url.startswith("https://")
        html = client.get(conversation.get_absolute_url()).content.decode()
        text = unescape(strip_tags(html))
        assert conversation.summary in text
        assert f'href="{conversation.url}"' in html
        assert f'datetime="{conversation.published_at.date().isoformat()}' in html


def test_conversation_speakers_named_in_the_file_are_linked_with_their_role(client, tmp_path):
    content = yaml.safe_load(HUB_CONTENT_FILE.read_text(encoding="utf-8"))
    content["conversations"][0]["speakers"] = ["Zico Kolter", "Nicole Seligman"]
    path = tmp_path / "hub.yaml"
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")

    hub_content_load(path=path)
    hub_content_load(path=path)  # idempotent: the same two speakers, once each

    conversation = Conversation.objects.get(title="Where is AI going?")
    zico = Person.objects.get(name="Zico Kolter")
    assert [person.name for person in conversation.speakers.all()] == [
        "Nicole Seligman",
        "Zico Kolter",
    ]
    speakers = section(
        client.get(conversation.get_absolute_url()).content.decode(), "speakers-title"
    )
    assert f'<a href="{zico.get_absolute_url()}">Zico Kolter</a>, {zico.role}' in unescape(speakers)
    assert conversation.title in page_text(client, zico.get_absolute_url())


def test_loading_without_speakers_keeps_those_chosen_in_the_admin():
    hub_content_load()
    conversation = Conversation.objects.get(title="Teaching ChatGPT Good Behavior")
    conversation.speakers.add(Person.objects.get(name="Adam D'Angelo"))

    hub_content_load()

    assert [person.name for person in conversation.speakers.all()] == ["Adam D'Angelo"]


def test_every_person_has_a_role_and_a_biography_shown_with_their_committees(client):
    hub_content_load()

    people = Person.objects.all()
    assert people.count() == 4
    for person in people:
        assert person.role
        assert 200 < len(person.bio) <= 5_000
        html = client.get(person.get_absolute_url()).content.decode()
        # An empty line of the biography starts a new paragraph.
        assert html.count("<p>") >= person.bio.count("\n\n") + 1
        text = page_text(client, person.get_absolute_url())
        assert person.role in text
        for paragraph in person.bio.split("\n\n"):
            assert paragraph in text
        for membership in Membership.objects.filter(person=person).select_related("committee"):
            assert f"{membership.committee.name}, {membership.role}" in text


def test_every_system_card_and_addendum_has_a_body_in_its_own_words(client):
    hub_content_load()

    cards = Publication.objects.live().filter(kind__in=[Kind.SYSTEM_CARD, Kind.ADDENDUM])
    assert cards.count() == 17
    for card in cards:
        assert 500 < len(card.body) < 3_000, card.title
        assert card.body_html.count("<h2 ") >= 3, card.title
        # Written afresh: no run of eight words from the card's own summary (the seed's text).
        summary_words = re.findall(r"[\w’'-]+", card.summary.lower())
        body = " ".join(re.findall(r"[\w’'-]+", card.body.lower()))
        for start in range(len(summary_words) - 7):
            assert " ".join(summary_words[start : start + 8]) not in body, card.title
        html = client.get(card.get_absolute_url()).content.decode()
        assert card.body_html in html


def test_the_preparedness_sections_agree_with_the_loaded_determinations():
    hub_content_load()

    def body(title):
        return " ".join(Publication.objects.get(title=title).body.split())

    assert "neither model reaches the High threshold" in body("OpenAI o3 and o4-mini System Card")
    assert "treated as High capability in the Biological and Chemical category" in body(
        "GPT-5 System Card"
    )
    assert "Low in Cybersecurity" in body("OpenAI o3-mini System Card")


def test_every_topic_has_an_introduction_shown_on_its_page(client):
    hub_content_load()

    for topic in Topic.objects.live():
        assert len(topic.body) > 150, topic.name
        html = client.get(topic.get_absolute_url()).content.decode()
        assert topic.body_html in html


def test_topic_pages_list_their_related_evaluations_from_the_file(client):
    hub_content_load()

    html = client.get(Topic.objects.get(name="Child safety").get_absolute_url()).content.decode()
    evaluations = section(html, "evaluations-title")

    assert [unescape(strip_tags(name)) for name in re.findall(r"<h3>(.*?)</h3>", evaluations)] == [
        "Standard Refusal Evaluation",
        "Challenging Refusal Evaluation",
        "Production Benchmarks",
    ]
    assert 'href="/evaluations/standard-refusal-evaluation/"' in evaluations
    assert Evaluation.objects.filter(topics__name="Private information").count() == 2


def test_loading_twice_links_each_evaluation_to_a_topic_once():
    hub_content_load()
    links = list(Evaluation.topics.through.objects.order_by("pk").values())

    hub_content_load()

    assert list(Evaluation.topics.through.objects.order_by("pk").values()) == links


# Relations built by hand: live items only.


def test_a_topic_page_counts_only_live_results_of_its_evaluations(client):
    topic = make_topic(name="Elections")
    evaluation = make_evaluation(name="StrongReject", slug="strongreject")
    evaluation.topics.add(topic)
    metric = evaluation.metrics.get()
    model = make_model(name="o3")
    card = make_publication(title="o3 card")
    make_result(metric=metric, ai_model=model, source=card, value="0.9")
    draft_card = make_publication(title="Draft card", status=Status.DRAFT)
    make_result(metric=metric, ai_model=model, source=draft_card, value="0.8", subcategory="draft")
    future_model = make_model(published_at=timezone.now() + timedelta(days=3))
    make_result(metric=metric, ai_model=future_model, source=card, value="0.7")
    unlinked = make_evaluation(name="Not about elections")
    make_result(metric=unlinked.metrics.get(), ai_model=model, source=card, value="0.5")

    evaluations = section(
        client.get(topic.get_absolute_url()).content.decode(), "evaluations-title"
    )

    assert "StrongReject" in evaluations
    assert "1 published result," in evaluations
    assert "Not about elections" not in evaluations


def test_a_topic_page_shows_a_related_evaluation_without_results_as_such(client):
    topic = make_topic()
    make_evaluation(name="BBQ").topics.add(topic)

    evaluations = section(
        client.get(topic.get_absolute_url()).content.decode(), "evaluations-title"
    )

    assert "BBQ" in evaluations
    assert "No published results yet" in evaluations


def test_a_topic_without_evaluations_has_no_empty_section(client):
    topic = make_topic()

    assert 'id="evaluations-title"' not in client.get(topic.get_absolute_url()).content.decode()


def test_a_person_page_lists_only_live_conversations_newest_first(client):
    person = Person.objects.create(name="Ada Researcher", slug="ada", role="Researcher")
    now = timezone.now()
    for title, status, days in [
        ("Older talk", Status.PUBLISHED, 30),
        ("Newer talk", Status.PUBLISHED, 2),
        ("Draft talk", Status.DRAFT, 1),
        ("Future talk", Status.PUBLISHED, -3),
    ]:
        conversation = Conversation.objects.create(
            title=title,
            slug=title.lower().replace(" ", "-"),
            status=status,
            published_at=now - timedelta(days=days),
        )
        conversation.speakers.add(person)

    text = page_text(client, person.get_absolute_url())

    assert text.index("Newer talk") < text.index("Older talk")
    assert "Draft talk" not in text
    assert "Future talk" not in text


# The "Go deeper" list.


def test_go_deeper_is_newest_first_by_itself(client):
    make_hub_page(deeper_count=3)
    now = timezone.now()
    for days in [5, 1, 3, 8]:
        make_publication(title=f"Card {days} days old", published_at=now - timedelta(days=days))
    make_publication(title="Fresh news", kind=Kind.NEWS, published_at=now - timedelta(hours=1))
    Committee.objects.create(
        name="Committee 2 days old",
        slug="c2",
        mandate="Oversees.",
        status=Status.PUBLISHED,
        published_at=now - timedelta(days=2),
    )

    assert deeper_titles(client) == ["Card 1 days old", "Committee 2 days old", "Card 3 days old"]


def test_go_deeper_puts_the_editors_pins_first_in_their_order(client):
    hub = make_hub_page(deeper_count=4)
    now = timezone.now()
    cards = {
        days: make_publication(
            title=f"Card {days} days old", published_at=now - timedelta(days=days)
        )
        for days in [1, 2, 3, 40, 50]
    }
    committee = Committee.objects.create(
        name="Old committee",
        slug="old",
        mandate="Oversees.",
        status=Status.PUBLISHED,
        published_at=now - timedelta(days=400),
    )
    HubFeature.objects.create(hub=hub, publication=cards[50], position=1)
    HubFeature.objects.create(hub=hub, committee=committee, position=2)
    HubFeature.objects.create(hub=hub, publication=cards[2], position=3)

    # Pins in their order, then the newest card not already pinned, four cards in all.
    assert deeper_titles(client) == [
        "Card 50 days old",
        "Old committee",
        "Card 2 days old",
        "Card 1 days old",
    ]


def test_go_deeper_shows_the_number_of_cards_pins_first_news_only_when_pinned(client):
    hub = make_hub_page(deeper_count=2)
    now = timezone.now()
    make_publication(title="Newest card", published_at=now - timedelta(hours=1))
    for number in [2, 0, 1]:
        card = make_publication(
            title=f"Pinned {number}", kind=Kind.NEWS, published_at=now - timedelta(days=9)
        )
        HubFeature.objects.create(hub=hub, publication=card, position=number)

    assert deeper_titles(client) == ["Pinned 0", "Pinned 1"]


def test_go_deeper_never_shows_unpublished_items_pinned_or_not(client):
    hub = make_hub_page()
    now = timezone.now()
    draft = make_publication(title="Draft card", status=Status.DRAFT)
    future = make_publication(title="Future card", published_at=now + timedelta(days=1))
    in_review = make_publication(title="Card in review", status=Status.REVIEW)
    draft_committee = Committee.objects.create(
        name="Draft committee", slug="draft", mandate=".", status=Status.DRAFT
    )
    HubFeature.objects.create(hub=hub, publication=draft, position=1)
    HubFeature.objects.create(hub=hub, committee=draft_committee, position=2)
    parent = make_publication(title="Draft parent", status=Status.DRAFT)
    make_publication(title="Live addendum", kind=Kind.ADDENDUM, parent=parent)
    assert in_review and future

    html = client.get("/").content.decode()

    assert deeper_titles(client) == ["Live addendum"]
    for title in ["Draft card", "Future card", "Card in review", "Draft committee", "Draft parent"]:
        assert title not in html


def test_hub_admin_saves_the_number_of_cards_and_the_pins(admin_client):
    hub = make_hub_page()
    card = make_publication(title="Pinned card")
    HubFeature.objects.create(hub=hub, publication=card, position=1)

    html = admin_client.get(f"/admin/catalog/hubpage/{hub.pk}/change/").content.decode()

    assert 'name="deeper_count"' in html
    assert "pinned go deeper cards" in unescape(html).lower()


# Query budgets of the pages changed.


@pytest.mark.usefixtures("page_cache_off")
def test_changed_pages_keep_their_query_counts_flat(client, page_query_count):
    hub = make_hub_page()
    topic = make_topic()
    person = Person.objects.create(name="Ada", slug="ada", role="Researcher", bio="Bio.")
    conversation = Conversation.objects.create(
        title="Talk",
        slug="talk",
        status=Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=1),
    )
    committee = Committee.objects.create(
        name="Committee",
        slug="committee",
        mandate=".",
        status=Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=1),
    )
    model = make_model()

    def add(count):
        for number in range(count):
            card = make_publication()
            addendum = make_publication(kind=Kind.ADDENDUM, parent=card)
            if number == 1 and count == 3:
                HubFeature.objects.create(hub=hub, publication=addendum, position=number)
            evaluation = make_evaluation()
            evaluation.topics.add(topic)
            make_result(metric=evaluation.metrics.get(), ai_model=model, source=card, value="1")
            speaker = Person.objects.create(
                name=f"Speaker {person.pk}-{number}-{count}",
                slug=f"speaker-{number}-{count}",
                role="Role",
            )
            conversation.speakers.add(speaker, person)
            talk = Conversation.objects.create(
                title=f"Talk {number}-{count}",
                slug=f"talk-{number}-{count}",
                status=Status.PUBLISHED,
                published_at=timezone.now() - timedelta(days=1),
            )
            talk.speakers.add(person)
            other = Committee.objects.create(
                name=f"Committee {number}-{count}",
                slug=f"committee-{number}-{count}",
                mandate=".",
                status=Status.PUBLISHED,
                published_at=timezone.now() - timedelta(days=2),
            )
            Membership.objects.create(committee=other, person=person)
        Membership.objects.get_or_create(committee=committee, person=person)

    urls = [
        "/",
        topic.get_absolute_url(),
        person.get_absolute_url(),
        conversation.get_absolute_url(),
    ]
    add(3)
    small = {url: page_query_count(url) for url in urls}
    add(30)

    assert {url: page_query_count(url) for url in urls} == small
    assert small["/"] <= 9
    assert small[topic.get_absolute_url()] <= 8
