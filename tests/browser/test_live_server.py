"""The live server the browser tests load pages from, on either database."""

import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from pagecache.generation import generation_end

# With the browser tests: it guards the server they share, and needs no Chromium of its own.
pytestmark = pytest.mark.browser

URLS = ["/admin/jsi18n/", "/admin/login/", "/", "/publications/", "/models/o3/"]


def test_the_live_server_answers_many_requests_at_once(live_server, hub_content):
    def status(url):
        try:
            with urllib.request.urlopen(live_server.url + url, timeout=60) as response:
                return url, response.status
        except urllib.error.HTTPError as error:
            return url, error.code

    statuses = []
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(10):
            generation_end()  # as an editor's change does: every page is read afresh
            statuses += pool.map(status, URLS * 4)

    assert [(url, code) for url, code in statuses if code != 200] == []
