"""What the platform does around every request, whatever app answers it: one section for each
of its defences."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.models import HubPage, Publication
from editorial.models import Redirect
from tests.admin_forms import form_data
from tests.factories import make_pdf, make_publication
from tests.test_documents import publication_form
from tests.test_settings import manage

pytestmark = pytest.mark.django_db

PASSWORD = "a long passphrase"
LOGIN = "/admin/login/"


# Sign-in throttling.


@pytest.fixture
def chief(db):
    return get_user_model().objects.create_superuser("chief", password=PASSWORD)


def sign_in(client, password, *, address="203.0.113.7", username="chief", **headers):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **headers,
    )


def fail_five_times(client, **where):
    for _ in range(5):
        sign_in(client, "wrong guess", **where)


def is_signed_in(client):
    return SESSION_KEY in client.session


def test_a_right_password_signs_in(client, chief):
    response = sign_in(client, PASSWORD)

    assert response.status_code == 302 and is_signed_in(client)


def test_five_failures_lock_that_username_out_from_that_address_even_with_the_right_password(
    client, chief
):
    fail_five_times(client)

    response = sign_in(client, PASSWORD)

    assert response.status_code == 429
    assert not is_signed_in(client)
    assert (
        "Too many failed sign-ins for this account from your address. Try again in 15 minutes, "
        "or ask an administrator to unlock it." in response.content.decode()
    )


def test_four_failures_do_not_lock_out(client, chief):
    for _ in range(4):
        sign_in(client, "wrong guess")

    assert sign_in(client, PASSWORD).status_code == 302


def test_a_locked_out_username_still_signs_in_from_another_address(client, chief):
    fail_five_times(client, address="203.0.113.7")

    response = sign_in(client, PASSWORD, address="198.51.100.20")

    assert response.status_code == 302 and is_signed_in(client)


def test_another_username_still_signs_in_from_the_locked_out_address(client, chief):
    get_user_model().objects.create_user("editor", password=PASSWORD, is_staff=True)
    fail_five_times(client)

    assert sign_in(client, PASSWORD, username="editor").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, chief):
    fail_five_times(client)

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = sign_in(client, PASSWORD)

    assert response.status_code == 302 and is_signed_in(client)


@pytest.mark.parametrize(
    "command", [["axes_reset"], ["axes_reset_username", "chief"]], ids=lambda c: c[0]
)
def test_an_administrator_unlocks_with_a_management_command(client, chief, command):
    fail_five_times(client)

    call_command(*command, stdout=io.StringIO())

    assert sign_in(client, PASSWORD).status_code == 302


def test_behind_a_proxy_the_address_is_the_one_the_proxy_appended(client, chief, settings):
    settings.PROXY_COUNT = 1
    proxy = {"address": "10.0.0.2"}
    # The client forges what it likes on the left; the proxy appends what it saw.
    for forged in range(5):
        sign_in(
            client, "wrong guess", HTTP_X_FORWARDED_FOR=f"192.0.2.{forged}, 203.0.113.7", **proxy
        )

    locked = sign_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    other = sign_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.20", **proxy)

    assert locked.status_code == 429
    assert other.status_code == 302


def test_signing_in_with_force_login_is_not_throttled(chief):
    client = Client()
    fail_five_times(client)

    client.force_login(chief)

    assert client.get("/admin/").status_code == 200


# Content-Security-Policy, Permissions-Policy, Cross-Origin-Resource-Policy.


def policy(response):
    header = response["Content-Security-Policy"]
    return {
        directive.split()[0]: directive.split()[1:] for directive in header.split("; ") if directive
    }


def test_public_pages_allow_only_this_sites_styles_images_and_script_files(client):
    publication = make_publication(title="Card")

    for url in ["/", publication.get_absolute_url(), "/search/?q=card", "/no-such-page/"]:
        assert policy(client.get(url)) == {
            "default-src": ["'none'"],
            "script-src": ["'self'"],
            "style-src": ["'self'"],
            "img-src": ["'self'"],
            "form-action": ["'self'"],
            "base-uri": ["'none'"],
            "frame-ancestors": ["'none'"],
        }, url


def test_a_page_from_the_cache_keeps_its_headers(client):
    client.get("/publications/")

    response = client.get("/publications/")

    assert response["X-Page-Cache"] == "hit"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["Permissions-Policy"] and response["Cross-Origin-Resource-Policy"]


def test_the_admin_runs_its_own_scripts_and_no_inline_one_without_the_nonce(admin_client):
    response = admin_client.get(reverse("admin:catalog_publication_changelist"))

    directives = policy(response)
    nonce = next(value for value in directives["script-src"] if value.startswith("'nonce-"))
    assert directives["script-src"] == ["'self'", nonce]
    assert directives["style-src"] == ["'self'", nonce]
    assert directives["connect-src"] == ["'self'"]  # the Markdown preview
    assert directives["default-src"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert f'nonce="{nonce[7:-1]}"' in response.content.decode()


def test_the_admin_sign_in_page_has_the_admin_policy(client):
    response = client.get(LOGIN)

    assert policy(response)["script-src"][0] == "'self'"


def test_markdown_image_hosts_and_a_media_host_are_allowed_images():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(*settings.SECURE_CSP['img-src'])",
        DJANGO_MARKDOWN_IMAGE_HOSTS="images.example.org",
        DJANGO_MEDIA_URL="https://media.example.org/uploads/",
    )

    assert result.stdout.splitlines()[-1] == (
        "'self' https://images.example.org https://media.example.org"
    )


@pytest.mark.parametrize("url", ["/", "/publications/", LOGIN, "/no-such-page/"])
def test_every_response_denies_browser_features_and_other_sites(client, url):
    response = client.get(url)

    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    features = dict(item.split("=") for item in response["Permissions-Policy"].split(", "))
    assert {"camera", "microphone", "geolocation", "payment", "usb"} <= set(features)
    assert set(features.values()) == {"()"}


# The Host header.


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1:99999", "localhost:65536", "localhost:0", "localhost:080", "localhost:" + "9" * 20],
)
def test_a_host_with_an_impossible_port_is_refused(client, host):
    response = client.get("/publications/", HTTP_HOST=host)

    assert response.status_code == 400


def test_a_host_with_a_real_port_is_served_and_named_in_the_canonical_address(client):
    response = client.get("/publications/", HTTP_HOST="127.0.0.1:8443")

    assert response.status_code == 200
    assert '<link rel="canonical" href="http://127.0.0.1:8443/publications/">' in (
        response.content.decode()
    )


def test_a_refused_host_leaves_nothing_in_the_page_cache(client):
    client.get("/publications/", HTTP_HOST="127.0.0.1:99999")

    assert client.get("/publications/", HTTP_HOST="127.0.0.1")["X-Page-Cache"] == "miss"


# The page cache and session cookies.


@pytest.mark.parametrize("page", ["list", "detail"])
def test_a_made_up_session_cookie_is_served_from_the_cache(client, page):
    publication = make_publication(title="Cached card")
    url = "/publications/" if page == "list" else publication.get_absolute_url()
    client.get(url)

    client.cookies["sessionid"] = "madeupmadeupmadeupmadeupmadeup12"
    response = client.get(url)

    assert response["X-Page-Cache"] == "hit"
    assert b"Cached card" in response.content


def test_a_signed_in_staff_member_is_never_served_from_the_cache(client, editor):
    publication = make_publication(title="Card")
    client.get(publication.get_absolute_url())
    client.force_login(editor)

    response = client.get(publication.get_absolute_url())

    assert "X-Page-Cache" not in response


def test_a_signed_out_session_cookie_is_served_from_the_cache(client, editor):
    client.get("/publications/")
    client.force_login(editor)
    old_cookie = client.cookies["sessionid"].value
    client.logout()

    client.cookies["sessionid"] = old_cookie
    response = client.get("/publications/")

    assert response["X-Page-Cache"] == "hit"


# Links that must stay on the site.

OFF_SITE = [
    "/\\evil.example/",
    "//evil.example",
    "/%5Cevil.example",
    "/%5cevil.example",
    "/%2F%2Fevil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "javascript:alert(1)",
    "https:/\\evil.example",
    "evil.example",
]


@pytest.mark.parametrize("link", OFF_SITE)
def test_the_hubs_evaluations_link_refuses_what_a_browser_reads_as_another_site(link):
    hub = HubPage(evaluations_link_url=link)

    with pytest.raises(ValidationError) as caught:
        hub.clean()

    assert "evaluations_link_url" in caught.value.message_dict


@pytest.mark.parametrize(
    "link", ["/evaluations/", "/evaluations/?category=jailbreaks#results", "https://example.org/x"]
)
def test_the_hubs_evaluations_link_takes_a_site_path_or_a_web_address(link):
    HubPage(evaluations_link_url=link).clean()


@pytest.mark.parametrize("link", [*OFF_SITE, "https://evil.example/"])
def test_a_redirect_goes_only_to_a_path_on_this_site(link):
    redirect = Redirect(old_path="/publications/old/", new_path=link)

    with pytest.raises(ValidationError) as caught:
        redirect.full_clean()

    assert "new_path" in caught.value.message_dict


def test_the_admin_refuses_a_redirect_off_the_site(admin_client):
    url = reverse("admin:editorial_redirect_add")
    data = form_data(
        admin_client.get(url), "redirect_form", old_path="/old/", new_path="/\\evil.example/"
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "new_path" in response.context["adminform"].form.errors
    assert not Redirect.objects.exists()


# Request bodies.


class Body(io.RawIOBase):
    """A request body that says how much of it was read."""

    def __init__(self, size):
        self.size = size
        self.read_bytes = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        count = min(len(buffer), self.size - self.read_bytes)
        buffer[:count] = b"x" * count
        self.read_bytes += count
        return count


def test_a_300_mb_body_is_refused_before_it_is_read(chief):
    client = Client(enforce_csrf_checks=True)
    client.force_login(chief)
    body = Body(300 * 1024 * 1024)

    response = client.generic(
        "POST",
        reverse("admin:catalog_publication_add"),
        CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(body.size),
        **{"wsgi.input": body},
    )

    assert response.status_code == 413
    assert body.read_bytes == 0


def test_a_document_upload_within_the_limit_is_kept(admin_client, settings):
    settings.REQUEST_MAX_MB = 1
    url = reverse("admin:catalog_publication_add")
    pdf = SimpleUploadedFile("card.pdf", make_pdf(pages=3))

    response = admin_client.post(url, publication_form(admin_client, url, document=pdf))

    assert response.status_code == 302
    assert Publication.objects.get().document
