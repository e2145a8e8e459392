"""Which version of the content a cached page belongs to.

Every cached page's key carries the current generation's token. Any change to the content (a
save, a delete, a link added or removed, from the admin, a command or a fixture) writes a new
token in the same transaction, so a page rendered before the change is never served after it.
Scheduled items need no change to go live: the row also holds the moment the earliest one does,
and the first request after that moment starts a new generation.

The token lives in the database, not in the cache, so every app server agrees on it even when
each has its own in-memory cache.
"""

import secrets
from datetime import datetime

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from catalog.models import Publishable, Status
from pagecache.models import Generation

# The apps whose rows appear on public pages; a change to any of their models ends a generation.
CONTENT_APPS = {"catalog", "evaluations", "editorial", "redirects"}


def scheduled_next_at() -> datetime | None:
    """When the earliest published-but-future item of any content type goes live."""
    now = timezone.now()
    moments = [
        model.objects.filter(status=Status.PUBLISHED, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
        for model in apps.get_app_config("catalog").get_models()
        if issubclass(model, Publishable)
    ]
    return min((moment for moment in moments if moment), default=None)


def generation_end(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Retire every cached page: the content changed. One UPDATE; the schedule is read lazily."""
    updated = (
        Generation.objects.using(using)
        .filter(pk=1)
        .update(token=secrets.token_hex(16), next_change_known=False, next_change_at=None)
    )
    if not updated:
        Generation.objects.using(using).create(pk=1, token=secrets.token_hex(16))


def generation_current() -> Generation:
    """The generation pages are cached under now, starting a new one if a scheduled item is due."""
    try:
        generation = Generation.objects.get(pk=1)
    except Generation.DoesNotExist:
        generation_end()
        generation = Generation.objects.get(pk=1)
    if generation.next_change_known and (
        generation.next_change_at is None or generation.next_change_at > timezone.now()
    ):
        return generation
    read_token = generation.token
    if generation.next_change_known:  # a scheduled item went live since the page was cached
        generation.token = secrets.token_hex(16)
    generation.next_change_at = scheduled_next_at()
    generation.next_change_known = True
    # Only if no change came in meanwhile; that change's own generation then wins.
    Generation.objects.filter(pk=1, token=read_token).update(
        token=generation.token,
        next_change_at=generation.next_change_at,
        next_change_known=True,
    )
    return generation


def is_content(model) -> bool:
    return model._meta.app_label in CONTENT_APPS


@receiver([post_save, post_delete])
def content_saved_or_deleted(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    if is_content(sender):
        generation_end(using=using)


@receiver(m2m_changed)
def content_linked(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if action.startswith("post_") and is_content(sender):
        generation_end(using=using)
