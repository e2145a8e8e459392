import hashlib
from pathlib import Path

import markdown as markdown_library
import nh3
from django import template
from django.core.cache import cache
from django.utils.safestring import mark_safe

from catalog import markup
from catalog.markup import render_markdown

register = template.Library()

# Cached HTML is keyed on the text and on the renderer itself (its source and libraries), so a
# change to the rules or an upgrade never serves HTML made under the old ones.
RENDERER = hashlib.sha256(
    Path(markup.__file__).read_bytes()
    + markdown_library.__version__.encode()
    + nh3.__version__.encode()
).hexdigest()[:16]
DAY = 24 * 3600


@register.filter
def markdown(text):
    """Markdown as safe HTML, rendered once per distinct text (a long card takes ~15 ms)."""
    text = text or ""
    if len(text) < 2000:
        return render_markdown(text)
    key = f"markdown.{RENDERER}.{hashlib.sha256(text.encode()).hexdigest()}"
    html = cache.get(key)
    if html is None:
        html = str(render_markdown(text))
        cache.set(key, html, DAY)
    return mark_safe(html)
