"""The search page and the index behind it, on whichever database the suite runs."""

import re
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.models import (
    Committee,
    Conversation,
    Kind,
    Membership,
    Person,
    Practice,
    Publication,
    Stage,
    Status,
)
from search.models import Entry, Synonym
from tests.factories import (
    make_evaluation,
    make_many_publications,
    make_model,
    make_publication,
    make_topic,
)

pytestmark = pytest.mark.django_db


def search(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200, response.content.decode()[:500]
    return response.content.decode()


def titles(html):
    return re.findall(r'<h3><a href="/publications/[^"]+/">(.*?)</a></h3>', html)


def best_matches(html):
    return re.findall(
        r'<span class="best-match-kind">([^<]*)</span>\s*<a href="[^"]*">(.*?)</a>', html
    )


def result_count(html):
    return int(re.search(r'class="results-count">(\d+) publication', html).group(1))


def days_ago(days):
    return timezone.now() - timedelta(days=days)


# Ranking


def test_a_title_match_outranks_names_then_summary_then_body(client):
    topic = make_topic(name="Sandpiper", slug="sandpiper")
    make_publication(
        title="Body", body="Notes from the coast. A kestrel was seen.", published_at=days_ago(1)
    )
    make_publication(title="Summary", summary="About the kestrel.", published_at=days_ago(2))
    named = make_publication(title="Names", published_at=days_ago(3))
    named.topics.add(topic)
    topic.name = "Kestrels of the coast"
    topic.save()
    make_publication(title="Kestrel notes", published_at=days_ago(4))

    assert titles(search(client, q="kestrel")) == ["Kestrel notes", "Names", "Summary", "Body"]


def test_the_newer_publication_wins_a_tie(client):
    make_publication(title="Falcon report", published_at=days_ago(30))
    make_publication(title="Falcon report", slug="newer", published_at=days_ago(2))

    html = search(client, q="falcon")

    assert re.findall(r'href="/publications/([^"]+)/"', html)[0] == "newer"


def test_stemming_finds_other_forms_of_a_word(client):
    make_publication(title="Evaluating models")

    assert titles(search(client, q="evaluations")) == ["Evaluating models"]


def test_a_quoted_phrase_needs_its_words_together(client):
    make_publication(title="Red teaming network")
    make_publication(title="Red flags in teaming")

    assert titles(search(client, q='"red teaming"')) == ["Red teaming network"]


def test_minus_leaves_a_word_out_and_or_takes_either(client):
    make_publication(title="Cyber risk")
    make_publication(title="Bio risk")
    make_publication(title="Chemical risk")

    assert titles(search(client, q="risk -bio -chemical")) == ["Cyber risk"]
    assert sorted(titles(search(client, q="cyber OR bio"))) == ["Bio risk", "Cyber risk"]


def test_stop_words_are_ignored(client):
    make_publication(title="OpenAI o1 System Card")

    assert titles(search(client, q="the system card for o1")) == ["OpenAI o1 System Card"]


# Forgiving queries


def test_without_every_word_the_results_with_most_words_come_first_and_say_so(client):
    make_publication(title="Testing a model", published_at=days_ago(5))
    make_publication(title="Testing", published_at=days_ago(1))

    html = search(client, q="how do you test models safely")

    assert "No result has every word; showing results with some of them." in html
    assert titles(html) == ["Testing a model", "Testing"]


def test_every_word_found_shows_no_fallback_notice(client):
    make_publication(title="Testing a model")

    assert "No result has every word" not in search(client, q="test model")


def test_a_synonym_staff_add_in_the_admin_finds_the_other_words(client):
    make_publication(title="Voice clones and face swaps")
    assert titles(search(client, q="impersonation")) == []

    Synonym.objects.create(terms="impersonation, face swaps")

    assert titles(search(client, q="impersonation")) == ["Voice clones and face swaps"]


def test_seeded_synonyms_join_deepfakes_and_privacy(client):
    make_publication(title="Deep fakes in elections")
    make_topic(name="Private information", slug="private-information")

    assert titles(search(client, q="deepfakes")) == ["Deep fakes in elections"]
    assert ("Topic", "Private information") in best_matches(search(client, q="privacy"))


@pytest.mark.parametrize("text", ["gpt5", "GPT 5", "gpt-5", "GPT-5", "Gpt 5 "])
def test_a_model_name_written_any_way_finds_the_model(client, text):
    gpt_5 = make_model(name="GPT-5", slug="gpt-5")
    card = make_publication(title="GPT-5 System Card")
    card.ai_models.add(gpt_5)
    make_publication(title="GPT-4.5 System Card")

    html = search(client, q=text)

    assert titles(html) == ["GPT-5 System Card"]
    assert best_matches(html)[0] == ("AI model", "GPT-5")


def test_o4_mini_with_a_space_finds_o4_mini(client):
    make_model(name="o4-mini", slug="o4-mini")
    make_publication(title="OpenAI o3 and o4-mini System Card")

    html = search(client, q="o4 mini")

    assert titles(html) == ["OpenAI o3 and o4-mini System Card"]
    assert best_matches(html)[0] == ("AI model", "o4-mini")


def test_a_misspelt_query_shows_the_corrected_querys_results(client):
    make_publication(title="Preparedness Framework")

    html = search(client, q="preparednes")

    assert "did you mean “preparedness”?" in html
    assert titles(html) == ["Preparedness Framework"]


def test_a_word_from_a_draft_is_never_suggested(client):
    make_publication(title="Moonshot plans", status=Status.DRAFT)

    html = search(client, q="moonshoot")

    assert "did you mean" not in html and "Moonshot" not in html


# Every kind of content


def test_every_kind_of_content_is_a_best_match(client):
    o3 = make_model(name="o3", slug="o3")
    o3.aliases.create(name="o3-2025-04-16")
    make_topic(name="Elections", slug="elections")
    person = Person.objects.create(name="Zico Kolter", slug="zico-kolter", role="Chair")
    committee = Committee.objects.create(
        name="Safety Committee", slug="sc", mandate="Oversight.", status=Status.PUBLISHED
    )
    Membership.objects.create(committee=committee, person=person)
    Conversation.objects.create(title="Where is AI going?", slug="where", status=Status.PUBLISHED)
    stage = Stage.objects.create(name="Test", slug="test", summary="We test.")
    Practice.objects.create(stage=stage, name="Red teaming", slug="red-teaming")
    make_evaluation(name="StrongReject", slug="strongreject", description="Jailbreak prompts.")

    assert best_matches(search(client, q="o3-2025-04-16")) == [("AI model", "o3")]
    assert best_matches(search(client, q="elections")) == [("Topic", "Elections")]
    assert ("Person", "Zico Kolter") in best_matches(search(client, q="kolter"))
    assert ("Committee", "Safety Committee") in best_matches(search(client, q="kolter"))
    html = search(client, q="where is ai going")
    assert best_matches(html) == [("Conversation", "Where is AI going?")]
    assert ("Lifecycle practice", "Red teaming") in best_matches(search(client, q="red teaming"))
    assert best_matches(search(client, q="jailbreak")) == [("Evaluation", "StrongReject")]


def test_drafts_and_scheduled_items_of_every_kind_are_never_found(client):
    make_publication(title="Secret card", status=Status.DRAFT)
    make_publication(title="Secret plan", published_at=timezone.now() + timedelta(days=3))
    make_model(name="Secretmodel", slug="secretmodel", status=Status.DRAFT)
    make_topic(name="Secret topic", slug="secret-topic", published_at=days_ago(-3))

    html = search(client, q="secret")

    assert result_count(html) == 0 and best_matches(html) == []
    assert "Secret" not in html


def test_a_scheduled_item_is_found_from_its_date_on(client):
    make_publication(title="Scheduled card", published_at=timezone.now() + timedelta(hours=2))
    assert titles(search(client, q="scheduled")) == []

    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        assert titles(search(client, q="scheduled")) == ["Scheduled card"]


def test_the_index_follows_edits_unpublishing_and_deletion(client):
    card = make_publication(title="Albatross")
    card.title = "Cormorant"
    card.save()
    assert titles(search(client, q="albatross")) == []
    assert titles(search(client, q="cormorant")) == ["Cormorant"]

    card.status = Status.DRAFT
    card.save()
    assert titles(search(client, q="cormorant")) == []

    card.delete()
    assert not Entry.objects.filter(kind="publication").exists()


def test_the_index_follows_names_of_models_aliases_topics_and_committees(client):
    model = make_model(name="Heron", slug="heron")
    topic = make_topic(name="Wading birds", slug="wading")
    committee = Committee.objects.create(
        name="Birders", slug="birders", mandate="Watch.", status=Status.PUBLISHED
    )
    card = make_publication(title="Field notes")
    card.ai_models.add(model)
    card.topics.add(topic)
    committee.publications.add(card)

    model.aliases.create(name="egret-large")
    topic.name = "Shorebirds"
    topic.save()
    committee.name = "Ornithologists"
    committee.save()

    assert titles(search(client, q="egret-large")) == ["Field notes"]
    assert titles(search(client, q="shorebirds")) == ["Field notes"]
    assert titles(search(client, q="ornithologists")) == ["Field notes"]
    model.publications.clear()
    assert titles(search(client, q="egret-large")) == []


def test_rebuilding_the_index_shows_progress_and_changes_no_answer(client, capsys):
    make_many_publications(30)
    before = search(client, q="generated")

    call_command("rebuild_search_index", stdout=StringIO())

    assert "30/" in capsys.readouterr().err
    assert search(client, q="generated") == before


# Highlighting


def test_matches_are_marked_and_a_script_in_a_body_comes_back_as_text(client):
    make_publication(
        title="Notes",
        summary="Plain.",
        body="Before <script>alert('x')</script> the pelican & friends.",
    )

    html = search(client, q="pelican")

    assert "<mark>pelican</mark>" in html
    assert "&lt;script&gt;" in html and "<script>alert" not in html


def test_a_long_body_shows_the_part_around_its_match(client):
    early, late = (" ".join(f"{when}{n}" for n in range(400)) for when in ["early", "late"])
    make_publication(title="Notes", summary="Plain.", body=f"{early} the pelican flew. {late}")

    html = search(client, q="pelican")

    snippet = re.search(r'<p class="snippet">(.*?)</p>', html).group(1)
    assert "<mark>pelican</mark>" in snippet
    assert len(snippet) < 600 and "early0 " not in snippet and "late399" not in snippet


def test_a_body_excerpt_reads_as_text_without_its_markdown(client):
    make_publication(
        title="Notes", summary="Plain.", body="## Mitigations\n\nThe **pelican** [flew](/x/)."
    )

    snippet = re.search(r'<p class="snippet">(.*?)</p>', search(client, q="pelican")).group(1)

    assert snippet.startswith("Mitigations The <mark>pelican</mark> flew.")


def test_a_summary_match_is_shown_marked(client):
    make_publication(title="Notes", summary="All about <b>ospreys</b>.")

    html = search(client, q="ospreys")

    assert "&lt;b&gt;<mark>ospreys</mark>&lt;/b&gt;" in html


@pytest.mark.parametrize("text", ["gpt-5-main", "GPT 4.5", "gpt4.5", "o3-2025-04-16"])
def test_model_names_are_shown_as_written_whichever_way_they_were_searched(client, text):
    written = "Safeguards of GPT-4.5 and gpt-5-main, and of o3-2025-04-16."
    make_publication(title="Notes", summary=written)
    make_publication(title="More notes", summary="Plain.", body=f"Long ago. {written} Since.")

    html = search(client, q=text)

    shown = [re.sub("</?mark>", "", s) for s in re.findall(r"<p class=\"snippet\">(.*?)</p>", html)]
    assert titles(html) == ["Notes", "More notes"]
    assert all(written in snippet for snippet in shown), shown
    assert html.count("<mark>") >= 2


# Facets


def test_facet_counts_keep_the_other_facets_and_ignore_their_own(client):
    o3 = make_model(name="o3", slug="o3")
    o1 = make_model(name="o1", slug="o1")
    for model, kind in [(o3, Kind.SYSTEM_CARD), (o3, Kind.NEWS), (o1, Kind.SYSTEM_CARD)]:
        make_publication(title="Robin", kind=kind).ai_models.add(model)

    html = search(client, q="robin", model="o3")

    assert result_count(html) == 2
    assert re.search(r'value="o1"[^>]*>\s*<label[^>]*>o1 <span class="count">\(1\)', html)
    assert re.search(r'value="news"[^>]*>\s*<label[^>]*>News <span class="count">\(1\)', html)


def test_the_model_facet_lists_the_most_frequent_first_and_the_rest_behind_more(client):
    models = [make_model(name=f"m{n}", slug=f"m{n}") for n in range(10)]
    for n, model in enumerate(models):
        for _ in range(n + 1):
            make_publication(title="Wren").ai_models.add(model)

    html = search(client, q="wren")

    listed = re.findall(r'name="model" value="(m\d)"', html)
    assert listed == [f"m{n}" for n in range(9, -1, -1)]
    shown, more = html.split('<details class="facet-more">')
    assert 'value="m2"' in shown and 'value="m1"' in more and 'value="m0"' in more


def test_an_empty_combination_keeps_the_facets_and_offers_to_remove_each(client):
    o3 = make_model(name="o3", slug="o3")
    make_publication(title="Swift", kind=Kind.NEWS).ai_models.add(o3)
    make_publication(title="Swift", kind=Kind.RESEARCH)

    html = search(client, q="swift", model="o3", kind="research")

    assert result_count(html) == 0
    assert "No result with these filters." in html
    assert 'name="model" value="o3"' in html and 'name="kind" value="research"' in html
    assert "Remove ai model: o3" in html and "Remove kind: Research" in html


def test_no_result_and_no_choice_shows_no_empty_facet_panel(client):
    make_publication(title="Falcon report")

    assert 'class="filters facets"' not in search(client, q="zyxwvut")
    assert 'class="filters facets"' in search(client, q="falcon")


def test_a_family_model_stands_for_its_members(client):
    gpt_5 = make_model(name="GPT-5", slug="gpt-5")
    thinking = make_model(name="gpt-5-thinking", slug="gpt-5-thinking", family=gpt_5)
    make_publication(title="Thinking card").ai_models.add(thinking)

    assert titles(search(client, model="gpt-5")) == ["Thinking card"]


def test_the_page_applies_facets_with_a_script_file_and_styles_with_its_own(client):
    make_publication(title="Anything at all")
    html = search(client, q="anything")

    assert '<script src="/static/js/search.js" defer></script>' in html
    assert 'href="/static/css/search.css"' in html
    assert "data-apply-on-change" in html and "data-apply-button" in html


# Parameters


def test_unknown_parameters_are_ignored(client):
    make_publication(title="Puffin")

    html = search(client, q="puffin", utm_source="news", fbclid="x", ref="home")

    assert titles(html) == ["Puffin"]


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
        ({"label": "gossip"}, "“gossip” is not a label"),
    ],
)
def test_bad_values_of_known_parameters_get_a_clear_400(client, params, message):
    response = client.get("/search/", params)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_draft_model_is_not_a_valid_facet(client):
    make_model(name="Secret", slug="secret", status=Status.DRAFT)

    assert client.get("/search/", {"model": "secret"}).status_code == 400


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "OR",
        "-",
        "- -- OR OR",
        "\" * NEAR( : ' \\",
        "'; DROP TABLE x; --",
        "title:secret",
        "\x00",
        "日本語 ☃ 🤖 Ünïcödé",
        "a" * 500,
        "NOT AND",
        "{title}: x",
        "^x",
        "gpt-5.5.5",
    ],
)
def test_odd_search_text_gets_a_normal_page(client, text):
    make_publication(title="Risk")

    assert client.get("/search/", {"q": text}).status_code == 200


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(["q", "model", "topic", "kind", "label", "year", "page", "utm_x"]),
    value=st.text(max_size=80),
    text=st.text(max_size=40),
)
def test_any_text_in_any_parameter_never_breaks_the_page(client, name, value, text):
    response = client.get("/search/", {"q": text, name: value})

    assert response.status_code in {200, 400, 404}


@pytest.mark.usefixtures("page_cache_off")
def test_the_search_page_asks_a_bounded_number_of_queries(client):
    model = make_model(name="o3", slug="o3")
    topic = make_topic(name="Bias", slug="bias")
    make_many_publications(30, ai_models=[model], topics=[topic])
    params = {"q": "generated summary", "model": "o3", "topic": "bias"}
    with CaptureQueriesContext(connection) as small:
        search(client, **params)
    make_many_publications(500, ai_models=[model], topics=[topic])
    with CaptureQueriesContext(connection) as large:
        html = search(client, **params)

    assert result_count(html) == 530
    assert len(small) == len(large) <= 20


# The admin


def test_the_admin_publication_search_uses_the_index_and_finds_drafts(admin_client):
    model = make_model(name="o3", slug="o3")
    model.aliases.create(name="o3-2025-04-16")
    card = make_publication(title="Launch notes", status=Status.DRAFT)
    card.ai_models.add(model)
    make_publication(title="Other")

    by_alias = admin_client.get("/admin/catalog/publication/", {"q": "o3-2025-04-16"})
    by_stem = admin_client.get("/admin/catalog/publication/", {"q": "launching"})

    assert [p.title for p in by_alias.context["cl"].result_list] == ["Launch notes"]
    assert [p.title for p in by_stem.context["cl"].result_list] == ["Launch notes"]


def test_every_publication_has_an_entry_in_the_index():
    make_many_publications(5)
    make_publication(title="One more")

    assert Entry.objects.filter(kind="publication").count() == Publication.objects.count()
