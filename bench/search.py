"""Search latency: the real /search/ view against a plain icontains scan, on generated data.

    .venv/bin/python bench/search.py            # 10,000 and 100,000, SQLite and PostgreSQL
    .venv/bin/python bench/search.py --publications 10000 --databases sqlite

Each run makes a database per size (a SQLite file; `safetyhub_bench_search_<N>` on the
PostgreSQL server of --postgres-url), migrates it, generates the data set with
`bench/synthetic.py`, and then times a fixed mix of queries through the view (Django's test
client, DEBUG off) and, in the same run, the same queries answered with icontains over the
same fields, as the baseline. It prints p50/p95 per query type and the baseline's p50 and p95
divided by the engine's.

Without --reuse the databases are thrown away at the end. With it they are kept (the SQLite
files in --data-dir) and the next --reuse run only migrates them and tops them up, which
saves the minutes that generating 100,000 publications takes:

    .venv/bin/python bench/search.py --reuse --publications 100000 --databases sqlite
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERY_TYPES = {
    # type: (search text, extra parameters); several texts per type, used in turn.
    "single word": [("jailbreak", {}), ("hallucination", {}), ("sandbagging", {})],
    "multi-word": [("red teaming", {}), ("bias evaluation", {}), ("privacy safeguards", {})],
    "phrase": [('"prompt injection"', {}), ('"parental controls"', {})],
    "fallback": [("sandbagging zebra", {}), ("jailbreak gardening tips", {})],
    "typo": [("jailbrek", {}), ("halucination", {})],
    "facet-filtered": [
        ("jailbreak", {"model": None}),
        ("evaluation", {"model": None, "topic": None}),
    ],
    "model name": [("atlas-mini", {}), ("Boreal", {}), ("helix pro", {})],
    "no match": [("zyxwvut", {}), ("qqqxxzz", {})],
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publications", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--postgres-prefix",
        default="safetyhub_bench_search",
        help="the PostgreSQL databases are named <prefix>_<publications>",
    )
    parser.add_argument("--requests", type=int, default=30, help="timed requests per query type")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="DATABASE_CONN_MAX_AGE, as in production (README); 0 opens a connection a request",
    )
    parser.add_argument(
        "--baseline-requests",
        type=int,
        default=2,
        help="icontains scans per search text (each takes seconds to a minute at 100,000)",
    )
    parser.add_argument(
        "--baseline-texts",
        type=int,
        default=0,
        help="scan only the first N search texts of each query type (default: all)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the generated databases, and use the ones kept by an earlier --reuse run",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "safetyhub-bench-search",
        help="where --reuse keeps the SQLite databases (default: %(default)s)",
    )
    return parser.parse_args()


def postgres_name(publications):
    return f"{parse_args().postgres_prefix}_{publications}"


def database_url(kind, publications, folder, postgres_url):
    if kind == "sqlite":
        return f"sqlite:///{folder / f'search-{publications}.sqlite3'}"
    return postgres_url.rsplit("/", 1)[0] + "/" + postgres_name(publications)


def postgres_database(postgres_url, publications, *, drop, create):
    import psycopg

    name = postgres_name(publications)
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if drop or not exists.fetchone():
            connection.execute(f"DROP DATABASE IF EXISTS {name}")
            if create:
                connection.execute(f"CREATE DATABASE {name}")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def icontains_baseline(text, params):
    """The same answer (count, first page, facet counts) from icontains scans."""
    from django.db.models import Count, Q
    from django.db.models.functions import ExtractYear

    from catalog.models import AIModel, Publication

    matches = Publication.objects.live()
    for word in text.replace('"', "").split():
        either = Q()
        for field in ["title", "summary", "body", "ai_models__name", "topics__name"]:
            either |= Q(**{f"{field}__icontains": word})
        matches = matches.filter(pk__in=Publication.objects.filter(either).values("pk"))
    if params.get("model"):
        model = AIModel.objects.get(slug=params["model"])
        matches = matches.filter(ai_models=model)
    if params.get("topic"):
        matches = matches.filter(topics__slug=params["topic"])
    count = matches.count()
    page = list(matches.order_by("-published_at")[:20])
    links = Publication.ai_models.through.objects.filter(publication__in=matches)
    facets = [
        list(links.values("aimodel").annotate(n=Count("publication"))),
        list(
            Publication.topics.through.objects.filter(publication__in=matches)
            .values("topic")
            .annotate(n=Count("publication"))
        ),
        list(matches.values("kind").annotate(n=Count("pk")).order_by()),
        list(matches.values("label").annotate(n=Count("pk")).order_by()),
        list(
            matches.annotate(year=ExtractYear("published_at"))
            .values("year")
            .annotate(n=Count("pk"))
            .order_by()
        ),
    ]
    return count, page, facets


def measure(run, requests, *, warm_up=True):
    """Milliseconds per run, and what the last run returned."""
    found = run() if warm_up else None
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        found = run()
        times.append((time.perf_counter() - started) * 1000)
    return times, found


def bench_one(kind, publications, args):
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from bench import synthetic
    from catalog.models import AIModel, Publication, Topic

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    synthetic.main(["--publications", str(publications)])
    setup_test_environment()
    client = Client()
    from django.db.models import Count

    # The facets a visitor would pick: the models and topics with the most publications.
    model = AIModel.objects.live().annotate(n=Count("publications")).order_by("-n").first()
    topic = Topic.objects.live().annotate(n=Count("publications")).order_by("-n").first()
    rows = []
    for name, cases in QUERY_TYPES.items():
        engine_times, baseline_times, counts = [], [], []
        for text, extra in cases:
            params = {"q": text}
            for key in extra:
                params[key] = {"model": model.slug, "topic": topic.slug}[key]

            def view(params=params):
                response = client.get("/search/", params)
                assert response.status_code == 200, response.status_code

            engine_times += measure(view, args.requests // len(cases))[0]
            if args.baseline_texts and len(counts) >= args.baseline_texts:
                continue
            times, (count, *_) = measure(
                lambda text=text, params=params: icontains_baseline(text, params),
                args.baseline_requests,
                warm_up=False,
            )
            baseline_times += times
            counts.append(count)
        rows.append((name, engine_times, baseline_times, counts))
    live = Publication.objects.live().count()
    load = ", ".join(f"{figure:.2f}" for figure in os.getloadavg())
    scanned = f" (the first {args.baseline_texts} of each type)" if args.baseline_texts else ""
    print(
        f"\n{kind}, {publications:,} publications ({live:,} live), "
        f"{args.requests} requests per query type, DATABASE_CONN_MAX_AGE={args.conn_max_age}, "
        f"{args.baseline_requests} icontains scans "
        f"per search text{scanned}; load average {load}\n"
    )
    print(
        f"{'query type':15} {'search p50':>11} {'p95':>8}   {'icontains p50':>13} {'p95':>8}"
        f"   {'speed-up p50':>12} {'p95':>6}   results (icontains)"
    )
    for name, engine_times, baseline_times, counts in rows:
        p50, p95 = percentile(engine_times, 0.5), percentile(engine_times, 0.95)
        b50, b95 = percentile(baseline_times, 0.5), percentile(baseline_times, 0.95)
        print(
            f"{name:15} {p50:9.1f}ms {p95:6.1f}ms   {b50:11.1f}ms {b95:6.1f}ms"
            f"   {b50 / p50:11.1f}x {b95 / p95:5.1f}x   {', '.join(f'{c:,}' for c in counts)}"
        )
    return rows


def main():
    args = parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    for kind in args.databases:
        for publications in args.publications:
            with tempfile.TemporaryDirectory(prefix="safetyhub-search-") as scratch:
                folder = args.data_dir if args.reuse else Path(scratch)
                if kind == "postgresql":
                    postgres_database(
                        args.postgres_url, publications, drop=not args.reuse, create=True
                    )
                (Path(scratch) / "static").mkdir()  # whitenoise looks for it on start
                code = (
                    "import bench.search as b, safetyhub.wsgi; "
                    f"b.bench_one({kind!r}, {publications}, b.parse_args())"
                )
                env = {
                    **os.environ,
                    "DATABASE_URL": database_url(kind, publications, folder, args.postgres_url),
                    "DJANGO_SETTINGS_MODULE": "safetyhub.settings",
                    "DJANGO_DEBUG": "false",
                    "DJANGO_STATIC_ROOT": str(Path(scratch) / "static"),
                    # Every search is timed as rendered, not as read back from the page cache.
                    "DJANGO_PAGE_CACHE_SECONDS": "0",
                    "DATABASE_CONN_MAX_AGE": str(args.conn_max_age),
                }
                # One process per database, so each gets its own settings.
                try:
                    subprocess.run(
                        [sys.executable, "-c", code, *sys.argv[1:]], env=env, cwd=ROOT, check=True
                    )
                finally:
                    if kind == "postgresql" and not args.reuse:
                        postgres_database(args.postgres_url, publications, drop=True, create=False)
    print("\nTimes are wall-clock per request on this machine; compare ratios, not absolutes.")


if __name__ == "__main__":
    main()
