"""The design in a browser: the phone menu by keyboard (with and without JavaScript), every
card with a visible picture, no sideways scrolling at 360 px, and the current section."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

# One page of each type, and the lists of cards.
PAGE_TYPES = [
    "/",
    "/publications/",
    "/publications/?page=2",
    "/publications/gpt-5-system-card/",
    "/publications/addendum-to-gpt-5-system-card-gpt-5-codex/",
    "/news/",
    "/models/",
    "/models/?view=timeline",
    "/models/o3/",
    "/topics/",
    "/topics/child-safety/",
    "/committees/",
    "/committees/safety-and-security-committee/",
    "/people/",
    "/people/zico-kolter/",
    "/conversations/",
    "/conversations/where-is-ai-going/",
    "/lifecycle/",
    "/lifecycle/test/",
    "/lifecycle/practices/red-teaming/",
    "/evaluations/",
    "/search/?q=system+card",
    "/no-such-page/",
]


@pytest.fixture(params=[True, False], ids=["with JavaScript", "without JavaScript"])
def phone(request, browser, live_server, hub_content):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=request.param
    )
    page = context.new_page()
    yield page
    context.close()


def tab_to(page, locator, most=20):
    for _ in range(most):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {locator}")


def test_keyboard_user_opens_the_phone_menu_and_follows_a_section_link(phone):
    phone.goto("/")
    menu = phone.locator(".menu-toggle > summary")
    publications = phone.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Publications"
    )
    expect(menu).to_be_visible()
    expect(publications).to_be_hidden()

    tab_to(phone, menu)
    expect(menu).to_be_focused()
    phone.keyboard.press("Enter")
    expect(publications).to_be_visible()
    expect(phone.get_by_role("searchbox", name="Search the hub")).to_be_visible()

    tab_to(phone, publications, most=2)  # the menu's first link follows its button
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/publications/")
    current = phone.locator('nav[aria-label="Main"] [aria-current="page"]')  # hidden: no role
    expect(current).to_have_text("Publications")
    expect(current).to_be_hidden()  # until the menu opens again
    phone.locator(".menu-toggle > summary").click()
    expect(current).to_be_visible()


def test_keyboard_user_closes_the_phone_menu_again(phone):
    phone.goto("/topics/")
    menu = phone.locator(".menu-toggle > summary")
    tab_to(phone, menu)
    phone.keyboard.press("Space")
    expect(phone.get_by_role("navigation", name="Main")).to_be_visible()
    phone.keyboard.press("Space")
    expect(phone.get_by_role("navigation", name="Main")).to_be_hidden()
    # The menu button says whether it is open.
    assert phone.locator(".menu-toggle").evaluate("details => details.open") is False


def test_desktop_shows_the_navigation_without_a_menu_button(page):
    page.set_viewport_size(DESKTOP)
    page.goto("/models/o3/")

    expect(page.locator(".menu-toggle > summary")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="AI models")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Publications")).not_to_have_attribute(
        "aria-current", "page"
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
def test_every_card_shows_a_picture_and_no_page_scrolls_sideways(page, viewport):
    page.set_viewport_size(viewport)
    problems = []
    for path in PAGE_TYPES:
        page.goto(path)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            problems.append(f"{path}: {overflow}px wider than the screen")
        if path.startswith(("/search/", "/evaluations/")):
            continue  # their cards are words only, and their own
        bare = page.evaluate(
            """() => [...document.querySelectorAll("li.card")].filter(card => {
                const picture = card.querySelector(".card-media svg, .card-media img");
                if (!picture) return true;
                const box = picture.getBoundingClientRect();
                return box.width < 40 || box.height < 40;
            }).map(card => card.querySelector("a").textContent.trim())"""
        )
        problems += [f"{path}: no picture on “{title}”" for title in bare]
    assert problems == []


def test_keyboard_user_scrolls_the_go_deeper_carousel_by_tabbing(page):
    page.set_viewport_size(PHONE)
    page.goto("/")
    deeper = page.get_by_role("region", name="Go deeper on safety")
    titles = deeper.locator(".card-link")
    last = titles.last
    expect(last).not_to_be_in_viewport()

    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Enter")
    tab_to(page, titles.first, most=200)
    tab_to(page, last, most=60)

    expect(last).to_be_focused()
    last.scroll_into_view_if_needed()
    expect(last).to_be_in_viewport()
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_print_hides_navigation_and_pictures(page):
    page.goto("/publications/")
    page.emulate_media(media="print")

    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.locator(".card-media").first).to_be_hidden()
    expect(page.get_by_role("heading", name="Publications", level=1)).to_be_visible()
