"""Throughput of every public page type under gunicorn, next to a minimal Django view.

    .venv/bin/python bench/site_pages.py                  # 10,000 publications, SQLite
    .venv/bin/python bench/site_pages.py --database-url postgres://postgres@127.0.0.1:5432/postgres

It makes a throwaway database (a temporary SQLite file, or `safetyhub_bench_pages` on the
given PostgreSQL server, dropped at the end), loads the hub and `python -m bench.synthetic
--publications N`, collects static files, starts gunicorn with production settings (DEBUG
off, a fresh secret key, persistent database connections as the README's production column)
and loads each page with wrk (`apt-get install wrk`) for --seconds. The minimal view
(bench/urls.py, through the same middleware) is measured before and after the pages; each
page's throughput is divided by their mean. Queries and size come from one request through
Django's test client on the same data.

By default every page is measured twice, on two gunicorn runs: with the page cache off (each
request renders the page) and on (the page comes from the cache after its first request;
--page-cache off|on measures one). The cache is the per-process memory cache here, as on a
server without REDIS_URL.
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BENCH_DATABASE = "safetyhub_bench_pages"
MINIMAL = "/bench/minimal/"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publications", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=5, help="load time per page")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--conn-max-age", type=int, default=60, help="DATABASE_CONN_MAX_AGE")
    parser.add_argument(
        "--page-cache",
        choices=["off", "on", "both"],
        default="both",
        help="measure with the page cache off (every request renders), on, or both in turn",
    )
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server URL; the bench database is made and dropped there. "
        "Default: SQLite in a temporary folder",
    )
    return parser.parse_args()


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


# Runs in `manage.py shell`: one real address per page type, with its queries and size.
SAMPLE_PAGES = """
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from catalog.models import AIModel, Committee, Person, Practice, Publication, Topic

def most(queryset, relation="publications"):
    return queryset.annotate(n=Count(relation)).order_by("-n", "pk").first()

live = Publication.objects.live()
model = most(AIModel.objects.live())
urls = [
    "/",
    "/publications/",
    f"/publications/?kind=system_card&model={model.slug}&order=title",
    "/publications/?page=50",
    most(live.filter(kind="system_card"), "addenda").get_absolute_url(),
    "/news/",
    "/models/",
    "/models/?view=timeline",
    model.get_absolute_url(),
    "/topics/",
    most(Topic.objects.live()).get_absolute_url(),
    "/committees/",
    most(Committee.objects.live()).get_absolute_url(),
    "/people/",
    most(Person.objects.all(), "memberships").get_absolute_url(),
    "/conversations/",
    "/lifecycle/",
    most(Practice.objects.all()).get_absolute_url(),
    "/feeds/publications.rss",
    f"{model.get_absolute_url()}feed.rss",
    "/sitemap.xml",
    "/search/?q=jailbreak",
]
client = Client()
for url in urls:
    client.get(url)  # warm the caches the first request fills
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    print("PAGE", url, response.status_code, len(queries), len(response.content))
"""


def sample_pages(env):
    """[(path, queries, bytes)]; stops the run if any page does not answer 200."""
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", SAMPLE_PAGES],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pages = []
    for line in out.splitlines():
        if line.startswith("PAGE "):
            _, path, status, queries, size = line.split()
            if status != "200":
                sys.exit(f"{path} answered {status} through the test client; fix it first.")
            pages.append((path, int(queries), int(size)))
    return pages


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check_200(url):
    """A page must answer 200 itself: wrk would count an error page or a redirect as a success."""
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(url, timeout=60) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 200:
        sys.exit(f"{url} answered {status} under gunicorn, not 200; fix it before timing.")


WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
"""


def wrk(url, seconds, connections, script):
    """Requests per second, p50 and p99 in ms, and failed requests, as wrk's report gives them."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.search(r"^RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", out, re.MULTILINE)
    if not found:
        sys.exit(f"Could not read wrk's report for {url}:\n{out}")
    requests, duration_us, p50_us, p99_us, bad_status, socket_errors = map(int, found.groups())
    return requests / (duration_us / 1e6), p50_us / 1000, p99_us / 1000, bad_status + socket_errors


def postgres_database(server_url, name=BENCH_DATABASE):
    """Make the bench database `name` on that server; return its URL and a function that drops
    it."""
    import psycopg

    def run(statement):
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(statement)

    run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    run(f"CREATE DATABASE {name}")
    url = server_url.rsplit("/", 1)[0] + f"/{name}"
    return url, lambda: run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def git_commit():
    found = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    )
    return found.stdout.strip() or "unknown"


def serve_and_measure(args, env, pages):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    script = Path(env["DJANGO_STATIC_ROOT"]).parent / "report.lua"
    script.write_text(WRK_REPORT)
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "bench.wsgi_app",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(150):
            if server.poll() is not None:
                sys.exit("gunicorn stopped; its messages are above.")
            try:
                urllib.request.urlopen(base + MINIMAL, timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        for path in [MINIMAL, *(path for path, _, _ in pages)]:
            check_200(base + path)
        rows = []

        def measure(label, path, queries="", size=""):
            wrk(base + path, 1, args.connections, script)  # warm every worker
            rps, p50, p99, errors = wrk(base + path, args.seconds, args.connections, script)
            rows.append((label, rps, p50, p99, errors, queries, size))
            print(f"  {label}: {rps:,.0f} req/s", file=sys.stderr, flush=True)

        measure("minimal view (before)", MINIMAL)
        for path, queries, size in pages:
            measure(path, path, queries, size)
        measure("minimal view (after)", MINIMAL)
        return rows
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def report(args, vendor, runs):
    """One table: for each page, every mode's figures side by side."""
    lines = [
        f"Site pages: {args.publications:,} publications on {vendor}; gunicorn {args.workers} "
        f"sync workers, DATABASE_CONN_MAX_AGE={args.conn_max_age}; wrk -t2 "
        f"-c{args.connections}, {args.seconds} s per page; {os.cpu_count()} CPUs; "
        f"commit {git_commit()}; {datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"{'':48}"
        + "".join(f" {f'page cache {mode}':^34}" for mode in runs)
        + f" {'':7} {'':5} {'':6}",
        f"{'page':48}"
        + f" {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'vs min':>10}" * len(runs)
        + f" {'queries':>7} {'KB':>5} {'errors':>6}",
    ]
    minimal = {mode: (rows[0][1] + rows[-1][1]) / 2 for mode, rows in runs.items()}
    # The bare Django stack is the baseline: with the cache on, the minimal view also pays for
    # the generation check, which would flatter the cached pages' ratios.
    baseline = {mode: minimal.get("off", minimal[mode]) for mode in runs}
    for index, (label, *_rest, queries, size) in enumerate(next(iter(runs.values()))):
        line = f"{label[:48]:48}"
        errors = 0
        for mode, rows in runs.items():
            _, rps, p50, p99, row_errors, _, _ = rows[index]
            ratio = rps / baseline[mode]
            flag = " <" if ratio < 0.10 else "  "
            line += f" {rps:7,.0f} {p50:7.1f} {p99:7.1f} {ratio:7.2f}x{flag}"
            errors += row_errors
        kilobytes = f"{size / 1024:.0f}" if size != "" else ""
        lines.append(f"{line} {queries:>7} {kilobytes:>5} {errors:>6}")
    lines += [
        "",
        "vs min: throughput / mean of the two minimal-view runs with the page cache off (the",
        "bare Django stack; with it on, the minimal view pays for the cache check too);",
        "< marks below 0.10. queries: one render with the page cache off. With it on, a page",
        "is rendered once per content change and then read from the cache with one query.",
    ]
    return "\n".join(lines)


def main():
    args = parse_args()
    if not shutil.which("wrk"):
        sys.exit("This benchmark needs wrk: apt-get install wrk")
    scratch = Path(tempfile.mkdtemp(prefix="safetyhub-pages-"))
    drop_database = None
    try:
        if args.database_url:
            database_url, drop_database = postgres_database(args.database_url)
        else:
            database_url = f"sqlite:///{scratch / 'bench.sqlite3'}"
        vendor = database_url.split(":")[0]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DJANGO_STATIC_ROOT": str(scratch / "static"),
            "DATABASE_URL": database_url,
            "DATABASE_CONN_MAX_AGE": str(args.conn_max_age),
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        print(f"Preparing {args.publications:,} publications on {vendor} ...")
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "load_hub", "--verbosity", "0")
        subprocess.run(
            [PYTHON, "-m", "bench.synthetic", "--publications", str(args.publications)],
            cwd=ROOT,
            env=env,
            check=True,
        )
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        pages = sample_pages({**env, "DJANGO_PAGE_CACHE_SECONDS": "0"})
        modes = ["off", "on"] if args.page_cache == "both" else [args.page_cache]
        runs = {}
        for mode in modes:
            print(f"Page cache {mode}:", file=sys.stderr, flush=True)
            seconds = "0" if mode == "off" else "600"
            runs[mode] = serve_and_measure(
                args, {**env, "DJANGO_PAGE_CACHE_SECONDS": seconds}, pages
            )
    finally:
        if drop_database:
            drop_database()
        shutil.rmtree(scratch, ignore_errors=True)

    table = report(args, vendor, runs)
    print(table)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    path = results / f"site_pages-{datetime.now():%Y-%m-%d-%H%M}-{vendor}.txt"
    path.write_text(table + "\n")
    print(f"\nWritten to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
