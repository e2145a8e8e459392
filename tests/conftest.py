import pytest


@pytest.fixture(autouse=True)
def plain_static_storage(settings, tmp_path):
    """Tests render templates without collectstatic, and write uploads to a scratch folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"


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
