"""The whole stack, for real: Varnish (deploy/varnish/default.vcl) in front of two gunicorn app
servers sharing this test database (PostgreSQL) and one Redis, as `scripts/stack` runs them.

Editors' changes go through the admin over HTTP on app server A, so the purges are the app
server's own; visitors' requests go through Varnish (or straight to app server B). Needs
varnishd with the xkey vmod, Redis and PostgreSQL; without them these tests skip, saying how to
enable them (with CI=true they fail instead).
"""

import contextlib
import os
import socket
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from http.cookiejar import CookieJar
from urllib.parse import urlencode

import pytest
import redis
from django.utils import timezone

from catalog.models import Publication, Status
from deploy.stack import Stack, varnish_missing
from tests.admin_forms import FormReader
from tests.conftest import staff_in_group
from tests.factories import make_publication

# Serialized rollback: the flush after each test would give the content types new ids, which
# the app servers, holding the old ones in memory, would then write into revisions.
pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REDIS_URL = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"
HOW_TO_ENABLE = (
    "To run them: apt-get install varnish varnish-modules redis-server, start Redis (or set "
    "TEST_REDIS_URL; its database is emptied), and run on PostgreSQL (DATABASE_URL=postgres://…)."
)


def stack_missing(database):
    if reason := varnish_missing():
        return reason
    if database["ENGINE"] != "django.db.backends.postgresql":
        return "the stack runs on PostgreSQL and this run is on SQLite"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        return f"Redis is not reachable at {REDIS_URL} ({error})"
    return None


class Gate:
    """A TCP relay between the app servers and a service (PostgreSQL, Redis) that can be cut:
    the service becomes unreachable for them (refused, open connections dropped), then comes
    back."""

    def __init__(self, host, port):
        self.upstream = (host, port)
        self.sockets = set()
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.listening = threading.Event()
        self.open()

    def open(self):
        if self.listening.is_set():
            return
        if self.listener.fileno() == -1:
            self.listener = socket.create_server(("127.0.0.1", self.port))
        self.listening.set()
        threading.Thread(target=self.accept, args=(self.listener,), daemon=True).start()

    def accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets |= {client, server}
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self.pump, args=(source, target), daemon=True).start()

    def pump(self, source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for end in (source, target):
            self.drop(end)

    def drop(self, end):
        with self.lock:
            self.sockets.discard(end)
        with contextlib.suppress(OSError):
            end.shutdown(socket.SHUT_RDWR)
        end.close()

    def close(self):
        self.listening.clear()
        # shutdown, not only close: it wakes the thread waiting in accept() on Linux.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        with self.lock:
            ends = list(self.sockets)
        for end in ends:
            self.drop(end)


def postgres_url(database, port=None):
    user = database["USER"] or "postgres"
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    host = database["HOST"] or "127.0.0.1"
    return (
        f"postgres://{user}{password}@{host}:{port or database['PORT'] or 5432}/{database['NAME']}"
    )


def free_ports(count):
    """TEST_STACK_PORTS=N uses N, N+1, …; otherwise ports the system has free."""
    if first := os.environ.get("TEST_STACK_PORTS"):
        return [int(first) + offset for offset in range(count)]
    probes = [socket.socket() for _ in range(count)]
    for probe in probes:
        probe.bind(("127.0.0.1", 0))
    ports = [probe.getsockname()[1] for probe in probes]
    for probe in probes:
        probe.close()
    return ports


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    """Varnish and two app servers on this session's test database; they reach PostgreSQL
    and Redis through a Gate each."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if reason := stack_missing(database):
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and the stack cannot start: {reason}.")
        pytest.skip(f"The stack cannot start: {reason}. {HOW_TO_ENABLE}")
    gate = Gate(database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432))
    redis_address = redis.Redis.from_url(REDIS_URL).connection_pool.connection_kwargs
    redis_gate = Gate(redis_address.get("host", "127.0.0.1"), redis_address.get("port", 6379))
    varnish_port, *app_ports = free_ports(3)
    stack = Stack(
        database_url=postgres_url(database, port=gate.port).replace(
            database["HOST"] or "127.0.0.1", "127.0.0.1", 1
        ),
        redis_url=f"redis://127.0.0.1:{redis_gate.port}/{redis_address.get('db', 0)}",
        workdir=tmp_path_factory.mktemp("stack"),
        varnish_port=varnish_port,
        app_ports=tuple(app_ports),
        workers=2,
        # The sessions this process signs staff in with are valid on the app servers.
        env={"DJANGO_SECRET_KEY": settings.SECRET_KEY},
    )
    stack.gate = gate
    stack.redis_gate = redis_gate
    # A serialized rollback loads the migrations' rows into empty tables; an earlier
    # transactional test's flush may have left content types with other ids.
    tables_empty(django_db_blocker)
    stack.manage("collectstatic", "--noinput", "--verbosity", "0")
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        gate.close()
        redis_gate.close()
        # The last test's flush left the tables empty, content types and groups included (a
        # serialized rollback restores them at the start of a test, not at its end): put back
        # what the migrations made, as the tests after these expect.
        from django.contrib.contenttypes.models import ContentType
        from django.db import connection

        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(connection._test_serialized_contents)
        ContentType.objects.clear_cache()


def tables_empty(django_db_blocker):
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def caches_empty(stack):
    """Each test starts with nothing cached anywhere: not in Redis, not in Varnish."""
    yield
    redis.Redis.from_url(REDIS_URL).flushdb()
    stack.varnish_empty()


def caches_flush(stack):
    """After setting up rows from this process (whose cache is not the app servers' Redis)."""
    redis.Redis.from_url(REDIS_URL).flushdb()
    stack.varnish_empty()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """An HTTP client with its own cookies; answers (status, headers, text), errors included."""

    def __init__(self, base):
        self.base = base
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            NoRedirects, urllib.request.HTTPCookieProcessor(self.cookies)
        )

    def request(self, path, data=None, headers=None, method=None):
        body = urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(
            self.base + path, data=body, headers=headers or {}, method=method
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def get(self, path, **kwargs):
        return self.request(path, **kwargs)

    def cookie(self, name):
        return next((cookie.value for cookie in self.cookies if cookie.name == name), None)


class Staff(Browser):
    """A publisher signed in on one app server (a session made here, in the shared database)."""

    def __init__(self, base, user):
        from django.conf import settings
        from django.test import Client

        super().__init__(base)
        client = Client()
        client.force_login(user)
        self.session = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.session_name = settings.SESSION_COOKIE_NAME

    def request(self, path, data=None, headers=None, method=None):
        cookies = f"{self.session_name}={self.session}"
        if token := self.cookie("csrftoken"):
            cookies += f"; csrftoken={token}"
        return super().request(path, data, {"Cookie": cookies, **(headers or {})}, method)

    def post(self, path, data):
        if not self.cookie("csrftoken"):
            self.get("/admin/")
        data = {**data, "csrfmiddlewaretoken": self.cookie("csrftoken")}
        return self.request(path, data)

    def form(self, path, form_id, **changes):
        """Load a form, change some fields and post it back, as a browser would."""
        status, _, html = self.get(path)
        assert status == 200, (path, status)
        reader = FormReader(form_id)
        reader.feed(html)
        assert reader.fields, f"no form #{form_id} at {path}"
        data = {**reader.fields, **{name: [value] for name, value in changes.items()}}
        data.pop("csrfmiddlewaretoken", None)
        return self.post(path, data)

    def publication_action(self, action, item):
        return self.post(
            "/admin/catalog/publication/",
            {"action": action, "_selected_action": [item.pk], "post": "yes"},
        )

    def publication_edit(self, item, **changes):
        return self.form(
            f"/admin/catalog/publication/{item.pk}/change/", "publication_form", **changes
        )


@pytest.fixture
def publisher_a(stack, transactional_db):
    """A publisher working on app server A (the first)."""
    return Staff(stack.app_url(0), staff_in_group("publisher", "Publishers"))


@pytest.fixture
def visitor(stack):
    """An anonymous visitor, through Varnish."""
    return Browser(stack.url)


def cached(visitor, path):
    """Load `path` twice through Varnish; the second must be a hit. Returns the page's text."""
    first = visitor.get(path)
    assert first[0] == 200, (path, first[0])
    status, headers, html = visitor.get(path)
    assert (status, headers["X-Cache"]) == (200, "HIT"), path
    return html


def test_varnish_accepts_purges_from_the_app_servers_only(stack, visitor):
    item = make_publication(title="Purge target")
    caches_flush(stack)
    cached(visitor, item.get_absolute_url())
    purge = f"PURGE / HTTP/1.1\r\nHost: x\r\nxkey-purge: publication-{item.pk}\r\n"
    purge += "Connection: close\r\n\r\n"

    # 127.0.0.2 is this machine too, but not an app server's address (the ACL's 127.0.0.1).
    with socket.create_connection(
        ("127.0.0.1", stack.varnish_port), source_address=("127.0.0.2", 0)
    ) as outsider:
        outsider.sendall(purge.encode())
        refused = outsider.recv(200).decode()

    assert refused.startswith("HTTP/1.1 403")
    assert visitor.get(item.get_absolute_url())[1]["X-Cache"] == "HIT"
    status, _, text = visitor.request(
        "/", method="PURGE", headers={"xkey-purge": f"publication-{item.pk}"}
    )
    assert (status, text) == (200, "Purged 1\n")
    assert visitor.get(item.get_absolute_url())[1]["X-Cache"] == "MISS"


def test_publishing_a_draft_purges_the_list_and_its_page(stack, visitor, publisher_a):
    draft = make_publication(title="Fresh system card", status=Status.DRAFT)
    caches_flush(stack)
    assert "Fresh system card" not in cached(visitor, "/publications/")
    assert visitor.get(draft.get_absolute_url())[0] == 404

    status, _, _ = publisher_a.publication_action("publish_selected", draft)

    assert status == 302
    status, headers, html = visitor.get("/publications/")
    assert "Fresh system card" in html and headers["X-Cache"] == "MISS"
    assert visitor.get(draft.get_absolute_url())[0] == 200


def test_unpublishing_takes_the_page_and_its_listing_off_varnish(stack, visitor, publisher_a):
    live = make_publication(title="Withdrawn card")
    caches_flush(stack)
    assert "Withdrawn card" in cached(visitor, "/publications/")
    cached(visitor, live.get_absolute_url())

    publisher_a.publication_action("unpublish_selected", live)

    assert "Withdrawn card" not in visitor.get("/publications/")[2]
    assert visitor.get(live.get_absolute_url())[0] == 404


def test_editing_a_live_item_purges_every_page_showing_it(stack, visitor, publisher_a):
    live = make_publication(title="Old title")
    caches_flush(stack)
    assert "Old title" in cached(visitor, "/publications/")
    assert "Old title" in cached(visitor, live.get_absolute_url())

    status, _, _ = publisher_a.publication_edit(live, title="New title")

    assert status == 302
    for path in ["/publications/", live.get_absolute_url()]:
        html = visitor.get(path)[2]
        assert "New title" in html and "Old title" not in html, path


def test_deleting_a_live_item_purges_its_page_and_listing(stack, visitor, publisher_a):
    live = make_publication(title="Deleted card")
    caches_flush(stack)
    assert "Deleted card" in cached(visitor, "/publications/")
    cached(visitor, live.get_absolute_url())

    status, _, _ = publisher_a.post(
        f"/admin/catalog/publication/{live.pk}/delete/", {"post": "yes"}
    )

    assert status == 302 and not Publication.objects.filter(pk=live.pk).exists()
    assert "Deleted card" not in visitor.get("/publications/")[2]
    assert visitor.get(live.get_absolute_url())[0] in {404, 301, 302, 410}


def test_saving_a_draft_purges_nothing(stack, visitor, publisher_a):
    draft = make_publication(title="Work in progress", status=Status.DRAFT)
    live = make_publication(title="Stays cached")
    caches_flush(stack)
    cached(visitor, "/publications/")
    cached(visitor, live.get_absolute_url())

    status, _, _ = publisher_a.publication_edit(draft, title="Still in progress")

    assert status == 302
    assert Publication.objects.get(pk=draft.pk).title == "Still in progress"
    for path in ["/publications/", live.get_absolute_url()]:
        assert visitor.get(path)[1]["X-Cache"] == "HIT", path


def test_a_scheduled_item_goes_live_through_varnish_at_its_time(stack, visitor, publisher_a):
    """No request and no purge marks the moment: the cached list must not outlive it."""
    soon = timezone.now() + timedelta(seconds=5)
    item = make_publication(title="Embargoed card", status=Status.DRAFT, published_at=soon)
    caches_flush(stack)
    publisher_a.publication_action("publish_selected", item)
    assert "Embargoed card" not in cached(visitor, "/publications/")

    while timezone.now() < soon + timedelta(seconds=1):
        time.sleep(0.2)

    assert "Embargoed card" in visitor.get("/publications/")[2]


def test_an_edit_through_one_app_server_is_served_fresh_by_the_other_and_varnish(
    stack, visitor, publisher_a
):
    live = make_publication(title="Before the edit")
    caches_flush(stack)
    app_b = Browser(stack.app_url(1))
    for browser in (visitor, app_b):
        for _ in range(2):  # cached in Varnish, and in the Redis page cache behind app server B
            assert "Before the edit" in browser.get(live.get_absolute_url())[2]

    publisher_a.publication_edit(live, title="After the edit")

    # The purge went out before the admin answered: fresh at once, on both paths.
    for browser in (app_b, visitor):
        html = browser.get(live.get_absolute_url())[2]
        assert "After the edit" in html and "Before the edit" not in html


def test_anonymous_visitors_cookies_are_dropped_and_they_share_one_copy(stack, visitor):
    item = make_publication(title="Shared page")
    caches_flush(stack)
    path = item.get_absolute_url()

    first = visitor.get(path, headers={"Cookie": "csrftoken=abc; _ga=GA1.1.1"})
    second = Browser(stack.url).get(path)

    assert first[1]["X-Cache"] == "MISS" and "Set-Cookie" not in first[1]
    assert second[1]["X-Cache"] == "HIT"


def test_the_admin_and_staff_go_past_the_cache(stack, visitor, publisher_a):
    make_publication(title="Secret draft", status=Status.DRAFT)
    caches_flush(stack)
    staff = Staff(stack.url, publisher_a_user())

    for _ in range(2):
        status, headers, html = staff.get("/admin/catalog/publication/")
        assert (status, headers["X-Cache"]) == (200, "PASS")
        assert "Secret draft" in html
        assert staff.get("/publications/")[1]["X-Cache"] == "PASS"
    login = visitor.get("/admin/login/")
    assert login[1]["X-Cache"] == "PASS" and "csrftoken" in login[1].get("Set-Cookie", "")
    # What staff saw was never stored: an anonymous visitor's first request is a miss.
    assert visitor.get("/publications/")[1]["X-Cache"] == "MISS"


def publisher_a_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="publisher")


def test_a_drafts_preview_link_never_reaches_varnishs_cache(stack, visitor, publisher_a):
    from editorial.previews import preview_link_create

    draft = make_publication(title="Previewed draft", status=Status.DRAFT)
    link = preview_link_create(target=draft, user=publisher_a_user())
    caches_flush(stack)

    for _ in range(2):
        status, headers, html = visitor.get(link.get_absolute_url())
        assert status == 200 and "Previewed draft" in html
        assert headers["X-Cache"] in {"MISS", "PASS"} and "no-store" in headers["Cache-Control"]
    assert "Previewed draft" not in visitor.get("/publications/")[2]


def test_with_the_database_unreachable_pages_come_from_grace_or_a_503(stack, visitor):
    cached_item = make_publication(title="Kept by Varnish")
    other = make_publication(title="Never cached")
    caches_flush(stack)
    cached(visitor, cached_item.get_absolute_url())
    # Not in Django's page cache either, which would serve it with no database.
    redis.Redis.from_url(REDIS_URL).flushdb()
    stack.gate.close()
    try:
        # Past its time (as a softpurge leaves it), the page is served from grace.
        Browser(stack.url).request(
            "/", method="PURGE", headers={"xkey-softpurge": f"publication-{cached_item.pk}"}
        )
        status, headers, html = visitor.get(cached_item.get_absolute_url())
        assert status == 200 and "Kept by Varnish" in html
        assert headers["X-Cache"] == "HIT-STALE"

        status, headers, html = visitor.get(other.get_absolute_url())
        assert status == 503 and int(headers["Retry-After"]) > 0
    finally:
        stack.gate.open()
    # The app servers reconnect by themselves.
    deadline = time.monotonic() + 15
    while (status := visitor.get(other.get_absolute_url())[0]) != 200:
        assert time.monotonic() < deadline, f"still {status} once the database is back"
        time.sleep(0.5)


def test_with_redis_unreachable_pages_are_still_served(stack, visitor):
    item = make_publication(title="Rendered without Redis")
    caches_flush(stack)
    stack.redis_gate.close()
    try:
        for browser in (visitor, Browser(stack.app_url(0)), Browser(stack.app_url(1))):
            status, _, html = browser.get(item.get_absolute_url())
            assert status == 200 and "Rendered without Redis" in html
    finally:
        stack.redis_gate.open()


def test_with_both_app_servers_down_varnish_serves_from_grace(stack, visitor):
    item = make_publication(title="Served while down")
    caches_flush(stack)
    cached(visitor, item.get_absolute_url())
    Browser(stack.url).request(
        "/", method="PURGE", headers={"xkey-softpurge": f"publication-{item.pk}"}
    )
    stack.app_stop(0)
    stack.app_stop(1)
    try:
        status, headers, html = visitor.get(item.get_absolute_url())
        assert (status, headers["X-Cache"]) == (200, "HIT-STALE")
        assert "Served while down" in html
        status, headers, _ = visitor.get("/publications/?page=1")
        assert status == 503 and int(headers["Retry-After"]) > 0
    finally:
        stack.app_start(0, wait=False)
        stack.app_start(1, wait=False)
        stack.apps_wait()
