"""Pages as a browser shows them: accessible, error-free, phone-sized, keyboard-usable."""

import re

import pytest
from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# The hub and one detail page of each kind, from the content of `manage.py load_hub`.
PAGES = [
    "/",
    "/publications/gpt-5-system-card/",
    "/models/o3/",
    "/topics/child-safety/",
    "/committees/safety-and-security-committee/",
    "/people/zico-kolter/",
    "/conversations/where-is-ai-going/",
    "/lifecycle/test/",
    "/lifecycle/practices/red-teaming/",
]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
PHONE = {"width": 360, "height": 740}

axe = Axe()


def accessibility_report(page):
    """axe-core's WCAG 2.2 AA violations, in light and in dark mode; empty when there are none."""
    page.evaluate(axe.axe_script)
    reports = []
    for color_scheme in ["light", "dark"]:
        page.emulate_media(color_scheme=color_scheme)
        results = AxeResults(page.evaluate("options => axe.run(options)", AXE_OPTIONS))
        if results.violations_count:
            reports.append(f"In {color_scheme} mode: {results.generate_report()}")
    return "\n".join(reports)


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_wcag_22_aa_violations(page, path):
    page.goto(path)

    assert accessibility_report(page) == ""


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_without_errors(page, page_errors, path):
    response = page.goto(path)

    assert response.status == 200
    assert page_errors == []


@pytest.mark.parametrize("path", PAGES)
def test_page_fits_a_360px_screen_without_sideways_scrolling(page, path):
    page.set_viewport_size(PHONE)
    page.goto(path)

    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )

    assert overflow <= 0, f"{path} is {overflow}px wider than a 360px screen"


def test_keyboard_user_skips_to_content_and_tabs_to_go_deeper(page):
    page.goto("/")
    skip_link = page.get_by_role("link", name="Skip to content")
    main = page.get_by_role("main")
    first_deeper_link = (
        page.get_by_role("region", name=re.compile("^Go deeper")).get_by_role("link").first
    )

    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(main).to_be_focused()

    for _ in range(main.get_by_role("link").count()):
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.closest('main') !== null")
        if first_deeper_link.evaluate("link => link === document.activeElement"):
            break
    expect(first_deeper_link).to_be_focused()
