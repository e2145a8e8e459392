"""The safety evaluations pages: the index and its Preparedness grid, an evaluation's sortable
table and bar chart, a model's results, the comparison, the downloads; what they hide, what
they refuse, and how many queries they cost."""

import csv
import io
import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.utils import timezone

from catalog.models import AIModel, Committee, Status
from evaluations.charts import PLOT_WIDTH
from evaluations.models import (
    Determination,
    Direction,
    EvaluationCategory,
    FrameworkVersion,
    Result,
    RiskCategory,
    RiskKind,
    ThresholdLevel,
)
from evaluations.tables import DETERMINATION_COLUMNS, RESULT_COLUMNS
from tests.factories import make_evaluation, make_model, make_publication, make_result

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub():
    """Two evaluations with results for three models, and their Preparedness determinations."""
    o3_card = make_publication(title="OpenAI o3 and o4-mini System Card", slug="o3-card")
    gpt5_card = make_publication(title="GPT-5 System Card", slug="gpt-5-card")
    o3 = make_model(name="o3", slug="o3", release_date=date(2025, 4, 16))
    o4_mini = make_model(name="o4-mini", slug="o4-mini", release_date=date(2025, 4, 16))
    gpt5 = make_model(name="gpt-5-thinking", slug="gpt-5-thinking", release_date=date(2025, 8, 7))
    jailbreaks = EvaluationCategory.objects.create(name="Jailbreaks", slug="jailbreaks", position=1)
    hallucinations = EvaluationCategory.objects.create(
        name="Hallucinations", slug="hallucinations", position=2
    )
    strongreject = make_evaluation(
        category=jailbreaks,
        name="StrongReject",
        slug="strongreject",
        description="Known jailbreak techniques against disallowed requests.",
    )
    simpleqa = make_evaluation(
        category=hallucinations,
        name="SimpleQA",
        slug="simpleqa",
        metrics=[("accuracy", Direction.HIGHER), ("hallucination_rate", Direction.LOWER)],
    )
    score = strongreject.metrics.get()
    accuracy, rate = simpleqa.metrics.order_by("position")
    april, august = date(2025, 4, 16), date(2025, 8, 7)
    for model, card, measured, value in [
        (o3, o3_card, april, "0.6"),
        (o4_mini, o3_card, april, "0.4"),
        (gpt5, gpt5_card, august, "0.8"),
    ]:
        make_result(metric=score, ai_model=model, source=card, value=value, measured_on=measured)
    make_result(metric=accuracy, ai_model=o3, source=o3_card, value="0.49")
    make_result(metric=accuracy, ai_model=o4_mini, source=o3_card, value="0.2")
    make_result(metric=rate, ai_model=o3, source=o3_card, value="0.51")
    make_result(metric=rate, ai_model=o4_mini, source=o3_card, value="0.79")

    v2 = FrameworkVersion.objects.create(name="Version 2", slug="v2", released_on=date(2025, 4, 15))
    bio = RiskCategory.objects.create(version=v2, name="Biological and Chemical", slug="bio")
    cyber = RiskCategory.objects.create(version=v2, name="Cybersecurity", slug="cyber", position=1)
    RiskCategory.objects.create(
        version=v2, name="Sandbagging", slug="sandbagging", kind=RiskKind.RESEARCH, position=2
    )
    below_high = ThresholdLevel.objects.create(version=v2, name="Below High", slug="below", rank=0)
    high = ThresholdLevel.objects.create(
        version=v2,
        name="High",
        slug="high",
        rank=1,
        description="Could amplify existing pathways to severe harm.",
    )
    sag = Committee.objects.create(
        name="Safety Advisory Group",
        slug="sag",
        mandate="Reviews Preparedness reports.",
        status=Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=1),
    )
    for model in (o3, o4_mini):
        for category in (bio, cyber):
            Determination.objects.create(
                ai_model=model, category=category, level=below_high, source=o3_card, committee=sag
            )
    Determination.objects.create(
        ai_model=gpt5, category=bio, level=high, source=gpt5_card, note="As a precaution."
    )
    Determination.objects.create(ai_model=gpt5, category=cyber, level=below_high, source=gpt5_card)
    return SimpleNamespace(
        o3=o3,
        o4_mini=o4_mini,
        gpt5=gpt5,
        o3_card=o3_card,
        gpt5_card=gpt5_card,
        score=score,
        accuracy=accuracy,
        rate=rate,
        bio=bio,
        cyber=cyber,
        high=high,
        sag=sag,
    )


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def row_names(html):
    """The row headings of the page's first table body: model names on an evaluation page."""
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return re.findall(r'<th scope="row"><a [^>]*>([^<]*)</a>', body)


def svg_of(html):
    return html[html.index("<svg") : html.index("</svg>")]


def test_index_lists_categories_and_evaluations_with_direction_and_latest_date(client, hub):
    html = html_of(client, "/evaluations/")

    assert html.index("Jailbreaks") < html.index("Hallucinations")
    assert 'href="/evaluations/strongreject/"' in html
    assert "Known jailbreak techniques against disallowed requests." in html
    assert "<code>hallucination_rate</code>: lower is better, 0–1" in html
    assert "<code>score</code>: higher is better, 0–1" in html
    assert '3 results · latest measured <time datetime="2025-08-07">' in html
    assert 'Latest results measured <time datetime="2025-08-07">' in html


def test_index_grid_has_a_row_per_model_and_a_column_per_tracked_category(client, hub):
    html = html_of(client, "/evaluations/")
    grid = html[html.index("Determinations under version 2") :]
    grid = grid[: grid.index("</table>")]

    headings = re.findall(r'<th scope="col">([^<]*)</th>', grid)
    assert headings == ["AI model", "Biological and Chemical", "Cybersecurity"]
    assert row_names(grid) == ["gpt-5-thinking", "o3", "o4-mini"]  # newest release first
    assert "Sandbagging" not in grid
    assert "Research categories, watched but not scored: Sandbagging." in html


def test_each_grid_cell_links_to_the_card_that_states_it(client, hub):
    html = html_of(client, "/evaluations/")
    gpt5_row = html[html.index('href="/models/gpt-5-thinking/"') :]
    gpt5_row = gpt5_row[: gpt5_row.index("</tr>")]

    cells = re.findall(r'<a href="([^"]*)">([^<]*)<span class="visually-hidden">', gpt5_row)

    assert cells == [
        ("/publications/gpt-5-card/", "High"),
        ("/publications/gpt-5-card/", "Below High"),
    ]
    assert "As a precaution." in gpt5_row


def test_a_v1_scorecard_shows_the_level_before_mitigation(client, hub):
    v1 = FrameworkVersion.objects.create(
        name="Version 1 (Beta)", slug="v1", released_on=date(2023, 12, 18), scores_mitigation=True
    )
    persuasion = RiskCategory.objects.create(version=v1, name="Persuasion", slug="persuasion")
    medium = ThresholdLevel.objects.create(version=v1, name="Medium", slug="medium", rank=1)
    high = ThresholdLevel.objects.create(version=v1, name="High", slug="high", rank=2)
    Determination.objects.create(
        ai_model=hub.o3,
        category=persuasion,
        level=medium,
        pre_mitigation_level=high,
        source=hub.o3_card,
    )

    html = html_of(client, "/evaluations/")

    v1_grid = html[html.index("Determinations under version 1 (beta)") :]
    assert "Medium<span" in v1_grid
    assert "before mitigation: High" in v1_grid


def test_evaluation_page_lists_best_first_by_default(client, hub):
    strongreject = html_of(client, "/evaluations/strongreject/")
    simpleqa = html_of(client, "/evaluations/simpleqa/")
    rate_table = simpleqa[simpleqa.index("<code>hallucination_rate</code>") :]

    assert row_names(strongreject) == ["gpt-5-thinking", "o3", "o4-mini"]  # higher is better
    assert row_names(rate_table) == ["o3", "o4-mini"]  # lower is better: 0.51 first


@pytest.mark.parametrize(
    ("order", "names"),
    [
        ("model", ["gpt-5-thinking", "o3", "o4-mini"]),
        ("-model", ["o4-mini", "o3", "gpt-5-thinking"]),
        ("value", ["o4-mini", "o3", "gpt-5-thinking"]),
        ("-value", ["gpt-5-thinking", "o3", "o4-mini"]),
        ("measured", ["o3", "o4-mini", "gpt-5-thinking"]),
        ("-measured", ["gpt-5-thinking", "o3", "o4-mini"]),
    ],
)
def test_evaluation_table_sorts_by_the_query_string(client, hub, order, names):
    html = html_of(client, f"/evaluations/strongreject/?order={order}")

    assert row_names(html) == names


def test_sorted_column_says_so_and_its_heading_reverses_the_order(client, hub):
    html = html_of(client, "/evaluations/strongreject/?order=model")

    assert '<th scope="col" aria-sort="ascending"><a href="?order=-model#metric-' in html
    assert html.count("aria-sort=") == 1


def test_chart_follows_the_table_order(client, hub):
    html = html_of(client, "/evaluations/strongreject/?order=model")

    labels = re.findall(r'<text x="0" y="[\d.]+">([^<]*)</text>', svg_of(html))

    assert labels == ["gpt-5-thinking", "o3", "o4-mini"]


def test_chart_bar_lengths_are_proportional_to_the_values(client, hub):
    svg = svg_of(html_of(client, "/evaluations/strongreject/"))

    lengths = [
        float(width) for width in re.findall(r'<rect class="bar"[^>]* width="([\d.]+)"', svg)
    ]
    values = [float(value) for value in re.findall(r'<text class="value"[^>]*>([^<]*)<', svg)]

    assert values == [0.8, 0.6, 0.4]
    assert lengths == [pytest.approx(value * PLOT_WIDTH) for value in values]


def test_chart_states_the_direction_of_better(client, hub):
    simpleqa = html_of(client, "/evaluations/simpleqa/")
    accuracy_svg, rate_svg = re.findall(r"<svg.*?</svg>", simpleqa, flags=re.DOTALL)

    assert "Higher is better: longer bars are better." in accuracy_svg
    assert "Lower is better: shorter bars are better." in rate_svg
    assert 'role="img"' in accuracy_svg
    assert "<title id=" in accuracy_svg


def test_chart_and_table_escape_names_and_values(client, hub):
    intruder = make_model(name="<script>alert(1)</script>", slug="intruder")
    make_result(
        metric=hub.score,
        ai_model=intruder,
        source=hub.o3_card,
        value="0.5",
        subcategory='"><img src=x>',
        note="<b>bold</b>",
    )

    html = html_of(client, "/evaluations/strongreject/")

    assert "<script>alert" not in html
    assert "<img src=x>" not in html
    assert "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; · &#34;&gt;&lt;img src=x&gt;" in svg_of(html)


def test_evaluation_without_results_says_so(client, hub):
    make_evaluation(name="PersonQA", slug="personqa")

    html = html_of(client, "/evaluations/personqa/")

    assert "No published results yet." in html
    assert "<svg" not in html


def test_unknown_evaluation_is_not_found(client, hub):
    assert client.get("/evaluations/no-such-evaluation/").status_code == 404


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/evaluations/strongreject/?order=random", "“order” is one of best, model"),
        ("/evaluations/strongreject/?order=model&order=value", "Give “order” once"),
        ("/evaluations/strongreject/?order=%00", "“order” is one of"),
    ],
)
def test_bad_parameters_get_a_clear_400(client, hub, url, message):
    response = client.get(url)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_model_page_shows_its_results_and_determinations_with_their_sources(client, hub):
    html = html_of(client, "/models/o3/")
    results = html[html.index("Safety evaluation results") : html.index("Preparedness Framework")]
    determinations = html[html.index("Preparedness Framework determinations") :]

    assert re.findall(r'<th scope="row"><a href="([^"]*)">', results) == [
        "/evaluations/strongreject/",
        "/evaluations/simpleqa/",
        "/evaluations/simpleqa/",
    ]
    assert "<code>hallucination_rate</code>" in results
    assert 'href="/publications/o3-card/">OpenAI o3 and o4-mini System Card</a>' in results
    assert 'href="/committees/sag/">Safety Advisory Group</a>' in determinations
    assert "Below High" in determinations
    assert 'href="/models/o3/results.csv"' in html
    assert 'href="/evaluations/compare/?models=o3"' in html


def test_model_page_hides_a_committee_that_is_not_published(client, hub):
    Committee.objects.filter(pk=hub.sag.pk).update(status=Status.DRAFT)

    html = html_of(client, "/models/o3/")

    assert "Safety Advisory Group" not in html
    assert "Not stated" in html


def test_model_without_results_has_no_results_section(client, hub):
    make_model(name="Sora", slug="sora")

    html = html_of(client, "/models/sora/")

    assert "Safety evaluation results" not in html
    assert "Preparedness Framework determinations" not in html


def test_a_card_lists_the_evaluations_and_determinations_it_states(client, hub):
    html = html_of(client, "/publications/o3-card/")
    determinations = html[html.index("Preparedness Framework determinations") :]

    assert 'href="/evaluations/strongreject/">StrongReject</a>' in html
    assert 'href="/evaluations/simpleqa/">SimpleQA</a>' in html
    assert row_names(determinations) == ["o3", "o4-mini", "o3", "o4-mini"]
    assert 'href="/committees/sag/">Safety Advisory Group</a>' in determinations


def test_a_committee_lists_the_determinations_it_made(client, hub):
    html = html_of(client, "/committees/sag/")
    determinations = html[html.index("Preparedness Framework determinations") :]

    assert row_names(determinations) == ["o3", "o4-mini", "o3", "o4-mini"]
    assert determinations.count('href="/publications/o3-card/"') == 4


def test_comparison_shows_the_models_side_by_side_on_the_evaluations_they_share(client, hub):
    html = html_of(client, "/evaluations/compare/?models=o4-mini&models=o3")

    headings = re.findall(r'<th scope="col"><a href="/models/[^"]*">([^<]*)</a>', html)
    assert headings == ["o4-mini", "o3", "o4-mini", "o3"]  # in the order asked, per category
    assert "<code>hallucination_rate</code>" in html
    assert html.index("Jailbreaks") < html.index("Hallucinations")


def test_comparison_leaves_out_evaluations_not_every_model_has(client, hub):
    html = html_of(client, "/evaluations/compare/?models=o3&models=gpt-5-thinking")

    assert "StrongReject" in html
    assert "SimpleQA" not in html


def test_comparison_marks_the_best_value_of_each_row_by_its_direction(client, hub):
    html = html_of(client, "/evaluations/compare/?models=o3&models=o4-mini")

    assert "<strong>0.6</strong>" in html  # StrongReject: higher is better
    assert "<strong>0.49</strong>" in html  # accuracy: higher is better
    assert "<strong>0.51</strong>" in html  # hallucination rate: lower is better
    assert "<strong>0.79</strong>" not in html


def test_comparison_without_models_offers_the_models_that_have_results(client, hub):
    make_model(name="Sora", slug="sora")

    html = html_of(client, "/evaluations/compare/")

    assert re.findall(r'name="models" value="([^"]*)"', html) == [
        "gpt-5-thinking",
        "o3",
        "o4-mini",
    ]


def test_comparison_with_one_model_asks_for_another(client, hub):
    html = html_of(client, "/evaluations/compare/?models=o3")

    assert 'value="o3" checked' in html
    assert "Choose at least one more model to compare with o3." in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("models=o3&models=o5", "There is no published AI model “o5”."),
        ("models=o3&models=o3", "“o3” is named more than once."),
        ("models=o3&models=%00", "is not the address name of an AI model"),
        ("models=o3&models=a%20b", "“a b” is not the address name of an AI model"),
        (
            "models=a&models=b&models=c&models=d&models=e&models=f",
            "Compare at most 5 models at a time; this address names 6.",
        ),
    ],
)
def test_comparison_with_unknown_or_too_many_models_gets_a_clear_400(client, hub, query, message):
    response = client.get(f"/evaluations/compare/?{query}")

    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_draft_model_cannot_be_compared(client, hub):
    make_model(name="o5", slug="o5", status=Status.DRAFT)

    response = client.get("/evaluations/compare/?models=o3&models=o5")

    assert response.status_code == 400
    assert "There is no published AI model “o5”." in response.content.decode()


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    reader = csv.DictReader(io.StringIO(response.content.decode()))
    return reader.fieldnames, list(reader)


def test_results_download_has_the_stable_columns_and_the_source_of_each_value(client, hub):
    columns, rows = read_csv(client.get("/evaluations/strongreject/results.csv"))

    assert columns == RESULT_COLUMNS
    assert [(row["model"], row["value"]) for row in rows] == [
        ("gpt-5-thinking", "0.8"),
        ("o3", "0.6"),
        ("o4-mini", "0.4"),
    ]
    assert rows[1] | {"source_url": ""} == {
        "category": "jailbreaks",
        "evaluation": "strongreject",
        "evaluation_name": "StrongReject",
        "metric": "score",
        "unit": "",
        "direction": "higher",
        "model": "o3",
        "model_name": "o3",
        "subcategory": "",
        "value": "0.6",
        "measured_on": "2025-04-16",
        "source": "o3-card",
        "source_title": "OpenAI o3 and o4-mini System Card",
        "source_url": "",
        "note": "",
    }
    assert rows[1]["source_url"] == "http://testserver/publications/o3-card/"


def test_json_download_has_the_same_columns_with_numbers_as_numbers(client, hub):
    response = client.get("/evaluations/strongreject/results.json")

    rows = response.json()

    assert response["Content-Disposition"] == 'attachment; filename="strongreject-results.json"'
    assert [list(row) for row in rows] == [RESULT_COLUMNS] * 3
    assert [row["value"] for row in rows] == [0.8, 0.6, 0.4]


@pytest.mark.parametrize(
    ("url", "models"),
    [
        ("/evaluations/results.csv", {"o3", "o4-mini", "gpt-5-thinking"}),
        ("/models/o4-mini/results.csv", {"o4-mini"}),
        (
            "/evaluations/compare/results.csv?models=o3&models=gpt-5-thinking",
            {"o3", "gpt-5-thinking"},
        ),
    ],
)
def test_each_table_downloads_its_own_rows(client, hub, url, models):
    columns, rows = read_csv(client.get(url))

    assert columns == RESULT_COLUMNS
    assert {row["model"] for row in rows} == models


def test_comparison_download_holds_only_the_shared_evaluations(client, hub):
    _, rows = read_csv(
        client.get("/evaluations/compare/results.csv?models=o3&models=gpt-5-thinking")
    )

    assert {row["evaluation"] for row in rows} == {"strongreject"}


def test_determinations_download_names_the_level_source_and_committee(client, hub):
    columns, rows = read_csv(client.get("/evaluations/preparedness.csv"))

    assert columns == DETERMINATION_COLUMNS
    gpt5_bio = next(
        row for row in rows if row["model"] == "gpt-5-thinking" and row["category"] == "bio"
    )
    o3_bio = next(row for row in rows if row["model"] == "o3" and row["category"] == "bio")
    assert (gpt5_bio["level"], gpt5_bio["source"], gpt5_bio["note"]) == (
        "High",
        "gpt-5-card",
        "As a precaution.",
    )
    assert o3_bio["determined_by"] == "Safety Advisory Group"
    assert o3_bio["framework_version"] == "v2"


@pytest.mark.parametrize(
    "url",
    [
        "/evaluations/no-such-evaluation/results.csv",
        "/models/no-such-model/results.json",
        "/models/draft-model/determinations.csv",
        "/evaluations/strongreject/results.xml",
    ],
)
def test_downloads_of_unknown_or_unpublished_things_are_not_found(client, hub, url):
    make_model(name="Draft model", slug="draft-model", status=Status.DRAFT)

    assert client.get(url).status_code == 404


def test_comparison_download_needs_two_models(client, hub):
    response = client.get("/evaluations/compare/results.csv?models=o3")

    assert response.status_code == 400
    assert "Name two to five models" in response.content.decode()


@pytest.fixture
def leaks(hub):
    """Results and determinations that must not show: unpublished sources, a draft model."""
    now = timezone.now()
    variants = [
        {"status": Status.DRAFT},
        {"status": Status.REVIEW},
        {"status": Status.ARCHIVED},
        {"published_at": now + timedelta(days=1)},
    ]
    for number, fields in enumerate(variants):
        card = make_publication(title=f"Leaked card {number}", **fields)
        leaked_model = make_model(name=f"Leaked model {number}", slug=f"leaked-{number}")
        make_result(metric=hub.score, ai_model=leaked_model, source=card, value="0.99")
        make_result(
            metric=hub.score,
            ai_model=hub.o3,
            source=card,
            value="0.11",
            subcategory=f"leaked {number}",
            measured_on=date(2030, 1, 1),
        )
        Determination.objects.create(
            ai_model=leaked_model, category=hub.bio, level=hub.high, source=card, committee=hub.sag
        )
    draft_model = make_model(name="Leaked draft model", slug="leaked-draft", status=Status.DRAFT)
    make_result(metric=hub.score, ai_model=draft_model, source=hub.o3_card, value="0.99")
    Determination.objects.create(
        ai_model=draft_model, category=hub.cyber, level=hub.high, source=hub.o3_card
    )


PUBLIC_URLS = [
    "/evaluations/",
    "/evaluations/strongreject/",
    "/evaluations/strongreject/results.csv",
    "/evaluations/strongreject/results.json",
    "/evaluations/results.csv",
    "/evaluations/preparedness.json",
    "/evaluations/compare/",
    "/evaluations/compare/?models=o3&models=o4-mini",
    "/evaluations/compare/results.csv?models=o3&models=o4-mini",
    "/models/o3/",
    "/models/o3/results.csv",
    "/models/o3/determinations.json",
    "/publications/o3-card/",
    "/committees/sag/",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_results_and_determinations_from_unpublished_sources_appear_nowhere(
    client, hub, leaks, url
):
    body = client.get(url).content.decode()

    assert "leaked" not in body.lower()
    # Whole numbers only: a timestamp such as "10.110Z" holds the digits but is not the value.
    assert not re.search(r"(?<![\d.])0\.110*(?!\d)", body)
    assert not re.search(r"(?<!\d)2030(?!\d)", body)


def test_counts_and_latest_date_ignore_unpublished_results(client, hub, leaks):
    html = html_of(client, "/evaluations/")

    assert "3 results · latest measured" in html
    assert 'Latest results measured <time datetime="2025-08-07">' in html


def test_a_result_appears_on_the_day_its_source_is_published(client, hub):
    card = make_publication(title="Next card", published_at=timezone.now() + timedelta(hours=1))
    make_result(metric=hub.score, ai_model=hub.o3, source=card, value="0.7", subcategory="new")
    assert "0.7" not in html_of(client, "/evaluations/strongreject/")

    with time_machine.travel(timezone.now() + timedelta(hours=1, seconds=1)):
        assert "0.7" in html_of(client, "/evaluations/strongreject/")


def grow(hub, count):
    """`count` more live models, each with a result on every metric and every determination,
    and as many results from an unpublished card."""
    now = timezone.now()
    draft_card = make_publication(title="Unpublished card", status=Status.DRAFT)
    start = AIModel.objects.count()
    models = AIModel.objects.bulk_create(
        AIModel(
            name=f"grown-{start + n}",
            slug=f"grown-{start + n}",
            status=Status.PUBLISHED,
            published_at=now - timedelta(days=1),
        )
        for n in range(count)
    )
    metrics = [hub.score, hub.accuracy, hub.rate]
    Result.objects.bulk_create(
        Result(
            evaluation=metric.evaluation,
            metric=metric,
            ai_model=model,
            source=source,
            subcategory=subcategory,
            value="0.5",
            measured_on=date(2025, 4, 16),
        )
        for model in [*models, hub.o3, hub.o4_mini]
        for metric in metrics
        for source, subcategory in [(hub.o3_card, f"s{start}"), (draft_card, f"d{start}")]
    )
    Determination.objects.bulk_create(
        Determination(ai_model=model, category=category, level=hub.high, source=hub.gpt5_card)
        for model in models
        for category in [hub.bio, hub.cyber]
    )


PAGE_URLS = {
    "evaluations": "/evaluations/",
    "evaluation": "/evaluations/strongreject/",
    "evaluation, sorted": "/evaluations/simpleqa/?order=-measured",
    "compare, choosing": "/evaluations/compare/",
    "compare": "/evaluations/compare/?models=o3&models=o4-mini&models=gpt-5-thinking",
    "model": "/models/o3/",
    "all results": "/evaluations/results.csv",
    "evaluation results": "/evaluations/strongreject/results.json",
    "comparison results": "/evaluations/compare/results.csv?models=o3&models=o4-mini",
    "model results": "/models/o3/results.csv",
    "model determinations": "/models/o3/determinations.json",
    "determinations": "/evaluations/preparedness.csv",
}
# Upper bounds per page, so that a new query shows up in review.
QUERY_BUDGETS = {
    "evaluations": 7,
    "evaluation": 3,
    "evaluation, sorted": 3,
    "compare, choosing": 1,
    "compare": 3,
    "model": 8,
    "all results": 1,
    "evaluation results": 2,
    "comparison results": 2,
    "model results": 2,
    "model determinations": 2,
    "determinations": 1,
}


def test_query_counts_are_bounded_and_do_not_grow_with_results(page_query_count, hub):
    grow(hub, 3)
    small = {name: page_query_count(url) for name, url in PAGE_URLS.items()}
    grow(hub, 300)

    large = {name: page_query_count(url) for name, url in PAGE_URLS.items()}

    grew = {name: (small[name], large[name]) for name in small if large[name] != small[name]}
    over = {name: large[name] for name in large if large[name] > QUERY_BUDGETS[name]}
    assert not grew, f"queries with 5 models and with 305: {grew}"
    assert not over, f"over budget: {over}"
