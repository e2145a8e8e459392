"""Old addresses keep working: a live page whose slug changes answers 301 at its old address,
and a deleted one answers 410 Gone.

Why not django.contrib.redirects: its Redirect belongs to a django.contrib.sites Site, and
installing the sites framework makes feeds, sitemaps and the admin's "view on site" build their
links from the Site row's domain (example.com until someone edits it) instead of the request.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpResponsePermanentRedirect
from django.template.response import TemplateResponse
from django.utils import timezone

from catalog.models import (
    AIModel,
    Committee,
    Conversation,
    Person,
    Practice,
    Publication,
    Publishable,
    Stage,
    Status,
    Topic,
)
from editorial.models import Redirect
from evaluations.models import Evaluation

# Everything with its own page under a slug.
TRACKED = (
    Publication,
    AIModel,
    Topic,
    Committee,
    Conversation,
    Person,
    Stage,
    Practice,
    Evaluation,
)


def is_public(item) -> bool:
    if isinstance(item, Publishable):
        return item.status == Status.PUBLISHED and item.published_at <= timezone.now()
    return True


def redirect_record(*, before, after) -> None:
    """`before` (the item as it was) now lives where `after` does, or nowhere if `after` is None.

    Only an address visitors could open needs to keep working. Chains collapse, so every old
    address reaches the page in one hop; an address shown by a live page again is freed.
    """
    if not isinstance(after or before, TRACKED):
        return  # no page of its own under a slug (a result, the hub page)
    if after is not None and is_public(after):
        Redirect.objects.filter(old_path=after.get_absolute_url()).delete()
    if before is None or not is_public(before):
        return
    old_path = before.get_absolute_url()
    new_path = after.get_absolute_url() if after is not None else ""
    if old_path == new_path:
        return
    if new_path:
        Redirect.objects.filter(old_path=new_path).delete()
    Redirect.objects.filter(new_path=old_path).update(new_path=new_path)
    Redirect.objects.update_or_create(old_path=old_path, defaults={"new_path": new_path})


def remember_address(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None or (update_fields is not None and "slug" not in update_fields):
        return
    fields = ["slug", "status", "published_at"] if issubclass(sender, Publishable) else ["slug"]
    instance._address_before = sender._base_manager.filter(pk=instance.pk).only(*fields).first()


def item_saved(sender, instance, raw=False, **kwargs):
    before = instance.__dict__.pop("_address_before", None)
    if not raw:
        redirect_record(before=before, after=instance)


def item_deleted(sender, instance, **kwargs):
    redirect_record(before=instance, after=None)


for model in TRACKED:
    name = model.__name__
    pre_save.connect(remember_address, sender=model, dispatch_uid=f"redirects-{name}-before")
    post_save.connect(item_saved, sender=model, dispatch_uid=f"redirects-{name}-saved")
    post_delete.connect(item_deleted, sender=model, dispatch_uid=f"redirects-{name}-deleted")


def redirect_for_path(path: str) -> tuple[Redirect, str] | None:
    """The redirect for `path` or for the page it is under (/models/o3/ for /models/o3/feed.rss),
    with the address it leads to."""
    prefixes = [path[: index + 1] for index, char in enumerate(path) if char == "/"]
    candidates = {path, *prefixes[1:]}
    found = max(
        Redirect.objects.filter(old_path__in=candidates),
        key=lambda redirect: len(redirect.old_path),
        default=None,
    )
    if found is None:
        return None
    if not found.new_path:
        return found, ""
    return found, found.new_path + path[len(found.old_path) :]


class RedirectFallbackMiddleware:
    """Answers an address nothing else answers from the redirects of moved and deleted pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        match = redirect_for_path(request.path)
        if match is None:
            return response
        redirect, location = match
        if not location:
            gone = TemplateResponse(request, "410.html", {"redirect": redirect}, status=410)
            return gone.render()
        query = request.META.get("QUERY_STRING")
        return HttpResponsePermanentRedirect(f"{location}?{query}" if query else location)
