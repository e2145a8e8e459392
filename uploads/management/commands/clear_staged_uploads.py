from django.core.management.base import BaseCommand

from uploads.staging import STAGED_MAX_AGE, staged_clear


class Command(BaseCommand):
    help = (
        "Delete files kept from refused forms (staged uploads) older than a day: nobody can "
        "claim them any more. Run it daily (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than", type=int, default=STAGED_MAX_AGE, help="seconds (default: a day)"
        )

    def handle(self, *args, older_than, **options):
        deleted = staged_clear(older_than=older_than)
        self.stdout.write(f"Deleted {deleted} staged upload{'s' if deleted != 1 else ''}.")
