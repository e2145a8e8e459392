"""Search, on whichever database the suite runs: SQLite FTS5 or PostgreSQL full-text search."""

import random
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
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
    Publication,
    Relation,
    Status,
)
from pagecache.generation import generation_end
from search.engine import (
    Filters,
    PostgreSQLEngine,
    RankedResults,
    bits_from_words,
    bits_members,
    bits_of,
    bytes_of,
    engine,
    facet_sets,
    keys_listed,
    query_parse,
    search_index_update,
)
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


def test_a_phrase_in_a_body_is_found_only_with_its_words_together(client):
    make_publication(title="One", body="Notes on prompt injection in agents, at length.")
    make_publication(title="Two", body="An injection prompt, the other way round.")
    make_publication(title="Three", body="A prompt here; and far from it, an injection.")

    assert titles(search(client, q='"prompt injection"')) == ["One"]
    assert titles(search(client, q='"prompt injections"')) == ["One"]  # stemmed
    assert set(titles(search(client, q='"prompt injection" OR "injection prompt"'))) == {
        "One",
        "Two",
    }


def test_a_body_phrase_follows_an_edit_of_the_body(client):
    item = make_publication(title="Card", body="We studied prompt injection.")
    item.body = "We studied injection of prompts."
    item.save()

    assert titles(search(client, q='"prompt injection"')) == []
    assert titles(search(client, q='"injection of prompts"')) == ["Card"]


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


def test_model_facet_family_follows_changes_to_families_and_lineage(client):
    o3 = make_model(name="o3", slug="o3")
    mini = make_model(name="o3-mini", slug="o3-mini")
    codex = make_model(name="codex-1", slug="codex-1")
    make_publication(title="Card about mini").ai_models.add(mini)
    make_publication(title="Card about codex").ai_models.add(codex)
    assert titles(search(client, q="card", model="o3")) == []

    mini.family = o3
    mini.save()
    lineage = ModelLineage.objects.create(model=codex, source=o3, relation=Relation.BASED_ON)
    assert sorted(titles(search(client, q="card", model="o3"))) == [
        "Card about codex",
        "Card about mini",
    ]

    lineage.relation = Relation.SUCCESSOR_OF
    lineage.save()
    assert titles(search(client, q="card", model="o3")) == ["Card about mini"]


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


def test_quick_matches_and_facet_names_follow_changes_to_models_and_topics(client):
    model = make_model(name="o3", slug="o3")
    make_publication(title="Card").ai_models.add(model)
    assert "AI model: o3" not in search(client, q="orion")

    model.aliases.create(name="orion")
    model.name = "o3 mini"
    model.save()
    html = search(client, q="orion")
    assert 'href="/models/o3/">AI model: o3 mini' in html
    assert 'o3 mini <span class="count">(1)</span>' in search(client, q="card")

    model.status = Status.DRAFT
    model.save()
    make_topic(name="Orion", slug="orion", status=Status.DRAFT)
    html = search(client, q="orion")
    assert "AI model:" not in html
    assert "Topic: Orion" not in html


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
    PostgreSQLEngine.lexemes.clear()  # each first search asks for the words' stems too
    with CaptureQueriesContext(connection) as small_first:
        search(client, **params)
    with CaptureQueriesContext(connection) as small:
        search(client, **params)
    make_many_publications(1970, ai_models=[model], topics=[topic])
    PostgreSQLEngine.lexemes.clear()
    with CaptureQueriesContext(connection) as large_first:
        search(client, **params)
    with CaptureQueriesContext(connection) as large:
        html = search(client, **params)

    assert result_count(html) == 2000
    # At most four questions find where the words are (among a few results, one on
    # PostgreSQL), and one per place sorts a page: a bound that does not grow with the content.
    assert len(small) <= len(large) <= 18
    # The first search after a change also reads the facet sets, in as many queries.
    assert len(large_first) - len(large) == len(small_first) - len(small)
    assert AIModel.objects.count() == 1


def test_words_in_the_title_outrank_names_then_summary_then_body(client):
    now = timezone.now()
    model = make_model(name="Sandpiper", slug="sandpiper")
    make_publication(title="Notes", body="Sandpiper and red teaming.", published_at=now)
    make_publication(title="Brief", summary="Red teaming sandpiper.", published_at=now)
    make_publication(title="Card", published_at=now, body="Red teaming.").ai_models.add(model)
    make_publication(title="Red teaming", body="Sandpiper.", published_at=now)
    make_publication(title="Red teaming Sandpiper", published_at=now - timedelta(days=9))

    assert titles(search(client, q="sandpiper red")) == [
        "Red teaming Sandpiper",  # every word in the title, though older
        "Red teaming",  # one word in the title
        "Card",  # in the names of its AI models
        "Brief",  # in the summary
        "Notes",  # in the body only
    ]


def test_phrase_with_a_dropped_word_and_a_phrase_across_fields(client):
    make_publication(title="The state of the art in evaluations")
    make_publication(title="Art of the state", summary="State art.")
    make_publication(title="Red", summary="Teaming notes.")

    assert titles(search(client, q='"state of the art"')) == ["The state of the art in evaluations"]
    assert result_count(search(client, q='"red teaming"')) == 0


def test_body_match_shows_a_snippet_of_the_body_and_title_match_of_the_summary(client):
    make_publication(title="Sandbagging study", summary="We looked closely.", body="Other text.")
    make_publication(title="Notes", summary="Nothing here.", body="Then sandbagging appeared.")

    html = search(client, q="sandbagging")

    assert "We looked closely." in html
    assert "<mark>sandbagging</mark> appeared" in html


def test_the_index_words_for_facet_values_are_not_found_as_text(client):
    model = make_model(name="o3", slug="o3")
    make_publication(title="Card", kind=Kind.NEWS).ai_models.add(model)
    make_publication(title="Zzz: a study of sleep")

    assert result_count(search(client, q=f"zzmodel{model.pk}")) == 0
    assert result_count(search(client, q="zzkindnews OR card")) == 1
    assert titles(search(client, q="zzz")) == ["Zzz: a study of sleep"]
    # Words the index reads as a facet's word once folded: ž is z, _ and - split words.
    assert result_count(search(client, q=f"žzmodel{model.pk}")) == 0
    assert result_count(search(client, q=f"x_zzmodel{model.pk}")) == 0
    assert result_count(search(client, q=f'"ZZMODEL{model.pk}"')) == 0


def test_a_long_body_shows_its_match_wherever_it_is(client):
    filler = "Words about other things entirely. " * 100
    make_publication(title="Notes", body=f"Cardinals sing. {filler} Then a card was played.")

    html = search(client, q="card")

    assert "<mark>card</mark> was played" in html


def test_a_body_snippet_is_made_from_the_part_around_the_match(client):
    filler = "Words about other things entirely. " * 300
    make_publication(title="Notes", body=f"{filler} Then sandbagging appeared. {filler}")

    with CaptureQueriesContext(connection) as queries:
        html = search(client, q="sandbagging")

    assert "<mark>sandbagging</mark> appeared" in html
    # One snippet for the parts; the whole body would take a second.
    made = [q for q in queries.captured_queries if re.search(r"snippet\(|ts_headline\(", q["sql"])]
    assert len(made) == 1, made


def test_updating_the_index_after_a_bulk_write_makes_it_searchable(client):
    make_publication(title="Risk one")
    assert result_count(search(client, q="risk")) == 1

    written = Publication.objects.bulk_create(  # no signals
        [Publication(title="Risk two", slug="risk-two", summary=".", status=Status.PUBLISHED)]
    )
    search_index_update(publication_ids=[publication.pk for publication in written])
    generation_end()  # as every bulk writer does

    assert result_count(search(client, q="risk")) == 2


@settings(max_examples=200, deadline=None)
@given(st.sets(st.integers(0, 3000)))
def test_bit_sets_hold_their_keys(ids):
    bits = bits_of(ids)
    words = {}
    for pk in ids:
        words[pk >> 6] = words.get(pk >> 6, 0) | 1 << (pk & 63)
    # The database sends words as signed 64-bit integers.
    signed = [(n, word - (1 << 64) if word >> 63 else word) for n, word in words.items()]

    assert bits_members(bits) == sorted(ids)
    assert bits.bit_count() == len(ids)
    assert bits_from_words(signed) == bits
    assert bits_of(keys_listed(",".join(map(str, ids)))) == bits
    flags = bytes_of(bits)
    assert {pk for pk, flag in enumerate(flags) if flag == 1} == ids
    assert set(flags) <= {0, 1}


@pytest.mark.parametrize("seed", range(3))
def test_newest_first_pages_through_a_set_in_date_order(seed):
    rng = random.Random(seed)
    make_many_publications(400)  # a day apart each, newest first
    make_publication(title="Draft", status=Status.DRAFT)
    newest = list(Publication.objects.live().values_list("pk", flat=True))
    sets = [[pk for pk in newest if rng.random() < share] for share in [0.05, 0.5, 0.95]]
    sets += [newest[150:], newest[:5], newest[360:]]  # the newest missing; the newest; the oldest

    for chosen in sets:
        start = rng.randint(0, 30)
        stop = start + rng.randint(1, 20)

        assert facet_sets().newest_first(bits_of(chosen), start, stop) == chosen[start:stop]


VOCABULARY = "apple river stone cloud maple tiger piano lemon".split()


def random_publications(rng, models, topics):
    """Publications of random words, kinds, labels, states, dates, AI models and topics."""
    now = timezone.now()
    made = []
    for number in range(40):
        publication = make_publication(
            title=" ".join(rng.sample(VOCABULARY, rng.randint(0, 2))) or f"Untitled {number}",
            summary=" ".join(rng.choices(VOCABULARY, k=rng.randint(0, 3))) or "Nothing.",
            body=" ".join(rng.choices(VOCABULARY, k=rng.randint(0, 8))),
            kind=rng.choice([Kind.SYSTEM_CARD, Kind.NEWS, Kind.RESEARCH, Kind.POLICY]),
            label=rng.choice(["", *Label.values]),
            status=rng.choice([Status.PUBLISHED] * 4 + [Status.DRAFT]),
            published_at=now - timedelta(days=rng.randint(-30, 1200), minutes=number),
        )
        publication.ai_models.set(rng.sample(models, rng.randint(0, 2)))
        publication.topics.set(rng.sample(topics, rng.randint(0, 2)))
        made.append(publication)
    return made


def has(text, term):
    return f" {term.text.lower()} " in f" {text.lower()} "


def plainly_matches(query, texts):
    """Every group has a term in one of the texts, and no excluded term is in any."""
    wanted = all(any(has(text, term) for term in group for text in texts) for group in query.groups)
    return wanted and not any(has(text, term) for term in query.excluded for text in texts)


def plain_place(query, texts):
    """0: every group in the title, 1: a term in the title, 2: names, 3: summary, 4: body."""
    title = texts[0]
    if len(query.groups) > 1 and all(any(has(title, t) for t in g) for g in query.groups):
        return 0
    for place, text in enumerate(texts[:3], start=1):
        if any(has(text, term) for term in query.terms):
            return place
    return 4


def plain_facts(publication, now):
    names = [model.name for model in publication.ai_models.all()]
    names += [topic.name for topic in publication.topics.all()]
    return {
        "live": publication.status == Status.PUBLISHED and publication.published_at <= now,
        "texts": [publication.title, " ".join(names), publication.summary, publication.body],
        "newest": (-publication.published_at.timestamp(), -publication.pk),
        "model": {model.pk for model in publication.ai_models.all()},
        "topic": {topic.pk for topic in publication.topics.all()},
        "kind": {publication.kind},
        "label": {publication.label},
        "year": {timezone.localtime(publication.published_at).year},
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("few", [True, False], ids=["few-narrowed-in-query", "many-after"])
def test_counts_and_order_agree_with_a_plain_computation_on_random_data(seed, few, monkeypatch):
    # The engines narrow a match to a set of few publications in the query itself, and one of
    # many after it; here every set is small, so a threshold of none takes the other way.
    if not few:
        monkeypatch.setattr(type(engine()), "FEW", 0)
    rng = random.Random(seed)
    names = ["Orca", "Wren", "Lynx", "Heron", "Otter", "Finch"]
    models = [make_model(name=name, slug=name.lower()) for name in names]
    topics = [make_topic(name=name, slug=name.lower()) for name in ["Harbor", "Meadow", "Dune"]]
    publications = random_publications(rng, models, topics)
    now = timezone.now()
    facts = {
        p.pk: plain_facts(p, now)
        for p in Publication.objects.filter(pk__in=[p.pk for p in publications])
    }
    texts = ["", "river", "apple stone", "maple OR lemon", '"river stone"', "tiger -piano", "orca"]

    narrowed = 0
    for _ in range(16):
        query = query_parse(rng.choice(texts))
        filters = Filters(
            ai_models=rng.sample(models, rng.randint(0, 2)),
            topics=rng.sample(topics, rng.randint(0, 1)),
            kinds=rng.sample([Kind.NEWS, Kind.RESEARCH], rng.randint(0, 1)),
            labels=rng.sample(["", Label.SAFETY], rng.randint(0, 1)),
            years=rng.sample([now.year, now.year - 1], rng.randint(0, 1)),
            related=False,
        )

        def allowed(fact, skip=None, chosen=filters.chosen):
            return all(fact[name] & set(values) for name, values in chosen.items() if name != skip)

        matching = [
            pk
            for pk, fact in facts.items()
            if fact["live"] and (not query or plainly_matches(query, fact["texts"]))
        ]
        counts = {}
        for facet in ["model", "topic", "kind", "label", "year"]:
            counts[facet] = {}
            for pk in matching:
                if allowed(facts[pk], skip=facet):
                    for value in facts[pk][facet] - {""}:
                        counts[facet][value] = counts[facet].get(value, 0) + 1
        found = sorted(
            (pk for pk in matching if allowed(facts[pk])),
            key=lambda pk, query=query: (
                plain_place(query, facts[pk]["texts"]) if query else 0,
                facts[pk]["newest"],
            ),
        )
        results = RankedResults(query, filters)
        narrowed += bool(query and results.within())

        assert results.count() == len(found), (query, filters)
        assert results.facet_counts() == counts, (query, filters)
        assert [pk for pk, _ in results.ranked_ids(0, 100)] == found, (query, filters)
    assert narrowed  # the index was asked for the matches among two facets' publications


def test_a_page_ranked_among_the_newest_results_is_the_page_ranked_among_all(monkeypatch):
    # The newest results are tested in the best place first (on SQLite too, for this test);
    # with only ten tested, these take every way: a page from the first two, from as many
    # more as they say, or none.
    monkeypatch.setattr("search.engine.NEWEST_TESTED", 10)
    monkeypatch.setattr(type(engine()), "RANKS_AMONG_NEWEST", True)
    rng = random.Random(5)
    models = [make_model(name=name, slug=name.lower()) for name in ["Orca", "Wren"]]
    topics = [make_topic(name=name, slug=name.lower()) for name in ["Harbor", "Meadow"]]
    random_publications(rng, models, topics)
    texts = ["river", "stone", "apple stone", "maple OR lemon", "tiger -piano", "orca OR cloud"]

    answered = declined = 0
    for text in texts:
        results = RankedResults(query_parse(text), Filters())
        for start in range(0, 8, 2):
            page = results.ranked_among_newest(start, start + 2)
            if page is None:
                declined += 1
            else:
                answered += 1
                assert page == results.ranked_by_place(start, start + 2), (text, start)
    assert answered and declined


def test_rebuilding_the_index_changes_no_answer(capsys):
    rng = random.Random(7)
    models = [make_model(name=name, slug=name.lower()) for name in ["Orca", "Wren"]]
    topics = [make_topic(name=name, slug=name.lower()) for name in ["Harbor", "Meadow"]]
    random_publications(rng, models, topics)
    queries = [query_parse(text) for text in ["", "river", '"river stone"', "orca -apple"]]

    def answers():
        found = []
        for query in queries:
            results = RankedResults(query, Filters(ai_models=models[:1], related=False))
            found.append((results.ranked_ids(0, 50), results.facet_counts()))
        with connection.cursor() as cursor:
            cursor.execute("SELECT facet, value, n, word FROM catalog_search_facets")
            return found, sorted(cursor.fetchall())

    before = answers()
    call_command("rebuild_search_index")

    assert answers() == before
    assert "Indexed 40 publications" in capsys.readouterr().out


def test_a_saved_publication_goes_straight_into_the_index(client):
    # On PostgreSQL not into a GIN pending list, which every search would read through until
    # a VACUUM; on SQLite FTS5 has no such list, and the match is all there is to check.
    make_publication(title="Fresh findings", summary="New.", body="Words " * 300)

    assert titles(search(client, q="fresh findings")) == ["Fresh findings"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for place in ["document", "title", "entities", "summary"]:
                cursor.execute(
                    "SELECT gin_clean_pending_list(%s::regclass)", [f"catalog_search_{place}"]
                )
                assert cursor.fetchone() == (0,), place
