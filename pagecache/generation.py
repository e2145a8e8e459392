"""Which version of the content cached pages belong to, kept where a cache hit reads it cheaply.

The generation (a token, when the content last changed, when the next scheduled item goes live)
lives in the shared cache (Redis in production), under the release's key prefix, and a hit reads
it in the same round trip as the page. The database row is its fallback for when the cache has
lost it: written only when something visitors can see changes (pagecache.changes), never by a
GET. A scheduled item going live needs no write at all: the cached generation, every page cached
under it and every HTTP cache's copy expire at that moment (see the middleware), and the next
request reads the generation afresh.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from editorial.models import Publishable, Status
from pagecache.keys import SITE_KEY
from pagecache.models import Generation
from pagecache.purge import frontend_cache_purge

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache.generation"


@dataclass(frozen=True)
class CurrentGeneration:
    token: str
    changed_at: datetime  # the last moment a page could have changed: Last-Modified
    next_change_at: datetime | None  # when the earliest scheduled item goes live

    def is_current(self, now: datetime) -> bool:
        return self.next_change_at is None or now < self.next_change_at

    def seconds_left(self, now: datetime, longest: int) -> int:
        """How long a page rendered now may be kept: `longest`, or less before a go-live."""
        if self.next_change_at is None:
            return longest
        return max(0, min(longest, int((self.next_change_at - now).total_seconds())))


def publishable_models():
    return [model for model in apps.get_models() if issubclass(model, Publishable)]


def generation_load(*, using: str = DEFAULT_DB_ALIAS) -> CurrentGeneration:
    """The generation as the database has it: its row, and per type of item with a status when
    the last published one went live and the next one will. Reads only."""
    now = timezone.now()
    row = Generation.objects.using(using).filter(pk=1).first()
    moments = [
        model.objects.using(using)
        .filter(status=Status.PUBLISHED)
        .aggregate(
            went_live=Max("published_at", filter=Q(published_at__lte=now)),
            goes_live=Min("published_at", filter=Q(published_at__gt=now)),
        )
        for model in publishable_models()
    ]
    changes = [row and row.changed_at, *(moment["went_live"] for moment in moments)]
    scheduled = [moment["goes_live"] for moment in moments if moment["goes_live"]]
    return CurrentGeneration(
        token=row.token if row else "",
        changed_at=max((moment for moment in changes if moment), default=now),
        next_change_at=min(scheduled, default=None),
    )


def generation_current() -> CurrentGeneration:
    """The current generation: from the cache, or else from the database (then kept in the
    cache until the next scheduled item goes live)."""
    return generation_from_cache(cache_get(GENERATION_KEY)) or generation_remember()


def generation_from_cache(value) -> CurrentGeneration | None:
    if isinstance(value, CurrentGeneration) and value.is_current(timezone.now()):
        return value
    return None


def generation_remember(*, using: str = DEFAULT_DB_ALIAS, replace=False) -> CurrentGeneration:
    """Load the generation and keep it in the cache. A reader only adds it, so that a reader who
    loaded it just before a change committed cannot put back the old one over the new."""
    generation = generation_load(using=using)
    timeout = generation.seconds_left(timezone.now(), settings.PAGE_CACHE_SECONDS or 600)
    if timeout:
        (cache_set if replace else cache_add)(GENERATION_KEY, generation, timeout)
    return generation


def generation_bump(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Retire every page the Django page cache holds: visible content changed. One write, in
    the change's transaction; the cache forgets the old generation at once and learns the new
    one when the transaction commits."""
    values = {"token": secrets.token_hex(16), "changed_at": timezone.now()}
    if not Generation.objects.using(using).filter(pk=1).update(**values):
        Generation.objects.using(using).create(pk=1, **values)
    cache_delete(GENERATION_KEY)
    transaction.on_commit(lambda: generation_remember(using=using, replace=True), using=using)


def generation_end(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Retire every cached page, here and in the front-end caches: for writes that send no
    signals (bulk imports, re-rendering), whose changes cannot be named one by one."""
    generation_bump(using=using)
    frontend_cache_purge(keys=[SITE_KEY], using=using)


# The cache is a speed-up, not a dependency: while it is unreachable pages are rendered afresh,
# and the outage is logged once, when it starts.
cache_down = False


def cache_call(method, *args, default=None):
    global cache_down
    try:
        result = getattr(cache, method)(*args)
    except Exception as error:  # each backend raises its own: redis.ConnectionError, OSError…
        if not cache_down:
            logger.error("The cache is unreachable; pages are rendered without it: %r", error)
        cache_down = True
        return default
    if cache_down:
        logger.warning("The cache is reachable again.")
    cache_down = False
    return result


def cache_get(key):
    return cache_call("get", key)


def cache_get_many(keys) -> dict:
    return cache_call("get_many", keys, default={})


def cache_add(key, value, timeout):
    cache_call("add", key, value, timeout)


def cache_set(key, value, timeout):
    cache_call("set", key, value, timeout)


def cache_delete(key):
    cache_call("delete", key)
