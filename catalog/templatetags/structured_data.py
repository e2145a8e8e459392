import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from catalog.images import picture_for

register = template.Library()

# Like json_script: nothing in the data can close the <script> element.
ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def article_json_ld(context, publication, ai_models=()):
    """schema.org Article data for link previews and search engines."""
    request = context["request"]
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": publication.title,
        "description": publication.summary,
        "datePublished": publication.published_at,
        "url": request.build_absolute_uri(publication.get_absolute_url()),
        "publisher": {"@type": "Organization", "name": "Safety Hub"},
        "about": [{"@type": "Thing", "name": model.name} for model in ai_models],
    }
    if picture := picture_for(publication.cover_image):
        data["image"] = request.build_absolute_uri(picture.fallback.url)
    text = json.dumps(data, cls=DjangoJSONEncoder).translate(ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))
