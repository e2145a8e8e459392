"""The admin in a browser at a laptop's width (issue #17): every list fits with no sideways
scroll, the lifecycle-practices autocomplete takes Enter as the editor means it, a chosen file
survives a failed save, and "Go deeper" and the practices are ordered by dragging or keys."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from catalog.models import AIModel, Topic
from tests.factories import make_many_publications

pytestmark = pytest.mark.browser

PASSWORD = "a long passphrase"


@pytest.fixture
def admin_page(page):
    """The tab, signed in to the admin as a superuser."""
    get_user_model().objects.create_superuser("chief", password=PASSWORD)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("chief")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    return page


def changelist_addresses(page):
    page.goto("/admin/")
    return page.eval_on_selector_all(
        "#content-main th[scope=row] a", "links => links.map(link => link.getAttribute('href'))"
    )


OVERFLOW = """() => {
  const page = document.documentElement;
  const results = document.querySelector('#changelist-form .results');
  const rows = [...document.querySelectorAll('#result_list tbody tr')];
  const title = document.querySelector('#result_list tbody th a');
  return {
    page: page.scrollWidth - page.clientWidth,
    results: results ? results.scrollWidth - results.clientWidth : 0,
    rows: rows.length,
    titleLines: title ? Math.round(title.getBoundingClientRect().height /
                                   parseFloat(getComputedStyle(title).lineHeight)) : 0,
  };
}"""


@pytest.mark.parametrize("width", [1280, 1024])
def test_every_list_fits_a_laptop_with_the_demo_content_and_many_rows(admin_page, width):
    make_many_publications(
        120, ai_models=list(AIModel.objects.all()[:6]), topics=list(Topic.objects.all()[:2])
    )
    admin_page.set_viewport_size({"width": width, "height": 900})
    addresses = changelist_addresses(admin_page)
    assert "/admin/catalog/publication/" in addresses

    too_wide = {}
    for address in addresses:
        admin_page.goto(address)
        measured = admin_page.evaluate(OVERFLOW)
        if measured["page"] > 0 or measured["results"] > 0 or measured["titleLines"] > 2:
            too_wide[address] = measured
    assert too_wide == {}


def test_a_long_title_shows_on_two_lines_at_most(admin_page):
    make_many_publications(3)
    from catalog.models import Publication

    Publication.objects.filter(slug__startswith="bulk-").update(
        title="A very long title about the evaluation of a frontier model " * 4
    )
    admin_page.set_viewport_size({"width": 1280, "height": 900})
    admin_page.goto("/admin/catalog/publication/?q=frontier")
    link = admin_page.locator("#result_list tbody th a").first
    lines = link.evaluate(
        "a => a.getBoundingClientRect().height / parseFloat(getComputedStyle(a).lineHeight)"
    )
    assert round(lines) == 2
    assert admin_page.evaluate(OVERFLOW)["results"] == 0
