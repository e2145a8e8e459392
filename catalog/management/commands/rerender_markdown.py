import time

from django.core.management.base import BaseCommand

from catalog.models import Committee, Publication, Topic
from editorial.markup import markdown_html_refresh
from pagecache.generation import generation_end


class Command(BaseCommand):
    help = (
        "Render every item's Markdown to HTML again. Pages show the HTML made when an item was "
        "saved: run this after changing DJANGO_MARKDOWN_IMAGE_HOSTS or upgrading the renderer."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        count = 0
        for model in (Publication, Topic, Committee):
            count += markdown_html_refresh(
                queryset=model._base_manager.all(), fields=model.rendered_fields
            )
        generation_end()  # the rows changed without signals; cached pages must not outlive them
        self.stdout.write(
            self.style.SUCCESS(f"Rendered {count:,} items in {time.monotonic() - started:.1f} s.")
        )
