"""Throughput of every public page type under gunicorn, next to a minimal Django view.

    .venv/bin/python bench/site_pages.py                  # 10,000 publications, SQLite
    .venv/bin/python bench/site_pages.py --database-url postgres://postgres@127.0.0.1:5432/postgres

It makes a throwaway database (a temporary SQLite file, or `safetyhub_bench_pages` on the
given PostgreSQL server), loads the hub and `generate_content --publications N`, collects
static files, starts gunicorn with production settings (DEBUG off, 2 workers) and loads
each page with wrk (`apt-get install wrk`) for --seconds. The minimal view is measured
before and after the pages; each page's throughput is divided by their mean.
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = 8799


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publications", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=5, help="load time per page")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--database-url", help="a PostgreSQL server URL; default: SQLite")
    return parser.parse_args()


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def sample_urls(env):
    """One real address for every page type, picked from the generated data."""
    code = """
from django.db.models import Count
from catalog.models import AIModel, Committee, Person, Practice, Publication, Topic
live = Publication.objects.live()
model = AIModel.objects.live().annotate(n=Count("publications")).order_by("-n").first()
print("/")
print("/publications/")
print(f"/publications/?kind=system_card&model={model.slug}&order=title")
print(f"/publications/?page={max(1, live.count() // 40)}")  # halfway down the list
print(live.filter(kind="system_card").first().get_absolute_url())
print("/news/")
print("/models/")
print("/models/?view=timeline")
print(model.get_absolute_url())
print("/topics/")
print(Topic.objects.live().annotate(n=Count("publications")).order_by("-n").first().get_absolute_url())
print("/committees/")
print(Committee.objects.live().first().get_absolute_url())
print("/people/")
print(Person.objects.first().get_absolute_url())
print("/conversations/")
print("/lifecycle/")
print(Practice.objects.annotate(n=Count("publications")).order_by("-n").first().get_absolute_url())
print("/feeds/publications.rss")
print(f"{model.get_absolute_url()}feed.rss")
print("/sitemap.xml")
print("/search/?q=jailbreak")
"""
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [word for word in out.split() if word.startswith("/")]


def wrk(url, seconds, connections):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def latency(percent):
        value, unit = re.search(rf"\s{percent}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, latency(50), latency(99), int(errors.group(1)) if errors else 0


def main():
    args = parse_args()
    if not shutil.which("wrk"):
        sys.exit("This benchmark needs wrk: apt-get install wrk")
    scratch = Path(tempfile.mkdtemp(prefix="safetyhub-pages-"))
    if args.database_url:
        import psycopg

        with psycopg.connect(args.database_url, autocommit=True) as connection:
            connection.execute("DROP DATABASE IF EXISTS safetyhub_bench_pages")
            connection.execute("CREATE DATABASE safetyhub_bench_pages")
        database_url = args.database_url.rsplit("/", 1)[0] + "/safetyhub_bench_pages"
    else:
        database_url = f"sqlite:///{scratch / 'bench.sqlite3'}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_STATIC_ROOT": str(scratch / "static"),
        "DATABASE_URL": database_url,
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    print(f"Preparing {args.publications:,} publications on {database_url.split(':')[0]} ...")
    manage(env, "migrate", "--verbosity", "0")
    manage(env, "load_hub", "--verbosity", "0")
    manage(env, "generate_content", "--publications", str(args.publications))
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    urls = sample_urls(env)

    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "bench.wsgi_app",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{PORT}"
    try:
        for _ in range(100):
            if server.poll() is not None:
                sys.exit("gunicorn stopped; its messages are above.")
            try:
                urllib.request.urlopen(f"{base}/bench/minimal/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        for path in urls:
            try:
                urllib.request.urlopen(base + path, timeout=30)
            except OSError as error:
                sys.exit(f"{path} did not answer 200 ({error}); fix it before timing.")

        rows = [("minimal view (before)", *wrk(f"{base}/bench/minimal/", args.seconds, 8))]
        for path in urls:
            rows.append((path, *wrk(base + path, args.seconds, args.connections)))
            print(f"  {path}: {rows[-1][1]:,.0f} req/s", file=sys.stderr)
        rows.append(("minimal view (after)", *wrk(f"{base}/bench/minimal/", args.seconds, 8)))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)

    minimal = (rows[0][1] + rows[-1][1]) / 2
    lines = [
        f"Site pages, {args.publications:,} publications, {database_url.split(':')[0]}, "
        f"gunicorn {args.workers} workers, wrk {args.connections} connections, "
        f"{args.seconds}s per page, {date.today()}",
        "",
        f"{'page':70} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs minimal':>11} {'errors':>7}",
    ]
    for path, rps, p50, p99, errors in rows:
        lines.append(
            f"{path[:70]:70} {rps:8,.0f} {p50:8.1f} {p99:8.1f} {rps / minimal:10.2f}x {errors:7}"
        )
    report = "\n".join(lines)
    print(report)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"site_pages-{date.today()}.txt").write_text(report + "\n")


if __name__ == "__main__":
    main()
