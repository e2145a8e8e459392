import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

from catalog.synthetic import synthetic_content_generate


class Command(BaseCommand):
    help = (
        "Generate made-up publications (with models, topics, committees and search index) "
        "for benchmarks and large-data tests. Slugs start with 'synthetic-'; running it again "
        "tops the publications up to --publications."
    )

    def add_arguments(self, parser):
        parser.add_argument("--publications", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, publications, seed, **options):
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if unapplied:
            raise CommandError(
                f"The database is not migrated ({len(unapplied)} migrations to apply). "
                "Run: python manage.py migrate"
            )
        started = time.monotonic()

        def progress(done, total):
            filled = 30 * done // max(total, 1)
            rate = done / max(time.monotonic() - started, 0.001)
            sys.stderr.write(
                f"\r[{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,} ({rate:,.0f}/s)"
            )
            sys.stderr.flush()

        try:
            result = synthetic_content_generate(
                publications=publications, seed=seed, progress=progress
            )
        except DatabaseError as error:
            raise CommandError(f"Nothing was generated: {error}") from error
        sys.stderr.write("\n")
        # Fresh statistics, or SQLite's planner walks every live publication to count a topic's.
        self.stdout.write("Updating the query planner's statistics (ANALYZE) ...")
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {result['created']:,} publications ({result['existing']:,} were "
                f"there already), on {result['models']} AI models and {result['topics']} "
                f"topics, in {time.monotonic() - started:.1f} s."
            )
        )
