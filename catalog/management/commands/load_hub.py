from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from catalog.demo_content import HubContentError, hub_content_load


class Command(BaseCommand):
    help = (
        "Load the hub's real content from catalog/demo/hub.yaml (the Safety & responsibility "
        "page: hero, lifecycle, topics, conversations, news, models, system cards, committees "
        "and the “Go deeper” list), published. Safe to run again: items are matched by slug "
        "and updated in place, and content that editors added is left alone."
    )

    def handle(self, *args, **options):
        try:
            counts = hub_content_load(stdout=self.stdout)
        except HubContentError as error:
            raise CommandError(f"Nothing was loaded: {error}") from error
        except IntegrityError as error:
            raise CommandError(
                f"Nothing was loaded: {error}. An item of the demo content probably exists "
                "under another slug (renamed in the admin); rename it back or delete it, "
                "then run load_hub again."
            ) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Hub content loaded: {sum(counts.values())} rows in {len(counts)} tables."
            )
        )
