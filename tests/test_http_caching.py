"""HTTP caching: what browsers and shared caches (Varnish, a CDN) may keep, for how long, and
the purges that end it exactly when content visitors see changes."""

import logging
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django.utils.http import http_date

from catalog.models import Publication, Status
from editorial.previews import preview_link_create
from editorial.workflow import status_change
from evaluations.models import Result
from tests.factories import make_hub_page, make_model, make_publication, make_topic
from tests.public_pages import public_pages

pytestmark = pytest.mark.django_db

UNUSED_PORT = 8151  # nothing listens there: a purge to it fails
PUBLIC = "public, max-age=60, s-maxage=86400, stale-while-revalidate=30, stale-if-error=86400"


@pytest.fixture(autouse=True)
def documented_lifetimes(settings):
    settings.HTTP_CACHE_MAX_AGE = 60
    settings.HTTP_CACHE_S_MAXAGE = 86400
    settings.HTTP_CACHE_STALE_WHILE_REVALIDATE = 30
    settings.HTTP_CACHE_STALE_IF_ERROR = 86400


def test_by_default_browsers_revalidate_and_no_stale_copy_is_handed_out(client, settings):
    """Purges cannot reach a browser's cache: with the shipped defaults a browser asks again each
    time (max-age=0, a 304 while unchanged) and no cache serves a stale copy while refetching,
    so an editor who publishes sees the change on the next view."""
    settings.HTTP_CACHE_MAX_AGE = 0
    settings.HTTP_CACHE_STALE_WHILE_REVALIDATE = 0
    make_hub_page()
    response = client.get("/")
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=86400, stale-if-error=86400"
    again = client.get("/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


class PurgeRecorder(BaseHTTPRequestHandler):
    """A front-end cache that notes the keys of each purge it is sent."""

    def do_PURGE(self):
        self.server.purges.append((self.path, self.headers["xkey-purge"].split()))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def purges(settings):
    """The purges a real HTTP server receives, as (path, keys), in order."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), PurgeRecorder)  # any free port
    server.purges = []
    thread = Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.FRONTEND_CACHE_PURGE_URLS = [f"http://127.0.0.1:{server.server_address[1]}/"]
    yield server.purges
    server.shutdown()
    server.server_close()


def purged_keys(purges) -> set[str]:
    return {key for _, keys in purges for key in keys}


@pytest.fixture
def publisher(django_user_model):
    user = django_user_model.objects.create_user("publisher", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["publish_publication", "view_publication", "change_publication"]
        )
    )
    return user


def test_every_public_page_may_be_kept_by_browsers_briefly_and_shared_caches_long(client):
    for url in public_pages():
        response = client.get(url)

        assert response.status_code == 200, url
        assert response["Cache-Control"] == PUBLIC, url
        assert response["ETag"].startswith('"'), url  # strong: a hash of the body
        assert response.has_header("Last-Modified"), url
        assert "cookie" not in response.get("Vary", "").lower(), url
        assert not response.cookies, url
        assert "site" in response["xkey"].split(), url


def test_cached_copies_carry_the_same_headers(client):
    make_publication(title="Card")
    client.get("/publications/")

    hit = client.get("/publications/")

    assert hit["X-Page-Cache"] == "hit"
    assert hit["Cache-Control"] == PUBLIC and hit["ETag"].startswith('"')
    assert "list-publication" in hit["xkey"].split()


def test_a_page_unchanged_since_the_browsers_copy_answers_304(client):
    make_publication(title="Card")
    first = client.get("/publications/")

    by_etag = client.get("/publications/", headers={"if-none-match": first["ETag"]})
    by_date = client.get("/publications/", headers={"if-modified-since": first["Last-Modified"]})

    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_date.status_code == 304
    assert by_etag["ETag"] == first["ETag"]


def test_a_changed_page_answers_in_full_to_an_old_etag(client):
    card = make_publication(title="Card")
    first = client.get("/publications/")

    card.title = "Renamed card"
    card.save()
    response = client.get("/publications/", headers={"if-none-match": first["ETag"]})

    assert response.status_code == 200 and b"Renamed card" in response.content


def test_last_modified_is_the_last_visible_change():
    with time_machine.travel("2026-03-02 09:00Z", tick=False):
        make_publication(title="Card")
    with time_machine.travel("2026-03-05 12:00Z", tick=False):
        make_publication(title="Draft", status=Status.DRAFT)  # not visible: no change

        response = Client().get("/publications/")

    assert response["Last-Modified"] == "Mon, 02 Mar 2026 09:00:00 GMT"


def test_signed_in_staff_get_private_answers_with_no_keys(client, admin_user):
    publication = make_publication(title="Card")
    client.force_login(admin_user)

    for url in ["/", "/publications/", publication.get_absolute_url(), "/feeds/publications.rss"]:
        response = client.get(url)

        assert response["Cache-Control"] == "private, no-store", url
        assert "xkey" not in response, url


def test_a_draft_shown_to_staff_or_by_preview_link_is_private(client, admin_user):
    draft = make_publication(title="Draft card", status=Status.DRAFT)
    link = preview_link_create(target=draft, user=admin_user)

    by_link = Client().get(f"/preview/{link.token}/")
    client.force_login(admin_user)
    by_staff = client.get(draft.get_absolute_url())

    for response in (by_link, by_staff):
        assert response.status_code == 200 and b"Draft card" in response.content
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
        assert "xkey" not in response


@pytest.mark.parametrize("url", ["/admin/login/", "/admin/", "/no-such-page/", "/models/?view=x"])
def test_the_admin_forms_and_errors_are_never_kept(client, url):
    response = client.get(url)

    assert "public" not in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert "xkey" not in response


def test_answers_to_posts_are_private(client):
    response = client.post("/publications/")

    assert response["Cache-Control"] == "private, no-store"


def test_lifetimes_end_when_the_next_scheduled_item_goes_live(client):
    with time_machine.travel("2026-03-02 09:00Z", tick=False):
        make_publication(title="Soon", published_at=timezone.now() + timedelta(seconds=90))

        response = client.get("/publications/")

    assert response["Cache-Control"] == PUBLIC.replace("s-maxage=86400", "s-maxage=90")
    with time_machine.travel("2026-03-02 09:01:15Z", tick=False):
        assert "max-age=15, s-maxage=15" in client.get("/publications/")["Cache-Control"]
    with time_machine.travel("2026-03-02 09:01:31Z", tick=False):
        after = client.get("/publications/")
    assert b"Soon" in after.content and "s-maxage=86400" in after["Cache-Control"]


def test_each_page_names_what_it_shows(client):
    make_hub_page()
    model = make_model(name="o3", slug="o3")
    topic = make_topic(name="Bio", slug="bio")
    card = make_publication(title="Card", slug="card")
    card.ai_models.add(model)
    card.topics.add(topic)

    def keys(url):
        return set(client.get(url)["xkey"].split())

    assert {f"publication-{card.pk}", "list-aimodel", "list-topic"} <= keys("/publications/card/")
    assert {"list-publication", "list-aimodel"} <= keys("/publications/")
    assert {f"aimodel-{model.pk}", "list-publication", "list-result"} <= keys("/models/o3/")
    assert {f"topic-{topic.pk}", "list-publication"} <= keys("/topics/bio/")
    assert {"list-hubpage", "list-publication", "list-topic"} <= keys("/")
    assert {"list-publication"} <= keys("/feeds/publications.rss")
    assert {"list-publication", "list-aimodel"} <= keys("/sitemap.xml")
    assert {"list-result", "list-evaluation"} <= keys("/evaluations/")
    assert {"list-result"} <= keys("/evaluations/results.csv")
    assert f"publication-{card.pk}" not in keys("/topics/")


def test_publishing_purges_the_item_and_its_lists_once_committed(
    purges, publisher, django_capture_on_commit_callbacks
):
    draft = make_publication(title="Draft", status=Status.DRAFT)

    with django_capture_on_commit_callbacks() as callbacks:
        status_change(items=[draft], status=Status.PUBLISHED, user=publisher)
        assert purges == []  # nothing before the commit
    for callback in callbacks:
        callback()

    assert purges and all(path == "/" for path, _ in purges)
    assert purged_keys(purges) == {f"publication-{draft.pk}", "list-publication"}


@pytest.mark.parametrize("status", [Status.DRAFT, Status.ARCHIVED])
def test_unpublishing_purges_the_item_and_its_lists(
    purges, publisher, django_capture_on_commit_callbacks, status
):
    live = make_publication(title="Live")

    with django_capture_on_commit_callbacks(execute=True):
        status_change(items=[live], status=status, user=publisher)

    assert purged_keys(purges) == {f"publication-{live.pk}", "list-publication"}


def test_editing_a_live_item_purges_it(purges, django_capture_on_commit_callbacks):
    live = make_publication(title="Live")

    with django_capture_on_commit_callbacks(execute=True):
        live.title = "Live, renamed"
        live.save()

    assert purged_keys(purges) == {f"publication-{live.pk}", "list-publication"}


def test_scheduling_an_item_purges_its_lists(purges, django_capture_on_commit_callbacks):
    """Their lifetimes must now end when it goes live; going live itself needs no purge."""
    draft = make_publication(title="Later", status=Status.DRAFT)

    with django_capture_on_commit_callbacks(execute=True):
        draft.status = Status.PUBLISHED
        draft.published_at = timezone.now() + timedelta(hours=1)
        draft.save()

    assert purged_keys(purges) == {f"publication-{draft.pk}", "list-publication"}


def test_deleting_a_live_item_purges_it(purges, django_capture_on_commit_callbacks):
    live = make_publication(title="Live")
    key = f"publication-{live.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        live.delete()

    assert purged_keys(purges) == {key, "list-publication"}


def test_linking_purges_both_sides(purges, django_capture_on_commit_callbacks):
    live, model = make_publication(title="Live"), make_model(name="o3")

    with django_capture_on_commit_callbacks(execute=True):
        live.ai_models.add(model)

    assert {f"publication-{live.pk}", f"aimodel-{model.pk}"} <= purged_keys(purges)


def test_saving_a_draft_or_making_a_preview_link_purges_nothing(
    purges, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_publication(title="Draft", status=Status.DRAFT)
        draft.title = "Draft, edited"
        draft.save()
        draft.ai_models.add(make_model(name="o9", status=Status.DRAFT))
        preview_link_create(target=draft, user=admin_user)
        make_publication(title="Old draft", status=Status.REVIEW).delete()

    assert purges == []


def test_a_change_rolled_back_purges_nothing(purges, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        make_publication(title="Never")
        raise RuntimeError

    assert purges == []


def test_a_results_import_purges_every_page(purges, django_capture_on_commit_callbacks):
    from pagecache.generation import generation_end

    with django_capture_on_commit_callbacks(execute=True):
        Result.objects.all().delete()  # no rows: no signal
        generation_end()  # what a bulk writer calls

    assert purged_keys(purges) == {"site"}


def test_an_unreachable_cache_to_purge_is_logged_not_raised(
    settings, caplog, django_capture_on_commit_callbacks
):
    settings.FRONTEND_CACHE_PURGE_URLS = [f"http://127.0.0.1:{UNUSED_PORT}/"]

    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        make_publication(title="Published all the same")

    assert Publication.objects.filter(title="Published all the same").exists()
    assert "Purge of list-publication" in caplog.text


def test_http_date_of_last_modified_matches_the_content(client):
    with time_machine.travel("2026-01-01 00:00Z", tick=False):
        make_publication()
        expected = http_date(timezone.now().timestamp())

    assert client.get("/")["Last-Modified"] == expected
