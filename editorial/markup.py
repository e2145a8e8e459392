"""Markdown from editors, turned into HTML that is safe to show visitors.

markdown-it-py parses CommonMark in time that grows in step with the text, whatever the text
(Python-Markdown's grew with the square of a run of "["). Items keep the HTML beside their
Markdown, made when they are saved (see catalog.models.RenderedMarkdown), so a visitor's
request never runs the parser.
"""

import re
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

# The longest Markdown an editor may save or preview: far more than any page's text.
MARKDOWN_MAX_LENGTH = 100_000

ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Heading ids start with this, so no heading can take an id the page itself uses ("main").
SECTION_PREFIX = "section-"
CONTROLS_AND_SPACE = "".join(map(chr, range(0x21)))

# nh3's defaults (no script, style, event handler or unknown scheme), plus what headings need.
ALLOWED_ATTRIBUTES = {
    **{tag: set(attributes) for tag, attributes in nh3.ALLOWED_ATTRIBUTES.items()},
    **{heading: {"id"} | nh3.ALLOWED_ATTRIBUTES.get(heading, set()) for heading in HEADINGS},
    "span": {"aria-hidden"} | nh3.ALLOWED_ATTRIBUTES.get("span", set()),
}
ALLOWED_CLASSES = {"a": {"headerlink"}, "span": {"visually-hidden"}}


def plain_text(tokens) -> str:
    """What inline tokens read as: a heading's name, an image's description."""
    return "".join(
        token.content if token.type in ("text", "code_inline") else plain_text(token.children)
        for token in tokens or ()
    )


def markdown_text(text: str) -> str:
    """What Markdown reads as without its markup ("## Mitigations" as "Mitigations"): each
    block's text, a space between blocks and lines."""

    def read(tokens):
        for token in tokens or ():
            if token.type in ("text", "code_inline", "code_block", "fence"):
                yield token.content
            elif token.type in ("softbreak", "hardbreak") or (token.block and token.nesting < 0):
                yield " "  # a line break, or the end of a paragraph, a heading, a cell, …
            else:
                yield from read(token.children)

    return " ".join("".join(read(parser.parse(text or ""))).split())


def image_is_allowed(src: str) -> bool:
    """An image from this site, or from a host in MARKDOWN_IMAGE_HOSTS.

    An image from anywhere else would tell that host who reads the page, and when.
    """
    # As browsers read an address: tabs and newlines dropped, a backslash taken for a slash,
    # control characters and spaces around it ignored.
    url = re.sub(r"[\t\n\r]", "", src).replace("\\", "/").strip(CONTROLS_AND_SPACE)
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if not parts.scheme and not url.startswith("//"):
        return True  # a path on this site
    own = [prefix for prefix in (settings.MEDIA_URL, settings.STATIC_URL) if "//" in prefix]
    if own and url.startswith(tuple(own)):
        return True  # this site's uploads or static files, served from another host
    hosts = {host.lower() for host in settings.MARKDOWN_IMAGE_HOSTS}
    return parts.scheme in ("http", "https", "") and (parts.hostname or "") in hosts


def section_ids(state) -> None:
    """Each heading gets an id from its name, unique in the text (a repeat gets _1, _2, ...)."""
    taken, repeats = set(), {}
    for heading, inline in zip(state.tokens, state.tokens[1:], strict=False):
        if heading.type != "heading_open":
            continue
        name = plain_text(inline.children)
        section = base = SECTION_PREFIX + slugify(name, allow_unicode=True)
        while section in taken:
            repeats[base] = repeats.get(base, 0) + 1
            section = f"{base}_{repeats[base]}"
        taken.add(section)
        heading.attrSet("id", section)
        heading.meta["name"] = name


def offsite_images_as_links(state) -> None:
    """An image from elsewhere (see image_is_allowed) becomes a link to it, or its description
    where a link cannot be (within a link, or for an inline data: image): the page loads
    nothing off-site, and the reader can still open the image."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children, in_link = [], 0
        for token in block.children:
            in_link += {"link_open": 1, "link_close": -1}.get(token.type, 0)
            src = str(token.attrGet("src")) if token.type == "image" else ""
            if not src or image_is_allowed(src):
                children.append(token)
                continue
            description = plain_text(token.children)
            if in_link or not src.lower().startswith(("http:", "https:", "//")):
                children.append(Token("text", "", 0, content=description))
                continue
            children += [
                Token("link_open", "a", 1, attrs={"href": src}),
                Token("text", "", 0, content=description or src),
                Token("link_close", "a", -1),
            ]
        block.children = children


class SiteRenderer(RendererHTML):
    def heading_close(self, tokens, idx, options, env):
        """After each heading's text, a link to it: "#" on screen, the section's name when
        read out."""
        heading = tokens[idx - 2]
        link = format_html(
            '<a class="headerlink" href="#{}"><span aria-hidden="true">#</span>'
            '<span class="visually-hidden">Link to the section “{}”</span></a>',
            heading.attrGet("id"),
            heading.meta.get("name", ""),
        )
        return link + super().renderToken(tokens, idx, options, env)


# CommonMark with tables; raw HTML is shown as typed. Reference links ("[a]" with "[a]: url"
# elsewhere) are off: one long address used thousands of times would make pages of gigabytes.
parser = (
    MarkdownIt("commonmark", {"html": False}, renderer_cls=SiteRenderer)
    .enable("table")
    .disable("reference")
)
parser.core.ruler.push("section_ids", section_ids)
parser.core.ruler.push("offsite_images_as_links", offsite_images_as_links)
# The parser leaves out what is nested deeper than this (quotes count one level, lists two).
DEEPEST = parser.options["maxNesting"] - 1


def validate_markdown(text: str) -> None:
    """Refuse Markdown too long to render quickly, or nested deeper than pages would show."""
    if len(text) > MARKDOWN_MAX_LENGTH:
        raise ValidationError(
            f"This text is {len(text):,} characters long, over the limit of "
            f"{MARKDOWN_MAX_LENGTH:,}: shorten it.",
            code="max_length",
        )
    if any(token.level >= DEEPEST for token in parser.parse(text)):
        raise ValidationError(
            "Lists or quotes are nested too deeply here: the deepest levels would not be shown. "
            "Nest them less.",
            code="nesting",
        )


def keep_only_allowed(element, attribute, value):
    """Ids come from headings only, never clashing with the page's own; images only from this
    site or the allowed hosts, whatever produced them."""
    if attribute == "id" and not value.startswith(SECTION_PREFIX):
        return None
    if element == "img" and attribute == "src" and not image_is_allowed(value):
        return None
    return value


def render_markdown(text: str) -> SafeString:
    return mark_safe(
        nh3.clean(
            parser.render(text or ""),
            attributes=ALLOWED_ATTRIBUTES,
            allowed_classes=ALLOWED_CLASSES,
            attribute_filter=keep_only_allowed,
            url_schemes=ALLOWED_URL_SCHEMES,
            link_rel="noopener noreferrer",
        )
    )


def markdown_html_refresh(*, queryset, fields: dict[str, str], batch_size: int = 200) -> int:
    """Render each row's Markdown fields again into their HTML fields (`fields` maps one to the
    other), as after a change of the renderer or of MARKDOWN_IMAGE_HOSTS. Sends no signals."""
    manager = queryset.model._base_manager
    keys = list(queryset.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        for start in range(0, len(keys), batch_size):
            rows = list(manager.filter(pk__in=keys[start : start + batch_size]).only(*fields))
            for row in rows:
                for source, target in fields.items():
                    setattr(row, target, render_markdown(getattr(row, source)))
            manager.bulk_update(rows, list(fields.values()))
    return len(keys)
