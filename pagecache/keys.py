"""Surrogate keys: the names a public response gives the content it shows, so a front-end cache
(Varnish) can drop exactly the pages a change touches.

The scheme, small on purpose:
- `<model>-<pk>` (`publication-12`, `aimodel-3`, `topic-4`): a page showing that one item;
- `list-<model>` (`list-publication`, `list-topic`): a page showing a list of that type (a list
  page, the hub, a feed, a sitemap, the related cards or the models named on a detail page);
- `site`: every public page, for changes no signal reports (bulk imports, a deploy).

A visible change to an item purges its own key and its type's list key; see pagecache.changes.
"""

from dataclasses import fields, is_dataclass

from django.core.paginator import Page
from django.db.models import Model, QuerySet

SITE_KEY = "site"
# Deep enough for a card's models or a result's metric, shallow enough to stay cheap.
DEPTH = 4


def object_key(obj: Model) -> str:
    return f"{obj._meta.model_name}-{obj.pk}"


def list_key(model: type[Model]) -> str:
    return f"list-{model._meta.model_name}"


def surrogate_keys_add(response, keys) -> None:
    """Name what a response shows, in its `xkey` header (for views without a template context,
    or showing more than it tells: see context_keys)."""
    response["xkey"] = " ".join(sorted({*response.get("xkey", "").split(), *keys}))


def context_keys(context: dict) -> set[str]:
    """The keys of what a rendered template context holds: one item's key for each single
    object, a list key for each list, queryset or page of objects, and the same for the related
    objects they were loaded with (select_related, prefetch_related, to_attr lists)."""
    keys = set()
    seen = set()

    def walk(value, listed, depth):
        if depth > DEPTH or id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, Model):
            keys.add(list_key(type(value)) if listed else object_key(value))
            related = [*value._state.fields_cache.values()]
            related += getattr(value, "_prefetched_objects_cache", {}).values()
            related += [item for item in vars(value).values() if isinstance(item, list)]
            for item in related:
                walk(item, listed, depth + 1)
        elif isinstance(value, QuerySet):
            keys.add(list_key(value.model))
            for item in value._result_cache or ():  # only what the template read
                walk(item, True, depth + 1)
        elif isinstance(value, Page):
            walk(value.object_list, True, depth)
        elif isinstance(value, (list, tuple, set)):
            for item in value:
                walk(item, True, depth + 1)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item, listed, depth + 1)
        elif is_dataclass(value) and not isinstance(value, type):
            for field in fields(value):
                walk(getattr(value, field.name), listed, depth + 1)

    for name, value in context.items():
        if name != "view":
            walk(value, False, 0)
    # A view may name what its context does not show as objects (counts, say).
    keys.update(getattr(context.get("view"), "surrogate_keys", ()))
    return keys
