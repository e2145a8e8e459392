"""Whole public pages from the cache for anonymous visitors, keyed on the content's generation."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.urls import reverse
from django.utils.cache import get_cache_key, learn_cache_key
from django.utils.http import split_header_value

from pagecache.generation import generation_current

NOT_SHARED = ("private", "no-store", "no-cache")


class PageCacheMiddleware:
    """Serves a page from the cache while the content it shows is unchanged.

    Only anonymous GETs are cached (no signed-in session: staff see drafts and previews), and
    only complete 200 answers that set no cookie and do not ask to stay private.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.seconds = settings.PAGE_CACHE_SECONDS
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore

    def __call__(self, request):
        if not self.seconds or not self.is_shared(request):
            return self.get_response(request)
        prefix = f"page.{generation_current().token}"
        key = get_cache_key(request, prefix, "GET", cache=cache)
        response = cache.get(key) if key else None
        if response is not None:
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if self.is_shareable(response):
            key = self.learn_key(request, response, prefix)
            # Feeds write thousands of small chunks; one keeps the stored copy quick to read.
            response.content = response.content
            cache.set(key, response, self.seconds)
            response["X-Page-Cache"] = "miss"
        return response

    def is_shared(self, request):
        return (
            request.method == "GET"
            and "HTTP_AUTHORIZATION" not in request.META
            and not request.path.startswith(reverse("admin:index"))
            and not self.is_signed_in(request)
        )

    def is_signed_in(self, request):
        """Whether the session cookie names a session someone signed in to: a made-up or expired
        one must not cost a render of every page (one session read, for requests with one)."""
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        return bool(session_key) and SESSION_KEY in self.session_store(session_key)

    def learn_key(self, request, response, prefix):
        """The page's key, on every header it varies on but Cookie: only visitors with no
        signed-in session get here, and to them a page reads the same whatever cookies they
        send. Keyed on Cookie, each made-up cookie would be a page of its own."""
        vary = response.get("Vary")
        if vary:
            others = [name for name in split_header_value(vary) if name.lower() != "cookie"]
            del response["Vary"]
            if others:
                response["Vary"] = ", ".join(others)
        key = learn_cache_key(request, response, self.seconds, prefix, cache=cache)
        if vary:
            response["Vary"] = vary
        return key

    def is_shareable(self, response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not any(word in cache_control for word in NOT_SHARED)
        )
