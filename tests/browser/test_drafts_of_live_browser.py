"""A draft of a live item in Chromium: an editor changes a live system card, previews it and
sends it for review; a publisher finds it on the dashboard, reads the diff against the live
version and publishes it; the history shows both. The visitor sees the live version until then."""

import pytest
from playwright.sync_api import expect

from catalog.models import Publication
from editorial.models import Draft, DraftState
from tests.browser.test_pages_in_browser import AXE_OPTIONS, axe
from tests.conftest import staff_in_group

pytestmark = pytest.mark.browser

NEW_SUMMARY = "Revised after the second red-teaming round."


def accessibility_of(page, selector):
    """axe-core's WCAG 2.2 AA violations within `selector`, in light and dark mode: for the parts
    this feature adds to the admin's own pages (whose other parts are the admin's)."""
    reports = []
    for color_scheme in ["light", "dark"]:
        # Loaded in that mode: the admin fades link colours, and a switch shows them mid-fade.
        page.emulate_media(color_scheme=color_scheme)
        page.reload()
        page.evaluate(axe.axe_script)
        results = page.evaluate(
            "([context, options]) => axe.run(context, options)",
            [{"include": [[selector]]}, AXE_OPTIONS],
        )
        reports += [f"{color_scheme}: {v['id']}: {v['nodes']}" for v in results["violations"]]
    return "\n".join(reports)


@pytest.fixture
def tab(browser, live_server):
    """Opens a fresh browser context (its own cookies) per person, signed in or not."""
    contexts = []

    def open_tab(user=None):
        context = browser.new_context(base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        if user:
            page.goto("/admin/login/")
            page.locator("#id_username").fill(user.username)
            page.locator("#id_password").fill("x")
            page.get_by_role("button", name="Log in").click()
            expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
        return page

    yield open_tab
    for context in contexts:
        context.close()


def test_a_draft_of_a_live_card_goes_from_editor_to_publisher(hub_content, tab):
    card = Publication.objects.live().filter(parent=None).order_by("pk").first()
    live_summary = card.summary
    editor = tab(staff_in_group("eddie", "Editors"))
    publisher = tab(staff_in_group("pat", "Publishers"))
    visitor = tab()

    # The editor changes the live card: the save is a draft, the live page stays.
    editor.goto(f"/admin/catalog/publication/{card.pk}/change/")
    expect(editor.get_by_role("status").filter(has_text="This item is live")).to_be_visible()
    editor.locator("#id_summary").fill(NEW_SUMMARY)
    editor.locator("input[name=_save]").first.click()
    expect(editor.locator(".messagelist")).to_contain_text("Saved as a draft")
    expect(editor.locator(".draft-banner")).to_contain_text(
        "Draft changes pending — the live version is unchanged"
    )
    expect(editor.locator("#id_summary")).to_have_value(NEW_SUMMARY)
    assert accessibility_of(editor, ".draft-banner") == ""
    assert accessibility_of(editor, ".draft-submit-row") == ""
    visitor.goto(card.get_absolute_url())
    expect(visitor.locator("main")).to_contain_text(live_summary[:40])
    expect(visitor.locator("main")).not_to_contain_text(NEW_SUMMARY)

    # ... previews it, as visitors will see it once published ...
    editor.get_by_role("link", name="Preview the draft").click()
    expect(editor.get_by_role("status")).to_contain_text("draft changes, not published yet")
    expect(editor.locator("main")).to_contain_text(NEW_SUMMARY)
    editor.go_back()

    # ... and sends it for review.
    editor.get_by_role("link", name="Changes against the live version").click()
    editor.get_by_role("button", name="Send for review").click()
    expect(editor.locator(".messagelist")).to_contain_text("sent for review")
    assert Draft.objects.get().state == DraftState.REVIEW

    # The publisher finds it on the dashboard, reads the diff and publishes it.
    publisher.goto("/admin/")
    review = publisher.locator("#dashboard-review")
    expect(review).to_contain_text("In review")
    assert accessibility_of(publisher, ".dashboard") == ""
    review.get_by_role("link", name=card.title).click()
    publisher.get_by_role("link", name="Changes against the live version").click()
    expect(publisher.locator(".revision-diff ins").first).to_be_visible()
    expect(publisher.locator(".revision-diff")).to_contain_text("Summary")
    assert accessibility_of(publisher, "#content") == ""
    publisher.get_by_role("button", name="Publish the draft").click()
    expect(publisher.locator(".messagelist")).to_contain_text("the draft changes are published")

    visitor.reload()
    expect(visitor.locator("main")).to_contain_text(NEW_SUMMARY)

    # The history shows the draft and the published version.
    publisher.goto(f"/admin/catalog/publication/{card.pk}/history/")
    history = publisher.locator("#change-history")
    expect(history).to_contain_text("(draft: published)")
    expect(history).to_contain_text("Published the draft saved by eddie")
    expect(history).to_contain_text("(current)")
    assert accessibility_of(publisher, "#content") == ""
