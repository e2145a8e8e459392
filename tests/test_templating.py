"""The Jinja2 globals and filters give what Django's own tags and filters give."""

import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import defaultfilters
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import timezone
from django.utils.safestring import SafeData, mark_safe

from catalog.models import slug_url
from catalog.templating import QUICK_FORMATS, time_element, truncatewords, url
from catalog.templating import date as date_filter

SLUG_VIEWS = [
    "catalog:topic_detail",
    "catalog:model_detail",
    "catalog:person_detail",
    "catalog:stage_detail",
    "catalog:practice_detail",
    "catalog:publication_detail",
    "catalog:publication_document",
    "catalog:committee_detail",
    "catalog:conversation_detail",
    "catalog:evaluation_detail",
]


@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Pacific/Kiritimati"])
@pytest.mark.parametrize("format_string", sorted(QUICK_FORMATS))
def test_quick_date_formats_match_djangos_date_filter(zone, format_string):
    moments = [datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=37 * n) for n in range(300)]
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        for moment in moments:
            expected = defaultfilters.date(timezone.localtime(moment), format_string)
            assert date_filter(moment, format_string) == expected
    for day in [date(2024, 2, 29), date(1999, 12, 31), date(2025, 9, 5)]:
        assert date_filter(day, format_string) == defaultfilters.date(day, format_string)


def test_other_date_formats_and_empty_values_go_through_djangos_filter():
    moment = datetime(2025, 8, 7, 15, 30, tzinfo=UTC)

    assert date_filter(moment, "j M Y, H:i T") == "7 Aug 2025, 15:30 UTC"
    assert date_filter(None, "M j, Y") == ""
    assert date_filter("", "Y-m-d") == ""


@pytest.mark.parametrize("viewname", SLUG_VIEWS)
@pytest.mark.parametrize("prefix", ["/", "/hub/"])
def test_slug_urls_are_the_addresses_reverse_gives(viewname, prefix):
    set_script_prefix(prefix)
    try:
        for slug in ["gpt-5", "o3", "a_b-9", "system-card"]:
            assert slug_url(viewname, slug) == reverse(viewname, args=[slug])
            assert slug_url(viewname, slug).startswith(prefix)
        assert url("catalog:hub") == reverse("catalog:hub") == prefix
    finally:
        set_script_prefix("/")


def test_a_slug_reverse_would_refuse_is_refused():
    with pytest.raises(NoReverseMatch):
        slug_url("catalog:publication_detail", "not a slug")


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati"])
def test_a_time_element_shows_the_local_day_in_both_its_forms(zone):
    moment = datetime(2025, 8, 7, 15, 30, tzinfo=UTC)
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        local = timezone.localtime(moment)
        expected = (
            f'<time datetime="{defaultfilters.date(local, "Y-m-d")}">'
            f"{defaultfilters.date(local, 'M j, Y')}</time>"
        )
        assert time_element(moment) == expected
    assert (
        time_element(date(2025, 9, 5), "F Y") == '<time datetime="2025-09-05">September 2025</time>'
    )
    assert time_element(None) == ""


@pytest.mark.parametrize(
    "text",
    ["", "one", "  spaced   out\nwords  ", " ".join(f"w{n}" for n in range(60)), "a " * 40 + "…"],
)
@pytest.mark.parametrize("length", [0, 1, 40])
def test_truncatewords_gives_what_djangos_filter_gives(text, length):
    assert truncatewords(text, length) == defaultfilters.truncatewords(text, length)
    safe = mark_safe(text)
    assert isinstance(truncatewords(safe, length), SafeData) == isinstance(
        defaultfilters.truncatewords(safe, length), SafeData
    )
