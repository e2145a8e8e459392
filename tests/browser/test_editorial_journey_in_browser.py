"""The whole editorial journey in the admin, in Chromium, with the demo users `ensure_admin` makes:
an editor writes a system card with a cover and a PDF and shares a preview; a publisher
schedules it; it goes live on time; a bad edit is reverted; a rename keeps the old address."""

import re
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from catalog.models import Publication
from tests.browser.test_pages_in_browser import accessibility_report
from tests.factories import make_image, make_pdf

pytestmark = pytest.mark.browser

TITLE = "GPT-6 System Card"
SLUG = "gpt-6-system-card"


@pytest.fixture
def demo_users():
    """The demo command's output, read the way a person reads it: username and password."""
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    found = dict(re.findall(r"username '(\w+)', password '([^']+)'", out.getvalue()))
    assert {"editor", "publisher"} <= found.keys(), out.getvalue()
    return found


@pytest.fixture
def tab(browser, live_server, settings):
    """Opens a fresh browser context (its own cookies) per person, signed in or not."""
    settings.ROOT_URLCONF = "tests.browser.media_urls"  # /media/ for the renditions
    contexts = []

    def open_tab(username=None, password=None):
        context = browser.new_context(base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        if username:
            page.goto("/admin/login/")
            page.locator("#id_username").fill(username)
            page.locator("#id_password").fill(password)
            page.get_by_role("button", name="Log in").click()
            expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
        return page

    yield open_tab
    for context in contexts:
        context.close()


def test_an_editor_and_a_publisher_take_a_system_card_from_draft_to_live(
    hub_content, tab, demo_users, tmp_path
):
    cover, pdf = tmp_path / "cover.jpg", tmp_path / "gpt-6-card.pdf"
    cover.write_bytes(make_image("JPEG", size=(1600, 900)))
    pdf.write_bytes(make_pdf(pages=2))
    editor = tab("editor", demo_users["editor"])
    visitor = tab()

    # The editor writes a draft with a cover and the PDF, and makes a preview link.
    editor.goto("/admin/catalog/publication/add/")
    editor.locator("#id_title").fill(TITLE)
    editor.locator("#id_summary").fill("What we tested before release.")
    editor.locator("#id_body").fill("## Findings\n\nThe model *refuses* unsafe requests.")
    expect(editor.locator(".field-body .markdown-preview h2")).to_contain_text("Findings")
    editor.locator("#id_cover_image").set_input_files(cover)
    editor.locator("#id_cover_alt").fill("A red and blue test card")
    editor.locator("#id_document").set_input_files(pdf)
    status_choices = editor.locator("#id_status option").all_inner_texts()
    assert "Published" not in status_choices and "Archived" not in status_choices
    editor.locator("input[name=_preview_link]").first.click()
    preview_link = editor.locator('.messagelist a[href*="/preview/"]')
    expect(preview_link).to_be_visible()
    card = Publication.objects.get(slug=SLUG)
    assert card.status == "draft" and card.cover_image and card.document

    # A reviewer without an account reads it; visitors still cannot.
    visitor.goto(preview_link.get_attribute("href"))
    expect(visitor.get_by_role("status")).to_contain_text("Preview — not visible to visitors")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(visitor.locator("main picture img")).to_have_attribute("width", re.compile(r"\d+"))
    assert visitor.goto(f"/publications/{SLUG}/").status == 404

    # The editor sees it at its real address, then sends it for review.
    editor.goto(f"/publications/{SLUG}/")
    expect(editor.get_by_role("status")).to_contain_text("draft")
    editor.goto(f"/admin/catalog/publication/{card.pk}/change/")
    editor.locator("#id_status").select_option("review")
    editor.locator("input[name=_save]").first.click()
    expect(editor.locator(".messagelist")).to_contain_text("was changed successfully")

    # The publisher publishes it for an hour from now: scheduled.
    publisher = tab("publisher", demo_users["publisher"])
    goes_live = timezone.localtime() + timedelta(hours=1)
    publisher.goto(f"/admin/catalog/publication/{card.pk}/change/")
    publisher.locator("#id_status").select_option("published")
    publisher.locator("#id_published_at_0").fill(goes_live.strftime("%Y-%m-%d"))
    publisher.locator("#id_published_at_1").fill(goes_live.strftime("%H:%M:%S"))
    publisher.locator("input[name=_save]").first.click()
    publisher.goto("/admin/catalog/publication/?state=scheduled")
    expect(publisher.locator("span.status-badge.status-scheduled")).to_have_count(1)
    assert visitor.goto(f"/publications/{SLUG}/").status == 404

    with time_machine.travel(goes_live + timedelta(minutes=1), tick=True):
        # Live on time, with nobody doing anything: page, list, and the PDF.
        response = visitor.goto(f"/publications/{SLUG}/")
        assert response.status == 200
        expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
        assert accessibility_report(visitor) == ""
        document = visitor.request.get(
            visitor.locator("main a[href$='.pdf']").first.get_attribute("href")
        )
        assert document.status == 200
        assert document.headers["content-type"] == "application/pdf"
        visitor.goto("/publications/")
        expect(visitor.get_by_role("link", name=TITLE)).to_be_visible()

        # A bad edit, then one-click revert from the history's comparison.
        publisher.goto(f"/admin/catalog/publication/{card.pk}/change/")
        publisher.locator("#id_title").fill("GPT-6 Sistem Card")
        publisher.locator("input[name=_save]").first.click()
        visitor.goto(f"/publications/{SLUG}/")
        expect(visitor.get_by_role("heading", level=1)).to_have_text("GPT-6 Sistem Card")
        publisher.goto(f"/admin/catalog/publication/{card.pk}/history/")
        publisher.get_by_role("button", name="Compare the two chosen versions").click()
        expect(publisher.locator("#content")).to_contain_text("Sistem")
        publisher.get_by_role("button", name=re.compile("^Revert to the version of")).click()
        visitor.goto(f"/publications/{SLUG}/")
        expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)

        # A rename: the old address answers 301 to the new one.
        publisher.goto(f"/admin/catalog/publication/{card.pk}/change/")
        publisher.locator("#id_slug").fill("gpt-6-card")
        publisher.locator("input[name=_save]").first.click()
        old = visitor.request.get(f"/publications/{SLUG}/", max_redirects=0)
        assert old.status == 301
        assert old.headers["location"].endswith("/publications/gpt-6-card/")
        assert visitor.goto(f"/publications/{SLUG}/").url.endswith("/publications/gpt-6-card/")
        expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
