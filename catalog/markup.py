"""Markdown from editors, turned into HTML that is safe to show visitors."""

import hashlib
import html
from pathlib import Path
from xml.etree import ElementTree

import markdown
import nh3
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension, render_inner_html, slugify_unicode, strip_tags
from markdown.treeprocessors import Treeprocessor

ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Heading ids start with this, so no heading can take an id the page itself uses ("main").
SECTION_PREFIX = "section-"

# nh3's defaults (no script, style, event handler or unknown scheme), plus what headings need.
ALLOWED_ATTRIBUTES = {
    **{tag: set(attributes) for tag, attributes in nh3.ALLOWED_ATTRIBUTES.items()},
    **{heading: {"id"} | nh3.ALLOWED_ATTRIBUTES.get(heading, set()) for heading in HEADINGS},
    "span": {"aria-hidden"} | nh3.ALLOWED_ATTRIBUTES.get("span", set()),
}
ALLOWED_CLASSES = {"a": {"headerlink"}, "span": {"visually-hidden"}}


def section_id(value, separator):
    return SECTION_PREFIX + slugify_unicode(value, separator)


class HeadingLinks(Treeprocessor):
    """After each heading's text, a link to it: "#" on screen, the section's name when read out."""

    def run(self, root):
        for heading in root.iter():
            if heading.tag not in HEADINGS or "id" not in heading.attrib:
                continue
            name = html.unescape(strip_tags(render_inner_html(heading, self.md)))
            link = ElementTree.SubElement(
                heading, "a", {"class": "headerlink", "href": f"#{heading.attrib['id']}"}
            )
            mark = ElementTree.SubElement(link, "span", {"aria-hidden": "true"})
            mark.text = "#"
            label = ElementTree.SubElement(link, "span", {"class": "visually-hidden"})
            label.text = f"Link to the section “{name}”"


class HeadingLinksExtension(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(HeadingLinks(md), "heading_links", 4)  # after toc's ids (5)


def keep_only_section_ids(element, attribute, value):
    """Ids come from headings only, never from raw HTML that could clash with the page's own."""
    if attribute == "id" and not value.startswith(SECTION_PREFIX):
        return None
    return value


def render_markdown(text: str) -> SafeString:
    html_text = markdown.markdown(
        text,
        extensions=[
            "tables",
            "fenced_code",
            "sane_lists",
            TocExtension(slugify=section_id),
            HeadingLinksExtension(),
        ],
    )
    return mark_safe(
        nh3.clean(
            html_text,
            attributes=ALLOWED_ATTRIBUTES,
            allowed_classes=ALLOWED_CLASSES,
            attribute_filter=keep_only_section_ids,
            url_schemes=ALLOWED_URL_SCHEMES,
            link_rel="noopener noreferrer",
        )
    )


# Cached HTML is keyed on the text and on the renderer itself (this file and its libraries), so
# a change to the rules or an upgrade never serves HTML made under the old ones.
RENDERER = hashlib.sha256(
    Path(__file__).read_bytes() + markdown.__version__.encode() + nh3.__version__.encode()
).hexdigest()[:16]
DAY = 24 * 3600


def render_markdown_cached(text: str) -> SafeString:
    """render_markdown, once per distinct long text (a long card takes ~15 ms)."""
    text = text or ""
    if len(text) < 2000:
        return render_markdown(text)
    key = f"markdown.{RENDERER}.{hashlib.sha256(text.encode()).hexdigest()}"
    rendered = cache.get(key)
    if rendered is None:
        rendered = str(render_markdown(text))
        cache.set(key, rendered, DAY)
    return mark_safe(rendered)
