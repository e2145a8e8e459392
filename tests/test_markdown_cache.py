"""Long Markdown bodies are rendered once and then read back, with the same safe HTML."""

from django.core.cache import cache

from catalog.markup import render_markdown
from catalog.markup import render_markdown_cached as markdown

LONG = "# Heading\n\n" + "A paragraph with *emphasis*. " * 100 + "\n\n<script>alert(1)</script>\n"


def test_a_long_body_renders_as_the_renderer_does_and_is_kept():
    first = markdown(LONG)
    kept = len(cache._cache)

    second = markdown(LONG)

    assert first == second == render_markdown(LONG)
    assert "<script>" not in second
    assert kept == len(cache._cache) >= 1


def test_a_changed_body_is_rendered_anew():
    markdown(LONG)

    assert "Changed ending" in markdown(LONG + "\nChanged ending\n")


def test_short_text_is_not_kept():
    markdown("Short *text*.")

    assert len(cache._cache) == 0
