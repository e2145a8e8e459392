"""The Content-Security-Policy and Permissions-Policy as Chromium applies them: nothing the
public pages or the admin need is blocked, and the browser understands every directive."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from catalog.models import Publication
from tests.factories import attach_demo_media

pytestmark = pytest.mark.browser

# What Chromium writes to the console when a policy blocks something or cannot be read.
POLICY_WORDS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")


@pytest.fixture
def policy_messages(page):
    """Console messages about a policy, and the violations the page itself reports."""
    messages = []

    def on_console(message):
        if any(words in message.text for words in POLICY_WORDS):
            messages.append(f"{message.type}: {message.text}")

    page.on("console", on_console)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', event => console.error("
        "`Content Security Policy: ${event.violatedDirective} blocked ${event.blockedURI}`));"
    )
    return messages


LOADED_IMAGES = "Array.from(document.images).map(img => img.complete && img.naturalWidth > 0)"


def visit(page, url):
    response = page.goto(url, wait_until="networkidle")
    assert response.status == 200, url
    assert response.headers["content-security-policy"], url
    return response


def test_public_pages_load_their_styles_and_images(page, policy_messages, settings):
    settings.ROOT_URLCONF = "tests.browser.media_urls"
    attach_demo_media()
    pages = ["/", "/publications/gpt-5-system-card/", "/search/?q=o3+cybersecurity", "/people/"]

    for url in pages:
        visit(page, url)
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.styleSheets[0].cssRules.length") > 0, url
        images = page.evaluate(LOADED_IMAGES)
        assert all(images), url

    assert policy_messages == []


def test_the_admin_runs_its_scripts_and_styles(page, policy_messages):
    get_user_model().objects.create_superuser("chief", password="a long passphrase")
    publication = Publication.objects.get(slug="gpt-5-system-card")

    visit(page, "/admin/login/")
    page.get_by_label("Username").fill("chief")
    page.get_by_label("Password").fill("a long passphrase")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    visit(page, "/admin/catalog/publication/")
    visit(page, f"/admin/catalog/publication/{publication.pk}/change/")
    # The Markdown preview: a script of the admin's, fetching from /admin/.
    page.locator("#id_body").fill("## What we tested\n\n![A chart](/static/img/favicon.svg)")
    preview = page.locator("[aria-labelledby=id_body-preview-label]")
    expect(preview.get_by_role("heading", name="What we tested")).to_be_visible()
    expect(preview.get_by_role("img", name="A chart")).to_be_visible()
    # The date shortcuts: the admin's scripts adding elements and styles.
    expect(page.locator(".datetimeshortcuts").first).to_be_visible()
    visit(page, "/admin/catalog/hubpage/1/change/")

    assert policy_messages == []
