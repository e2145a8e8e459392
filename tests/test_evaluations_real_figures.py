"""The demo's evaluation results: the 204 figures published in OpenAI's system cards
(evaluations/demo/evaluation-results.csv), loaded by load_hub with their sources, and the
evaluation pages that show them at a glance."""

import csv
import re
from decimal import Decimal
from html import unescape
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from catalog.models import AIModel, Publication
from evaluations.charts import axis_scale, nice_step
from evaluations.models import Metric, Result
from evaluations.tables import results_import
from tests.factories import make_evaluation, make_model, make_publication, make_result

pytestmark = pytest.mark.django_db

DEMO = Path(settings.BASE_DIR) / "evaluations" / "demo"
ROWS = list(csv.DictReader((DEMO / "evaluation-results.csv").open(encoding="utf-8")))
SOURCES = yaml.safe_load((DEMO / "evaluations.yaml").read_text(encoding="utf-8"))["sources"]


@pytest.fixture
def hub():
    call_command("load_hub", stdout=StringIO())


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def text_of(html):
    return unescape(re.sub(r"<[^>]+>", " ", html))


def find(evaluation, metric, model, subcategory=""):
    return Result.objects.select_related("source", "metric", "ai_model").get(
        evaluation__name=evaluation,
        metric__name=metric,
        ai_model__name=model,
        subcategory=subcategory,
    )


def test_the_copy_in_the_project_holds_the_204_figures():
    assert len(ROWS) == 204
    assert {row["source_title"] for row in ROWS} == set(SOURCES)


def test_load_hub_loads_every_figure_with_its_card_table_and_document(hub):
    results = Result.objects.live().select_related("evaluation", "metric", "ai_model", "source")
    assert results.count() == 204
    by_key = {
        (r.evaluation.name, r.metric.name, r.ai_model.slug, r.subcategory): r for r in results
    }
    for row in ROWS:
        model = AIModel.objects.get(name__iexact=row["model"].replace("GPT-4o-mini", "GPT-4o mini"))
        result = by_key[row["evaluation"], row["metric"], model.slug, row["subcategory"]]
        assert result.value == Decimal(row["value"]), row
        assert result.measured_on.isoformat() == row["measured_on"]
        assert result.source.title == SOURCES[row["source_title"]]
        assert result.source_table == row["source_where"]
        assert result.source_url == row["source_url"]
        assert result.metric.higher_is_better == (row["higher_is_better"] == "true")
        assert result.note == ""


@pytest.mark.parametrize(
    ("evaluation", "metric", "model", "subcategory", "shown", "card"),
    [
        ("SimpleQA", "accuracy", "o3", "", "0.49", "OpenAI o3 and o4-mini System Card"),
        # PersonQA's rates show three digits after the point (o3-mini: 0.148): 0.19 as 0.190.
        ("PersonQA", "hallucination_rate", "GPT-4.5", "", "0.190", "GPT-4.5 System Card"),
        (
            "Production Benchmarks",
            "not_unsafe",
            "gpt-5-thinking",
            "illicit/violent",
            "0.912",
            "GPT-5 System Card",
        ),
        ("StrongReject", "goodness@0.1", "o1", "", "0.72", "OpenAI o1 System Card"),
        ("StrongReject", "not_unsafe", "o3", "", "0.970", "OpenAI o3 and o4-mini System Card"),
        ("Human-sourced jailbreaks", "not_unsafe", "Operator", "", "1.00", "Operator System Card"),
        ("BBQ", "accuracy", "o1", "ambiguous questions", "0.96", "OpenAI o1 System Card"),
    ],
)
def test_an_evaluation_page_shows_the_figure_with_its_card_table_and_document(
    client, hub, evaluation, metric, model, subcategory, shown, card
):
    result = find(evaluation, metric, model, subcategory)
    row = next(
        row
        for row in ROWS
        if (row["evaluation"], row["metric"], row["model"], row["subcategory"])
        == (evaluation, metric, model, subcategory)
    )
    assert Decimal(row["value"]) == Decimal(shown)
    html = html_of(client, result.evaluation.get_absolute_url())
    section = html[html.index(f'id="metric-{result.metric.pk}"') :]
    table = section[section.index("<tbody>") : section.index("</tbody>")]
    line = next(
        tr for tr in table.split("<tr>") if f">{model}</a></th>" in tr and subcategory in tr
    )

    assert f'<td class="number">{shown}</td>' in line
    assert f'href="{result.source.get_absolute_url()}">{card}</a>' in line
    assert f'href="{row["source_url"]}" rel="external"' in line
    assert unescape(line).count(row["source_where"]) == 1


def test_the_two_kinds_of_strongreject_score_stay_apart(client, hub):
    goodness = Metric.objects.get(evaluation__name="StrongReject", name="goodness@0.1")
    not_unsafe = Metric.objects.get(evaluation__name="StrongReject", name="not_unsafe")
    cards = {
        metric.name: set(metric.results.values_list("source__title", flat=True))
        for metric in [goodness, not_unsafe]
    }

    assert cards == {
        "goodness@0.1": {
            "OpenAI o1 System Card",
            "OpenAI o3-mini System Card",
            "GPT-4.5 System Card",
            "Operator System Card",
        },
        "not_unsafe": {"OpenAI o3 and o4-mini System Card", "GPT-5 System Card"},
    }
    html = html_of(client, "/evaluations/strongreject/")
    assert html.count('<figure class="chart">') == 2  # a chart per kind, never one mixing them
    assert "Goodness at 0.1" in html and "Not comparable with a not-unsafe rate." in html
    # o3-mini (goodness@0.1) and o3 (not_unsafe) are never put side by side on StrongReject.
    compare = html_of(client, "/evaluations/compare/?models=o3-mini&models=o3")
    assert 'href="/evaluations/strongreject/"' not in compare
    assert 'href="/evaluations/human-sourced-jailbreaks/"' in compare


def test_loading_again_changes_no_result(hub):
    before = list(Result.objects.order_by("pk").values())
    metrics = list(Metric.objects.order_by("pk").values())

    call_command("load_hub", stdout=StringIO())

    assert list(Result.objects.order_by("pk").values()) == before
    assert list(Metric.objects.order_by("pk").values()) == metrics


def demo_pages():
    yield "/"
    yield "/evaluations/"
    yield "/evaluations/compare/"
    yield "/evaluations/compare/?models=o3&models=o4-mini&models=gpt-5-thinking"
    yield "/models/"
    yield "/models/?view=timeline"
    for evaluation in Result.objects.values_list("evaluation__slug", flat=True).distinct():
        yield f"/evaluations/{evaluation}/"
    for model in Result.objects.values_list("ai_model__slug", flat=True).distinct():
        yield f"/models/{model}/"
    for source in Publication.objects.filter(results__isnull=False).distinct():
        yield source.get_absolute_url()


def test_no_page_marks_anything_as_a_sample_by_default(client, hub):
    for url in demo_pages():
        text = text_of(html_of(client, url))
        assert not re.search(r"\bsample\b", text, flags=re.IGNORECASE), url
        assert "invented" not in text.lower(), url


def test_every_evaluation_with_figures_shows_them(client, hub):
    index = html_of(client, "/evaluations/")
    assert "No published results yet" not in index
    for url in demo_pages():
        if url.startswith("/evaluations/") and url.count("/") == 3 and "compare" not in url:
            html = html_of(client, url)
            assert "No published results" not in html, url
            assert '<figure class="chart">' in html, url


# The scale: fitted to the values when they cluster, the metric's whole range otherwise.


def test_nice_steps_are_one_two_or_five_times_a_power_of_ten():
    assert nice_step(Decimal("0.013")) == Decimal("0.02")
    assert nice_step(Decimal("0.003")) == Decimal("0.005")
    assert nice_step(Decimal("0.2")) == Decimal("0.2")
    assert nice_step(Decimal("0.7")) == Decimal("1")


def test_clustered_values_get_an_axis_fitted_to_them():
    values = [Decimal(v) for v in ["0.95", "0.96", "0.97", "0.98", "0.99"]]

    scale = axis_scale(values, 0, 1)

    assert scale.fitted
    assert Decimal("0.9") <= scale.low < min(values)  # the smallest value's bar still shows
    assert max(values) <= scale.high <= 1
    assert scale.ticks[0] == scale.low and scale.ticks[-1] == scale.high
    assert len(scale.ticks) <= 6
    assert len({scale.text(tick).split(".")[1].__len__() for tick in scale.ticks}) == 1
    assert scale.share(scale.low) == 0 and scale.share(scale.high) == 1
    assert 0 < scale.share(Decimal("0.95")) < scale.share(Decimal("0.99")) <= 1


@pytest.mark.parametrize(
    "values",
    [
        ["0.07", "0.51"],  # spread over the range
        ["0.2", "0.3"],  # clustered, but near 0: the whole range costs little
        ["0.9"],  # one value
        ["0.99", "0.99"],  # equal values
        [],
    ],
)
def test_other_values_keep_the_whole_range_from_zero(values):
    scale = axis_scale([Decimal(v) for v in values], 0, 1)

    assert not scale.fitted
    assert (scale.low, scale.high) == (0, 1)
    assert [scale.text(tick) for tick in scale.ticks] == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]


def test_a_fitted_axis_says_where_it_starts_in_words(client, hub):
    html = html_of(client, "/evaluations/standard-refusal-evaluation/")
    not_unsafe = html[html.index("Not unsafe") : html.index("Not over-refusing")]
    chart = not_unsafe[not_unsafe.index('<figure class="chart">') : not_unsafe.index("</figure>")]

    assert '<path class="axis-break"' in chart
    start = re.search(r"Axis starts at ([\d.]+), not 0", chart).group(1)
    assert Decimal(start) < Decimal("0.99")  # below the smallest value, 0.99
    assert f"The axis starts at {start}, not at 0" in chart  # in the caption, too
    ticks = re.findall(r'<text class="tick"[^>]*>([^<]*)<', chart)
    assert ticks[0] == start and ticks[-1] == "1.000"

    spread = html_of(client, "/evaluations/simpleqa/")
    assert "Axis starts at" not in spread and "axis-break" not in spread


def test_every_value_of_a_metric_shows_the_same_digits_after_the_point(client, hub):
    html = html_of(client, "/evaluations/challenging-refusal-evaluation/")
    values = re.findall(r'<td class="number">([^<]*)</td>', html)
    bars = re.findall(r'<text class="value"[^>]*>([^<]*)</text>', html)

    assert "0.900" in values  # printed as 0.9 in the o3-mini card, beside 0.920 and 0.931
    assert {len(value.split(".")[1]) for value in values + bars} == {3}
    for evaluation in ["production-benchmarks", "simpleqa", "bbq", "xstest"]:
        html = html_of(client, f"/evaluations/{evaluation}/")
        for section in html.split('<section class="metric"')[1:]:
            shown = re.findall(r'<td class="number">([^<]*)</td>', section)
            assert len({len(value.split(".")[1]) for value in shown}) == 1, evaluation


def test_metric_names_are_words_with_their_definition(client, hub):
    html = html_of(client, "/evaluations/standard-refusal-evaluation/")

    assert 'Not unsafe <code class="metric-code">not_unsafe</code></h2>' in html
    assert 'Not over-refusing <code class="metric-code">not_overrefuse</code></h2>' in html
    assert "<dt>What it measures</dt><dd>The share of answers an automated policy grader" in html


def test_preparedness_levels_are_badges_with_their_word(client, hub):
    html = html_of(client, "/evaluations/")
    badges = re.findall(
        r'<(?:a|span) class="level-badge level-rank-(\w+)"[^>]*>'
        r'<span class="level-mark" aria-hidden="true"></span>([^<]*)<',
        html,
    )

    assert len(badges) >= 13  # every determination, and each level's definition
    assert {word for _, word in badges} == {"Below High", "High", "Critical", "Low", "Medium"}
    assert {rank for rank, word in badges if word == "High"} == {"high"}
    assert {rank for rank, word in badges if word == "Below High"} == {"low"}


def bar_colours(html):
    """Each bar's label and colour class in the page's charts."""
    return set(
        re.findall(
            r'<text x="0" y="[\d.]+">([^<]*)</text>\s*<rect class="bar model-colour-(\d+)"', html
        )
    )


def test_a_model_has_the_same_colour_on_every_chart(client, hub):
    colours = {}
    for url in [
        "/evaluations/standard-refusal-evaluation/",
        "/evaluations/simpleqa/",
        "/evaluations/compare/?models=o3&models=o4-mini&models=o1",
    ]:
        for name, colour in bar_colours(html_of(client, url)):
            colours.setdefault(name, set()).add(colour)
    assert colours["o3"] and all(len(found) == 1 for found in colours.values()), colours
    assert colours["o3"] != colours["o4-mini"]


def test_the_comparison_shows_the_chosen_models_side_by_side_per_evaluation(client, hub):
    html = html_of(client, "/evaluations/compare/?models=o4-mini&models=o3")

    headings = re.findall(r'<th scope="col"><a href="/models/[^"]*">([^<]*)</a>', html)
    assert headings[:2] == ["o4-mini", "o3"]
    charts = re.findall(r'<figure class="chart">.*?</figure>', html, flags=re.DOTALL)
    assert charts
    for chart in charts:
        labels = re.findall(r'<text x="0" y="[\d.]+">([^<]*)</text>', chart)
        assert labels == ["o4-mini", "o3"]
    simpleqa = next(chart for chart in charts if "SimpleQA, Accuracy" in chart)
    assert ">0.49<" in simpleqa  # o3, OpenAI o3 and o4-mini System Card
    legend = html[html.index('class="model-legend"') :]
    assert "o4-mini</li>" in legend and "o3</li>" in legend


def test_the_release_timeline_is_a_list_in_years(client, hub):
    html = html_of(client, "/models/?view=timeline")

    assert '<ol class="timeline timeline-visual">' in html
    assert html.index("<h3>2025</h3>") < html.index("<h3>2024</h3>")
    assert 'href="/models/o1-preview/"' in html


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        ("/evaluations/", 7),
        ("/evaluations/production-benchmarks/", 4),
        ("/evaluations/bbq/?order=model", 4),
        ("/evaluations/compare/?models=o3&models=o4-mini&models=o1&models=gpt-4o", 4),
        ("/models/o3/", 10),  # catalog's model page, with its publications, and the results
    ],
)
def test_evaluation_pages_with_the_real_figures_keep_their_query_budget(
    page_query_count, hub, url, budget
):
    assert page_query_count(url) <= budget


def test_a_saved_value_that_needs_more_digits_raises_its_metrics_digits():
    metric = make_evaluation().metrics.get()
    model, card = make_model(), make_publication()
    make_result(metric=metric, ai_model=model, source=card, value="0.9")
    metric.refresh_from_db()
    assert metric.decimals == 2
    assert metric.value_text(Decimal("0.9")) == "0.90"

    make_result(metric=metric, ai_model=model, source=card, value="0.9951", subcategory="hate")

    metric.refresh_from_db()
    assert metric.decimals == 4
    assert metric.value_text(Decimal("0.9")) == "0.9000"


def test_an_import_raises_the_digits_too():
    metric = make_evaluation(name="StrongReject", slug="strongreject").metrics.get()
    make_model(name="o3", slug="o3")
    make_publication(slug="o3-card")

    results_import(
        lines=[
            "evaluation,metric,model,value,measured_on,source\n",
            "strongreject,score,o3,0.123,2025-04-16,o3-card\n",
        ]
    )

    metric.refresh_from_db()
    assert metric.decimals == 3
