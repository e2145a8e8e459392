import pytest


@pytest.fixture(autouse=True)
def plain_static_storage(settings, tmp_path):
    """Tests render templates without collectstatic, and write uploads to a scratch folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
