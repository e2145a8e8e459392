"""Pages as a browser shows them: accessible, error-free, phone-sized, keyboard-usable."""

import re

import pytest
from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Every page type: the hub, the indexes and one detail page of each kind, from `load_hub`
# and the published evaluation results.
PAGES = [
    "/",
    "/publications/",
    "/publications/?kind=system_card&model=o3&order=title",
    "/news/",
    "/models/",
    "/models/?view=timeline",
    "/topics/",
    "/committees/",
    "/people/",
    "/conversations/",
    "/lifecycle/",
    "/publications/gpt-5-system-card/",
    "/models/o3/",
    "/topics/child-safety/",
    "/committees/safety-and-security-committee/",
    "/people/zico-kolter/",
    "/conversations/where-is-ai-going/",
    "/lifecycle/test/",
    "/lifecycle/practices/red-teaming/",
    "/evaluations/",
    "/evaluations/standard-refusal-evaluation/",
    "/evaluations/simpleqa/?order=model",
    "/evaluations/production-benchmarks/",
    "/evaluations/strongreject/",
    "/evaluations/compare/",
    "/evaluations/compare/?models=o3&models=o4-mini&models=gpt-5-thinking",
    "/models/o3-mini/",
    "/committees/safety-advisory-group/",
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
def test_page_loads_without_errors_has_no_wcag_22_aa_violations_and_fits_360px(
    page, page_errors, path
):
    """Three checks on one visit: every visit starts from a fresh database, which is most of
    a browser test's time."""
    response = page.goto(path)
    problems = [f"HTTP {response.status}"] if response.status != 200 else []
    problems += filter(None, [accessibility_report(page)])

    page.set_viewport_size(PHONE)
    page.reload()
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        problems.append(f"{overflow}px wider than a 360px screen")
    problems += page_errors  # while it loaded at either width

    assert problems == [], path


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


def test_keyboard_user_reaches_the_filters_and_then_the_results(page):
    page.goto("/publications/")
    kind = page.get_by_label("Kind")
    first_result = (
        page.get_by_role("region", name=re.compile("publications$")).get_by_role("link").first
    )

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip to content
    for _ in range(10):
        page.keyboard.press("Tab")
        if kind.evaluate("field => field === document.activeElement"):
            break
    expect(kind).to_be_focused()
    page.keyboard.press("ArrowDown")  # choose the first kind, without JavaScript help

    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim() === 'Apply'"):
            break
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"kind=system_card"))

    for _ in range(30):
        page.keyboard.press("Tab")
        if first_result.evaluate("link => link === document.activeElement"):
            break
    expect(first_result).to_be_focused()


def test_keyboard_user_sorts_an_evaluation_table_by_a_column_heading(page):
    page.goto("/evaluations/strongreject/")
    table = page.get_by_role("table").first
    model_heading = table.get_by_role("link", name=re.compile("^AI model"))

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip to content
    for _ in range(10):
        page.keyboard.press("Tab")
        if model_heading.evaluate("link => link === document.activeElement"):
            break
    expect(model_heading).to_be_focused()
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"order=model"))
    expect(table.get_by_role("columnheader", name=re.compile("^AI model"))).to_have_attribute(
        "aria-sort", "ascending"
    )


def test_keyboard_user_chooses_models_to_compare(page):
    page.goto("/evaluations/compare/")

    page.get_by_label("o3", exact=True).focus()
    page.keyboard.press("Space")
    page.get_by_label("o4-mini", exact=True).focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Compare").focus()
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"models=o3&models=o4-mini"))
    expect(page.get_by_role("heading", name="o3 and o4-mini")).to_be_visible()


def test_search_facets_put_each_checkbox_beside_its_label_on_a_phone(page):
    page.set_viewport_size(PHONE)
    page.goto("/search/?q=o3")

    box = page.get_by_role("checkbox", name="o3 (").bounding_box()
    label = page.locator("label", has_text="o3 (").first.bounding_box()

    assert box["width"] < 40
    assert 0 <= label["x"] - (box["x"] + box["width"]) < 16
    assert abs(label["y"] - box["y"]) < box["height"]
