"""The page cache reads: a hit costs one cache read and no query, no GET writes to the
database, and the cache's faults (Redis down, the database down, a new release) stay harmless."""

import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import redis
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Status
from editorial.previews import preview_link_create
from pagecache.generation import GENERATION_KEY
from tests.factories import make_publication

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
# Emptied by these tests; scripts/run-tests gives the SQLite and PostgreSQL runs one each.
REDIS_TEST_URL = os.environ.get("TEST_PAGECACHE_REDIS_URL") or "redis://127.0.0.1:6379/5"
CLOSED_PORT = 8159  # nothing listens there


@pytest.fixture(autouse=True)
def pages_kept_long(settings):
    settings.PAGE_CACHE_SECONDS = 30 * 24 * 3600


def redis_cache(location, prefix="safetyhub.test"):
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def real_redis(settings):
    """The Django cache on a real Redis (database 5, emptied before and after)."""
    client = redis.Redis.from_url(REDIS_TEST_URL)
    client.flushdb()
    settings.CACHES = redis_cache(REDIS_TEST_URL)
    yield client
    client.flushdb()


def writes(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries
        if query["sql"].lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE", "REPLACE"}
    ]


def test_a_hit_makes_no_query_and_writes_nothing_to_the_cache(client, django_assert_num_queries):
    make_publication(title="Card")
    client.get("/publications/")
    stored = dict(cache._expire_info)  # the local-memory cache: each write sets an expiry

    with django_assert_num_queries(0):
        response = client.get("/publications/")

    assert response["X-Page-Cache"] == "hit" and b"Card" in response.content
    assert cache._expire_info == stored


def test_a_hit_on_redis_makes_no_query(client, real_redis, django_assert_num_queries):
    make_publication(title="Card")
    client.get("/publications/")

    with django_assert_num_queries(0):
        response = client.get("/publications/")

    assert response["X-Page-Cache"] == "hit" and b"Card" in response.content


def test_no_get_writes_to_the_database_even_when_a_scheduled_item_goes_live(client):
    goes_live = timezone.now() + timedelta(hours=1)
    make_publication(title="Scheduled card", published_at=goes_live)
    # Not /search/: its engine fills per-connection scratch tables (being replaced, issue #15).
    urls = ["/", "/publications/", "/feeds/publications.rss", "/sitemap.xml", "/models/"]

    with CaptureQueriesContext(connection) as queries:
        for url in urls:
            client.get(url)
            client.get(url)
        with time_machine.travel(goes_live + timedelta(seconds=1)):
            seen = [client.get(url).content for url in urls]

    assert writes(queries) == []
    assert b"Scheduled card" in seen[1] and b"Scheduled card" in seen[2]


def test_a_scheduled_item_appears_at_its_time_with_no_cron_and_no_save(client):
    goes_live = timezone.now() + timedelta(hours=2)
    make_publication(title="Scheduled card", published_at=goes_live)
    client.get("/publications/")
    assert client.get("/publications/")["X-Page-Cache"] == "hit"

    with time_machine.travel(goes_live - timedelta(seconds=1)):
        assert b"Scheduled card" not in client.get("/publications/").content
    with time_machine.travel(goes_live + timedelta(seconds=1)):
        assert b"Scheduled card" in client.get("/publications/").content


def test_saving_a_draft_or_making_a_preview_link_keeps_every_cached_page(client, admin_user):
    make_publication(title="Card")
    client.get("/publications/")

    draft = make_publication(title="Draft", status=Status.DRAFT)
    draft.title = "Draft, edited"
    draft.save()
    preview_link_create(target=draft, user=admin_user)

    assert client.get("/publications/")["X-Page-Cache"] == "hit"


def test_a_visible_change_retires_the_cached_pages(client):
    card = make_publication(title="Card")
    client.get("/publications/")

    card.title = "Renamed card"
    card.save()

    response = client.get("/publications/")
    assert response["X-Page-Cache"] == "miss" and b"Renamed card" in response.content


def test_a_cache_that_lost_the_generation_falls_back_to_the_database_read_only(client):
    make_publication(title="Card")
    client.get("/publications/")
    cache.delete(GENERATION_KEY)  # evicted, or Redis restarted

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/publications/")

    assert response["X-Page-Cache"] == "hit" and queries and writes(queries) == []


def test_unknown_parameters_and_their_order_do_not_make_new_pages(client):
    make_publication(title="News item", kind="news", label="safety")
    client.get("/publications/?kind=news&label=safety")

    for query in ["label=safety&kind=news", "kind=news&utm_source=mail&label=safety&fbclid=x"]:
        assert client.get(f"/publications/?{query}")["X-Page-Cache"] == "hit", query


def test_with_redis_down_pages_are_served_and_the_outage_logged_once(client, settings, caplog):
    make_publication(title="Card")
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{CLOSED_PORT}/5")

    with caplog.at_level(logging.ERROR, logger="pagecache.generation"):
        responses = [client.get("/publications/") for _ in range(3)]

    assert all(r.status_code == 200 and b"Card" in r.content for r in responses)
    assert all(r["X-Page-Cache"] != "hit" for r in responses)
    assert caplog.text.count("The cache is unreachable") == 1


def test_with_redis_back_pages_are_cached_again(client, settings, real_redis):
    make_publication(title="Card")
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{CLOSED_PORT}/5")
    assert client.get("/publications/").status_code == 200

    settings.CACHES = redis_cache(REDIS_TEST_URL)
    client.get("/publications/")

    assert client.get("/publications/")["X-Page-Cache"] == "hit"


@pytest.mark.django_db(transaction=True)
def test_with_the_database_unreachable_pages_answer_503_and_recover(settings):
    settings.PAGE_CACHE_SECONDS = 0  # every page from the database
    make_publication(title="Card")
    visitor = Client(raise_request_exception=False)
    database = connection.settings_dict
    saved = dict(database)
    connection.close()
    if connection.vendor == "sqlite":
        database["NAME"] = "/nonexistent-folder/db.sqlite3"
    else:
        database["PORT"] = str(CLOSED_PORT)
    try:
        down = visitor.get("/publications/")
    finally:
        connection.close()
        database.update(saved)

    assert down.status_code == 503 and down["Retry-After"] == "30"
    assert "Back in a moment" in down.content.decode()
    assert "no-store" in down["Cache-Control"]
    back = visitor.get("/publications/")
    assert back.status_code == 200 and b"Card" in back.content


@pytest.mark.django_db(transaction=True)
def test_a_cached_page_is_served_while_the_database_is_unreachable():
    make_publication(title="Card")
    visitor = Client(raise_request_exception=False)
    visitor.get("/publications/")
    database = connection.settings_dict
    saved = dict(database)
    connection.close()
    database["NAME" if connection.vendor == "sqlite" else "PORT"] = (
        "/nonexistent-folder/db.sqlite3" if connection.vendor == "sqlite" else str(CLOSED_PORT)
    )
    try:
        response = visitor.get("/publications/")
    finally:
        connection.close()
        database.update(saved)

    assert response.status_code == 200 and response["X-Page-Cache"] == "hit"


def test_the_cache_key_prefix_is_the_release():
    assert django_settings.CACHES["default"]["KEY_PREFIX"] == f"safetyhub.{django_settings.RELEASE}"


def test_every_cache_key_carries_the_prefix(client, real_redis):
    make_publication(title="Card")
    client.get("/publications/")

    keys = real_redis.keys()
    assert keys and all(key.startswith(b"safetyhub.test:") for key in keys)


def test_a_new_release_never_serves_a_page_cached_by_the_old_one(client, settings):
    make_publication(title="Card")
    settings.CACHES = redis_cache(REDIS_TEST_URL, prefix="safetyhub.release-1")
    client.get("/publications/")
    assert client.get("/publications/")["X-Page-Cache"] == "hit"

    settings.CACHES = redis_cache(REDIS_TEST_URL, prefix="safetyhub.release-2")

    assert client.get("/publications/")["X-Page-Cache"] == "miss"
    redis.Redis.from_url(REDIS_TEST_URL).flushdb()


def test_the_release_comes_from_the_environment():
    environment = {"DJANGO_RELEASE": "2026-12-05.1", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'safetyhub.settings'; "
            "django.setup(); from django.conf import settings; "
            "print(settings.RELEASE, settings.CACHES['default']['KEY_PREFIX'])",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.split() == ["2026-12-05.1", "safetyhub.2026-12-05.1"]
