"""Uploaded documents: only real PDFs within the size limit are kept, in private storage, and
a view hands them out with safe headers, to visitors only once the publication is live."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from catalog.models import Kind, Label, Publication, Status
from tests.admin_forms import management_form_data
from tests.factories import make_pdf, make_publication
from uploads.documents import pdf_check

pytestmark = pytest.mark.django_db


def refusal(name, data):
    with pytest.raises(ValidationError) as caught:
        pdf_check(SimpleUploadedFile(name, data), name=name)
    return caught.value.messages[0]


def test_a_real_pdf_is_accepted():
    pdf_check(SimpleUploadedFile("card.pdf", make_pdf(pages=3)), name="card.pdf")


def test_html_named_pdf_is_refused():
    message = refusal("card.pdf", b"<!doctype html><script>alert(1)</script>")

    assert message == "“card.pdf” is not a PDF: its content does not start as a PDF’s does."


def test_a_pdf_signature_followed_by_junk_is_refused():
    message = refusal("card.pdf", b"%PDF-1.7\n<html><script>alert(1)</script></html>\n")

    assert message.startswith("“card.pdf” starts like a PDF but is damaged: it cannot be read")


def test_a_truncated_pdf_is_refused():
    whole = make_pdf(pages=2)

    assert "is damaged" in refusal("card.pdf", whole[: len(whole) // 2])


def test_a_pdf_that_needs_a_password_is_refused():
    locked = make_pdf(user_password="secret", algorithm="RC4-128")

    assert refusal("card.pdf", locked) == (
        "“card.pdf” needs a password to open; upload a copy anyone can read."
    )


def test_a_pdf_with_only_an_owner_password_is_accepted():
    restricted = make_pdf(user_password="", owner_password="owner", algorithm="RC4-128")

    pdf_check(SimpleUploadedFile("card.pdf", restricted), name="card.pdf")


def test_a_pdf_over_the_size_limit_is_refused(settings):
    settings.DOCUMENT_MAX_MB = 1
    padded = make_pdf() + b"%" + b"x" * (1024 * 1024)

    assert refusal("card.pdf", padded).startswith("“card.pdf” is larger than 1 MB (it is 1.0")


# Through the admin.


def admin_url(view, *args):
    return reverse(f"admin:catalog_publication_{view}", args=args)


def publication_form(admin_client, url, **fields):
    return {
        "title": "GPT-5 System Card",
        "slug": "gpt-5-system-card",
        "kind": Kind.SYSTEM_CARD,
        "label": Label.PUBLICATION,
        "status": Status.DRAFT,
        "published_at_0": "2025-08-07",
        "published_at_1": "09:00:00",
        "summary": "What we tested before release.",
        "body": "",
        "external_url": "",
        "cover_alt": "",
        **fields,
        **management_form_data(admin_client.get(url)),
    }


def test_admin_refuses_a_renamed_html_file_and_keeps_the_rest_of_the_form(admin_client):
    url = admin_url("add")
    html = SimpleUploadedFile("card.pdf", b"<html><body onload=alert(1)>")

    response = admin_client.post(url, publication_form(admin_client, url, document=html))

    assert response.status_code == 200
    page = response.content.decode()
    assert "“card.pdf” is not a PDF" in page
    assert 'value="GPT-5 System Card"' in page
    assert "What we tested before release." in page
    assert not Publication.objects.exists()


def test_admin_keeps_an_accepted_pdf_in_private_storage_only(admin_client, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # to a temporary file, as large uploads go
    url = admin_url("add")
    pdf = SimpleUploadedFile("gpt-5-system-card.pdf", make_pdf())

    response = admin_client.post(url, publication_form(admin_client, url, document=pdf))

    assert response.status_code == 302
    publication = Publication.objects.get()
    stored = Path(settings.PRIVATE_MEDIA_ROOT) / publication.document.name
    assert stored.read_bytes() == make_pdf()
    assert not Path(settings.MEDIA_ROOT).exists() or not any(
        Path(settings.MEDIA_ROOT).rglob("*.pdf")
    )
    assert publication.document.url == "/publications/gpt-5-system-card/document.pdf"


def test_admin_form_states_the_size_limit(admin_client, settings):
    settings.DOCUMENT_MAX_MB = 20

    page = admin_client.get(admin_url("add")).content.decode()

    assert "A PDF of at most 20 MB, with no JavaScript in it." in page
    assert 'accept="application/pdf,.pdf"' in page


# The view.


def publication_with_document(**fields):
    publication = make_publication(title="GPT-5 System Card", slug="gpt-5-system-card", **fields)
    publication.document.save("card.pdf", SimpleUploadedFile("card.pdf", make_pdf()))
    return publication


def test_document_is_served_as_a_pdf_download_named_for_the_publication(client):
    publication_with_document()

    response = client.get("/publications/gpt-5-system-card/document.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="gpt-5-system-card.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == make_pdf()


def test_publication_page_links_to_the_document_view_not_to_media(client):
    publication_with_document()

    page = client.get("/publications/gpt-5-system-card/").content.decode()

    assert 'href="/publications/gpt-5-system-card/document.pdf"' in page
    assert "card.pdf" not in page
    assert "/media/" not in page


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Status.DRAFT},
        {"status": Status.REVIEW},
        {"published_at": timezone.now() + timedelta(days=1)},
    ],
    ids=["draft", "in review", "scheduled"],
)
def test_an_unpublished_publications_document_is_for_staff_only(client, admin_client, fields):
    publication_with_document(**fields)
    url = "/publications/gpt-5-system-card/document.pdf"

    visitor = client.get(url)
    staff = admin_client.get(url)

    assert visitor.status_code == 404
    assert staff.status_code == 200
    assert "private" in staff["Cache-Control"]
    assert b"".join(staff.streaming_content) == make_pdf()


def test_a_publication_without_a_document_has_no_document_address(client):
    make_publication(slug="no-document")

    assert client.get("/publications/no-document/document.pdf").status_code == 404


def test_a_document_whose_file_is_gone_is_a_404_not_a_500(client):
    publication = publication_with_document()
    (Path(settings.PRIVATE_MEDIA_ROOT) / publication.document.name).unlink()

    response = client.get("/publications/gpt-5-system-card/document.pdf")

    assert response.status_code == 404


def test_private_storage_gives_no_public_url():
    publication = publication_with_document()

    with pytest.raises(ValueError, match="is private"):
        publication.document.storage.url(publication.document.name)
