"""Time saving a publication with a 12-megapixel photo in the admin, on a throwaway SQLite
database, with the renditions made inside the request ("immediate" tasks: how every save was
before issue #17) and queued for the worker ("database" tasks: the default).

    .venv/bin/python bench/image_save.py [--requests 5]

Each request is the admin's change form posted through the Django test client as a signed-in
superuser, end to end: the upload checked, its metadata removed, the original stored, and
either the renditions made or their task queued. The photo is a 4000×3000 JPEG of noise and
gradients (about 3 MB), like a camera's.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def photo(width=4000, height=3000) -> bytes:
    from PIL import Image

    gradient = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 40)
    across = Image.linear_gradient("L").rotate(90).resize((width, height))
    image = Image.merge("RGB", (gradient, noise, across))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5)
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory(prefix="safetyhub-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder.name) / 'bench.sqlite3'}"
    os.environ["DJANGO_MEDIA_ROOT"] = str(Path(folder.name) / "media")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetyhub.settings")
    sys.path.insert(0, str(PROJECT))
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from tests.admin_forms import form_data
    from tests.factories import make_publication

    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ).enable()
    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_superuser("bench", "bench@example.com", "bench")
    client = Client()
    client.force_login(user)
    data_jpeg = photo()
    print(f"Photo: 4000×3000 JPEG, {len(data_jpeg) / 1e6:.1f} MB; {args.requests} saves each")
    for backend in ("immediate", "database"):
        timings = []
        with override_settings(TASKS={"default": {"BACKEND": settings.TASKS_BACKENDS[backend]}}):
            for number in range(args.requests):
                card = make_publication(title=f"Card {backend} {number}")
                url = f"/admin/catalog/publication/{card.pk}/change/"
                data = form_data(client.get(url), "publication_form", cover_alt="A photo")
                data["cover_image"] = SimpleUploadedFile("photo.jpg", data_jpeg)
                started = time.perf_counter()
                response = client.post(url, data)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 302, response.status_code
        print(
            f"renditions {'in the request' if backend == 'immediate' else 'queued (worker)':<16}"
            f" median {statistics.median(timings):7.0f} ms   max {max(timings):7.0f} ms"
        )
    folder.cleanup()


if __name__ == "__main__":
    main()
