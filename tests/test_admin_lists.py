"""The admin's lists at a laptop's width (issue #17): the columns that matter, and the
publication date as a cheap year and month filter instead of Django's date drill-down."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from catalog.admin import PublicationAdmin
from catalog.models import Publication
from tests.factories import make_publication

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/catalog/publication/"


def day(year, month, day_=15):
    return datetime.datetime(year, month, day_, 12, tzinfo=datetime.UTC)


def titles(response):
    return sorted(row.title for row in response.context["cl"].result_list)


def test_the_publication_list_shows_the_columns_that_matter_and_filters_the_rest():
    assert PublicationAdmin.list_display == [
        "title",
        "kind",
        "status_badge",
        "published_on",
        "model_names",
    ]
    assert PublicationAdmin.date_hierarchy is None
    assert "label" in PublicationAdmin.list_filter
    assert ("parent", admin.EmptyFieldListFilter) in PublicationAdmin.list_filter


@pytest.mark.parametrize(
    "query, expected",
    [
        ("2024", ["April 2024", "December 2024"]),
        ("2024-04", ["April 2024"]),
        ("2024-12", ["December 2024"]),
        ("2025", ["January 2025"]),
    ],
)
def test_the_date_filter_picks_a_year_or_a_month(admin_client, query, expected):
    make_publication(title="April 2024", published_at=day(2024, 4))
    make_publication(title="December 2024", published_at=day(2024, 12, 31))
    make_publication(title="January 2025", published_at=day(2025, 1, 1))

    response = admin_client.get(CHANGELIST, {"published": query})

    assert response.status_code == 200
    assert titles(response) == expected


@pytest.mark.parametrize("value", ["20x4", "2024-13", "0", "99999", "2024-"])
def test_a_date_filter_value_that_is_no_period_filters_nothing(admin_client, value):
    make_publication(title="April 2024", published_at=day(2024, 4))

    response = admin_client.get(CHANGELIST, {"published": value})

    assert response.status_code == 200
    assert titles(response) == ["April 2024"]


def test_a_chosen_year_offers_its_months(admin_client):
    make_publication(published_at=day(2024, 4))

    assert "?published=2024-04" not in admin_client.get(CHANGELIST).text
    response = admin_client.get(CHANGELIST, {"published": "2024"})

    assert "?published=2024-04" in response.text
    assert "April 2024" in response.text


def test_the_date_filter_reads_two_dates_not_every_row(admin_client):
    """The first and last date from the index (one query each, as SQLite reads the table for a
    MIN and a MAX together): the same queries for one publication or many years of them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_publication(published_at=day(2024, 4))
    with CaptureQueriesContext(connection) as few:
        admin_client.get(CHANGELIST)
    for year in range(2010, 2024):
        make_publication(published_at=day(year, 6))
    with CaptureQueriesContext(connection) as many:
        admin_client.get(CHANGELIST)

    assert len(many) == len(few)
    only_dates = 'SELECT "catalog_publication"."published_at" AS "published_at" FROM'
    date_queries = [q["sql"] for q in many if q["sql"].startswith(only_dates)]
    assert len(date_queries) == 2
    assert all(sql.endswith("LIMIT 1") and "DISTINCT" not in sql for sql in date_queries)


def test_the_list_writes_the_day_as_the_whole_admin_does(admin_client):
    make_publication(title="Dated", published_at=day(2025, 9, 30))

    response = admin_client.get(CHANGELIST)

    assert "30 Sep 2025" in response.text
    assert "Sept. 30" not in response.text


def test_the_admin_is_branded_safety_hub(admin_client):
    response = admin_client.get(reverse("admin:index"))

    assert "<title>Safety Hub: site administration | Safety Hub</title>" in response.text
    assert '<a href="/admin/">Safety Hub</a>' in response.text
    assert Publication._meta.verbose_name_plural.title() in response.text
