"""Debian's Chromium, driven by Playwright, against pytest-django's live server."""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import sync_playwright

CHROMIUM = Path(os.environ.get("CHROMIUM") or "/usr/bin/chromium")
# Without the networking switches Chromium keeps calling home, and this network is closed.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NO_CHROMIUM = (
    f"no Chromium at {CHROMIUM}: to run the browser tests, `apt-get install chromium` "
    "or set CHROMIUM=/path/to/chromium"
)


def chromium_is_installed():
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def pytest_collection_modifyitems(config, items):
    """Skip the browser tests where there is no Chromium, except in CI, where nothing may skip."""
    if chromium_is_installed() or os.environ.get("CI") == "true":
        return
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


@pytest.fixture(scope="package")
def browser():
    """One Chromium for these tests, stopped after them so that no other test shares its loop."""
    if not chromium_is_installed():
        pytest.fail(f"CI=true and {NO_CHROMIUM}")
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # Playwright's sync API keeps an event loop running in this thread, and Django refuses
        # ORM calls (loading content, flushing) beside a running loop unless told they are safe.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def hub_content(transactional_db):
    """The hub's real content with its published evaluation results, in the database the live
    server reads."""
    call_command("load_hub", stdout=StringIO())


@pytest.fixture
def page(browser, live_server, hub_content):
    """A fresh tab whose relative addresses go to the live server."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page_errors(page):
    """What went wrong while the page loaded: console errors, script errors, failed requests."""
    errors = []

    def on_console(message):
        if message.type == "error":
            errors.append(f"console error: {message.text}")

    def on_response(response):
        if response.status >= 400:
            errors.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
    page.on("response", on_response)
    return errors
