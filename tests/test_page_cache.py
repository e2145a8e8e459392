"""Cached pages: fast for visitors, and never older than the content they show."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.synthetic import synthetic_content_generate
from catalog.models import Publication, Status
from evaluations.models import Direction
from evaluations.tables import results_import
from pagecache.generation import generation_current, generation_end
from pagecache.models import Generation
from tests.factories import make_evaluation, make_model, make_publication

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pages_kept_long(settings):
    """Longer than any test's travel in time, so only the generation can retire a page."""
    settings.PAGE_CACHE_SECONDS = 30 * 24 * 3600


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def test_a_second_visit_comes_from_the_cache_with_no_query(client):
    make_publication(title="Cached card")

    first, _ = get(client, "/publications/")
    second, queries = get(client, "/publications/")

    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert second.content == first.content and b"Cached card" in second.content
    assert queries == 0  # the generation comes from the cache, with the page


def test_each_query_string_is_its_own_page(client):
    make_publication(title="Card", kind="system_card")
    make_publication(title="News item", kind="news", label="safety")
    client.get("/publications/?kind=news")

    response = client.get("/publications/?kind=system_card")

    assert b"News item" not in response.content


def test_publishing_a_draft_shows_it_on_the_next_visit(client):
    draft = make_publication(title="Soon to be live", status=Status.DRAFT)
    assert b"Soon to be live" not in client.get("/publications/").content

    draft.status = Status.PUBLISHED
    draft.save()

    assert b"Soon to be live" in client.get("/publications/").content


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW, Status.ARCHIVED])
def test_unpublishing_removes_it_from_every_cached_page(client, status):
    publication = make_publication(title="Withdrawn card")
    pages = ["/publications/", publication.get_absolute_url(), "/feeds/publications.rss"]
    assert all(b"Withdrawn card" in client.get(page).content for page in pages)

    publication.status = status
    publication.save()

    assert client.get(pages[0]).content.count(b"Withdrawn card") == 0
    assert client.get(pages[1]).status_code == 404
    assert b"Withdrawn card" not in client.get(pages[2]).content


def test_deleting_removes_it(client):
    publication = make_publication(title="Deleted card")
    client.get("/publications/")

    publication.delete()

    assert b"Deleted card" not in client.get("/publications/").content


def test_linking_a_model_shows_on_the_model_page(client):
    model = make_model(name="Linked model", slug="linked-model")
    publication = make_publication(title="Newly linked card")
    assert b"Newly linked card" not in client.get("/models/linked-model/").content

    publication.ai_models.add(model)

    assert b"Newly linked card" in client.get("/models/linked-model/").content


def test_a_scheduled_item_appears_at_its_time_without_any_save(client):
    goes_live = timezone.now() + timedelta(hours=2)
    make_publication(title="Scheduled card", published_at=goes_live)
    assert b"Scheduled card" not in client.get("/publications/").content
    assert client.get("/publications/")["X-Page-Cache"] == "hit"

    with time_machine.travel(goes_live - timedelta(seconds=1)):
        assert b"Scheduled card" not in client.get("/publications/").content
    with time_machine.travel(goes_live + timedelta(seconds=1)):
        assert b"Scheduled card" in client.get("/publications/").content


def test_the_next_scheduled_item_is_tracked_after_the_first_goes_live(client):
    first, second = timezone.now() + timedelta(hours=1), timezone.now() + timedelta(hours=2)
    make_publication(title="First scheduled", published_at=first)
    make_publication(title="Second scheduled", published_at=second)
    client.get("/publications/")

    with time_machine.travel(first + timedelta(minutes=1)):
        html = client.get("/publications/").content
        assert b"First scheduled" in html and b"Second scheduled" not in html
    with time_machine.travel(second + timedelta(minutes=1)):
        assert b"Second scheduled" in client.get("/publications/").content


def test_bulk_writes_end_the_generation_too(client):
    synthetic_content_generate(publications=0)  # its models and topics, saved one by one
    client.get("/publications/")
    token = Generation.objects.get().token

    synthetic_content_generate(publications=3)  # bulk_create, which sends no signals

    assert Generation.objects.get().token != token
    live = Publication.objects.live()
    html = client.get("/publications/").content.decode()
    assert live.exists() and all(item.get_absolute_url() in html for item in live)


def test_a_results_import_ends_the_generation_too(client):
    make_publication(title="o3 card", slug="o3-card")
    make_model(name="o3", slug="o3")
    make_evaluation(name="SimpleQA", slug="simpleqa", metrics=[("accuracy", Direction.HIGHER)])
    client.get("/evaluations/simpleqa/")
    token = Generation.objects.get().token

    results_import(  # bulk_create, which sends no signals
        lines=StringIO(
            "evaluation,metric,model,value,measured_on,source\n"
            "simpleqa,accuracy,o3,0.49,2025-04-16,o3-card\n"
        )
    )

    assert Generation.objects.get().token != token
    assert "0.49" in client.get("/evaluations/simpleqa/").content.decode()


def test_a_change_in_any_transaction_gives_a_new_token():
    before = generation_current().token

    make_publication()

    assert Generation.objects.get().token != before


def test_staff_are_never_served_or_stored_from_the_cache(client, admin_user):
    make_publication(title="Card")
    client.get("/publications/")
    client.force_login(admin_user)

    response = client.get("/publications/")

    assert "X-Page-Cache" not in response
    client.logout()
    assert client.get("/publications/")["X-Page-Cache"] == "hit"


@pytest.mark.parametrize(
    "url", ["/publications/?page=99", "/no-such-page/", "/publications/?kind=nonsense"]
)
def test_errors_are_not_cached(client, url):
    client.get(url)

    assert "X-Page-Cache" not in client.get(url)


def test_the_admin_is_not_cached(client):
    client.get("/admin/login/")

    assert "X-Page-Cache" not in client.get("/admin/login/")


def test_the_cache_can_be_turned_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    response = client.get("/publications/")

    assert "X-Page-Cache" not in response


def test_pages_are_served_without_a_generation_row_and_none_is_written(client):
    Generation.objects.all().delete()

    assert client.get("/publications/").status_code == 200
    assert client.get("/publications/")["X-Page-Cache"] == "hit"
    assert not Generation.objects.exists()  # a GET writes nothing; the next change makes it


def test_a_token_written_by_another_server_retires_this_servers_pages(client):
    make_publication(title="Card")
    client.get("/publications/")
    Publication.objects.update(title="Renamed by another server")  # no signals here

    generation_end()  # what that server's signal did

    assert b"Renamed by another server" in client.get("/publications/").content
