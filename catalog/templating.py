"""The Jinja2 environment of the public site's templates (templates/; the admin stays on Django's).

Jinja2 compiles each template to Python: a list page of twenty cards renders several times
faster than through Django's template language, which was most of every page's time. The
globals and filters below are the few Django tags and filters the templates use, called
through Django's own code so the output is the same.
"""

import functools
import itertools
import json
from datetime import date as datetime_date
from datetime import datetime
from typing import NamedTuple

import jinja2
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaultfilters
from django.template.defaulttags import querystring as django_querystring
from django.templatetags.static import static as django_static
from django.templatetags.tz import localtime
from django.utils import dates, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe
from markupsafe import Markup, escape

from catalog.images import picture_for
from catalog.models import fixed_url

# Like json_script: nothing in the data can close the <script> element.
JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@functools.cache
def static(path):
    """Django's static(), once a path: a page links two static files, and the storage's lookup
    of the hashed name took ~40 µs each. The manifest does not change while the server runs."""
    return django_static(path)


@receiver(setting_changed)
def static_forget(*, setting, **kwargs):
    if setting in {"STATIC_URL", "STORAGES", "STATIC_ROOT"}:
        static.cache_clear()


def url(name, *args):
    """Django's {% url %}, each address worked out once (see fixed_url): the site's links, and
    the few with arguments (feeds and downloads of a model, topic or evaluation)."""
    return fixed_url(name, *args)


# The formats the site uses, written directly: Django's DateFormat takes ~50 µs a date.
MONTHS = [None, *(str(month).title() for month in dates.MONTHS_3.values())]
MONTH_NAMES = [None, *(str(month) for month in dates.MONTHS.values())]
QUICK_FORMATS = {
    "Y-m-d": lambda day: f"{day.year:04}-{day.month:02}-{day.day:02}",
    "M j, Y": lambda day: f"{MONTHS[day.month]} {day.day}, {day.year}",
    "M j": lambda day: f"{MONTHS[day.month]} {day.day}",
    "F Y": lambda day: f"{MONTH_NAMES[day.month]} {day.year}",
}


def date(value, format_string=None):
    """Django's |date, in the current time zone as Django's templates show datetimes."""
    if isinstance(value, datetime) and not timezone.is_naive(value):
        value = timezone.localtime(value)  # what the tz tag's localtime gives, less its checks
    elif isinstance(value, datetime):
        value = localtime(value)
    quick = QUICK_FORMATS.get(format_string)
    if quick is not None and isinstance(value, datetime_date):
        return quick(value)
    return defaultfilters.date(value, format_string)


def time_element(value, format_string="M j, Y"):
    """A date as a <time> element: shown in `format_string`, machine-readable in its
    datetime attribute; the day in the current time zone is worked out once for both."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime) and not timezone.is_naive(value):
        value = timezone.localtime(value)
    quick = QUICK_FORMATS.get(format_string)
    shown = escape(quick(value) if quick else date(value, format_string))
    return Markup(f'<time datetime="{QUICK_FORMATS["Y-m-d"](value)}">{shown}</time>')


def truncatewords(value, length):
    """Django's |truncatewords, without the lazy-text and Truncator layers (~12 µs a card)."""
    words = str(value).split()
    if length <= 0:
        text = ""
    elif len(words) <= length:
        text = " ".join(words)
    else:
        text = " ".join(words[:length])
        text = text if text.endswith(" …") else f"{text} …"
    return mark_safe(text) if isinstance(value, SafeData) else text


class RequestOnly:
    """What Django's querystring tag reads from its context: the request."""

    def __init__(self, request):
        self.request = request


@jinja2.pass_context
def querystring(context, **changes):
    """Django's {% querystring %}: the current query string with some parameters changed."""
    return django_querystring(RequestOnly(context["request"]), **changes)


class Group(NamedTuple):
    grouper: object
    list: list


def regroup(items, path):
    """Django's {% regroup %}: runs of items with the same value at a dotted path, in order."""

    def key(item):
        for name in path.split("."):
            item = getattr(item, name, None)
        return item

    return [Group(value, list(run)) for value, run in itertools.groupby(items, key)]


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
        truncatewords=truncatewords,
        time_element=time_element,
        linebreaks=defaultfilters.linebreaks_filter,
        regroup=regroup,
    )
    return env
