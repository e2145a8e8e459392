import sys
import time

from django.core.management.base import BaseCommand

from search.index import search_index_rebuild


class Command(BaseCommand):
    help = "Index every item of content for search again, from scratch, with a progress bar."

    def handle(self, *args, **options):
        started = time.monotonic()

        def progress(done, total):
            width = 30
            filled = width * done // max(total, 1)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
            sys.stderr.flush()

        count = search_index_rebuild(progress=progress)
        sys.stderr.write("\n")
        self.stdout.write(
            self.style.SUCCESS(f"Indexed {count:,} items in {time.monotonic() - started:.1f} s.")
        )
