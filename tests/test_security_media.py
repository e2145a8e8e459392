"""Media under attack: an image no format can hold whole is made to fit or refused before any
file is written, and a failed upload leaves nothing behind."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from catalog.images import RENDITION_MAX_SIDE, image_open
from catalog.models import Kind, Label, Person, Publication, Status
from tests.factories import make_image, make_png_header

pytestmark = pytest.mark.django_db

DOCUMENT_POLICY = "default-src 'none'; sandbox"


def media_files():
    root = Path(settings.MEDIA_ROOT)
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def admin_url(model, view, *args):
    return reverse(f"admin:catalog_{model._meta.model_name}_{view}", args=args)


def publication_form(admin_client, url, **fields):
    data = {
        "title": "A very tall chart",
        "slug": "a-very-tall-chart",
        "kind": Kind.RESEARCH,
        "label": Label.PUBLICATION,
        "status": Status.PUBLISHED,
        "published_at_0": "2025-09-15",
        "published_at_1": "09:00:00",
        "summary": "One long strip of results.",
        "body": "",
        "external_url": "",
        "cover_alt": "A strip of bars, one per evaluation",
        **fields,
    }
    for inline_formset in admin_client.get(url).context["inline_admin_formsets"]:
        management_form = inline_formset.formset.management_form
        for name, field in management_form.fields.items():
            value = management_form.initial.get(name, field.initial)
            data[management_form.add_prefix(name)] = "" if value is None else value
    return data


# Images no rendition format can hold whole.


def test_a_tall_png_is_stored_with_renditions_within_every_formats_limits(admin_client, client):
    url = admin_url(Publication, "add")
    tall = SimpleUploadedFile("strip.png", make_image("PNG", (20, 20_000)))

    response = admin_client.post(url, publication_form(admin_client, url, cover_image=tall))

    assert response.status_code == 302
    publication = Publication.objects.get()
    assert (publication.cover_width, publication.cover_height) == (20, 20_000)
    renditions = sorted(name for name in media_files() if name.startswith("renditions/"))
    assert [name.rsplit("/", 1)[1] for name in renditions] == ["16.avif", "16.png", "16.webp"]
    for name in renditions:
        image = Image.open(Path(settings.MEDIA_ROOT) / name)
        image.load()
        assert image.size == (16, 16_000)
    page = client.get(publication.get_absolute_url()).content.decode()
    served = set(re.findall(r"/media/(\S+) \d+w", page))
    assert served == set(renditions)


@pytest.mark.parametrize("size", [(1, RENDITION_MAX_SIDE + 1), (RENDITION_MAX_SIDE + 1, 1)])
def test_an_image_longer_than_any_rendition_can_be_is_refused(size):
    with pytest.raises(ValidationError) as caught:
        image_open(SimpleUploadedFile("line.png", make_png_header(*size)), name="line.png")

    width, height = size
    assert caught.value.messages == [
        f"“line.png” is {width}×{height} pixels; its long side may be at most 16,383 times "
        "its short side."
    ]


def test_the_admin_refuses_an_image_too_narrow_for_renditions_and_writes_nothing(admin_client):
    url = admin_url(Publication, "add")
    line = SimpleUploadedFile("line.png", make_image("PNG", (1, 20_000)))

    response = admin_client.post(url, publication_form(admin_client, url, cover_image=line))

    assert response.status_code == 200
    assert (
        "its long side may be at most 16,383 times its short side"
        in (response.context["adminform"].form.errors["cover_image"][0])
    )
    assert not Publication.objects.exists()
    assert media_files() == set()


def test_an_upload_whose_renditions_cannot_all_be_stored_leaves_no_file_behind():
    """The fourth rendition's place is taken by a folder the storage cannot replace."""
    person = Person.objects.create(name="Zico Kolter", slug="zico-kolter", portrait_alt="Zico")
    in_the_way = Path(settings.MEDIA_ROOT) / "renditions/people/zico.png/800.avif/in-the-way"
    in_the_way.mkdir(parents=True)
    portrait = SimpleUploadedFile("zico.png", make_image("PNG", (800, 400)))

    with pytest.raises(OSError):
        person.portrait.save("zico.png", portrait)

    assert media_files() == set()
    person.refresh_from_db()
    assert not person.portrait
