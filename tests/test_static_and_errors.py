import re

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def collected_static(settings, tmp_path):
    """Production static files: collected, compressed and content-hashed."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


def test_pages_link_content_hashed_stylesheets(collected_static):
    html = Client().get("/").content.decode()

    assert re.search(r'href="/static/css/site\.[0-9a-f]{12}\.css"', html)


def test_hashed_static_files_are_cached_forever_and_compressed(collected_static):
    stylesheet = re.search(
        r"/static/css/site\.[0-9a-f]{12}\.css", Client().get("/").content.decode()
    )

    response = Client().get(stylesheet.group(), headers={"accept-encoding": "gzip"})

    assert response.status_code == 200
    assert "max-age=315360000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    assert response["Content-Encoding"] == "gzip"


def test_server_error_page_matches_the_site_and_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/")

    with django_assert_num_queries(0):
        response = server_error(request)

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_favicon_ico_points_to_the_site_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("/static/img/favicon.svg")
