"""What every request and response goes through, whatever app answers it: rules of the
platform's safety that belong to no app."""

import ipaddress

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.http.request import split_domain_port
from django.middleware import csp
from django.urls import reverse


class HostPortMiddleware:
    """Refuses (400) a Host whose port is no port, such as 127.0.0.1:99999.

    ALLOWED_HOSTS checks only the name; first in the chain, so no redirect, canonical address or
    page-cache key is ever built from such a Host.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        host = request.get_host()  # raises DisallowedHost for a name not in ALLOWED_HOSTS
        _, port = split_domain_port(host)
        if port and not (len(port) <= 5 and not port.startswith("0") and int(port) <= 65535):
            raise DisallowedHost(f"Invalid HTTP_HOST header: {host!r}. The port is not valid.")
        return self.get_response(request)


class RequestSizeMiddleware:
    """Refuses (413) a body over REQUEST_MAX_MB before anything reads it.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves files out, and the CSRF check reads a whole
    multipart body to find its token, so without this a 300 MB upload is read before its 403.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body then either
        if length > settings.REQUEST_MAX_MB * 1024 * 1024:
            return HttpResponse(
                f"Request too large: at most {settings.REQUEST_MAX_MB} MB.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(csp.ContentSecurityPolicyMiddleware):
    """Django's CSP, with the admin's own policy (ADMIN_CSP: its scripts and the Markdown
    preview) under /admin/; a view that sets its policy itself (documents) keeps it."""

    def process_response(self, request, response):
        if request.path.startswith(reverse("admin:index")) and not hasattr(response, "_csp_config"):
            response._csp_config = settings.ADMIN_CSP
        return super().process_response(request, response)


class BrowserFeaturesMiddleware:
    """Permissions-Policy and Cross-Origin-Resource-Policy on every response: the site uses no
    camera, microphone or location, and no other site may embed its pages or files."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = ", ".join(f"{name}=()" for name in settings.PERMISSIONS_DENIED)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


def client_address(request):
    """The visitor's address: REMOTE_ADDR, or behind PROXY_COUNT proxies the address the
    farthest of them appended to X-Forwarded-For (entries left of it the client can forge)."""
    address = request.META.get("REMOTE_ADDR")
    if settings.PROXY_COUNT:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(forwarded) >= settings.PROXY_COUNT:
            address = forwarded[-settings.PROXY_COUNT].strip()
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return request.META.get("REMOTE_ADDR")
