"""The Jinja2 environment of the public site's templates (templates/; the admin stays on Django's).

Jinja2's own filters serve the templates where they exist (groupby, lower, default, ...); the
globals and filters below are the Django tags and filters the templates use besides, called
through Django's own code so the output is the same.
"""

import json

import jinja2
from django.core.serializers.json import DjangoJSONEncoder
from django.template import defaultfilters
from django.template.defaulttags import querystring as django_querystring
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from catalog.covers import cover_svg
from uploads.images import picture_for

# Like json_script: nothing in the data can close the <script> element.
JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def url(name, *args):
    """Django's {% url %}."""
    return reverse(name, args=args)


def date(value, format_string=None):
    """Django's |date, in the current time zone as Django's templates show datetimes."""
    return defaultfilters.date(timezone.template_localtime(value), format_string)


def time_element(value, format_string="M j, Y"):
    """A date as a <time> element: shown in `format_string`, machine-readable in its
    datetime attribute."""
    if value is None or value == "":
        return ""
    return format_html(
        '<time datetime="{}">{}</time>', date(value, "Y-m-d"), date(value, format_string)
    )


class RequestOnly:
    """What Django's querystring tag reads from its context: the request."""

    def __init__(self, request):
        self.request = request


@jinja2.pass_context
def querystring(context, **changes):
    """Django's {% querystring %}: the current query string with some parameters changed."""
    return django_querystring(RequestOnly(context["request"]), **changes)


@jinja2.pass_context
def picture(context, image, alt, *, sizes="100vw", loading="lazy", css_class=""):
    """An uploaded image as <picture>: AVIF and WebP renditions, a JPEG or PNG fallback with
    its width and height, lazy unless loading="eager" (for images above the fold)."""
    if loading not in ("lazy", "eager"):
        raise ValueError(f'picture: loading="lazy" or "eager", not {loading!r}')
    if not image:
        return ""
    template = context.environment.get_template("catalog/includes/picture.html")
    return mark_safe(
        template.render(
            image=image,
            picture=picture_for(image),
            alt=alt,
            sizes=sizes,
            loading=loading,
            css_class=css_class,
        )
    )


# Each item type's uploaded picture and its description, if it has one.
UPLOADED_PICTURES = {
    "publication": ("cover_image", "cover_alt"),
    "conversation": ("image", "image_alt"),
    "person": ("portrait", "portrait_alt"),
}


def generated_cover(item):
    """The generated cover art of a publication, topic, conversation, AI model, committee or
    person (catalog/covers.py)."""
    model_name = item._meta.model_name
    if model_name == "publication":
        # The AI models count when a list prefetched them (as_cards), never at a query each.
        models = [model.slug for model in getattr(item, "live_ai_models", ())]
        return cover_svg(item.kind, item.slug, models=models)
    if model_name == "aimodel":
        return cover_svg(f"model-{item.modality}", item.slug)
    if model_name == "person":
        return cover_svg("person", item.slug, monogram=item.name)
    return cover_svg(model_name, item.slug)


@jinja2.pass_context
def cover(context, item, *, sizes="100vw", loading="lazy", css_class="cover-image"):
    """An item's picture for a card or a page: its uploaded image when it has one (uploads
    win), otherwise its generated cover art, which is decorative."""
    fields = UPLOADED_PICTURES.get(item._meta.model_name)
    if fields:
        image = getattr(item, fields[0])
        if image:
            alt = getattr(item, fields[1])
            return picture(context, image, alt, sizes=sizes, loading=loading, css_class=css_class)
    return generated_cover(item)


def duration(value):
    """A length of time as a clock shows it: 42:05, or 1:02:03 from an hour."""
    if not value:
        return ""
    minutes, seconds = divmod(int(value.total_seconds()), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


SECTIONS = {
    # URL name (or namespace) → the main or footer navigation link it belongs under.
    "hub": "home",
    "publication_list": "publications",
    "publication_detail": "publications",
    "publication_document": "publications",
    "news_list": "news",
    "model_list": "models",
    "model_detail": "models",
    "topic_list": "topics",
    "topic_detail": "topics",
    "stage_list": "lifecycle",
    "stage_detail": "lifecycle",
    "practice_detail": "lifecycle",
    "committee_list": "committees",
    "committee_detail": "committees",
    "person_list": "people",
    "person_detail": "people",
    "conversation_list": "conversations",
    "conversation_detail": "conversations",
    "evaluations": "evaluations",
    "search": "search",
}


def current_section(request):
    """The site section a page belongs to, from the URL it answers ("" when none): base.html
    marks that section's navigation link; a template may say otherwise in its section block."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.namespace != "catalog":
        return SECTIONS.get(match.namespace, "")
    return SECTIONS.get(match.url_name, "")


def share_image(request, image):
    """The JPEG or PNG rendition link previews use, as an absolute URL with its size."""
    found = picture_for(image)
    if found is None:
        return None
    return {
        "url": request.build_absolute_uri(found.fallback.url),
        "width": found.fallback.width,
        "height": found.fallback.height,
    }


def article_json_ld(request, publication, ai_models=()):
    """schema.org Article data for link previews and search engines."""
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
    if found := picture_for(publication.cover_image):
        data["image"] = request.build_absolute_uri(found.fallback.url)
    text = json.dumps(data, cls=DjangoJSONEncoder).translate(JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def environment(**options):
    # Like Django's templates, a missing variable (or an attribute of one) renders as nothing.
    options.setdefault("undefined", jinja2.ChainableUndefined)
    env = jinja2.Environment(**options)
    env.globals.update(
        url=url,
        static=static,
        querystring=querystring,
        picture=picture,
        cover=cover,
        duration=duration,
        current_section=current_section,
        share_image=share_image,
        article_json_ld=article_json_ld,
    )
    env.filters.update(
        date=date,
        pluralize=defaultfilters.pluralize,
        truncatewords=defaultfilters.truncatewords,
        time_element=time_element,
        linebreaks=defaultfilters.linebreaks_filter,
    )
    return env
