"""Whole public pages from the cache for anonymous visitors, and the HTTP headers that let
browsers and shared caches (Varnish, a CDN) keep them too."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, split_header_value

from pagecache.generation import (
    GENERATION_KEY,
    cache_get_many,
    cache_set,
    generation_current,
    generation_from_cache,
    generation_remember,
)
from pagecache.keys import SITE_KEY, context_keys, surrogate_keys_add

NOT_SHARED = ("private", "no-store", "no-cache")


def is_plain_read(request) -> bool:
    """A GET or HEAD outside the admin with no credentials: what a visitor's browser sends."""
    return (
        request.method in ("GET", "HEAD")
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.path.startswith(reverse("admin:index"))
    )


def known_parameters(request) -> QueryDict:
    """The query as the page reads it: only the parameters its view takes (the view's
    `allowed_parameters`; all of them for a view that names none), names in order, each name's
    values in the order given."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return request.GET
    view = getattr(match.func, "view_class", match.func)
    allowed = getattr(view, "allowed_parameters", None)
    names = [name for name in sorted(request.GET) if allowed is None or name in allowed]
    return QueryDict(urlencode([(name, request.GET.getlist(name)) for name in names], doseq=True))


class KnownParametersMiddleware:
    """Tolerant addresses: a parameter the page does not take (a shared link's `?utm_source=…`
    or `?fbclid=…`) is dropped before anything reads the query, so the page is the same with or
    without it, and the page cache keeps one copy of it, whatever the order of the others."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = known_parameters(request)
        return self.get_response(request)


@dataclass
class CachedPage:
    token: str  # the generation it was rendered in
    expires_at: datetime
    response: HttpResponse


class PageCacheMiddleware:
    """Serves a page from the cache while the content it shows is unchanged, in one cache read
    (the page and the generation together) and no database query.

    Only anonymous GETs are cached (no signed-in session: staff see drafts and previews), and
    only complete 200 answers that set no cookie and do not ask to stay private.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not is_plain_read(request) or self.is_signed_in(request):
            return self.get_response(request)
        key = self.page_key(request)
        found = cache_get_many([GENERATION_KEY, key])
        generation = generation_from_cache(found.get(GENERATION_KEY)) or generation_remember()
        request.generation = generation  # for the Cache-Control headers
        now = timezone.now()
        page = found.get(key)
        if (
            isinstance(page, CachedPage)
            and page.token == generation.token
            and now < page.expires_at
        ):
            page.response["X-Page-Cache"] = "hit"
            return page.response
        response = self.get_response(request)
        timeout = generation.seconds_left(now, seconds)
        if timeout and self.is_shareable(response):
            # Feeds write thousands of small chunks; one keeps the stored copy quick to read.
            response.content = response.content
            expires_at = now + timedelta(seconds=timeout)
            cache_set(key, CachedPage(generation.token, expires_at, response), timeout)
            response["X-Page-Cache"] = "miss"
        return response

    def page_key(self, request) -> str:
        """One key per page: release (the cache's key prefix), scheme, host, path and the
        parameters the page reads (see KnownParametersMiddleware). Nothing else varies: pages
        vary on Cookie only for signed-in staff, who never get here."""
        address = f"{request.scheme}://{request.get_host()}{request.path}?{request.GET.urlencode()}"
        return f"page.{hashlib.sha256(address.encode()).hexdigest()}"

    def is_signed_in(self, request):
        """Whether the session cookie names a session someone signed in to: a made-up or expired
        one must not cost a render of every page (one session read, for requests with one)."""
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        return bool(session_key) and SESSION_KEY in self.session_store(session_key)

    def is_shareable(self, response):
        cache_control = response.get("Cache-Control", "")
        vary = {name.lower() for name in split_header_value(response.get("Vary", ""))}
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not any(word in cache_control for word in NOT_SHARED)
            and vary <= {"cookie"}
        )


def is_public(request, response) -> bool:
    """Whether any cache may keep `response` for everyone: a complete page answered to an
    anonymous visitor that sets no cookie, holds no CSRF token and does not ask to stay
    private (previews, drafts for staff)."""
    user = getattr(request, "user", None)  # absent on a page-cache hit, which is anonymous
    return (
        is_plain_read(request)
        and response.status_code == 200
        and not response.streaming
        and not (user and user.is_authenticated)
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not any(word in response.get("Cache-Control", "") for word in NOT_SHARED)
    )


class HttpCachingMiddleware:
    """Cache-Control, Last-Modified and surrogate keys (`xkey`) on every response.

    Public pages may be kept by browsers for HTTP_CACHE_MAX_AGE and by shared caches for
    HTTP_CACHE_S_MAXAGE, which is safe because a change purges exactly the pages naming it
    (pagecache.changes); both end when the next scheduled item goes live, so it appears on time
    with no cron and no purge. Everything else is `private, no-store`. ETags and 304s are
    Django's ConditionalGetMiddleware's, just above this one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not is_public(request, response):
            if "xkey" in response:
                del response["xkey"]
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_store=True)
            return response
        generation = getattr(request, "generation", None) or generation_current()
        shared = generation.seconds_left(timezone.now(), settings.HTTP_CACHE_S_MAXAGE)
        stale = {
            "stale_while_revalidate": settings.HTTP_CACHE_STALE_WHILE_REVALIDATE,
            "stale_if_error": settings.HTTP_CACHE_STALE_IF_ERROR,
        }
        patch_cache_control(
            response,
            public=True,
            max_age=min(settings.HTTP_CACHE_MAX_AGE, shared),
            s_maxage=shared,
            **{directive: seconds for directive, seconds in stale.items() if seconds},
        )
        # No page changes between two changes of the content, so this bounds every page's age.
        response["Last-Modified"] = http_date(generation.changed_at.timestamp())
        surrogate_keys_add(response, [SITE_KEY])
        # The page reads the same whatever cookies the visitor sends (see is_public), so a cache
        # keyed on Cookie would keep a copy per visitor for nothing.
        vary = [
            name
            for name in split_header_value(response.get("Vary", ""))
            if name.lower() != "cookie"
        ]
        del response["Vary"]
        if vary:
            response["Vary"] = ", ".join(vary)
        return response

    def process_template_response(self, request, response):
        """Name what the page shows, from its template context once rendered."""
        response.add_post_render_callback(
            lambda rendered: surrogate_keys_add(rendered, context_keys(rendered.context_data or {}))
        )
        return response
