from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import Resolver404, get_script_prefix, resolve
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_POST

from editorial.drafts import draft_open, draft_shown
from editorial.markup import MARKDOWN_MAX_LENGTH, render_markdown
from editorial.models import PreviewLink, Publishable
from editorial.workflow import is_live


def private(response):
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    return response


def preview_page(path, link):
    """The view of the page at `path`, as the holder of `link` sees it, or None if that page
    shows no previews (its view has no `preview_link`): previews are the real page."""
    try:
        match = resolve("/" + path.removeprefix(get_script_prefix()))
    except Resolver404:
        return None
    view_class = getattr(match.func, "view_class", None)
    if view_class is None or not hasattr(view_class, "preview_link"):
        return None
    view = view_class.as_view(preview_link=link)
    return lambda request: view(request, *match.args, **match.kwargs)


def preview_link_and_target(token):
    """The link with this token and the item it shows (None if deleted or not previewable)."""
    link = PreviewLink.objects.select_related("content_type").filter(token=token).first()
    if link is None:
        raise Http404("There is no such preview link.")
    model = link.content_type.model_class()
    if model is None or not issubclass(model, Publishable):
        return link, None
    target = model._default_manager.filter(pk=link.object_id).first()
    if target is None or preview_page(target.get_absolute_url(), link) is None:
        return link, None
    return link, target


def preview_link_gone(request, link, target):
    gone = TemplateResponse(
        request, "editorial/preview_link_gone.html", {"link": link, "target": target}, status=410
    )
    return private(gone.render())


# The preview banner's words for a draft of a published item.
DRAFT_PREVIEW_STATE = "draft changes, not published yet; visitors still see the live version"


def draft_preview_response(request, draft, link=None):
    """The item's real page with `draft` in it, rendered in a transaction that is then rolled
    back: nothing of the draft is saved, and only this answer shows it (never cached)."""
    request.draft_preview = DRAFT_PREVIEW_STATE
    with draft_shown(draft) as target:
        view = preview_page(target.get_absolute_url(), link)
        if view is None:
            raise Http404("This item has no page to preview.")
        response = view(request)
        if hasattr(response, "render"):
            response.render()
    return private(response)


@require_GET
def preview_link(request, token):
    """The item's real page, with the preview banner, for whoever holds an active link; for an
    item with draft changes waiting, the page with those changes."""
    link, target = preview_link_and_target(token)
    if not link.is_active or target is None:
        return preview_link_gone(request, link, target)
    draft = draft_open(target)
    if draft is not None:
        return draft_preview_response(request, draft, link)
    if is_live(target):
        return private(redirect(target))
    return private(preview_page(target.get_absolute_url(), link)(request))


@require_GET
def preview_link_document(request, token):
    """The PDF of the publication a preview link shows, for whoever holds the active link."""
    link, target = preview_link_and_target(token)
    if not link.is_active:
        return preview_link_gone(request, link, target)
    view = None
    if getattr(target, "document", None):
        view = preview_page(target.get_document_url(), link)
    if view is None:
        raise Http404("This preview link shows no document.")
    draft = draft_open(target)
    if draft is not None:  # the draft's document, which may be a new one
        with draft_shown(draft) as shown:
            view = preview_page(shown.get_document_url(), link) if shown.document else None
            if view is None:
                raise Http404("The draft has no document.")
            return private(view(request))
    if is_live(target):
        return private(redirect(target.get_document_url()))
    return private(view(request))


@require_POST
def markdown_preview(request):
    """Markdown from an admin form, rendered as visitors will get it (staff only, via the admin)."""
    text = request.POST.get("text", "")
    if len(text) > MARKDOWN_MAX_LENGTH:
        # The field would refuse it too; the preview script shows this message.
        response = HttpResponse(
            f"No preview: the text is {len(text):,} characters long, over the limit of "
            f"{MARKDOWN_MAX_LENGTH:,}. Shorten it.",
            status=413,
            content_type="text/plain; charset=utf-8",
        )
    else:
        response = HttpResponse(render_markdown(text), content_type="text/html; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response
