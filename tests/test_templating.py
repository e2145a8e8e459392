"""The Jinja2 filters give what Django's own filters give in Django's templates."""

import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import defaultfilters
from django.utils import timezone

from safetyhub.jinja2 import date as date_filter
from safetyhub.jinja2 import time_element

# The formats the site's templates use.
FORMATS = ["Y-m-d", "M j, Y", "M j", "F Y"]


@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Pacific/Kiritimati"])
@pytest.mark.parametrize("format_string", FORMATS)
def test_dates_show_the_local_day_as_djangos_date_filter_does(zone, format_string):
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
