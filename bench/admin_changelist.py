"""Time the Publication admin list at scale, against Django's defaults, on a throwaway database.

    .venv/bin/python bench/admin_changelist.py --publications 100000
    .venv/bin/python bench/admin_changelist.py --publications 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/safetyhub_bench

SQLite goes to a file in a temporary folder; a PostgreSQL database is created, and dropped at
the end (it must not be one you need). Each request goes through the Django test client as a
logged-in superuser and is timed end to end: URL routing, queries and template rendering.

Three admins of the same table are compared, each on its own AdminSite:
- ours: catalog.admin.PublicationAdmin;
- default: a plain admin.ModelAdmin, as registering the model bare gives you, plus our
  search_fields so that the search box searches;
- untuned: our columns, filters, search fields and date drill-down with Django's defaults for
  everything else (full COUNT, 100 rows a page, AI models fetched per row, the admin's own
  many-to-many filter and search, which add DISTINCT).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
BATCH = 5000
WORDS = [
    "safety", "evaluation", "model", "card", "system", "risk", "preparedness", "framework",
    "red", "teaming", "jailbreak", "refusal", "bias", "child", "privacy", "election", "deepfake",
    "cyber", "biology", "mitigation", "policy", "alignment", "reasoning", "agent", "monitoring",
    "deployment", "threshold", "capability", "benchmark", "oversight", "committee", "research",
    "instruction", "hierarchy", "hallucination", "disallowed", "content", "audit", "tester",
]  # fmt: skip
MODEL_NAMES = [
    "GPT-5", "gpt-5-thinking", "gpt-5-main", "o3", "o3-pro", "o4-mini", "codex-1", "GPT-4o",
    "GPT-4.5", "GPT-4.1", "Sora", "Operator", "DALL·E 3", "o1", "o1-mini", "gpt-oss-120b",
]  # fmt: skip
TOPIC_NAMES = ["Child safety", "Private information", "Deep fakes", "Bias", "Elections"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--publications", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20, help="timed requests per case")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL URL to create and drop; default: SQLite in a temporary folder",
    )
    return parser.parse_args()


def create_postgres_database(url):
    import dj_database_url
    import psycopg

    params = dj_database_url.parse(url)
    name = params["NAME"]
    server = psycopg.connect(
        dbname="postgres",
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        autocommit=True,
    )
    server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    server.execute(f'CREATE DATABASE "{name}"')

    def drop():
        from django.db import connections

        connections.close_all()
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.close()

    return drop


def setup_django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetyhub.settings")
    sys.path.insert(0, str(PROJECT))
    warnings.filterwarnings("ignore", message="No directory at")
    import django
    from django.test.utils import override_settings

    django.setup()
    from django.conf import settings

    # No collectstatic for a benchmark; this bench's own URLconf adds the comparison sites.
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        ROOT_URLCONF=__name__,
    ).enable()


def words(rng, count):
    return " ".join(rng.choices(WORDS, k=count))


def create_content(total):
    """AI models with aliases, topics, and `total` publications each about 2 models and 2 topics."""
    from django.db import connection, transaction
    from django.utils.text import slugify

    from catalog.models import AIModel, AIModelAlias, Kind, Label, Publication, Status, Topic

    rng = random.Random(2025)
    ai_models = AIModel.objects.bulk_create(
        AIModel(name=name, slug=slugify(name) or f"model-{n}", status=Status.PUBLISHED)
        for n, name in enumerate(MODEL_NAMES)
    )
    AIModelAlias.objects.bulk_create(
        AIModelAlias(model=model, name=f"{model.slug}-{suffix}")
        for model in ai_models
        for suffix in ("2025-04-16", "nano")
    )
    topics = Topic.objects.bulk_create(
        Topic(name=name, slug=slugify(name), status=Status.PUBLISHED) for name in TOPIC_NAMES
    )
    kinds = [Kind.SYSTEM_CARD, Kind.RESEARCH, Kind.NEWS, Kind.NEWS, Kind.POLICY, Kind.ADDENDUM]
    statuses = [Status.PUBLISHED] * 7 + [Status.DRAFT, Status.REVIEW, Status.ARCHIVED]
    labels = ["", Label.PRODUCT, Label.PUBLICATION, Label.SAFETY]
    model_links = Publication.ai_models.through
    topic_links = Publication.topics.through
    newest = datetime(2025, 9, 30, tzinfo=UTC)
    cards = []
    started = time.perf_counter()
    for first in range(0, total, BATCH):
        rows = []
        for number in range(first, min(first + BATCH, total)):
            kind = rng.choice(kinds) if cards else Kind.SYSTEM_CARD
            rows.append(
                Publication(
                    title=f"{rng.choice(MODEL_NAMES)} {words(rng, 4)} {number}",
                    slug=f"publication-{number}",
                    kind=kind,
                    label=rng.choice(labels),
                    parent_id=rng.choice(cards) if kind == Kind.ADDENDUM else None,
                    summary=words(rng, 40),
                    body=words(rng, 150),
                    status=rng.choice(statuses),
                    published_at=newest - timedelta(minutes=rng.randrange(10 * 365 * 24 * 60)),
                )
            )
        with transaction.atomic():
            batch = Publication.objects.bulk_create(rows)
            cards += [row.pk for row in batch if row.kind == Kind.SYSTEM_CARD][:50]
            model_links.objects.bulk_create(
                model_links(publication_id=row.pk, aimodel_id=model.pk)
                for row in batch
                for model in rng.sample(ai_models, 2)
            )
            topic_links.objects.bulk_create(
                topic_links(publication_id=row.pk, topic_id=topic.pk)
                for row in batch
                for topic in rng.sample(topics, 2)
            )
        done = first + len(batch)
        print(f"  {done:>9,} / {total:,} publications  ({time.perf_counter() - started:.0f} s)")
    # Planner statistics, and PostgreSQL's visibility map, as a maintained database has them.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def comparison_sites():
    from django.contrib import admin

    from catalog.admin import PublicationAdmin
    from catalog.models import Publication

    class DefaultAdmin(admin.ModelAdmin):
        search_fields = PublicationAdmin.search_fields

    # The status and the date as plain columns: the badge and the day are our admin's.
    plain = {"status_badge": "status", "published_on": "published_at"}

    class UntunedAdmin(admin.ModelAdmin):
        list_display = [plain.get(name, name) for name in PublicationAdmin.list_display]
        list_filter = ["status", "kind", "label", "ai_models", "topics"]
        search_fields = PublicationAdmin.search_fields
        date_hierarchy = "published_at"

        @admin.display(description="AI models")
        def model_names(self, publication):
            return ", ".join(model.name for model in publication.ai_models.all())

    sites = {}
    for name, model_admin in [("default", DefaultAdmin), ("untuned", UntunedAdmin)]:
        sites[name] = admin.AdminSite(name=name)
        sites[name].register(Publication, model_admin)
    return sites


def measure(client, url, repeats):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):  # warm caches and the connection
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    query_count = len(queries)  # now: the next request clears the connection's query log
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return statistics.median(timings), p95, query_count


def run(args):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import path

    from safetyhub.urls import urlpatterns as site_urlpatterns

    sites = comparison_sites()
    urlpatterns[:] = [*site_urlpatterns, *(path(f"{name}/", sites[name].urls) for name in sites)]
    call_command("migrate", verbosity=0)
    print(f"Creating {args.publications:,} publications ...")
    create_content(args.publications)
    user = get_user_model().objects.create_superuser("bench", "bench@example.com", "bench")
    client = Client()
    client.force_login(user)

    page = max(1, min(500, args.publications // 100))  # exists at 100 rows a page too
    cases = [
        ("list", ""),
        (f"page {page}", f"?p={page}"),
        ("filter", "?status__exact=published&kind__exact=system_card"),
        ("search", "?q=o3"),
        # Ours lists years from the index (PublishedDateFilter); the others by date_hierarchy.
        ("year", {"ours": "?published=2020", "*": "?published_at__year=2020"}),
    ]
    prefixes = {"ours": "/admin/", "default": "/default/", "untuned": "/untuned/"}
    print(f"\n{args.requests} requests per case; times in ms; q = queries per request\n")
    header = f"{'case':<9}" + "".join(f"{name + ' median/p95':>22}{'q':>5}" for name in prefixes)
    print(header + f"{'ours/default':>14}{'ours/untuned':>14}")
    for label, query in cases:
        results = {
            name: measure(
                client,
                f"{prefix}catalog/publication/"
                + (query.get(name, query["*"]) if isinstance(query, dict) else query),
                args.requests,
            )
            for name, prefix in prefixes.items()
        }
        line = f"{label:<9}"
        for median, p95, queries in results.values():
            line += f"{f'{median:.1f} / {p95:.1f}':>22}{queries:>5}"
        ours = results["ours"][0]
        line += f"{ours / results['default'][0]:>14.2f}{ours / results['untuned'][0]:>14.2f}"
        print(line, flush=True)


def main():
    args = parse_args()
    if args.database_url:
        drop_database = create_postgres_database(args.database_url)
        setup_django(args.database_url)
    else:
        folder = tempfile.TemporaryDirectory(prefix="safetyhub-bench-")
        drop_database = folder.cleanup
        setup_django(f"sqlite:///{Path(folder.name) / 'bench.sqlite3'}")
    from django.db import connection

    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    try:
        run(args)
    finally:
        drop_database()


urlpatterns = []

if __name__ == "__main__":
    main()
