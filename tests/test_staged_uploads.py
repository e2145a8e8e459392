"""A file chosen on a form that is refused is kept for the next submit (issue #17)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from catalog.models import Publication
from tests.admin_forms import form_data
from tests.factories import make_image, make_pdf, make_publication
from uploads.staging import STAGED_MAX_AGE, staged_store

pytestmark = pytest.mark.django_db


def change_url(card):
    return f"/admin/catalog/publication/{card.pk}/change/"


def staged_files():
    root = Path(settings.PRIVATE_MEDIA_ROOT) / "staged"
    return sorted(path.name for path in root.rglob("*") if path.is_file())


def kept_token(html, field):
    match = re.search(rf'name="{field}__staged" value="([^"]+)"', html)
    assert match, f"no kept {field} in the page"
    return match.group(1)


def refused_with_cover(client, card):
    """The form posted with a cover picked and its description left empty."""
    data = form_data(client.get(change_url(card)), "publication_form", cover_alt="")
    data["cover_image"] = SimpleUploadedFile("cover.jpg", make_image("JPEG", (1200, 600)))
    response = client.post(change_url(card), data)
    assert response.status_code == 200  # refused, shown again
    return data, response


def test_a_refused_form_keeps_the_chosen_image(admin_client):
    card = make_publication(title="Card")

    _, response = refused_with_cover(admin_client, card)

    html = response.content.decode()
    assert "Describe the cover image for screen readers." in html
    assert "Kept: <strong>cover.jpg</strong>" in html
    assert staged_files() == ["cover.jpg"]


def test_the_next_valid_submit_saves_the_kept_image(
    admin_client, django_capture_on_commit_callbacks
):
    card = make_publication(title="Card")
    data, response = refused_with_cover(admin_client, card)
    token = kept_token(response.content.decode(), "cover_image")
    data = form_data(response, "publication_form", cover_alt="A cover")
    data.pop("cover_image", None)
    assert data["cover_image__staged"] == [token]

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(change_url(card), data)

    assert response.status_code == 302
    card.refresh_from_db()
    assert card.cover_image.name.endswith(".jpg")
    assert (card.cover_width, card.cover_height) == (1200, 600)
    assert staged_files() == []  # used, then deleted


def test_a_kept_image_can_be_removed(admin_client):
    card = make_publication(title="Card")
    _, response = refused_with_cover(admin_client, card)
    data = form_data(response, "publication_form", cover_alt="", cover_image__staged_remove="on")
    data.pop("cover_image", None)

    response = admin_client.post(change_url(card), data)

    assert response.status_code == 302
    card.refresh_from_db()
    assert not card.cover_image
    assert staged_files() == []


def test_a_refused_form_keeps_the_chosen_document(admin_client):
    card = make_publication(title="Card")
    data = form_data(admin_client.get(change_url(card)), "publication_form", title="")
    data["document"] = SimpleUploadedFile("card.pdf", make_pdf())

    response = admin_client.post(change_url(card), data)

    assert "Kept: <strong>card.pdf</strong>" in response.content.decode()
    data = form_data(response, "publication_form", title="Card again")
    data.pop("document", None)
    assert admin_client.post(change_url(card), data).status_code == 302
    card.refresh_from_db()
    assert card.document.name.endswith(".pdf")


def test_an_invalid_file_is_not_kept(admin_client):
    card = make_publication(title="Card")
    data = form_data(admin_client.get(change_url(card)), "publication_form", cover_alt="")
    data["cover_image"] = SimpleUploadedFile("cover.jpg", b"not an image")

    response = admin_client.post(change_url(card), data)

    assert "Kept:" not in response.content.decode()
    assert staged_files() == []


def test_another_user_cannot_claim_a_staged_file(admin_client, admin_user, django_user_model):
    other = django_user_model.objects.create_superuser("other", password="x")
    upload = SimpleUploadedFile("secret.jpg", make_image("JPEG"))
    token = staged_store(upload=upload, user_pk=other.pk)
    card = make_publication(title="Card")
    data = form_data(admin_client.get(change_url(card)), "publication_form", cover_alt="Alt")
    data["cover_image__staged"] = token

    response = admin_client.post(change_url(card), data)

    assert response.status_code == 302
    card.refresh_from_db()
    assert not card.cover_image


@pytest.mark.parametrize(
    "token", ["forged", "staged/../../etc/passwd", "eyJwYXRoIjoic3RhZ2VkL3gifQ:bad:sig"]
)
def test_a_forged_token_claims_nothing(admin_client, token):
    card = make_publication(title="Card")
    data = form_data(admin_client.get(change_url(card)), "publication_form", cover_alt="Alt")
    data["cover_image__staged"] = token

    assert admin_client.post(change_url(card), data).status_code == 302
    card.refresh_from_db()
    assert not card.cover_image


def test_an_expired_token_claims_nothing(admin_client, admin_user):
    import time_machine
    from django.utils import timezone

    token = staged_store(upload=SimpleUploadedFile("a.jpg", make_image()), user_pk=admin_user.pk)
    card = make_publication(title="Card")
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=STAGED_MAX_AGE + 60)):
        data = form_data(admin_client.get(change_url(card)), "publication_form", cover_alt="A")
        data["cover_image__staged"] = token
        admin_client.post(change_url(card), data)

    card.refresh_from_db()
    assert not card.cover_image


def test_the_cleanup_command_deletes_old_staged_files(admin_user):
    staged_store(upload=SimpleUploadedFile("a.jpg", make_image()), user_pk=admin_user.pk)

    call_command("clear_staged_uploads", verbosity=0)
    assert staged_files() == ["a.jpg"]  # still claimable
    call_command("clear_staged_uploads", "--older-than", "-1", verbosity=0)
    assert staged_files() == []


def test_a_new_file_wins_over_a_kept_one(admin_client):
    card = make_publication(title="Card")
    _, response = refused_with_cover(admin_client, card)
    data = form_data(response, "publication_form", cover_alt="A cover")
    data["cover_image"] = SimpleUploadedFile("new.png", make_image("PNG", (300, 200)))

    assert admin_client.post(change_url(card), data).status_code == 302
    card.refresh_from_db()
    assert card.cover_image.name.endswith(".png")
    assert Publication.objects.get(pk=card.pk).cover_width == 300
