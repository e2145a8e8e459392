"""Renditions are made outside the request by a background task (Django's tasks framework),
pages never show a missing one, and files nobody points to any more are deleted (issue #17)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from catalog.models import Person, Publication
from tests.factories import make_image, make_pdf, make_publication
from uploads.images import picture_for, rendition_name

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued_tasks(settings):
    """The database backend, as `make run` and production have it: tasks wait for a worker."""
    settings.TASKS = {"default": {"BACKEND": settings.TASKS_BACKENDS["database"]}}


def media_files():
    root = Path(settings.MEDIA_ROOT)
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def private_files():
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def person_with_portrait(name="zico.png", size=(800, 400)):
    person = Person.objects.create(name="Zico Kolter", slug="zico-kolter", portrait_alt="Zico")
    person.portrait.save(name, SimpleUploadedFile(name, make_image("PNG", size)))
    return person


def test_saving_an_image_queues_its_renditions_and_stores_only_the_original(queued_tasks):
    person_with_portrait()

    assert media_files() == {"people/zico.png"}
    task = DBTaskResult.objects.get()
    assert task.task_path == "uploads.images.renditions_make"
    assert task.status == "READY"


def test_until_the_renditions_exist_pages_show_the_original(queued_tasks, client):
    person = person_with_portrait()

    picture = picture_for(person.portrait)
    page = client.get(person.get_absolute_url()).content.decode()

    assert picture.sources == []
    assert picture.fallback.url == person.portrait.url
    assert (picture.fallback.width, picture.fallback.height) == (800, 400)
    assert f'src="{person.portrait.url}"' in page
    assert "/renditions/" not in page


@pytest.mark.django_db(transaction=True)  # the worker opens and closes its own connection
def test_the_worker_makes_the_renditions_and_pages_then_show_them(queued_tasks, client):
    person = person_with_portrait()
    client.get(person.get_absolute_url())  # cached with the original

    call_command("db_worker", "--batch", verbosity=0)

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert rendition_name("people/zico.png", 800, "avif") in media_files()
    assert rendition_name("people/zico.png", 480, "png") in media_files()
    picture = picture_for(person.portrait)
    assert [mime for mime, _ in picture.sources] == ["image/avif", "image/webp"]
    page = client.get(person.get_absolute_url()).content.decode()
    assert "/renditions/people/zico.png/800.avif" in page


def test_an_admin_save_with_a_large_photo_queues_the_renditions(queued_tasks, admin_client):
    """The request stores the clean original; the renditions wait for the worker."""
    from tests.admin_forms import form_data

    card = make_publication(title="Card")
    url = f"/admin/catalog/publication/{card.pk}/change/"
    data = form_data(admin_client.get(url), "publication_form", cover_alt="A photo")
    data["cover_image"] = SimpleUploadedFile("photo.jpg", make_image("JPEG", (4000, 3000)))

    response = admin_client.post(url, data)

    assert response.status_code == 302
    card.refresh_from_db()
    assert (card.cover_width, card.cover_height) == (4000, 3000)
    assert media_files() == {card.cover_image.name}
    assert DBTaskResult.objects.filter(status="READY").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_task_for_an_image_replaced_meanwhile_makes_nothing(queued_tasks):
    person_with_portrait()
    Path(settings.MEDIA_ROOT, "people/zico.png").unlink()

    call_command("db_worker", "--batch", verbosity=0)

    assert media_files() == set()


# Files nobody points to any more.


def test_a_replaced_image_and_its_renditions_are_deleted_after_commit(
    django_capture_on_commit_callbacks,
):
    person = person_with_portrait("first.png")
    first = set(media_files())
    assert rendition_name("people/first.png", 800, "webp") in first

    with django_capture_on_commit_callbacks(execute=True):
        person.portrait.save("second.png", SimpleUploadedFile("s.png", make_image("PNG")))

    files = media_files()
    assert not files & first
    assert "people/second.png" in files
    assert not Path(settings.MEDIA_ROOT, "renditions/people/first.png").exists()


def test_a_replace_that_is_rolled_back_deletes_nothing(django_capture_on_commit_callbacks):
    person = person_with_portrait("first.png")
    before = media_files()

    with django_capture_on_commit_callbacks(execute=False):
        person.portrait.save("second.png", SimpleUploadedFile("s.png", make_image("PNG")))

    assert before <= media_files()


def test_a_cleared_image_is_deleted(django_capture_on_commit_callbacks):
    person = person_with_portrait()

    with django_capture_on_commit_callbacks(execute=True):
        person.portrait = ""
        person.save()

    assert media_files() == set()


def test_deleting_an_item_deletes_its_files(django_capture_on_commit_callbacks):
    card = make_publication(title="Card")
    card.cover_image.save("c.jpg", SimpleUploadedFile("c.jpg", make_image("JPEG")), save=False)
    card.document.save("c.pdf", SimpleUploadedFile("c.pdf", make_pdf()))
    assert media_files() and private_files()

    with django_capture_on_commit_callbacks(execute=True):
        Publication.objects.get(pk=card.pk).delete()

    assert media_files() == set()
    assert private_files() == set()


def test_a_replaced_document_is_deleted(django_capture_on_commit_callbacks):
    card = make_publication(title="Card")
    card.document.save("one.pdf", SimpleUploadedFile("one.pdf", make_pdf()))

    with django_capture_on_commit_callbacks(execute=True):
        card.document.save("two.pdf", SimpleUploadedFile("two.pdf", make_pdf(pages=2)))

    assert {Path(name).name for name in private_files()} == {"two.pdf"}


def test_a_file_another_row_still_names_is_kept(django_capture_on_commit_callbacks):
    first = person_with_portrait()
    Person.objects.create(
        name="Copy", slug="copy", portrait=first.portrait.name, portrait_width=800,
        portrait_height=400,
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        first.delete()

    assert "people/zico.png" in media_files()
