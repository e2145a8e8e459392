"""Uploaded images: every rule with real files made here, metadata stripped, turned upright,
renditions made once and served as <picture>, and pages that never open an image file."""

import io
import re
import warnings
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image

from catalog.models import Conversation, Kind, Label, Person, Publication, Status
from tests.admin_forms import management_form_data
from tests.factories import make_image, make_png_header, make_publication
from uploads.images import image_open, rendition_widths

pytestmark = pytest.mark.django_db


def upload(name, data):
    return SimpleUploadedFile(name, data)


def refusal(name, data):
    with pytest.raises(ValidationError) as caught:
        image_open(upload(name, data), name=name)
    return caught.value.messages[0]


def media_files():
    root = Path(settings.MEDIA_ROOT)
    return {path.relative_to(root).as_posix(): path for path in root.rglob("*") if path.is_file()}


def jpeg_with_gps_and_camera(orientation=1):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Examplecam"
    exif[ExifTags.Base.Model] = "X100 Secret Edition"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 30.0, 26.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
    }
    return make_image("JPEG", (800, 400), exif=exif, xmp=b"<x:xmpmeta>home address</x:xmpmeta>")


# The rules, one by one.


def test_bomb_sized_png_header_is_refused_before_any_pixel_is_read():
    bomb = make_png_header(50_000, 50_000)  # 2.5 billion pixels: 7.5 GB once decoded

    message = refusal("bomb.png", bomb)

    assert len(bomb) < 100
    assert message == "“bomb.png” has more than 178 megapixels; the limit is 40 megapixels."


def test_image_over_40_megapixels_is_refused_naming_its_size():
    message = refusal("huge.png", make_png_header(7000, 6000))

    assert message == "“huge.png” is 7000×6000 pixels; the limit is 40 megapixels."


def test_pillows_bomb_warning_is_a_refusal_even_where_warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        message = refusal("big.png", make_png_header(10_000, 10_000))

    assert "the limit is 40 megapixels" in message


def test_png_named_jpg_is_refused():
    message = refusal("photo.jpg", make_image("PNG"))

    assert message == (
        "“photo.jpg” is a PNG file but its name ends in .jpg; rename it to end in .png."
    )


def test_html_named_png_is_refused():
    page = b"<!doctype html><title>x</title><script>alert(document.cookie)</script>"

    message = refusal("cover.png", page)

    assert message == "“cover.png” is not an image we can read as JPEG, PNG, WebP or AVIF."


def test_gif_is_refused_as_a_format_we_do_not_take():
    message = refusal("anim.gif", make_image("GIF"))

    assert "not an image we can read as JPEG, PNG, WebP or AVIF" in message


def test_file_over_10_mb_is_refused_before_it_is_opened():
    noise = Image.frombytes("RGB", (2000, 1800), bytes(range(256)) * 42_188)
    buffer = io.BytesIO()
    noise.save(buffer, "PNG", compress_level=0)
    assert len(buffer.getvalue()) > 10 * 1024 * 1024

    message = refusal("noise.png", buffer.getvalue())

    assert message.startswith("“noise.png” is larger than 10 MB (it is 10.")


def test_truncated_jpeg_is_refused_as_damaged():
    whole = make_image("JPEG", (1200, 800), quality=95)

    message = refusal("cut.jpg", whole[: len(whole) // 2])

    assert message == "“cut.jpg” is damaged: it could not be decoded completely."


@pytest.mark.parametrize(
    "name, image_format",
    [
        ("a.jpg", "JPEG"),
        ("a.jpeg", "JPEG"),
        ("a.png", "PNG"),
        ("a.webp", "WEBP"),
        ("a.avif", "AVIF"),
    ],
)
def test_jpeg_png_webp_and_avif_are_accepted(name, image_format):
    image = image_open(upload(name, make_image(image_format, (640, 480))), name=name)

    assert image.size == (640, 480)


def test_pillow_can_write_avif():
    from PIL import features

    assert features.check("avif")


# Through the admin: the rule shows on the form, and nothing else the editor typed is lost.


def admin_url(model, view, *args):
    return reverse(f"admin:catalog_{model._meta.model_name}_{view}", args=args)


def publication_form(admin_client, url, **fields):
    return {
        "title": "GPT-5-Codex addendum, with a cover",
        "slug": "gpt-5-codex-cover",
        "kind": Kind.SYSTEM_CARD,
        "label": Label.PUBLICATION,
        "status": Status.DRAFT,
        "published_at_0": "2025-09-15",
        "published_at_1": "09:00:00",
        "summary": "A summary the editor wrote with care.",
        "body": "",
        "external_url": "",
        "cover_alt": "A diagram of the evaluation pipeline",
        **management_form_data(admin_client.get(url)),
        **fields,
    }


BAD_COVERS = {
    "bomb": ("bomb.png", make_png_header(50_000, 50_000), "the limit is 40 megapixels"),
    "png named jpg": ("cover.jpg", make_image("PNG"), "is a PNG file but its name ends in .jpg"),
    "html named png": (
        "cover.png",
        b"<html><body onload=alert(1)>",
        "is not an image we can read as JPEG, PNG, WebP or AVIF",
    ),
}


@pytest.mark.parametrize("bad", BAD_COVERS.values(), ids=BAD_COVERS.keys())
def test_admin_shows_the_broken_rule_and_keeps_the_rest_of_the_form(admin_client, bad):
    name, data, rule = bad
    url = admin_url(Publication, "add")

    posted = publication_form(admin_client, url, cover_image=upload(name, data))

    response = admin_client.post(url, posted)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert rule in form.errors["cover_image"][0]
    page = response.content.decode()
    assert rule in page
    assert 'value="GPT-5-Codex addendum, with a cover"' in page
    assert "A summary the editor wrote with care." in page
    assert 'value="A diagram of the evaluation pipeline"' in page
    assert not Publication.objects.exists()
    assert media_files() == {}


def test_admin_file_input_offers_only_the_accepted_types(admin_client):
    page = admin_client.get(admin_url(Publication, "add")).content.decode()

    assert 'accept="image/jpeg,image/png,image/webp,image/avif"' in page


@pytest.mark.parametrize(
    "model, image_field, alt_field, form",
    [
        (Person, "portrait", "portrait_alt", {"name": "Zico Kolter", "slug": "zico-kolter"}),
        (
            Conversation,
            "image",
            "image_alt",
            {
                "title": "Where is AI going?",
                "slug": "where-is-ai-going",
                "position": "0",
                "status": Status.DRAFT,
                "published_at_0": "2025-09-15",
                "published_at_1": "09:00:00",
            },
        ),
    ],
)
def test_portrait_and_conversation_image_follow_the_same_rules(
    admin_client, model, image_field, alt_field, form
):
    url = admin_url(model, "add")

    wrong = admin_client.post(url, {**form, image_field: upload("a.jpg", make_image("PNG"))})
    no_alt = admin_client.post(url, {**form, image_field: upload("a.png", make_image("PNG"))})
    right = admin_client.post(
        url, {**form, image_field: upload("a.png", make_image("PNG")), alt_field: "A person"}
    )

    assert (
        "is a PNG file but its name ends in .jpg"
        in wrong.context["adminform"].form.errors[image_field][0]
    )
    assert "Describe the" in no_alt.context["adminform"].form.errors[alt_field][0]
    assert right.status_code == 302
    saved = model.objects.get()
    assert getattr(saved, image_field).name.endswith(".png")


def test_gps_camera_and_xmp_are_gone_from_the_stored_image(admin_client, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # to a temporary file, as large uploads go
    url = admin_url(Publication, "add")
    original = jpeg_with_gps_and_camera()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    response = admin_client.post(
        url, publication_form(admin_client, url, cover_image=upload("photo.jpg", original))
    )

    assert response.status_code == 302
    publication = Publication.objects.get()
    stored = Path(publication.cover_image.path).read_bytes()
    image = Image.open(io.BytesIO(stored))
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert dict(image.getexif()) == {}
    assert b"Examplecam" not in stored
    assert b"home address" not in stored
    assert "xmp" not in image.info
    for path in media_files().values():
        assert b"Examplecam" not in path.read_bytes(), path
        assert b"home address" not in path.read_bytes(), path


def test_a_photo_taken_sideways_is_stored_upright():
    # Orientation 6: the camera was turned, and viewers turn the picture 90° clockwise.
    publication = make_publication()
    sideways = jpeg_with_gps_and_camera(orientation=6)  # stored as 800 × 400

    publication.cover_image.save("sideways.jpg", upload("sideways.jpg", sideways))

    publication.refresh_from_db()
    assert (publication.cover_width, publication.cover_height) == (400, 800)
    stored = Image.open(publication.cover_image.path)
    assert stored.size == (400, 800)
    assert stored.getexif().get(ExifTags.Base.Orientation) is None
    # The red (left) half is now on top.
    red, green, blue = stored.convert("RGB").getpixel((200, 100))
    assert red > 200 and blue < 60
    red, green, blue = stored.convert("RGB").getpixel((200, 700))
    assert blue > 200 and red < 60


def test_saving_an_invalid_file_from_code_is_refused_too():
    publication = make_publication()

    with pytest.raises(ValidationError, match="is a PNG file but its name ends in .jpg"):
        publication.cover_image.save("cover.jpg", upload("cover.jpg", make_image("PNG")))

    assert media_files() == {}


# Renditions.


def rendition_files():
    return {name: path for name, path in media_files().items() if name.startswith("renditions/")}


def test_renditions_are_made_on_upload_at_widths_never_wider_than_the_original():
    publication = make_publication()

    publication.cover_image.save("card.jpg", upload("card.jpg", make_image("JPEG", (1200, 600))))

    name = publication.cover_image.name
    assert set(rendition_files()) == {
        f"renditions/{name}/{width}.{extension}"
        for width in (480, 960, 1200)
        for extension in ("avif", "webp", "jpg")
    }
    for path in rendition_files().values():
        image = Image.open(path)
        assert image.format == {".avif": "AVIF", ".webp": "WEBP", ".jpg": "JPEG"}[path.suffix]
        assert image.width == int(path.stem)
        assert image.height == int(path.stem) // 2


def test_widths_for_small_and_large_originals():
    assert rendition_widths(300, 200) == [300]
    assert rendition_widths(960, 640) == [480, 960]
    assert rendition_widths(5000, 3000) == [480, 960, 1600]


def test_transparent_png_keeps_its_transparency_in_its_renditions():
    person = Person.objects.create(name="A", slug="a", portrait_alt="Logo")
    logo = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    buffer = io.BytesIO()
    logo.save(buffer, "PNG")

    person.portrait.save("logo.png", upload("logo.png", buffer.getvalue()))

    names = set(rendition_files())
    assert f"renditions/{person.portrait.name}/600.png" in names
    for name, path in rendition_files().items():
        assert Image.open(path).mode == "RGBA", name


def test_renditions_are_made_once_and_reused_by_saves_and_pages(admin_client, client):
    url = admin_url(Publication, "add")
    admin_client.post(
        url,
        publication_form(
            admin_client,
            url,
            status=Status.PUBLISHED,
            published_at_0="2025-01-01",
            cover_image=upload("card.webp", make_image("WEBP", (2000, 1000))),
        ),
    )
    publication = Publication.objects.get()
    made = {name: path.stat().st_mtime_ns for name, path in rendition_files().items()}
    assert len(made) == 9

    change_url = admin_url(Publication, "change", publication.pk)
    response = admin_client.post(
        change_url,
        publication_form(
            admin_client,
            change_url,
            title="Renamed",
            status=Status.PUBLISHED,
            published_at_0="2025-01-01",
        ),
    )
    assert response.status_code == 302
    for _ in range(2):
        assert client.get(publication.get_absolute_url()).status_code == 200

    assert {name: path.stat().st_mtime_ns for name, path in rendition_files().items()} == made
    publication.refresh_from_db()
    assert publication.title == "Renamed"
    assert (publication.cover_width, publication.cover_height) == (2000, 1000)


def test_replacing_an_image_makes_renditions_of_the_new_one():
    publication = make_publication()
    publication.cover_image.save("card.png", upload("card.png", make_image("PNG", (800, 400))))
    first = publication.cover_image.name

    publication.cover_image.save("card.png", upload("card.png", make_image("PNG", (500, 500))))

    assert publication.cover_image.name != first
    assert (publication.cover_width, publication.cover_height) == (500, 500)
    assert f"renditions/{publication.cover_image.name}/500.avif" in rendition_files()


# Pages.


def live_publication_with_cover(size=(2000, 1000)):
    publication = make_publication(
        title="GPT-5 System Card", slug="gpt-5-system-card", cover_alt="The GPT-5 card's cover"
    )
    publication.cover_image.save("cover.jpg", upload("cover.jpg", make_image("JPEG", size)))
    return publication


def test_publication_page_shows_the_cover_as_a_picture_with_its_size_loaded_eagerly(client):
    publication = live_publication_with_cover()
    base = f"/media/renditions/{publication.cover_image.name}"

    page = client.get(publication.get_absolute_url()).content.decode()

    picture = re.search(r"<picture>.*?</picture>", page, re.S).group()
    assert (
        f'<source type="image/avif" srcset="{base}/480.avif 480w, {base}/960.avif 960w, '
        f'{base}/1600.avif 1600w"' in picture
    )
    assert f'<source type="image/webp" srcset="{base}/480.webp 480w' in picture
    img = re.search(r"<img [^>]*>", picture).group()
    assert f'src="{base}/1600.jpg"' in img
    assert 'width="1600" height="800"' in img
    assert 'alt="The GPT-5 card&#39;s cover"' in img
    assert 'loading="eager"' in img
    assert "/media/cover" not in page  # never the original


def test_link_previews_use_the_jpeg_rendition_with_its_size(client):
    publication = live_publication_with_cover()

    page = client.get(publication.get_absolute_url()).content.decode()

    url = f"http://testserver/media/renditions/{publication.cover_image.name}/1600.jpg"
    assert f'<meta property="og:image" content="{url}">' in page
    assert '<meta property="og:image:width" content="1600">' in page
    assert f'"image": "{url}"' in page  # schema.org Article


def test_images_below_the_fold_load_lazily(client):
    for number in range(3):
        conversation = Conversation.objects.create(
            title=f"Conversation {number}",
            slug=f"conversation-{number}",
            image_alt=f"Speaker {number} at the microphone",
            status=Status.PUBLISHED,
            published_at=timezone.now() - timedelta(days=1),
        )
        conversation.image.save("talk.jpg", upload("talk.jpg", make_image("JPEG", (900, 600))))

    page = client.get("/conversations/").content.decode()
    main = page[page.index("<main") : page.index("</main>")]  # not the header's logo

    images = re.findall(r"<img [^>]*>", main)
    assert len(images) == 3
    assert all('loading="lazy"' in img and 'width="900" height="600"' in img for img in images)


@pytest.mark.usefixtures("page_cache_off")
def test_list_pages_neither_open_image_files_nor_query_per_image(client):
    def add_conversations(count, start):
        Conversation.objects.bulk_create(
            Conversation(
                title=f"Conversation {number}",
                slug=f"conversation-{number}",
                status=Status.PUBLISHED,
                published_at=timezone.now() - timedelta(days=1),
                # No such files: a page that opened them would fail.
                image=f"conversations/missing-{number}.jpg",
                image_width=1280,
                image_height=720,
                image_alt="A still from the video",
            )
            for number in range(start, start + count)
        )

    def queries(url):
        client.get(url)  # the content's generation is read once, then kept in the cache
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured), response.content.decode().count("<picture>")

    add_conversations(2, 0)
    few = queries("/conversations/")
    add_conversations(18, 2)
    many = queries("/conversations/")

    assert few == (few[0], 2)
    assert many == (few[0], 20)


def test_image_without_a_stored_size_falls_back_to_a_plain_image(client):
    Conversation.objects.create(
        title="Old upload",
        slug="old-upload",
        status=Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=1),
        image="conversations/legacy.jpg",
        image_alt="An old upload",
    )
    Conversation.objects.filter(slug="old-upload").update(image_width=None, image_height=None)

    page = client.get("/conversations/old-upload/").content.decode()

    assert '<img class="cover" src="/media/conversations/legacy.jpg" alt="An old upload"' in page


# The command.


def test_regenerate_renditions_makes_every_rendition_again_and_fills_in_sizes(capsys):
    publication = live_publication_with_cover((1000, 500))
    before = dict(rendition_files())
    for path in before.values():
        path.unlink()
    Publication.objects.filter(pk=publication.pk).update(cover_width=None, cover_height=None)
    out, err = StringIO(), StringIO()

    call_command("regenerate_renditions", stdout=out, stderr=err)

    assert set(rendition_files()) == set(before)
    publication.refresh_from_db()
    assert (publication.cover_width, publication.cover_height) == (1000, 500)
    assert "Made 9 renditions of 1 image " in out.getvalue()
    assert "[##############################] 1/1" in capsys.readouterr().err


def test_regenerate_renditions_names_each_image_it_cannot_read_and_fails():
    live_publication_with_cover((1000, 500))
    Person.objects.create(
        name="Gone", slug="gone", portrait="people/gone.jpg", portrait_width=10, portrait_height=10
    )
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match="1 image could not be read"):
        call_command("regenerate_renditions", stdout=out, stderr=err)

    assert "Not regenerated: person" in err.getvalue()
    assert "people/gone.jpg" in err.getvalue()
    assert "Made 9 renditions of 1 image " in out.getvalue()


def test_alt_text_is_required_with_every_image():
    person = Person(name="A", slug="a", portrait="people/a.jpg")
    conversation = Conversation(title="T", slug="t", image="conversations/t.jpg")
    publication = Publication(title="P", slug="p", summary="S", cover_image="covers/p.jpg")

    for instance, alt_field in [
        (person, "portrait_alt"),
        (conversation, "image_alt"),
        (publication, "cover_alt"),
    ]:
        with pytest.raises(ValidationError) as caught:
            instance.full_clean()
        assert alt_field in caught.value.message_dict
