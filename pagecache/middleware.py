"""Whole public pages from the cache for anonymous visitors, keyed on the content's generation."""

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.cache import get_cache_key, learn_cache_key

from pagecache.generation import generation_current

NOT_SHARED = ("private", "no-store", "no-cache")


class PageCacheMiddleware:
    """Serves a page from the cache while the content it shows is unchanged.

    Only anonymous GETs are cached (no session cookie: staff see drafts and previews), and only
    complete 200 answers that set no cookie and do not ask to stay private.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.seconds = settings.PAGE_CACHE_SECONDS

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
            key = learn_cache_key(request, response, self.seconds, prefix, cache=cache)
            # Feeds write thousands of small chunks; one keeps the stored copy quick to read.
            response.content = response.content
            cache.set(key, response, self.seconds)
            response["X-Page-Cache"] = "miss"
        return response

    def is_shared(self, request):
        return (
            request.method == "GET"
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "HTTP_AUTHORIZATION" not in request.META
            and not request.path.startswith(reverse("admin:index"))
        )

    def is_shareable(self, response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not any(word in cache_control for word in NOT_SHARED)
        )
