from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_POST

from catalog import views as catalog_views
from catalog.markup import MARKDOWN_MAX_LENGTH, render_markdown
from catalog.models import AIModel, Committee, Conversation, Publication, Topic
from editorial.models import PreviewLink
from editorial.workflow import is_live

# The page each previewable type is shown on, as visitors will see it.
DETAIL_VIEWS = {
    Publication: catalog_views.PublicationDetailView,
    AIModel: catalog_views.AIModelDetailView,
    Topic: catalog_views.TopicDetailView,
    Committee: catalog_views.CommitteeDetailView,
    Conversation: catalog_views.ConversationDetailView,
}


def private(response):
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    return response


def preview_link_and_target(token):
    """The link with this token and the item it shows (None if deleted or not previewable)."""
    link = PreviewLink.objects.select_related("content_type").filter(token=token).first()
    if link is None:
        raise Http404("There is no such preview link.")
    model = link.content_type.model_class()
    target = model._default_manager.filter(pk=link.object_id).first() if model else None
    return link, (target if model in DETAIL_VIEWS else None)


def preview_link_gone(request, link, target):
    gone = TemplateResponse(
        request, "editorial/preview_link_gone.html", {"link": link, "target": target}, status=410
    )
    return private(gone.render())


@require_GET
def preview_link(request, token):
    """The item's real page, with the preview banner, for whoever holds an active link."""
    link, target = preview_link_and_target(token)
    if not link.is_active or target is None:
        return preview_link_gone(request, link, target)
    if is_live(target):
        return private(redirect(target))
    view = DETAIL_VIEWS[type(target)].as_view(preview_link=link)
    return private(view(request, slug=target.slug))


@require_GET
def preview_link_document(request, token):
    """The PDF of the publication a preview link shows, for whoever holds the active link."""
    link, target = preview_link_and_target(token)
    if not link.is_active:
        return preview_link_gone(request, link, target)
    if not isinstance(target, Publication) or not target.document:
        raise Http404("This preview link shows no document.")
    if is_live(target):
        return private(redirect(target.get_document_url()))
    return private(catalog_views.document_response(target))


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
