"""Markdown from editors, turned into HTML that is safe to show visitors.

markdown-it-py parses CommonMark in time that grows in step with the text, whatever the text
(Python-Markdown's grew with the square of a run of "["). Items keep the HTML beside their
Markdown, made when they are saved (see catalog.models.RenderedMarkdown), so a visitor's
request never runs the parser.
"""

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML

# The longest Markdown an editor may save or preview: far more than any page's text.
MARKDOWN_MAX_LENGTH = 100_000

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


def plain_text(tokens) -> str:
    """What inline tokens read as: a heading's name."""
    return "".join(
        token.content if token.type in ("text", "code_inline") else plain_text(token.children)
        for token in tokens or ()
    )


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


def keep_only_section_ids(element, attribute, value):
    """Ids come from headings only, never clashing with the page's own."""
    if attribute == "id" and not value.startswith(SECTION_PREFIX):
        return None
    return value


def render_markdown(text: str) -> SafeString:
    return mark_safe(
        nh3.clean(
            parser.render(text or ""),
            attributes=ALLOWED_ATTRIBUTES,
            allowed_classes=ALLOWED_CLASSES,
            attribute_filter=keep_only_section_ids,
            url_schemes=ALLOWED_URL_SCHEMES,
            link_rel="noopener noreferrer",
        )
    )


def markdown_html_refresh(*, queryset, fields: dict[str, str], batch_size: int = 200) -> int:
    """Render each row's Markdown fields again into their HTML fields (`fields` maps one to the
    other), as after a change of the renderer. Sends no signals."""
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
