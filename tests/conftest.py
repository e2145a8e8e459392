import os

import pytest

SKIPPED = []


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        SKIPPED.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """With CI=true nothing may be skipped: a skip fails the run, naming what skipped."""
    if os.environ.get("CI") == "true" and SKIPPED and exitstatus == pytest.ExitCode.OK:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.ensure_newline()
        reporter.write_line(f"FAILED: CI=true and {len(SKIPPED)} skipped: {', '.join(SKIPPED)}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file, not memory: the browser tests' live server then
    gives each of its threads a connection of its own, where threads sharing the one in-memory
    connection failed at random (sqlite3.InterfaceError: bad parameter or other API misuse)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = tmp_path_factory.mktemp("sqlite")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


@pytest.fixture(autouse=True)
def plain_static_storage(settings, tmp_path):
    """Tests render templates without collectstatic, and write uploads to a scratch folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """Background tasks (image renditions) run when queued, so a test sees their result; the
    tests of the queue itself (tests/test_renditions_async.py) use the database backend."""
    settings.TASKS = {"default": {"BACKEND": settings.TASKS_BACKENDS["immediate"]}}


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Tests sign in often; the production hasher takes half a second each time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Pages stay cached between requests, as in production; each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def page_cache_off(settings):
    """For query budgets: they count what rendering a page costs, not a cache hit."""
    settings.PAGE_CACHE_SECONDS = 0


def query_counter(client, before):
    """A function giving how many queries a GET of a page makes, after calling `before(url)`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        before(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        return len(queries)

    return count


@pytest.fixture
def page_query_count(client, page_cache_off):
    """How many queries a page makes, once a first request has filled what Django keeps per
    process (the current Site, content types)."""
    return query_counter(client, before=client.get)


@pytest.fixture(autouse=True)
def demo_credentials_in_scratch_folder(monkeypatch, tmp_path):
    """ensure_admin keeps the demo users' generated passwords here, not in the project folder."""
    monkeypatch.setattr(
        "catalog.management.commands.ensure_admin.DEMO_CREDENTIALS_FILE",
        tmp_path / "demo-credentials",
    )
    monkeypatch.setattr(
        "catalog.management.commands.ensure_admin.CREDENTIALS_FILE",
        tmp_path / "admin-credentials",
    )


def staff_in_group(username, group_name):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from editorial.roles import roles_create

    roles_create()  # made by a migration, but a transactional test's flush removes them
    user = get_user_model().objects.create_user(username=username, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db):
    """A staff user in the Editors group: writes drafts, cannot publish."""
    return staff_in_group("editor", "Editors")


@pytest.fixture
def publisher(db):
    """A staff user in the Publishers group."""
    return staff_in_group("publisher", "Publishers")


@pytest.fixture
def editor_client(editor):
    from django.test import Client

    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def publisher_client(publisher):
    from django.test import Client

    client = Client()
    client.force_login(publisher)
    return client
