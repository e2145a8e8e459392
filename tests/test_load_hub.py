import re
from datetime import date
from html import unescape
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils.html import strip_tags

from catalog.demo_content import HUB_CONTENT_FILE, HubContentError, hub_content_load
from catalog.models import (
    AIModel,
    AIModelAlias,
    Committee,
    Conversation,
    HubFeature,
    HubPage,
    Kind,
    Label,
    ModelLineage,
    Practice,
    Publication,
    Relation,
    Stage,
    Status,
    Topic,
)
from evaluations.models import (
    Determination,
    Direction,
    EvaluationCategory,
    FrameworkVersion,
    Metric,
    Result,
    RiskKind,
)
from tests.factories import make_publication, make_topic

pytestmark = pytest.mark.django_db

# The hub's "Go deeper" cards after loading: the one pinned card, then the newest documents
# and committees, up to the hub's 12 cards (Product Safety Standards has no date of its own,
# so it carries the day the seed was scraped).
HUB_GO_DEEPER = [
    "Preparedness Framework",
    "Product Safety Standards",
    "Sora 2 System Card",
    "Addendum to GPT-5 system card: GPT-5-Codex",
    "GPT-5 System Card",
    "Addendum to OpenAI o3 and o4-mini system card: OpenAI o3 Operator",
    "Addendum to OpenAI o3 and o4-mini system card: Codex",
    "OpenAI o3 and o4-mini System Card",
    "Addendum to GPT-4o System Card: 4o image generation",
    "GPT-4.5 System Card",
    "Deep research System Card",
    "OpenAI o3-mini System Card",
]
SEED_GO_DEEPER = [
    "Sora 2 System Card",
    "Addendum to GPT-5 system card: GPT-5-Codex",
    "GPT-5 System Card",
    "Addendum to OpenAI o3 and o4-mini system card: OpenAI o3 Operator",
    "Addendum to OpenAI o3 and o4-mini system card: Codex",
    "OpenAI o3 and o4-mini System Card",
    "Addendum to GPT-4o System Card: 4o image generation",
    "GPT-4.5 System Card",
    "Deep research System Card",
    "OpenAI o3-mini System Card",
    "Operator System Card",
    "Sora System Card",
    "OpenAI o1 System Card",
    "GPT-4o System Card",
    "GPT-4 System Card",
    "GPT-4V(ision) System Card",
    "DALL·E 3 System Card",
    "Preparedness Framework",
    "Safety and Security Committee",
    "Product Safety Standards",
]


def snapshot():
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("catalog").get_models(include_auto_created=True)
    }


def publication(title):
    return Publication.objects.get(title=title)


def test_loads_the_seed_lifecycle_in_order():
    hub_content_load()

    assert [stage.name for stage in Stage.objects.all()] == ["Teach", "Test", "Share"]
    assert [practice.name for practice in Practice.objects.all()] == [
        "Filter data",
        "OpenAI policies",
        "Human values",
        "Red teaming",
        "System cards",
        "Preparedness evals",
        "Safety committees",
        "Alpha / Beta",
        "GA",
        "Feedback",
    ]
    assert Stage.objects.get(name="Share").summary == (
        "We use real-world feedback to help make our AI safer and more helpful."
    )


def test_loads_the_five_featured_topics_with_the_seed_descriptions():
    hub_content_load()

    assert list(Topic.objects.live().filter(featured=True).values_list("name", flat=True)) == [
        "Child safety",
        "Private information",
        "Deep fakes",
        "Bias",
        "Elections",
    ]
    assert Topic.objects.get(name="Private information").description == (
        "Protecting people’s privacy."
    )


def test_loads_the_two_conversations_in_order():
    hub_content_load()

    assert list(Conversation.objects.live().values_list("title", flat=True)) == [
        "Where is AI going?",
        "Teaching ChatGPT Good Behavior",
    ]


def test_loads_the_four_news_items_newest_first_with_label_and_date():
    hub_content_load()

    news = Publication.objects.live().filter(kind=Kind.NEWS)

    assert [(item.title, item.label, item.published_at.date()) for item in news] == [
        ("Introducing parental controls", Label.PRODUCT, date(2025, 9, 29)),
        ("Our updated Preparedness Framework", Label.PUBLICATION, date(2025, 4, 15)),
        ("An update on disrupting deceptive uses of AI", Label.SAFETY, date(2024, 10, 9)),
        ("OpenAI safety practices", Label.SAFETY, date(2024, 5, 21)),
    ]


def test_go_deeper_pins_the_framework_and_every_seed_item_can_appear():
    hub_content_load()

    features = HubFeature.objects.select_related("publication", "committee")
    documents = Publication.objects.live().exclude(kind=Kind.NEWS)
    names = {
        *documents.values_list("title", flat=True),
        *Committee.objects.values_list("name", flat=True),
    }

    assert [(str(feature.target), feature.position) for feature in features] == [
        ("Preparedness Framework", 1)
    ]
    assert set(SEED_GO_DEEPER) <= names


def test_loads_every_card_and_document_published():
    counts = hub_content_load()

    assert counts["Publication"] == Publication.objects.live().count() == 23
    assert Publication.objects.filter(kind=Kind.ADDENDUM).count() == 4
    assert counts["Committee"] == Committee.objects.live().count() == 2
    assert counts["AIModel"] == 24
    # and o1-preview, which only the evaluation figures name (evaluations/demo/evaluations.yaml)
    assert AIModel.objects.live().count() == 25
    assert not Publication.objects.exclude(status=Status.PUBLISHED).exists()


def test_cards_keep_the_seed_dates_and_parents():
    hub_content_load()

    codex_addendum = publication("Addendum to GPT-5 system card: GPT-5-Codex")

    assert publication("GPT-5 System Card").published_at.date() == date(2025, 8, 7)
    assert codex_addendum.kind == Kind.ADDENDUM
    assert codex_addendum.parent == publication("GPT-5 System Card")
    assert list(publication("OpenAI o3 and o4-mini System Card").addenda.order_by("title")) == [
        publication("Addendum to OpenAI o3 and o4-mini system card: Codex"),
        publication("Addendum to OpenAI o3 and o4-mini system card: OpenAI o3 Operator"),
    ]
    assert publication("DALL·E 3 System Card").slug == "dall-e-3-system-card"


def test_card_summaries_are_the_seed_words():
    hub_content_load()

    assert publication("GPT-4o System Card").summary == (
        "This system card takes a detailed look at speech-to-speech while also evaluating "
        "text and image capabilities."
    )


def test_items_without_a_known_date_carry_the_scrape_date():
    hub_content_load()

    assert publication("Product Safety Standards").published_at.date() == date(2025, 10, 10)


def test_hub_page_holds_the_seed_headings():
    hub_content_load()

    hub = HubPage.objects.get()

    assert hub.title == "Safety at every step"
    assert hub.lifecycle_heading == "Safety doesn’t stop"
    assert hub.evaluations_link_url == "/evaluations/"
    assert hub.news_count == 4


def test_gpt_5_thinking_belongs_to_the_gpt_5_family():
    hub_content_load()

    gpt_5 = AIModel.objects.get(name="GPT-5")

    assert AIModel.objects.get(name="gpt-5-thinking").family == gpt_5
    assert set(gpt_5.members.values_list("name", flat=True)) == {
        "gpt-5-main",
        "gpt-5-main-mini",
        "gpt-5-thinking",
        "gpt-5-thinking-mini",
        "gpt-5-thinking-nano",
        "GPT-5-Codex",
    }


def test_codex_1_is_based_on_o3():
    hub_content_load()

    lineage = ModelLineage.objects.get(model__name="codex-1")

    assert (lineage.relation, lineage.source.name) == (Relation.BASED_ON, "o3")


def test_gpt_5_thinking_is_the_successor_of_o3():
    hub_content_load()

    assert ModelLineage.objects.filter(
        model__name="gpt-5-thinking", relation=Relation.SUCCESSOR_OF, source__name="o3"
    ).exists()


def test_operator_lineage_says_when_it_moved_from_gpt_4o_to_o3():
    hub_content_load()

    notes = dict(
        ModelLineage.objects.filter(model__name="Operator").values_list("source__name", "note")
    )

    assert notes == {"o3": "since May 2025: an o3-based model", "GPT-4o": "until May 2025"}


def test_api_name_gpt_5_nano_belongs_to_gpt_5_thinking_nano():
    hub_content_load()

    assert AIModelAlias.objects.get(name="gpt-5-nano").model.name == "gpt-5-thinking-nano"


def test_safety_and_security_committee_lists_members_with_roles_in_order():
    hub_content_load()

    committee = Committee.objects.get(name="Safety and Security Committee")

    assert [
        (membership.person.name, membership.role, membership.term_start)
        for membership in committee.memberships.select_related("person")
    ] == [
        ("Zico Kolter", "Chair", date(2024, 9, 16)),
        ("Adam D'Angelo", "Member", date(2024, 9, 16)),
        ("Paul Nakasone", "Member", date(2024, 9, 16)),
        ("Nicole Seligman", "Member", date(2024, 9, 16)),
    ]
    assert committee.formed_on == date(2024, 5, 28)
    assert [item.title for item in committee.publications.all()] == ["OpenAI safety practices"]


def test_system_cards_practice_points_to_every_card_and_addendum():
    hub_content_load()

    cards = Publication.objects.filter(kind__in=[Kind.SYSTEM_CARD, Kind.ADDENDUM])

    assert cards.count() == 17
    assert set(Practice.objects.get(name="System cards").publications.all()) == set(cards)


def test_loading_twice_changes_nothing():
    call_command("load_hub", stdout=StringIO())
    before = snapshot()

    call_command("load_hub", stdout=StringIO())

    assert snapshot() == before


def test_loading_keeps_content_that_editors_added():
    hub_content_load()
    editors_card = make_publication(title="An editor’s card", slug="an-editors-card")
    editors_topic = make_topic(name="Cybersecurity", slug="cybersecurity")
    HubFeature.objects.create(hub=HubPage.objects.get(), publication=editors_card, position=21)

    hub_content_load()

    assert Publication.objects.filter(pk=editors_card.pk).exists()
    assert Topic.objects.filter(pk=editors_topic.pk).exists()
    assert HubFeature.objects.filter(publication=editors_card).exists()


def test_command_reports_each_section_and_a_summary(capsys):
    call_command("load_hub")

    output = capsys.readouterr().out

    assert "Topics: 5\n" in output
    assert "Pinned go deeper cards: 1\n" in output
    assert "Hub content loaded:" in output


def test_hub_page_shows_the_hero_and_every_go_deeper_title_in_order(client):
    hub_content_load()

    html = client.get("/").content.decode()
    deeper = html[html.index("Go deeper on safety") :]
    card_titles = [
        unescape(strip_tags(heading)).strip()
        for heading in re.findall(r"<h3[^>]*>(.*?)</h3>", deeper, flags=re.DOTALL)
    ]

    assert "Safety at every step" in html
    assert card_titles == HUB_GO_DEEPER


def test_loads_the_evaluation_categories_with_their_evaluations_and_metrics():
    hub_content_load()

    assert [
        (category.name, [evaluation.name for evaluation in category.evaluations.all()])
        for category in EvaluationCategory.objects.all()
    ] == [
        (
            "Disallowed content",
            [
                "Standard Refusal Evaluation",
                "Challenging Refusal Evaluation",
                "WildChat (toxic)",
                "XSTest",
                "Production Benchmarks",
            ],
        ),
        ("Jailbreaks", ["StrongReject", "Human-sourced jailbreaks"]),
        ("Hallucinations", ["SimpleQA", "PersonQA"]),
        (
            "Instruction hierarchy",
            [
                "System <> User message conflict",
                "System <> Developer message conflict",
                "Developer <> User message conflict",
                "Tutor jailbreak - system message",
                "Tutor jailbreak - developer message",
                "Phrase protection - user message",
                "Phrase protection - developer message",
                "Phrase protection - malicious user message",
                "Phrase protection - malicious developer message",
                "Password protection - user message",
                "Password protection - developer message",
                "System prompt extraction - realistic attacks of user attacking system message",
                "System prompt extraction - academic attacks of user message attacking system "
                "message",
                "System prompt extraction - academic attacks of developer message attacking "
                "system message",
            ],
        ),
        ("Fairness and bias", ["BBQ"]),
    ]
    simpleqa = {
        metric.name: metric for metric in Metric.objects.filter(evaluation__name="SimpleQA")
    }
    assert simpleqa["accuracy"].direction == Direction.HIGHER
    assert simpleqa["hallucination_rate"].direction == Direction.LOWER
    assert list(
        Metric.objects.filter(evaluation__name="Standard Refusal Evaluation").values_list(
            "name", "minimum", "maximum"
        )
    ) == [("not_unsafe", 0, 1), ("not_overrefuse", 0, 1)]


def test_loads_the_published_figures_as_results():
    hub_content_load()

    # tests/test_evaluations_real_figures.py checks them against the CSV, one by one.
    assert Result.objects.live().count() == 204


def test_loads_the_preparedness_framework_v2_categories_and_thresholds():
    hub_content_load()

    v2 = FrameworkVersion.objects.get(slug="v2")

    assert v2.released_on == date(2025, 4, 15)
    assert v2.publication == publication("Preparedness Framework")
    assert list(v2.categories.filter(kind=RiskKind.TRACKED).values_list("name", flat=True)) == [
        "Biological and Chemical",
        "Cybersecurity",
        "AI Self-improvement",
    ]
    assert list(v2.categories.filter(kind=RiskKind.RESEARCH).values_list("name", flat=True)) == [
        "Long-range Autonomy",
        "Sandbagging",
        "Autonomous Replication and Adaptation",
        "Undermining Safeguards",
        "Nuclear and Radiological",
    ]
    assert list(v2.levels.values_list("name", flat=True)) == ["Below High", "High", "Critical"]
    assert "amplify existing pathways to severe harm" in v2.levels.get(name="High").description
    assert FrameworkVersion.objects.get(slug="v1").scores_mitigation


def test_loads_the_determinations_the_cards_state():
    hub_content_load()

    stated = {
        (item.ai_model.name, item.category.name): (
            item.level.name,
            item.source.title,
            item.committee.name if item.committee else None,
        )
        for item in Determination.objects.select_related(
            "ai_model", "category", "level", "source", "committee"
        )
    }

    o3_card = "OpenAI o3 and o4-mini System Card"
    sag = "Safety Advisory Group"
    assert stated == {
        ("o3", "Biological and Chemical"): ("Below High", o3_card, sag),
        ("o3", "Cybersecurity"): ("Below High", o3_card, sag),
        ("o3", "AI Self-improvement"): ("Below High", o3_card, sag),
        ("o4-mini", "Biological and Chemical"): ("Below High", o3_card, sag),
        ("o4-mini", "Cybersecurity"): ("Below High", o3_card, sag),
        ("o4-mini", "AI Self-improvement"): ("Below High", o3_card, sag),
        ("gpt-5-thinking", "Biological and Chemical"): ("High", "GPT-5 System Card", None),
        ("gpt-5-thinking", "Cybersecurity"): ("Below High", "GPT-5 System Card", None),
        ("gpt-5-thinking", "AI Self-improvement"): ("Below High", "GPT-5 System Card", None),
        ("o3-mini", "CBRN"): ("Medium", "OpenAI o3-mini System Card", None),
        ("o3-mini", "Cybersecurity"): ("Low", "OpenAI o3-mini System Card", None),
        ("o3-mini", "Persuasion"): ("Medium", "OpenAI o3-mini System Card", None),
        ("o3-mini", "Model Autonomy"): ("Medium", "OpenAI o3-mini System Card", None),
    }


def test_evaluations_page_shows_the_preparedness_grid_of_the_real_determinations(client):
    hub_content_load()

    html = client.get("/evaluations/").content.decode()
    v2_grid = html[html.index("Determinations under version 2") : html.index("Version 1 (Beta)")]

    assert re.findall(r'<th scope="row"><a href="/models/([^/]*)/">', v2_grid) == [
        "gpt-5-thinking",
        "o3",
        "o4-mini",
    ]
    assert v2_grid.count('href="/publications/openai-o3-and-o4-mini-system-card/"') == 6
    assert v2_grid.count('href="/publications/gpt-5-system-card/"') == 3


def test_hub_links_to_the_evaluations_page(client):
    hub_content_load()

    html = client.get("/").content.decode()

    assert '<a href="/evaluations/">Explore the safety evaluations hub</a>' in html


def hub_file_with(tmp_path, old, new):
    """A copy of the hub's content file with one passage changed, as an editor would."""
    text = HUB_CONTENT_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "hub.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_text_changed_in_the_file_updates_the_item_in_place(tmp_path):
    hub_content_load()
    card = publication("GPT-4o System Card")
    changed = hub_file_with(
        tmp_path, "takes a detailed look at speech-to-speech", "looks closely at speech-to-speech"
    )

    hub_content_load(path=changed)

    card.refresh_from_db()
    assert card.summary.startswith("This system card looks closely at speech-to-speech")
    assert Publication.objects.count() == 23


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    models: [Sora 2]",
            "    models: [Sora two]",
            "publications, entry 5 ('Sora 2 System Card'): no AI model named 'Sora two'",
        ),
        (
            "    summary: We use real-world feedback",
            "    sumary: We use real-world feedback",
            "stages, entry 3 ('Share'): unknown key sumary (known: name, practices, summary)",
        ),
        (
            "    formed_on: 2024-05-28",
            "    formed_on: May 2024",
            "committees, entry 1 ('Safety and Security Committee'): 'May 2024' is not a date",
        ),
        (
            "      - name: GA\n",
            "      - title: GA\n",
            "stages, entry 3 ('Share'), practices, entry 3 ('GA'): unknown key title",
        ),
        ("    kind: policy", "    kind: policies", "'policies' is not a valid Kind"),
        ("  - name: Teach\n", "  - name: Teach: x\n", "mapping values are not allowed here"),
        ("\ntopics:\n", "\ntopic:\n", "sections missing: topics; unknown: topic"),
    ],
)
def test_a_malformed_file_is_named_with_its_entry_and_nothing_is_loaded(
    tmp_path, old, new, message
):
    malformed = hub_file_with(tmp_path, old, new)

    with pytest.raises(HubContentError) as raised:
        hub_content_load(path=malformed)

    assert str(raised.value).startswith(f"{malformed}: ")
    assert message in str(raised.value)
    assert not Publication.objects.exists() and not HubPage.objects.exists()
