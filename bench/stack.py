"""Throughput through Varnish and straight to gunicorn, and a burst while a publisher publishes.

    .venv/bin/python bench/stack.py                       # 2,000 publications, 5 s per page
    .venv/bin/python bench/stack.py --burst-seconds 60 --redis-url redis://127.0.0.1:6379/6

It starts the stack of `scripts/stack` (deploy/stack.py: Varnish in front of two gunicorn app
servers, PostgreSQL, Redis) on a throwaway database `safetyhub_bench_stack` (dropped at the
end) holding the hub and `bench.synthetic --publications N`, with bench.settings (the
production settings plus the minimal view of bench/urls.py).

1. Pages: the hub, a list, a publication, a model page and a search, each loaded with wrk for
   --seconds straight to app server A (Django's page cache on, in Redis) and through Varnish;
   the minimal Django view straight to app server A before and after is the baseline.
2. Burst: wrk with --burst-connections (64) through Varnish over those pages for
   --burst-seconds (60) while this process publishes a draft every 2 s (a save through the ORM:
   the signals purge Varnish after the commit, as an editor's save does). After each publish a
   checker loads the list and the new page through Varnish until the new title shows; a page
   still without it 1 s after the commit counts as stale.

The Redis database given is emptied (FLUSHDB) at the start.
"""

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.site_pages import git_commit, postgres_database  # noqa: E402
from deploy.stack import Stack, varnish_missing  # noqa: E402

PYTHON = sys.executable
BENCH_DATABASE = "safetyhub_bench_stack"
MINIMAL = "/bench/minimal/"

WRK_SCRIPT = """
local paths = {%s}
local index = 0
request = function()
  index = index %% #paths + 1
  return wrk.format("GET", paths[index])
end
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(99),
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
"""

# Runs in `manage.py shell`: one real address per page type.
SAMPLE_PAGES = """
from django.db.models import Count
from catalog.models import AIModel, Publication
live = Publication.objects.live()
model = AIModel.objects.live().annotate(n=Count("publications")).order_by("-n", "pk").first()
publication = live.filter(kind="system_card").order_by("-published_at").first()
for url in ["/", "/publications/", publication.get_absolute_url(), model.get_absolute_url(),
            "/search/?q=jailbreak"]:
    print("PAGE", url)
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publications", type=int, default=2_000)
    parser.add_argument("--seconds", type=int, default=5, help="load time per page")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections per page")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server")
    parser.add_argument("--burst-seconds", type=int, default=60)
    parser.add_argument("--burst-connections", type=int, default=64)
    parser.add_argument("--publish-every", type=float, default=2.0, help="seconds")
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL server URL; the bench database is made and dropped there",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument(
        "--ports", type=int, help="Varnish on PORT, the app servers on PORT+1 and PORT+2"
    )
    return parser.parse_args()


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wrk(url, paths, seconds, connections, folder):
    """Requests per second, p50 and p99 in ms, and failed requests, from wrk's report."""
    script = folder / f"wrk-{secrets.token_hex(4)}.lua"
    script.write_text(WRK_SCRIPT % ", ".join(f'"{path}"' for path in paths))
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.search(r"^RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", out, re.MULTILINE)
    if not found:
        sys.exit(f"Could not read wrk's report for {url}:\n{out}")
    requests, duration_us, p50_us, p99_us, bad_status, socket_errors = map(int, found.groups())
    return requests / (duration_us / 1e6), p50_us / 1000, p99_us / 1000, bad_status + socket_errors


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def measure_pages(args, stack, pages, folder):
    rows = []

    def measure(label, base, path):
        wrk(base, [path], 1, args.connections, folder)  # warm every worker, fill the caches
        rps, p50, p99, errors = wrk(base, [path], args.seconds, args.connections, folder)
        rows.append((label, rps, p50, p99, errors))
        print(f"  {label}: {rps:,.0f} req/s", file=sys.stderr, flush=True)

    app = stack.app_url(0)
    measure(f"minimal view, gunicorn (before) {MINIMAL}", app, MINIMAL)
    for path in pages:
        measure(f"gunicorn  {path}", app, path)
        measure(f"Varnish   {path}", stack.url, path)
    measure(f"minimal view, gunicorn (after) {MINIMAL}", app, MINIMAL)
    return rows


def burst(args, stack, pages, folder):
    """wrk through Varnish while drafts are published every --publish-every seconds."""
    import django

    django.setup()
    from django.utils import timezone

    from catalog.models import Publication, Status

    count = int(args.burst_seconds / args.publish_every) + 2
    drafts = [
        Publication.objects.create(
            title=f"Burst draft {number} {secrets.token_hex(3)}",
            slug=f"burst-draft-{number}-{secrets.token_hex(3)}",
            kind="system_card",
            summary="Published during the burst.",
            status=Status.DRAFT,
            published_at=timezone.now(),
        )
        for number in range(count)
    ]
    result = {}
    runner = threading.Thread(
        target=lambda: result.update(
            figures=wrk(stack.url, pages, args.burst_seconds, args.burst_connections, folder)
        )
    )
    delays = []
    stale = []
    started = time.monotonic()
    runner.start()
    for tick, draft in enumerate(drafts, start=1):
        # On a fixed beat (every --publish-every from the start), whatever the checks took.
        moment = started + tick * args.publish_every
        if moment > started + args.burst_seconds - 1:
            break
        time.sleep(max(0, moment - time.monotonic()))
        draft.status = Status.PUBLISHED
        draft.published_at = timezone.now()
        draft.save()  # purged after the commit, by the signals, before save() returns
        committed = time.monotonic()
        for path in ["/publications/", draft.get_absolute_url()]:
            while True:
                status, html = fetch(stack.url + path)
                if status == 200 and draft.title in html:
                    delays.append(time.monotonic() - committed)
                    break
                if time.monotonic() - committed > 1:
                    stale.append(path)
                    break
                time.sleep(0.02)
    runner.join()
    rps, p50, p99, errors = result["figures"]
    return rps, p50, p99, errors, delays, stale


def report(args, rows, burst_figures):
    minimal = (rows[0][1] + rows[-1][1]) / 2
    lines = [
        f"Stack: Varnish in front of 2 gunicorn app servers ({args.workers} sync workers each), "
        f"PostgreSQL, Redis page cache; {args.publications:,} publications; wrk -t2 "
        f"-c{args.connections}, {args.seconds} s per page; {os.cpu_count()} CPUs (wrk, Varnish, "
        f"gunicorn and PostgreSQL share them); commit {git_commit()}; "
        f"{datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"{'page':58} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'vs min':>8} {'errors':>6}",
    ]
    for label, rps, p50, p99, errors in rows:
        lines.append(
            f"{label[:58]:58} {rps:8,.0f} {p50:7.1f} {p99:7.1f} {rps / minimal:7.1f}x {errors:>6}"
        )
    rps, p50, p99, errors, delays, stale = burst_figures
    lines += [
        "",
        "vs min: throughput / mean of the two minimal-view runs (gunicorn, same run).",
        "gunicorn: straight to app server A, page from Django's page cache (Redis) after the",
        "first request. Varnish: through Varnish, which keeps the page until a purge.",
        "",
        f"Burst: wrk -c{args.burst_connections} for {args.burst_seconds} s through Varnish over "
        f"the {len(rows) // 2 - 1} pages, a draft published every {args.publish_every:g} s",
        f"  {rps:,.0f} req/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, errors {errors}",
        f"  publishes checked: {len(delays) // 2 + len(stale)}; stale 1 s after a publish: "
        f"{len(stale)}"
        + (f" ({', '.join(stale)})" if stale else "")
        + (
            f"; new title seen through Varnish after {1000 * max(delays):.0f} ms at most, "
            f"{1000 * sorted(delays)[len(delays) // 2]:.0f} ms median"
            if delays
            else ""
        ),
    ]
    return "\n".join(lines)


def main():
    args = parse_args()
    if not shutil.which("wrk"):
        sys.exit("This benchmark needs wrk: apt-get install wrk")
    if reason := varnish_missing():
        sys.exit(f"This benchmark needs Varnish: {reason}.")
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    scratch = Path(tempfile.mkdtemp(prefix="safetyhub-bench-stack-"))
    database_url, drop_database = postgres_database(args.database_url, name=BENCH_DATABASE)
    ports = (
        [args.ports, args.ports + 1, args.ports + 2]
        if args.ports
        else [free_port() for _ in range(3)]
    )
    stack = Stack(
        database_url=database_url,
        redis_url=args.redis_url,
        workdir=scratch,
        varnish_port=ports[0],
        app_ports=tuple(ports[1:]),
        workers=args.workers,
        settings_module="bench.settings",
        env={"DJANGO_SECRET_KEY": secrets.token_urlsafe(50)},
    )
    # This process publishes during the burst: the same database, cache and purge address.
    os.environ.update(
        {
            key: value
            for key, value in stack.app_env.items()
            if key.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
        }
    )
    try:
        print(f"Preparing {args.publications:,} publications ...", file=sys.stderr, flush=True)
        stack.prepare(content=False)
        stack.manage("load_hub", "--verbosity", "0")
        subprocess.run(
            [PYTHON, "-m", "bench.synthetic", "--publications", str(args.publications)],
            cwd=ROOT,
            env=stack.setup_env,
            check=True,
        )
        out = subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", SAMPLE_PAGES],
            cwd=ROOT,
            env=stack.setup_env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        pages = [line.split()[1] for line in out.splitlines() if line.startswith("PAGE ")]
        stack.start()
        for path in [MINIMAL, *pages]:
            for base in (stack.app_url(0), stack.url):
                status, _ = fetch(base + path)
                if status != 200:
                    sys.exit(f"{base}{path} answered {status}, not 200; fix it before timing.")
        print("Pages:", file=sys.stderr, flush=True)
        rows = measure_pages(args, stack, pages, scratch)
        print(f"Burst for {args.burst_seconds} s ...", file=sys.stderr, flush=True)
        burst_figures = burst(args, stack, pages, scratch)
    finally:
        stack.stop()
        from django.db import connections

        connections.close_all()
        drop_database()
        shutil.rmtree(scratch, ignore_errors=True)

    table = report(args, rows, burst_figures)
    print(table)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    path = results / f"stack-{datetime.now():%Y-%m-%d-%H%M}.txt"
    path.write_text(table + "\n")
    print(f"\nWritten to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
