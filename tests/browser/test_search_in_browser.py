"""The search page in a real browser: facets apply on change, keyboard use, accessibility."""

import re

from playwright.sync_api import expect

from tests.browser.test_pages_in_browser import PHONE, accessibility_report


def test_ticking_a_facet_applies_it_without_the_apply_button(page, page_errors):
    page.goto("/search/?q=system+card")
    expect(page.get_by_role("button", name="Apply")).to_be_hidden()

    page.get_by_role("checkbox", name=re.compile(r"^o3 \(")).check()

    page.wait_for_url(re.compile(r"model=o3"))
    expect(page.get_by_role("checkbox", name=re.compile(r"^o3 \("))).to_be_checked()
    assert page_errors == []


def test_a_keyboard_user_ticks_a_facet_with_the_space_bar(page):
    page.goto("/search/?q=system+card")

    page.get_by_role("checkbox", name=re.compile(r"^System card \(")).focus()
    page.keyboard.press("Space")

    page.wait_for_url(re.compile(r"kind=system_card"))


def test_the_search_page_with_best_matches_and_an_empty_combination_is_accessible(page):
    for path in ["/search/?q=o3", "/search/?q=zico+kolter", "/search/?q=o3&model=o1&kind=news"]:
        page.goto(path)
        assert accessibility_report(page) == "", path
        page.set_viewport_size(PHONE)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, path
        page.set_viewport_size({"width": 1280, "height": 800})
