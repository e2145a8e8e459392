"""The editorial workflow's own pages in a browser: accessible, and the admin's live Markdown
preview working. (The editor-to-publisher journey has its own test.)"""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from catalog.models import Status
from editorial.previews import preview_link_create, preview_link_revoke
from tests.browser.test_pages_in_browser import accessibility_report
from tests.factories import make_publication

pytestmark = pytest.mark.browser

BODY = "## What we tested\n\n- Jailbreaks\n\n| Evaluation | Score |\n|---|---|\n| A | 1 |\n"


@pytest.fixture
def admin_page(page, live_server):
    """The tab, signed in to the admin as a superuser."""
    get_user_model().objects.create_superuser("chief", password="a long passphrase")
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("chief")
    page.get_by_label("Password").fill("a long passphrase")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    return page


def test_a_preview_link_page_is_accessible(page, page_errors):
    draft = make_publication(title="Draft card", status=Status.DRAFT, body=BODY)
    link = preview_link_create(target=draft, user=None)

    page.goto(link.get_absolute_url())

    expect(page.get_by_role("status")).to_contain_text("Preview — not visible to visitors")
    expect(page.get_by_role("link", name="Link to the section “What we tested”")).to_be_visible()
    assert accessibility_report(page) == ""
    assert page_errors == []


@pytest.mark.parametrize("kind", ["deleted page", "revoked link"])
def test_gone_pages_are_accessible(page, kind):
    if kind == "deleted page":
        make_publication(slug="retired").delete()
        path = "/publications/retired/"
    else:
        link = preview_link_create(target=make_publication(status=Status.DRAFT), user=None)
        preview_link_revoke(link=link, user=None)
        path = link.get_absolute_url()

    response = page.goto(path)

    assert response.status == 410
    assert accessibility_report(page) == ""


def test_the_admin_shows_the_body_as_it_will_render(admin_page, page_errors):
    admin_page.goto("/admin/catalog/publication/add/", wait_until="networkidle")

    admin_page.locator("#id_body").fill("## Findings\n\nThe model *refuses*.\n\n<script>x</script>")

    preview = admin_page.locator(".field-body .markdown-preview")
    expect(preview.locator("h2")).to_contain_text("Findings")
    expect(preview.locator("em")).to_have_text("refuses")
    assert preview.locator("script").count() == 0
    admin_page.wait_for_load_state("networkidle")
    assert page_errors == []


def test_staff_see_the_preview_banner_at_the_real_address(admin_page):
    draft = make_publication(title="Draft card", status=Status.DRAFT, body=BODY)

    admin_page.goto(draft.get_absolute_url())

    expect(admin_page.get_by_role("status")).to_contain_text("(draft)")
    assert accessibility_report(admin_page) == ""
