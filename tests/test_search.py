"""Search, on whichever database the suite runs: SQLite FTS5 or PostgreSQL full-text search."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.models import (
    AIModel,
    Committee,
    Kind,
    Label,
    ModelLineage,
    Relation,
    Status,
)
from catalog.search import query_parse
from tests.factories import make_many_publications, make_model, make_publication, make_topic

pytestmark = pytest.mark.django_db


def search(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200, response.content.decode()[:500]
    return response.content.decode()


def titles(html):
    return re.findall(r'<h3><a href="/publications/[^"]+/">(.*?)</a></h3>', html)


def result_count(html):
    return int(re.search(r'class="results-count">(\d+) result', html).group(1))


def test_title_match_outranks_body_match(client):
    make_publication(title="Deployment notes", body="Cybersecurity is discussed here at length.")
    make_publication(title="Cybersecurity evaluations", body="Other words.")

    assert titles(search(client, q="cybersecurity")) == [
        "Cybersecurity evaluations",
        "Deployment notes",
    ]


def test_recent_publication_wins_a_tie(client):
    now = timezone.now()
    make_publication(title="Jailbreak report", published_at=now - timedelta(days=30))
    make_publication(title="Jailbreak report", slug="newer", published_at=now - timedelta(days=1))

    html = search(client, q="jailbreak")

    assert re.findall(r'href="/publications/([^"]+)/">Jailbreak', html)[0] == "newer"


def test_stemming_finds_other_forms_of_a_word(client):
    make_publication(title="An evaluation of refusals")

    assert titles(search(client, q="evaluations")) == ["An evaluation of refusals"]


def test_quoted_phrase_needs_the_words_together(client):
    make_publication(title="Red teaming at scale")
    make_publication(title="Teaming up in the red zone")

    assert titles(search(client, q='"red teaming"')) == ["Red teaming at scale"]


def test_or_finds_either_word(client):
    make_publication(title="Sora safety")
    make_publication(title="Operator safety")
    make_publication(title="Codex safety")

    assert sorted(titles(search(client, q="sora OR operator"))) == [
        "Operator safety",
        "Sora safety",
    ]


def test_minus_excludes_a_word(client):
    make_publication(title="o3 system card")
    make_publication(title="o3 mini system card")

    assert titles(search(client, q="system card -mini")) == ["o3 system card"]


def test_matched_words_are_highlighted_and_the_rest_is_escaped(client):
    make_publication(
        title="Escaping", body="Before <script>alert(1)</script> the hallucination test"
    )

    html = search(client, q="hallucination")

    assert "<mark>hallucination</mark>" in html
    assert "<script>" not in html
    assert "alert(1)" in html  # as text: escaped on SQLite, the tag dropped on PostgreSQL


def test_drafts_and_scheduled_items_are_never_found(client):
    make_publication(title="Secret plan", status=Status.DRAFT)
    make_publication(title="Secret review", status=Status.REVIEW)
    make_publication(title="Secret schedule", published_at=timezone.now() + timedelta(days=1))

    html = search(client, q="secret")

    assert result_count(html) == 0
    assert "Secret" not in html.replace("“secret”", "")


def test_scheduled_item_is_found_once_its_date_passes(client):
    make_publication(title="Scheduled card", published_at=timezone.now() + timedelta(hours=2))
    assert result_count(search(client, q="scheduled")) == 0

    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        assert titles(search(client, q="scheduled")) == ["Scheduled card"]


def test_index_follows_edits_publishing_unpublishing_and_deletion(client):
    card = make_publication(title="Original title", status=Status.DRAFT)
    assert result_count(search(client, q="original")) == 0

    card.status = Status.PUBLISHED
    card.save()
    assert titles(search(client, q="original")) == ["Original title"]

    card.title = "Renamed card"
    card.save()
    assert result_count(search(client, q="original")) == 0
    assert titles(search(client, q="renamed")) == ["Renamed card"]

    card.status = Status.ARCHIVED
    card.save()
    assert result_count(search(client, q="renamed")) == 0

    card.status = Status.PUBLISHED
    card.save()
    card.delete()
    assert result_count(search(client, q="renamed")) == 0


def test_index_follows_model_aliases_topics_and_committees(client):
    card = make_publication(title="A card")
    model = make_model(name="o3")
    card.ai_models.add(model)
    assert titles(search(client, q="o3")) == ["A card"]

    model.aliases.create(name="openai-reasoner")
    assert titles(search(client, q="openai-reasoner")) == ["A card"]

    model.name = "o3-renamed"
    model.save()
    assert titles(search(client, q="renamed")) == ["A card"]

    topic = make_topic(name="Deep fakes")
    topic.publications.add(card)
    assert titles(search(client, q="deep fakes")) == ["A card"]

    committee = Committee.objects.create(name="Safety Advisory Group", slug="sag", mandate=".")
    committee.publications.add(card)
    assert titles(search(client, q="advisory")) == ["A card"]

    committee.publications.clear()
    topic.delete()
    assert result_count(search(client, q="advisory")) == 0
    assert result_count(search(client, q="fakes")) == 0


def test_facets_count_the_current_results(client):
    o3 = make_model(name="o3", slug="o3")
    sora = make_model(name="Sora", slug="sora")
    make_publication(title="Risk card one", kind=Kind.SYSTEM_CARD).ai_models.add(o3)
    make_publication(title="Risk card two", kind=Kind.SYSTEM_CARD).ai_models.add(o3, sora)
    make_publication(title="Risk news", kind=Kind.NEWS, label=Label.SAFETY).ai_models.add(sora)
    make_publication(title="Unrelated", kind=Kind.NEWS).ai_models.add(o3)

    html = search(client, q="risk")

    assert 'o3 <span class="count">(2)</span>' in html
    assert 'Sora <span class="count">(2)</span>' in html
    assert 'System card <span class="count">(2)</span>' in html
    assert 'News <span class="count">(1)</span>' in html
    assert 'Safety <span class="count">(1)</span>' in html


def test_facets_combine_across_and_within(client):
    o3 = make_model(name="o3", slug="o3")
    sora = make_model(name="Sora", slug="sora")
    topic = make_topic(name="Elections", slug="elections")
    first = make_publication(title="Report first")
    first.ai_models.add(o3)
    first.topics.add(topic)
    make_publication(title="Report second").ai_models.add(sora)
    make_publication(title="Report third").ai_models.add(o3)

    either = titles(search(client, q="report", model=["o3", "sora"]))
    both = titles(search(client, q="report", model="o3", topic="elections"))

    assert sorted(either) == ["Report first", "Report second", "Report third"]
    assert both == ["Report first"]


def test_model_facet_includes_family_and_derived_models_unless_turned_off(client):
    o3 = make_model(name="o3", slug="o3")
    mini = make_model(name="o3-mini", slug="o3-mini", family=o3)
    codex = make_model(name="codex-1", slug="codex-1")
    ModelLineage.objects.create(model=codex, source=o3, relation=Relation.BASED_ON)
    make_publication(title="Card about o3").ai_models.add(o3)
    make_publication(title="Card about mini").ai_models.add(mini)
    make_publication(title="Card about codex").ai_models.add(codex)

    expanded = search(client, q="card", model="o3")
    exact = search(client, q="card", model="o3", related="exact")

    assert sorted(titles(expanded)) == ["Card about codex", "Card about mini", "Card about o3"]
    assert "Including each chosen model’s family" in expanded
    assert titles(exact) == ["Card about o3"]


def test_naming_a_model_or_topic_shows_its_page_first(client):
    model = make_model(name="o3", slug="o3")
    model.aliases.create(name="gpt-5-nano")
    make_topic(name="Deep fakes", slug="deep-fakes")

    by_name = search(client, q="o3 cybersecurity")
    by_alias = search(client, q="gpt-5-nano")
    by_topic = search(client, q="deep fakes")

    assert 'href="/models/o3/">AI model: o3' in by_name
    assert 'href="/models/o3/">AI model: o3' in by_alias
    assert 'href="/topics/deep-fakes/">Topic: Deep fakes' in by_topic


def test_empty_results_suggest_removing_a_filter_and_show_topics(client):
    make_topic(name="Child safety", slug="child-safety")
    make_publication(title="Bias study", kind=Kind.RESEARCH)

    html = search(client, q="bias", kind="news")

    assert result_count(html) == 0
    assert "Remove the filter kind: News" in html
    assert 'href="/topics/child-safety/"' in html


def test_results_paginate_and_keep_the_query(client):
    make_many_publications(45)

    html = search(client, q="generated", kind=["system_card", "news", "research"])

    assert result_count(html) == 45
    assert "page=2" in html and "q=generated" in html.split("page=2")[0].rsplit("href", 1)[1]


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": '"'},
        {"q": "OR"},
        {"q": "-"},
        {"q": "- -- OR OR"},
        {"q": "\" * NEAR( : ' \\"},
        {"q": "'; DROP TABLE catalog_publication; --"},
        {"q": "title:secret"},
        {"q": "\x00"},
        {"q": "日本語 ☃ 🤖 Ünïcödé"},
        {"q": "a" * 500},
        {"q": "risk", "page": "1"},
    ],
)
def test_odd_search_text_gets_a_normal_page(client, params):
    make_publication(title="Risk")

    assert client.get("/search/", params).status_code == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "a" * 10_000}, "limited to 500 characters"),
        ({"q": ["one", "two"]}, "Give “q” once"),
        ({"colour": "red"}, "“colour” is not a filter here"),
        ({"model": "no-such-model"}, "There is no AI model “no-such-model”"),
        ({"topic": "nothing"}, "There is no topic “nothing”"),
        ({"model": "o3\x00"}, "is not a valid AI model name"),
        ({"kind": "poem"}, "“poem” is not a kind of publication"),
        ({"year": "20x5"}, "“20x5” is not a year"),
        ({"related": "maybe"}, "“related” is “all” or “exact”"),
    ],
)
def test_bad_search_parameters_get_a_clear_400(client, params, message):
    response = client.get("/search/", params)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_draft_model_is_not_a_valid_facet(client):
    make_model(name="Secret", slug="secret", status=Status.DRAFT)

    assert client.get("/search/", {"model": "secret"}).status_code == 400


def test_page_past_the_end_is_not_found(client):
    make_publication(title="Risk")

    assert client.get("/search/", {"q": "risk", "page": "3"}).status_code == 404


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(["q", "model", "topic", "kind", "label", "year", "related", "page"]),
    value=st.text(max_size=80),
)
def test_any_text_in_any_parameter_never_breaks_the_page(client, name, value):
    response = client.get("/search/", {name: value})

    assert response.status_code in {200, 400, 404}


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_any_text_parses_into_a_query_the_engines_accept(text):
    query = query_parse(text)

    assert "\x00" not in query.fts5() and "\x00" not in query.websearch()


@pytest.mark.usefixtures("page_cache_off")
def test_search_query_count_does_not_grow_with_content(client):
    model = make_model(name="o3", slug="o3")
    topic = make_topic(name="Bias", slug="bias")
    make_many_publications(30, ai_models=[model], topics=[topic])
    params = {"q": "generated summary", "model": "o3", "topic": "bias"}
    with CaptureQueriesContext(connection) as small:
        search(client, **params)
    make_many_publications(1970, ai_models=[model], topics=[topic])
    with CaptureQueriesContext(connection) as large:
        html = search(client, **params)

    assert result_count(html) == 2000
    assert len(large) == len(small) <= 17
    assert AIModel.objects.count() == 1
