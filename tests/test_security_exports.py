"""What staff type reaches readers as the text it is: a feed reader shows a summary's "<img>" as
text rather than making an image of it, and a spreadsheet shows a downloaded "=HYPERLINK(…)" as
text rather than running it."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from catalog.models import Committee, Status
from evaluations.models import (
    Determination,
    Direction,
    Evaluation,
    EvaluationCategory,
    FrameworkVersion,
    Metric,
    Result,
    RiskCategory,
    ThresholdLevel,
)
from evaluations.tables import results_import
from tests.factories import make_evaluation, make_model, make_publication, make_topic

pytestmark = pytest.mark.django_db


# Feeds

TITLE = "Card <b>& more"
SUMMARY = "<img src=x onerror=alert(1)>"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def hostile_feeds():
    """A live card whose title and summary are markup, about a model and a topic named so too."""
    model = make_model(name="o3 <i>&", slug="o3")
    topic = make_topic(name="Bias <i>&", slug="bias")
    card = make_publication(title=TITLE, summary=SUMMARY)
    card.ai_models.add(model)
    card.topics.add(topic)


class ReaderView(HTMLParser):
    """What a feed reader makes of a text it takes as HTML: its elements and the text it shows."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements, self.text = [], ""

    def handle_starttag(self, tag, attrs):
        self.elements.append(tag)

    def handle_data(self, data):
        self.text += data


def shown(element, *, as_html):
    """The text a reader shows for an element of a feed, and the HTML elements it makes of it."""
    if not as_html:
        return element.text or "", []
    view = ReaderView()
    view.feed(element.text or "")
    view.close()
    return view.text, view.elements


def feed_texts(content):
    """The feed's title and each item's title and summary, as a reader shows them.

    RSS readers take titles and descriptions as HTML; Atom says which its texts are, by `type`.
    """
    root = ET.fromstring(content)
    if root.tag == "rss":
        channel = root.find("channel")
        title = shown(channel.find("title"), as_html=True)
        items = [
            (shown(item.find("title"), as_html=True), shown(item.find("description"), as_html=True))
            for item in channel.iter("item")
        ]
    else:

        def atom_shown(element):
            return shown(element, as_html=element.get("type", "text") == "html")

        title = atom_shown(root.find(f"{ATOM}title"))
        items = [
            (atom_shown(entry.find(f"{ATOM}title")), atom_shown(entry.find(f"{ATOM}summary")))
            for entry in root.iter(f"{ATOM}entry")
        ]
    return title, items


@pytest.mark.parametrize(
    "url, feed_title",
    [
        ("/feeds/publications.rss", "Safety Hub: publications"),
        ("/feeds/publications.atom", "Safety Hub: publications"),
        ("/models/o3/feed.rss", "Safety Hub: publications about o3 <i>&"),
        ("/models/o3/feed.atom", "Safety Hub: publications about o3 <i>&"),
        ("/topics/bias/feed.rss", "Safety Hub: Bias <i>&"),
        ("/topics/bias/feed.atom", "Safety Hub: Bias <i>&"),
    ],
)
def test_a_feed_reader_shows_titles_and_summaries_as_the_text_typed(
    client, hostile_feeds, url, feed_title
):
    response = client.get(url)

    title, items = feed_texts(response.content)
    assert response.status_code == 200
    assert title == (feed_title, [])
    assert items == [((TITLE, []), (SUMMARY, []))]


def test_atom_says_its_summaries_are_plain_text(client, hostile_feeds):
    root = ET.fromstring(client.get("/feeds/publications.atom").content)

    assert [summary.get("type") for summary in root.iter(f"{ATOM}summary")] == ["text"]


# Downloads

PAYLOADS = ['=HYPERLINK("http://x","y")', "@SUM(1)", "+1+1", "\t=1", "-1+2", "\r=1"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def import_rows(admin_client, rows):
    header = ["evaluation", "metric", "model", "subcategory", "value", "measured_on", "source"]
    text = io.StringIO()
    csv.writer(text).writerows([[*header, "note"], *rows])
    upload = SimpleUploadedFile("results.csv", text.getvalue().encode())
    response = admin_client.post(reverse("admin:evaluations_result_import"), {"file": upload})
    assert response.status_code == 302, response.content.decode()


@pytest.fixture
def hostile_tables(admin_client):
    """Every text of the evaluation tables starts like a formula; the results come in through
    the admin's import."""
    card = make_publication(title="@SUM(1)", slug="card")
    first = make_model(name='=HYPERLINK("http://x","y")', slug="first")
    second = make_model(name="+1+1", slug="second")
    category = EvaluationCategory.objects.create(name="-1+2", slug="category")
    evaluation = make_evaluation(
        category=category, name="@SUM(1)", slug="sum", description="+1+1", metrics=[]
    )
    Metric.objects.create(
        evaluation=evaluation,
        name="-1+2",
        unit="\t=1",
        minimum=Decimal(-1),
        direction=Direction.HIGHER,
        description="\r=1",
    )
    import_rows(
        admin_client,
        [
            ["sum", "-1+2", "first", "-1+2", "-0.5", "2025-04-16", "card", "-0.5"],
            ["sum", "-1+2", "second", "-1+2", "0.5", "2025-04-16", "card", '=HYPERLINK("x")'],
        ],
    )
    version = FrameworkVersion.objects.create(
        name="+1+1", slug="v2", released_on=date(2025, 4, 15), summary="@SUM(1)"
    )
    risk = RiskCategory.objects.create(version=version, name="=1", slug="bio", description="-1+2")
    level = ThresholdLevel.objects.create(
        version=version, name="@SUM(1)", slug="high", rank=1, description="\t=1"
    )
    committee = Committee.objects.create(
        name="-1+2",
        slug="sag",
        mandate="=1",
        status=Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=1),
    )
    Determination.objects.create(
        ai_model=first,
        category=risk,
        level=level,
        pre_mitigation_level=level,
        source=card,
        committee=committee,
        note="\r=1",
    )
    Determination.objects.create(
        ai_model=second, category=risk, level=level, source=card, note="+1+1"
    )


PUBLIC_DOWNLOADS = [
    f"{path}.{file_format}"
    for path in [
        "/evaluations/results",
        "/evaluations/sum/results",
        "/models/first/results",
        "/evaluations/preparedness",
        "/models/first/determinations",
        "/models/second/determinations",
    ]
    for file_format in ["csv", "json"]
] + [f"/evaluations/compare/results.{f}?models=first&models=second" for f in ["csv", "json"]]

EXPORTED_TABLES = [
    EvaluationCategory,
    Evaluation,
    Metric,
    Result,
    FrameworkVersion,
    RiskCategory,
    ThresholdLevel,
    Determination,
]


def admin_export(admin_client, model, file_format):
    return admin_client.post(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"),
        {
            "action": f"export_{file_format}",
            "_selected_action": [str(pk) for pk in model.objects.values_list("pk", flat=True)],
        },
    )


def cells(response):
    """Every value of a downloaded table, its header left out."""
    if response["Content-Type"].startswith("text/csv"):
        return [
            cell
            for row in list(csv.reader(io.StringIO(response.content.decode())))[1:]
            for cell in row
        ]
    return [value for row in response.json() for value in row.values()]


def runs_as_formula(cell):
    """A spreadsheet opening the file would take the cell for a formula (a number is not one)."""
    return isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell)


def test_no_public_download_holds_a_cell_a_spreadsheet_would_run(client, hostile_tables):
    shown = []
    for url in PUBLIC_DOWNLOADS:
        response = client.get(url)
        assert response.status_code == 200, url

        values = cells(response)
        assert [cell for cell in values if runs_as_formula(cell)] == [], url
        assert any(f"'{payload}" in values for payload in PAYLOADS), url
        shown += values

    assert {f"'{payload}" for payload in PAYLOADS} - set(shown) == set()


@pytest.mark.parametrize("file_format", ["csv", "json"])
@pytest.mark.parametrize("model", EXPORTED_TABLES, ids=lambda model: model.__name__)
def test_no_admin_export_holds_a_cell_a_spreadsheet_would_run(
    admin_client, hostile_tables, model, file_format
):
    response = admin_export(admin_client, model, file_format)

    values = cells(response)
    assert response.status_code == 200
    assert [cell for cell in values if runs_as_formula(cell)] == []
    assert any(f"'{payload}" in values for payload in PAYLOADS)


def test_a_negative_value_is_a_number_while_a_text_like_one_is_quoted(client, hostile_tables):
    csv_rows = list(csv.DictReader(io.StringIO(client.get("/models/first/results.csv").text)))
    json_rows = client.get("/models/first/results.json").json()

    assert [(row["value"], row["note"]) for row in csv_rows] == [("-0.5", "'-0.5")]
    assert [(row["value"], row["note"]) for row in json_rows] == [(-0.5, "'-0.5")]


def stored_results():
    return sorted(
        Result.objects.values_list(
            "metric__name", "ai_model__slug", "subcategory", "value", "note", "source__slug"
        )
    )


def test_a_quoted_export_imports_back_as_the_text_it_was_made_of(admin_client, hostile_tables):
    before = stored_results()
    exported = admin_export(admin_client, Result, "csv").content.decode()

    Result.objects.all().delete()
    summary = results_import(lines=io.StringIO(exported, newline=""))
    again = results_import(lines=io.StringIO(exported, newline=""))

    assert summary.created == 2
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert stored_results() == before
    assert ("-1+2", "first", "-1+2", Decimal("-0.5"), "-0.5", "card") in before
