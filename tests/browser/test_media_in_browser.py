"""Pages with images, as Chromium shows them: the AVIF renditions load, the space for each
image is kept before it loads, and the pages stay accessible."""

import pytest

from tests.browser.test_pages_in_browser import accessibility_report
from tests.factories import attach_demo_media

pytestmark = pytest.mark.browser

PAGES_WITH_IMAGES = [
    "/",
    "/people/",
    "/people/zico-kolter/",
    "/conversations/",
    "/conversations/where-is-ai-going/",
    "/publications/gpt-5-system-card/",
]

IMAGES = """() => Array.from(document.querySelectorAll("main img")).map(img => ({
    src: img.currentSrc, loaded: img.complete && img.naturalWidth > 0,
    width: img.getBoundingClientRect().width, height: img.getBoundingClientRect().height,
    ratio: img.width / img.height
}))"""


@pytest.fixture
def media_page(page, settings):
    settings.ROOT_URLCONF = "tests.browser.media_urls"
    attach_demo_media()
    return page


@pytest.mark.parametrize("path", PAGES_WITH_IMAGES)
def test_images_load_as_avif_without_errors_and_pages_stay_accessible(
    media_page, page_errors, path
):
    media_page.goto(path)
    media_page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    media_page.wait_for_load_state("networkidle")

    images = media_page.evaluate(IMAGES)

    assert images, path
    for image in images:
        assert image["loaded"], image
        assert image["src"].endswith(".avif"), image
    assert page_errors == []
    assert accessibility_report(media_page) == ""


def test_space_for_an_image_is_kept_before_it_arrives(media_page):
    """With the images held back, each still takes its final height: nothing shifts later."""
    media_page.route("**/media/**", lambda route: route.abort())

    media_page.goto("/publications/gpt-5-system-card/")
    [cover] = media_page.evaluate(IMAGES)

    assert not cover["loaded"]
    assert cover["width"] > 0
    assert cover["height"] == pytest.approx(cover["width"] / 2, abs=1)
