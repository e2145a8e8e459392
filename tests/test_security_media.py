"""Media under attack: an image no format can hold whole is made to fit or refused before any
file is written, a failed upload leaves nothing behind, a draft's PDF is only for those who may
see the draft, and no document can run a script, in a PDF reader or on this site."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.csp import CSP
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from catalog.models import Kind, Label, Person, Publication, Status
from editorial.previews import preview_link_create, preview_link_revoke
from tests.admin_forms import management_form_data
from tests.factories import make_image, make_pdf, make_png_header, make_publication
from uploads.documents import pdf_check
from uploads.images import RENDITION_MAX_SIDE, image_open

pytestmark = pytest.mark.django_db

DOCUMENT_POLICY = "default-src 'none'; sandbox"


def media_files():
    root = Path(settings.MEDIA_ROOT)
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def admin_url(model, view, *args):
    return reverse(f"admin:catalog_{model._meta.model_name}_{view}", args=args)


def publication_form(admin_client, url, **fields):
    return {
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
        **management_form_data(admin_client.get(url)),
    }


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


def test_renditions_that_cannot_all_be_stored_leave_none_behind_and_pages_show_the_original():
    """The fourth rendition's place is taken by a folder the storage cannot replace. Renditions
    are made by a background task: the image is saved, the task fails, and pages show the
    original rather than a missing rendition."""
    from uploads.images import picture_for

    person = Person.objects.create(name="Zico Kolter", slug="zico-kolter", portrait_alt="Zico")
    in_the_way = Path(settings.MEDIA_ROOT) / "renditions/people/zico.png/800.avif/in-the-way"
    in_the_way.mkdir(parents=True)
    portrait = SimpleUploadedFile("zico.png", make_image("PNG", (800, 400)))

    person.portrait.save("zico.png", portrait)

    assert media_files() == {"people/zico.png"}
    person.refresh_from_db()
    assert picture_for(person.portrait).fallback.url == person.portrait.url


# Draft documents: who may download them.


def publication_with_document(**fields):
    publication = make_publication(title="GPT-6 System Card", slug="gpt-6-system-card", **fields)
    publication.document.save("card.pdf", SimpleUploadedFile("card.pdf", make_pdf()))
    return publication


def test_staff_without_permission_cannot_download_a_drafts_document(client, django_user_model):
    guest = django_user_model.objects.create_user("guest", password="x", is_staff=True)
    client.force_login(guest)
    draft = publication_with_document(status=Status.DRAFT)
    live = make_publication(slug="live-card")
    live.document.save("live.pdf", SimpleUploadedFile("live.pdf", make_pdf()))

    assert client.get(draft.get_document_url()).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(live.get_document_url()).status_code == 200


def test_an_editor_who_may_preview_the_draft_downloads_its_document(editor_client):
    draft = publication_with_document(status=Status.REVIEW)

    response = editor_client.get(draft.get_document_url())

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == make_pdf()
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


def test_a_preview_link_opens_its_drafts_document_for_a_reviewer_without_an_account(client, editor):
    draft = publication_with_document(status=Status.DRAFT)
    link = preview_link_create(target=draft, user=editor)

    page = client.get(link.get_absolute_url()).content.decode()
    document_url = f"/preview/{link.token}/document.pdf"
    response = client.get(document_url)

    assert f'href="{document_url}"' in page
    assert draft.get_document_url() not in page
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == make_pdf()
    assert "no-store" in response["Cache-Control"]
    assert client.get(draft.get_document_url()).status_code == 404


def test_a_preview_links_document_stops_with_the_link(client, editor, publisher):
    draft = publication_with_document(status=Status.DRAFT)
    expiring = preview_link_create(target=draft, user=editor)
    revoked = preview_link_create(target=draft, user=editor)
    preview_link_revoke(link=revoked, user=publisher)

    with time_machine.travel(timezone.now() + timedelta(days=settings.PREVIEW_LINK_DAYS, hours=1)):
        expired = client.get(expiring.get_document_url())
    stopped = client.get(revoked.get_document_url())

    for response in (expired, stopped):
        assert response.status_code == 410
        assert response["Content-Type"].startswith("text/html")


def test_a_preview_link_opens_no_other_document(client, editor):
    shown = make_publication(status=Status.DRAFT, slug="no-document")
    publication_with_document(status=Status.DRAFT)
    link = preview_link_create(target=shown, user=editor)

    assert client.get(link.get_document_url()).status_code == 404
    assert client.get("/preview/not-a-real-token/document.pdf").status_code == 404


def test_a_preview_links_document_once_published_leads_to_the_public_one(client, editor):
    draft = publication_with_document(status=Status.DRAFT)
    link = preview_link_create(target=draft, user=editor)
    draft.status = Status.PUBLISHED
    draft.save()

    response = client.get(link.get_document_url())

    assert response.status_code == 302
    assert response["Location"] == draft.get_document_url()


# Documents can run nothing.


def js_action(script="app.alert(document.cookie)"):
    return DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(script),
        }
    )


def annotation(action_key, action):
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(0), FloatObject(0)] * 2),
            NameObject(action_key): action,
        }
    )


def on_page(writer, item):
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(item)])


def make_pdf_with(change, **encryption):
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    change(writer)
    if encryption:
        writer.encrypt(**encryption)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def set_in_catalog(key, value):
    return lambda writer: writer.root_object.__setitem__(NameObject(key), value)


def set_on_first_page(key, value):
    return lambda writer: writer.pages[0].__setitem__(NameObject(key), value)


def document_script(writer, action):
    """A script run on opening, in the catalog's names tree, as Acrobat writes one."""
    scripts = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("hi"), writer._add_object(action)])}
    )
    names = DictionaryObject({NameObject("/JavaScript"): writer._add_object(scripts)})
    writer.root_object[NameObject("/Names")] = writer._add_object(names)


def launch():
    return DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
    )


def goto_then(action):
    return lambda writer: writer.root_object.__setitem__(
        NameObject("/OpenAction"),
        DictionaryObject(
            {
                NameObject("/S"): NameObject("/GoTo"),
                NameObject("/D"): ArrayObject([writer.pages[0].indirect_reference]),
                NameObject("/Next"): writer._add_object(action),
            }
        ),
    )


SCRIPTED = {
    "document script": lambda writer: document_script(writer, js_action()),
    "open action": set_in_catalog("/OpenAction", js_action()),
    "action after a go-to": goto_then(js_action()),
    "document additional actions": set_in_catalog(
        "/AA", DictionaryObject({NameObject("/WC"): js_action()})
    ),
    "page additional actions": set_on_first_page(
        "/AA", DictionaryObject({NameObject("/O"): js_action()})
    ),
    "link annotation": lambda writer: on_page(writer, annotation("/A", js_action())),
    "annotation additional actions": lambda writer: on_page(
        writer, annotation("/AA", DictionaryObject({NameObject("/E"): js_action()}))
    ),
    "launch action": lambda writer: on_page(writer, annotation("/A", launch())),
    "launch action named indirectly": lambda writer: on_page(
        writer,
        annotation(
            "/A",
            DictionaryObject({NameObject("/S"): writer._add_object(NameObject("/Launch"))}),
        ),
    ),
    "xfa form": set_in_catalog(
        "/AcroForm",
        DictionaryObject(
            {
                NameObject("/Fields"): ArrayObject(),
                NameObject("/XFA"): TextStringObject("<xdp><script>app.alert(1)</script></xdp>"),
            }
        ),
    ),
}


@pytest.mark.parametrize("change", SCRIPTED.values(), ids=SCRIPTED.keys())
def test_a_pdf_that_could_run_something_is_refused(change):
    scripted = make_pdf_with(change)

    with pytest.raises(ValidationError) as caught:
        pdf_check(SimpleUploadedFile("card.pdf", scripted), name="card.pdf")

    assert caught.value.messages == [
        "“card.pdf” contains JavaScript, or actions that run by themselves or start a program; "
        "upload a copy without them (printing it to a new PDF removes them)."
    ]


def test_a_script_is_found_in_an_aes_encrypted_pdf_anyone_can_open():
    scripted = make_pdf_with(
        SCRIPTED["document script"], user_password="", owner_password="o", algorithm="AES-256"
    )

    with pytest.raises(ValidationError, match="contains JavaScript"):
        pdf_check(SimpleUploadedFile("card.pdf", scripted), name="card.pdf")


def test_links_and_an_opening_view_are_no_scripts():
    def change(writer):
        uri = DictionaryObject(
            {
                NameObject("/S"): NameObject("/URI"),
                NameObject("/URI"): TextStringObject("https://example.org/"),
            }
        )
        on_page(writer, annotation("/A", uri))
        destination = [writer.pages[0].indirect_reference, NameObject("/Fit")]
        writer.root_object[NameObject("/OpenAction")] = ArrayObject(destination)

    plain = make_pdf_with(change, user_password="", owner_password="o", algorithm="AES-256")

    pdf_check(SimpleUploadedFile("card.pdf", plain), name="card.pdf")


def test_the_admin_refuses_a_pdf_with_javascript_and_stores_nothing(admin_client):
    url = admin_url(Publication, "add")
    scripted = SimpleUploadedFile("card.pdf", make_pdf_with(SCRIPTED["open action"]))

    response = admin_client.post(
        url, publication_form(admin_client, url, cover_alt="", document=scripted)
    )

    assert response.status_code == 200
    assert "“card.pdf” contains JavaScript" in response.content.decode()
    assert not Publication.objects.exists()
    private_root = Path(settings.PRIVATE_MEDIA_ROOT)
    assert not private_root.exists() or not any(private_root.rglob("*.pdf"))


# Documents run nothing on this site either.


def document_responses(client, editor_client, editor):
    live = publication_with_document()
    draft = make_publication(status=Status.DRAFT, slug="draft-card")
    draft.document.save("draft.pdf", SimpleUploadedFile("draft.pdf", make_pdf()))
    link = preview_link_create(target=draft, user=editor)
    return {
        "public": client.get(live.get_document_url()),
        "staff preview": editor_client.get(draft.get_document_url()),
        "preview link": client.get(link.get_document_url()),
    }


def test_every_document_is_a_sandboxed_download(client, editor_client, editor):
    for kind, response in document_responses(client, editor_client, editor).items():
        assert response.status_code == 200, kind
        assert response["Content-Security-Policy"] == DOCUMENT_POLICY, kind
        assert response["X-Content-Type-Options"] == "nosniff", kind
        assert response["Content-Type"] == "application/pdf", kind
        assert response["Content-Disposition"].startswith("attachment; filename="), kind
        # A WSGI server accepts only plain str header names (wsgiref asserts it).
        assert all(type(name) is str for name, _ in response.items()), kind


def test_the_document_policy_wins_over_the_sites(client, editor_client, editor, settings):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "django.middleware.csp.ContentSecurityPolicyMiddleware",
    ]
    settings.SECURE_CSP = {"default-src": [CSP.SELF], "img-src": [CSP.SELF, "https:"]}

    responses = document_responses(client, editor_client, editor)
    page = client.get(reverse("catalog:publication_detail", args=["gpt-6-system-card"]))

    assert page["Content-Security-Policy"] == "default-src 'self'; img-src 'self' https:"
    for kind, response in responses.items():
        assert response["Content-Security-Policy"] == DOCUMENT_POLICY, kind
