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
