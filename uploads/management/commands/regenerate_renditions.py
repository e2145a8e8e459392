import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from uploads.images import renditions_regenerate


class Command(BaseCommand):
    help = (
        "Make the AVIF, WebP and JPEG/PNG renditions of every uploaded image again from its "
        "stored original, with a progress bar; also stores each image's width and height."
    )

    def handle(self, *args, **options):
        started = time.monotonic()

        def progress(done, total):
            filled = 30 * done // max(total, 1)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,}")
            sys.stderr.flush()

        summary = renditions_regenerate(progress=progress)
        sys.stderr.write("\n")
        for failure in summary.failures:
            self.stderr.write(self.style.ERROR(f"Not regenerated: {failure}"))
        self.stdout.write(
            f"Made {summary.renditions:,} renditions of {summary.images:,} "
            f"image{pluralize(summary.images)} "
            f"in {time.monotonic() - started:.1f} s."
        )
        if summary.failures:
            raise CommandError(
                f"{len(summary.failures)} image{pluralize(len(summary.failures))} could not be "
                "read; the files are listed above. Upload them again in the admin, or clear them."
            )
