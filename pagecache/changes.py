"""What counts as a change visitors can see, and what it does: the Django page cache starts a new
generation and the front-end caches drop the pages naming the item (pagecache.keys), once the
change commits.

A change is visible when it touches content (settings.PAGE_CACHE_CONTENT_APPS) and, for an item
with a status, when the item is published (live, or scheduled: its date caps how long pages are
kept) before or after the change. Saving a draft, or making a preview link, changes nothing.
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from editorial.models import Publishable, Status
from pagecache.generation import generation_bump
from pagecache.keys import list_key, object_key
from pagecache.purge import frontend_cache_purge


def is_content(model) -> bool:
    return model._meta.app_label in settings.PAGE_CACHE_CONTENT_APPS


def is_published(instance) -> bool:
    return not isinstance(instance, Publishable) or instance.status == Status.PUBLISHED


def content_changed(*, keys, using: str = DEFAULT_DB_ALIAS) -> None:
    generation_bump(using=using)
    frontend_cache_purge(keys=keys, using=using)


@receiver(pre_save)
def content_saving(sender, instance, raw=False, using=DEFAULT_DB_ALIAS, **kwargs):
    """Note whether a published item is being changed (one read, on an editor's save)."""
    if raw or not is_content(sender) or not isinstance(instance, Publishable) or not instance.pk:
        return
    saved = sender._base_manager.using(using).filter(pk=instance.pk)
    instance._pagecache_was_published = (
        saved.values_list("status", flat=True).first() == Status.PUBLISHED
    )


@receiver(post_save)
def content_saved(sender, instance, raw=False, using=DEFAULT_DB_ALIAS, **kwargs):
    if not is_content(sender):
        return
    if is_published(instance) or instance.__dict__.pop("_pagecache_was_published", False):
        content_changed(keys=[object_key(instance), list_key(sender)], using=using)


@receiver(post_delete)
def content_deleted(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    if is_content(sender) and is_published(instance):
        content_changed(keys=[object_key(instance), list_key(sender)], using=using)


@receiver(m2m_changed)
def content_linked(sender, instance, action, model, pk_set, using=DEFAULT_DB_ALIAS, **kwargs):
    """Linking two items changes both sides' pages (a publication's and its model's)."""
    if not action.startswith("post_") or not is_content(sender) or not is_published(instance):
        return
    related = [f"{model._meta.model_name}-{pk}" for pk in pk_set or ()]
    keys = [object_key(instance), list_key(type(instance)), list_key(model), *related]
    content_changed(keys=keys, using=using)
