"""Markdown from editors, turned into HTML that is safe to show visitors."""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    html = markdown.markdown(text, extensions=["tables", "fenced_code", "sane_lists"])
    return mark_safe(
        nh3.clean(html, url_schemes=ALLOWED_URL_SCHEMES, link_rel="noopener noreferrer")
    )
